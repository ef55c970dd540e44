/**
 * `serverless package` for real (serverless v3, offline, no credentials),
 * then assertions on the CloudFormation template it writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contracts, requestRulePattern, type EventContract } from '../../shared/contracts/events';
import { loadServiceModel } from '../../tooling/serverless-config';
import { guardrailsFor } from '../../shared/guardrails';
import { provisionedProductsAllowlist } from '../../shared/provisioned-product/allowlist';
import { cloudControlAllowlist } from '../../shared/resource-operation/allowlist';
import { passRolePolicy } from '../../shared/workflow/stage-allowlists';
import { normaliseTemplate } from '../support/template';
import { WORKFLOWS } from '../../shared/workflows';

const root = join(__dirname, '..', '..');
let template: { Resources: Record<string, { Type: string; Properties: any }> };
let artifacts: string[];

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'shepherd-package-'));
  execFileSync(process.execPath, [require.resolve('serverless/bin/serverless.js'), 'package', '--stage', 'test', '--package', out], {
    cwd: root,
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'shepherd-no-such-profile',
    },
    stdio: 'pipe',
    timeout: 120_000,
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  artifacts = readdirSync(out);
}, 150_000);

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const functionNamed = (key: string) => template.Resources[`${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`]!;

/** Every action granted (Allow) to a function's own role, except CloudWatch Logs. */
function actionsOf(key: string): string[] {
  const roleId = functionNamed(key).Properties.Role['Fn::GetAtt'][0];
  const statements = template.Resources[roleId]!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).filter((s: any) => s.Effect === 'Allow');
  return statements
    .flatMap((s: any) => [s.Action].flat())
    .filter((a: string) => !a.startsWith('logs:'))
    .sort();
}

describe('serverless package', () => {
  it('deploys exactly the resources and permissions of the reviewed baseline (test/fixtures/package-baseline)', () => {
    const baseline = JSON.parse(readFileSync(join(root, 'test/fixtures/package-baseline/stage-test.json'), 'utf8'));
    expect(normaliseTemplate(template as never)).toEqual(baseline);
  });

  it('bundles one artifact per function', () => {
    const functionKeys = Object.keys(loadServiceModel(root).functions);
    // The platform's four, and each workflow's Task functions (their declarations, shared/workflows.ts).
    expect(functionKeys).toHaveLength(4 + WORKFLOWS.reduce((n, workflow) => n + workflow.tasks.length, 0));
    for (const key of functionKeys) expect(artifacts).toContain(`${key}.zip`);
  });

  it('runs every function on nodejs22.x', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it.each([
    ['ResourceOperationStateMachine', 'resource-operation', 'Submit To Cloud Control', 'StartResourceOperationLambdaFunction'],
    ['PortfolioShareStateMachine', 'portfolio-share', 'Announce Failed Accounts', 'AnnounceShareFailuresLambdaFunction'],
    ['OrganizationsAccessStateMachine', 'organizations-access', 'Request Access Change', 'RequestOrganizationsAccessChangeLambdaFunction'],
    ['ProvisionedProductPropertiesStateMachine', 'provisioned-product-properties', 'Check Record Status', 'CheckProvisionedProductUpdateLambdaFunction'],
    ['ProgramManagementAccountStateMachine', 'program-management-account', 'Update Program Management Account', 'UpdateProgramManagementAccountLambdaFunction'],
  ])('deploys %s from workflows/%s.asl.json with Task ARNs substituted', (logicalId, file, taskState, functionId) => {
    const machine = template.Resources[logicalId]!;
    expect(machine.Type).toBe('AWS::StepFunctions::StateMachine');
    const [text, vars] = machine.Properties.DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];
    const asl = JSON.parse(text);
    const local = JSON.parse(readFileSync(join(root, `workflows/${file}.asl.json`), 'utf8'));
    expect(Object.keys(asl.States)).toEqual(Object.keys(local.States));
    expect(asl.TimeoutSeconds).toBe(local.TimeoutSeconds);
    expect(asl.States[taskState].Resource).toMatch(/^\$\{\w+\}$/);
    expect(Object.values(vars)).toContainEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(machine.Properties.LoggingConfiguration.IncludeExecutionData).toBe(false);
  });

  it('queues every request the stage accepts, durably, for the intake to take with partial batch responses', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const who = { sources: Object.keys(guardrailsFor('test').sources), accounts: [{ Ref: 'AWS::AccountId' }] };
    const toQueue = rules.filter((r) => r.Targets[0].Arn['Fn::GetAtt']?.[0] === 'RequestQueue');
    expect(toQueue).toHaveLength(1);
    const [rule] = toQueue;
    expect(rule.EventBusName).toEqual({ Ref: 'Bus' });
    expect(rule.EventPattern).toEqual(requestRulePattern(who));
    // EventBridge retries delivery for its whole 24-hour window, then the request dead-letter queue.
    expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    expect(rule.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['RequestDeadLetterQueue', 'Arn'] });
    // No request goes to a function directly any more: only the rescue's status changes and the sweep's schedule do.
    const toFunctions = rules.filter((r) => r.Targets[0].Arn['Fn::GetAtt']?.[0]?.endsWith('LambdaFunction'));
    expect(toFunctions.map((r) => r.EventPattern?.source ?? r.ScheduleExpression)).toEqual(['rate(15 minutes)', ['aws.states']]);

    const queue = template.Resources.RequestQueue!.Properties;
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['RequestDeadLetterQueue', 'Arn'] }, maxReceiveCount: 1000 });
    expect(template.Resources.RequestDeadLetterQueue!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    // Lambda asks for a visibility timeout of at least six times the function's.
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * functionNamed('ingestRequests').Properties.Timeout);
    const [mapping] = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    expect(mapping).toMatchObject({ EventSourceArn: { 'Fn::GetAtt': ['RequestQueue', 'Arn'] }, FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10 });
    // Only the request rule may send to the request queues.
    const policy = template.Resources.RequestQueuePolicy!.Properties.PolicyDocument.Statement[0];
    expect(policy).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
    expect(policy.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['RequestRule', 'Arn'] } } });
  });

  it('lets the rescue rule on the default bus dead-letter too', () => {
    const rescue = ofType('AWS::Events::Rule').map(([, r]) => r.Properties).find((r) => r.EventPattern?.source?.[0] === 'aws.states')!;
    expect(rescue.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    const allowed = template.Resources.DeadLetterQueuePolicy!.Properties.PolicyDocument.Statement[0].Condition.ArnLike['aws:SourceArn'];
    const ruleArn = `arn:aws:events:us-east-1:123456789012:rule/${rescue.Name}`;
    const matches = allowed.some((pattern: { 'Fn::Sub': string }) => {
      const text = pattern['Fn::Sub'].replace('${AWS::Partition}', 'aws').replace('${AWS::Region}', 'us-east-1').replace('${AWS::AccountId}', '123456789012');
      return new RegExp(`^${text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(ruleArn);
    });
    expect({ ruleArn, matches }).toEqual({ ruleArn, matches: true });
  });

  it('lets only the deploying and configured accounts put events on the bus, each request source only from its principals, and `shepherd` only from its own roles', () => {
    const policies = ofType('AWS::Events::EventBusPolicy').map(([id, r]) => ({ id, ...r.Properties, DependsOn: (r as any).DependsOn }));
    const bySid = Object.fromEntries(policies.map((p) => [p.StatementId, p]));
    // CloudFormation names these by StatementId account-wide: the stage is part of it.
    expect(Object.keys(bySid).every((sid) => sid.startsWith('shepherd-test-'))).toBe(true);
    expect(policies.every((p) => JSON.stringify(p.EventBusName) === JSON.stringify({ Ref: 'Bus' }))).toBe(true);
    // Created one after another (each is a PutPermission on the same policy).
    expect(policies.slice(1).every((p, i) => p.DependsOn?.[0] === policies[i]!.id)).toBe(true);

    const accounts = bySid['shepherd-test-DenyUnconfiguredAccounts']!.Statement;
    expect(accounts).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'events:PutEvents' });
    expect(accounts.Condition.StringNotEquals['aws:PrincipalAccount']).toEqual([{ Ref: 'AWS::AccountId' }]); // one value: no empty entry when there are no extra accounts
    // The test stage configures no extra accounts: no Allow at all.
    expect(policies.some((p) => p.Statement.Effect === 'Allow')).toBe(false);

    // `shepherd` may be sent only by the roles of the functions that publish — exactly those with events:PutEvents.
    const forged = bySid['shepherd-test-DenyForgedShepherd']!.Statement;
    expect(forged.Condition.StringEquals).toEqual({ 'events:source': 'shepherd' });
    const allowedRoles = forged.Condition.ArnNotEquals['aws:PrincipalArn'].map((r: any) => r['Fn::GetAtt'][0]).sort();
    const publishers = ofType('AWS::IAM::Role')
      .filter(([, role]) => role.Properties.Policies.some((p: any) => p.PolicyDocument.Statement.some((st: any) => st.Effect === 'Allow' && [st.Action].flat().includes('events:PutEvents'))))
      .map(([id]) => id)
      .sort();
    expect(allowedRoles).toEqual(publishers);
    expect(publishers).toContain('EmitResourceOperationCompletedIamRoleLambdaExecution');

    // One Deny per accepted source, tied to the principals config/guardrails.json lists for it.
    const sources = guardrailsFor('test').sources;
    const sourceDenies = policies.filter((p) => p.Statement.Condition?.ArnNotLike);
    expect(Object.fromEntries(sourceDenies.map((p) => [p.Statement.Condition.StringEquals['events:source'], p.Statement.Condition.ArnNotLike['aws:PrincipalArn']]))).toEqual(sources);

    // Other accounts are refused by the bus policy before any rule sees them: no rule for them (it could never match).
    expect(ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.EventPattern ?? {}).includes('"account":[{"anything-but"'))).toEqual([]);
    for (const id of ['UnacceptedSourceRule']) {
      const rule = template.Resources[id]!.Properties;
      expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['UnacceptedRequestsLogGroup', 'Arn'] });
      expect(rule.EventPattern['detail-type']).toHaveLength(Object.values(contracts as Record<string, EventContract>).filter((c) => c.direction === 'request').length);
    }
    expect(template.Resources.UnacceptedSourceRule!.Properties.EventPattern.source).toEqual([{ 'anything-but': Object.keys(sources) }]);
  });

  it('rescues terminal events from Step Functions status changes of its own state machines, and sweeps every 15 minutes', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const rescue = rules.find((r) => r.EventPattern?.source?.[0] === 'aws.states')!;
    expect(rescue.EventBusName).toBeUndefined(); // the default bus, where Step Functions reports
    expect(rescue.EventPattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    expect(rescue.EventPattern.detail.stateMachineArn).toHaveLength(ofType('AWS::StepFunctions::StateMachine').length);
    expect(rescue.Targets[0].DeadLetterConfig).toBeDefined();
    expect(rules.find((r) => r.ScheduleExpression)!.ScheduleExpression).toBe('rate(15 minutes)');
  });

  it('gives each function a role of its own holding only the actions it calls', () => {
    // The event source mapping's own actions (receive, delete, attributes) are added by serverless for the sqs event.
    expect(actionsOf('ingestRequests')).toEqual([
      'cloudformation:CancelResourceRequest', 'cloudformation:GetResourceRequestStatus', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
      'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage',
      'states:DescribeExecution', 'states:GetExecutionHistory', 'states:StartExecution',
    ]);
    // The test stage is not in config/guardrails.json: it may pass no role (iam:PassRole is denied, below).
    // GetResourceRequestStatus follows a reused ClientToken's operation, GetResource reads back a failed CREATE once
    // per attempt, ListResourceRequests names the operation that holds a resource (the ledger: GetItem, PutItem,
    // DeleteItem; GetItem also reads the request's documents).
    expect(actionsOf('startResourceOperation')).toEqual([
      'cloudformation:CreateResource', 'cloudformation:DeleteResource', 'cloudformation:GetResource', 'cloudformation:GetResourceRequestStatus',
      'cloudformation:ListResourceRequests', 'cloudformation:UpdateResource', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem',
    ]);
    expect(actionsOf('checkResourceOperation')).toEqual(['cloudformation:GetResourceRequestStatus']);
    expect(actionsOf('emitResourceOperationCompleted')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('startPortfolioShare')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'servicecatalog:CreatePortfolioShare', 'servicecatalog:DeletePortfolioShare', 'servicecatalog:GetAWSOrganizationsAccessStatus', 'servicecatalog:UpdatePortfolioShare',
    ]);
    expect(actionsOf('checkPortfolioShare')).toEqual(['servicecatalog:DescribePortfolioShareStatus']);
    expect(actionsOf('announceShareFailures')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'servicecatalog:DescribePortfolioShareStatus', 'sqs:SendMessage',
    ]);
    expect(actionsOf('emitPortfolioShareCompleted')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('requestOrganizationsAccessChange')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'organizations:DisableAWSServiceAccess', 'organizations:EnableAWSServiceAccess', 'servicecatalog:DisableAWSOrganizationsAccess', 'servicecatalog:EnableAWSOrganizationsAccess',
    ]);
    expect(actionsOf('checkOrganizationsAccess')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'servicecatalog:GetAWSOrganizationsAccessStatus']);
    expect(actionsOf('emitOrganizationsAccessChanged')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('startProvisionedProductUpdate')).toEqual(['servicecatalog:UpdateProvisionedProductProperties']);
    expect(actionsOf('checkProvisionedProductUpdate')).toEqual(['servicecatalog:DescribeRecord']);
    expect(actionsOf('emitProvisionedProductUpdated')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('updateProgramManagementAccount')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'partnercentral:UpdateProgramManagementAccount',
    ]);
    expect(actionsOf('emitProgramManagementAccountUpdated')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('rescueTerminalEvent')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:GetExecutionHistory',
    ]);
    expect(actionsOf('redriveDeadLetters')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:DeleteMessage', 'sqs:ReceiveMessage', 'sqs:SendMessage',
      'states:DescribeExecution', 'states:GetExecutionHistory',
    ]);
    expect(actionsOf('sweepUnfinishedRequests')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'states:DescribeExecution', 'states:GetExecutionHistory', 'states:ListExecutions',
    ]);

    const functions = ofType('AWS::Lambda::Function');
    const roles = new Set(functions.map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0]));
    expect(roles.size).toBe(functions.length);
  });

  it('lets the share functions act only on portfolios, and Organizations service access only for Service Catalog', () => {
    const statementsOf = (key: string) =>
      template.Resources[functionNamed(key).Properties.Role['Fn::GetAtt'][0]]!.Properties.Policies[0].PolicyDocument.Statement as any[];
    const shareStatement = statementsOf('startPortfolioShare').find((s) => [s.Action].flat().includes('servicecatalog:CreatePortfolioShare'));
    expect(JSON.stringify(shareStatement.Resource)).toContain(':catalog:${AWS::Region}:${AWS::AccountId}:portfolio/*');
    const orgStatement = statementsOf('requestOrganizationsAccessChange').find((s) => [s.Action].flat().includes('organizations:EnableAWSServiceAccess'));
    expect(orgStatement.Condition).toEqual({ StringEquals: { 'organizations:ServicePrincipal': 'servicecatalog.amazonaws.com' } });
    const pmaStatement = statementsOf('updateProgramManagementAccount').find((s) => [s.Action].flat().includes('partnercentral:UpdateProgramManagementAccount'));
    expect(JSON.stringify(pmaStatement.Resource)).toContain(':catalog/*/program-management-account/*');
  });

  it('has no role that nothing assumes (the shared default role is dropped)', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const [id] of ofType('AWS::IAM::Role')) {
      const { [id]: _role, ...others } = template.Resources;
      expect(JSON.stringify(others)).toContain(`"${id}"`);
    }
  });

  it('grants no wildcard action, and iam:PassRole exactly as the workflows\' allowlists write it: the stage\'s role names, one service, never a path', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) {
      for (const policy of role.Properties.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
        }
      }
    }
    const passRoleOf = (fnKey: string) => {
      const roleId = functionNamed(fnKey).Properties.Role['Fn::GetAtt'][0];
      return template.Resources[roleId]!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().includes('iam:PassRole'));
    };
    const denyPaths = { Effect: 'Deny', Action: ['iam:PassRole'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/*/*' }] };
    const g = guardrailsFor('test');
    expect(passRoleOf('startResourceOperation')).toEqual([passRolePolicy(cloudControlAllowlist, g)[0], denyPaths]);
    expect(passRoleOf('startProvisionedProductUpdate')).toEqual([passRolePolicy(provisionedProductsAllowlist, g)[0], denyPaths]);
    // The test stage is not listed: it passes no role at all.
    expect(passRoleOf('startResourceOperation')[0]).toEqual({ Effect: 'Deny', Action: ['iam:PassRole'], Resource: ['*'] });
    // A listed stage: its names, in the deploying account, to that service only.
    const local = passRolePolicy(cloudControlAllowlist, guardrailsFor('local'));
    expect(local).toEqual([
      {
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shepherd-cloudcontrol-*' }],
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      },
      denyPaths,
    ]);
    const others = ofType('AWS::IAM::Role').filter(([, role]) => JSON.stringify(role.Properties.Policies).includes('iam:PassRole')).map(([id]) => id).sort();
    expect(others).toEqual(['StartProvisionedProductUpdateIamRoleLambdaExecution', 'StartResourceOperationIamRoleLambdaExecution']);
  });

  it('encrypts request data at rest with its own key, which IAM alone cannot open and only its roles use, through its services', () => {
    const key = template.Resources.DataKey!.Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const keyArn = { 'Fn::GetAtt': ['DataKey', 'Arn'] };
    // Execution histories and definitions, both queues (requests, dead letters), the ledger, the log groups.
    for (const [, machine] of ofType('AWS::StepFunctions::StateMachine')) {
      expect(machine.Properties.EncryptionConfiguration).toEqual({ Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: { 'Fn::Sub': '${DataKey.Arn}' }, KmsDataKeyReusePeriodSeconds: 300 });
    }
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(WORKFLOWS.length);
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      expect({ id, key: queue.Properties.KmsMasterKeyId }).toEqual({ id, key: keyArn });
      expect(queue.Properties.SqsManagedSseEnabled).toBeUndefined();
    }
    expect(template.Resources.LedgerTable!.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn });
    // The log groups that can hold request data: unaccepted requests are logged whole. (Function logs carry no request data.)
    for (const id of ['UnacceptedRequestsLogGroup', 'StateMachineLogGroup']) {
      expect({ id, key: template.Resources[id]!.Properties.KmsKeyId }).toEqual({ id, key: keyArn });
    }

    const statements: any[] = key.KeyPolicy.Statement;
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    const dataActions = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:CreateGrant'];
    const grants = (st: any, action: string) => [st.Action].flat().some((a: string) => new RegExp(`^${a.replace(/\*/g, '.*')}$`).test(action));
    const rolePattern = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shepherd-test-*' };
    const machinePattern = { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:shepherd-test-*' };
    // The account root (IAM) administers the key, but may use it on data or grant it only in these narrow ways:
    // grants for AWS resources (DynamoDB's), and Step Functions data of this stage's state machines.
    const root = statements.filter((st) => JSON.stringify(st.Principal).includes(':root'));
    for (const st of root) {
      for (const action of dataActions) {
        if (!grants(st, action)) continue;
        expect({ sid: st.Sid, action }).toEqual({ sid: expect.stringMatching(/^(GrantsForAwsResources|ExecutionsForAdministrators)$/), action });
      }
    }
    expect(bySid.GrantsForAwsResources).toMatchObject({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    expect(bySid.ExecutionsForAdministrators.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'states.${AWS::Region}.amazonaws.com' } },
      ArnLike: { 'kms:EncryptionContext:aws:states:stateMachineArn': machinePattern },
    });
    // Shepherd's roles: through Step Functions, SQS and DynamoDB; the state machines' own roles for their own data and logs.
    const roles = bySid.ShepherdRolesThroughItsServices;
    expect(roles.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
    expect(roles.Condition.ArnLike['aws:PrincipalArn']).toEqual(rolePattern);
    expect(roles.Condition.StringEquals['kms:ViaService'].map((v: any) => v['Fn::Sub'].split('.')[0]).sort()).toEqual(['dynamodb', 'sqs', 'states']);
    expect(bySid.StateMachineExecutionRoles.Condition.ArnLike).toEqual({ 'aws:PrincipalArn': rolePattern, 'kms:EncryptionContext:aws:states:stateMachineArn': machinePattern });
    expect(bySid.StateMachineRolesEncryptLogs).toMatchObject({ Action: 'kms:GenerateDataKey', Condition: { ArnLike: { 'aws:PrincipalArn': rolePattern } } });
    for (const sid of ['ShepherdRolesThroughItsServices', 'StateMachineExecutionRoles', 'StateMachineRolesEncryptLogs']) {
      expect({ sid, principal: bySid[sid].Principal, account: bySid[sid].Condition.StringEquals['aws:PrincipalAccount'] }).toEqual({ sid, principal: { AWS: '*' }, account: { Ref: 'AWS::AccountId' } });
    }
    // Every role of the stack matches that pattern: function roles by name, state machine roles by CloudFormation's naming (stack-logicalId-…).
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      const name = role.Properties.RoleName;
      if (name === undefined) expect(id).toMatch(/StateMachineRole$/);
      else expect(name).toMatch(/^shepherd-test-/);
    }
    // Services that deliver: EventBridge to the queues (this account only), CloudWatch Logs to exactly the two log groups.
    expect(bySid.EventBridgeDeliversToQueues.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    expect(bySid.CloudWatchLogsForItsLogGroups.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn'].map((v: any) => v['Fn::Sub'].split(':log-group:')[1])).toEqual([
      '/aws/events/shepherd-test-unaccepted-requests', '/aws/vendedlogs/states/shepherd-test',
    ]);
    expect(Object.keys(bySid).sort()).toEqual([
      'CloudWatchLogsForItsLogGroups', 'EventBridgeDeliversToQueues', 'ExecutionsForAdministrators', 'GrantsForAwsResources', 'KeyAdministration',
      'LogDeliveryDecrypts', 'ShepherdRolesThroughItsServices', 'StateMachineExecutionRoles', 'StateMachineRolesEncryptLogs',
    ]);
    // Unaccepted requests are logged without their detail (it can hold secrets).
    for (const id of ['UnacceptedSourceRule']) {
      const transformer = template.Resources[id]!.Properties.Targets[0].InputTransformer;
      expect(Object.values(transformer.InputPathsMap).sort()).toEqual(['$.account', '$.detail-type', '$.id', '$.source', '$.time']);
      expect(JSON.stringify(transformer)).not.toContain('detail.');
      expect(transformer.InputTemplate).toMatch(/^\{"timestamp":<time>,"message":"[^"]*"\}$/);
    }
  });

  it('gives the state machines roles that invoke their own functions and set up their log delivery, nothing else', () => {
    // The log-delivery actions Step Functions requires of the execution role, on * (vended log delivery has no resource-level permissions).
    const logDelivery = ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery'];
    const machineRoles = ofType('AWS::IAM::Role').filter(([id]) => id.endsWith('StateMachineRole'));
    expect(machineRoles).toHaveLength(WORKFLOWS.length);
    for (const [id, role] of machineRoles) {
      const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
      const actions = statements.flatMap((st: any) => [st.Action].flat()).sort();
      expect({ id, actions }).toEqual({ id, actions: ['lambda:InvokeFunction', ...logDelivery].sort() });
      const invoke = statements.find((st: any) => [st.Action].flat().includes('lambda:InvokeFunction'));
      expect(JSON.stringify(invoke.Resource)).not.toContain('"*"');
    }
  });

  it('scopes PutEvents to Shepherd\'s bus and Step Functions calls to its own executions', () => {
    const ingestRole = template.Resources[functionNamed('ingestRequests').Properties.Role['Fn::GetAtt'][0]]!;
    const statements = ingestRole.Properties.Policies[0].PolicyDocument.Statement;
    const resourceOf = (action: string) => statements.find((s: any) => [s.Action].flat().includes(action)).Resource;
    expect(resourceOf('events:PutEvents')).toEqual([{ 'Fn::GetAtt': ['Bus', 'Arn'] }]);
    expect(resourceOf('states:StartExecution')).toEqual(ofType('AWS::StepFunctions::StateMachine').map(([id]) => ({ Ref: id })));
    expect(JSON.stringify(resourceOf('states:DescribeExecution'))).toContain(':execution:${ResourceOperationStateMachine.Name}:*');
  });
});
