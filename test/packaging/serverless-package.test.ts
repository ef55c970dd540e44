/**
 * `serverless package` for real (serverless v3, offline, no credentials),
 * then assertions on the CloudFormation template it writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contracts, requestRulePattern, type EventContract } from '../../shared/contracts/events';
import { loadServiceModel } from '../../local/serverless-config';
import { guardrailsFor } from '../../shared/guardrails';

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

/** Every action granted to a function's own role, except CloudWatch Logs. */
function actionsOf(key: string): string[] {
  const roleId = functionNamed(key).Properties.Role['Fn::GetAtt'][0];
  const statements = template.Resources[roleId]!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  return statements
    .flatMap((s: any) => [s.Action].flat())
    .filter((a: string) => !a.startsWith('logs:'))
    .sort();
}

describe('serverless package', () => {
  it('bundles one artifact per function', () => {
    const functionKeys = Object.keys(loadServiceModel(root).functions);
    expect(functionKeys).toHaveLength(23);
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

  it('routes request events from the bus with a retry policy and a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const requests = Object.values(contracts as Record<string, EventContract>).filter((c) => c.direction === 'request');
    const requestRules = rules.filter((r) => r.EventBusName && r.Targets[0].Arn['Fn::GetAtt']?.[0]?.endsWith('LambdaFunction'));
    const who = { sources: guardrailsFor('test').sources, accounts: { 'Fn::Split': [',', { 'Fn::Sub': '${AWS::AccountId},' }] } };
    expect(requestRules.map((r) => r.EventPattern)).toEqual(expect.arrayContaining(requests.map((c) => requestRulePattern(c, who))));
    expect(requestRules).toHaveLength(requests.length);
    for (const rule of requestRules) {
      expect(rule.EventBusName).toEqual({ Ref: 'Bus' });
      expect(rule.Targets[0].RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(rule.Targets[0].DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    }
  });

  it('lets only the deploying and configured accounts put events on the bus, and logs requests the stage does not accept', () => {
    const deny = template.Resources.BusDenyOtherAccounts!.Properties;
    expect(deny.Statement).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'events:PutEvents' });
    expect(deny.Statement.Condition.StringNotEquals['aws:PrincipalAccount']).toEqual({ 'Fn::Split': [',', { 'Fn::Sub': '${AWS::AccountId},' }] });
    // The test stage configures no extra accounts, so the Allow is not created.
    expect((template as any).Conditions.HasExtraAccounts).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    expect((template.Resources.BusAllowExtraAccounts as any).Condition).toBe('HasExtraAccounts');
    for (const id of ['UnacceptedSourceRule', 'UnacceptedAccountRule']) {
      const rule = template.Resources[id]!.Properties;
      expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['UnacceptedRequestsLogGroup', 'Arn'] });
      expect(rule.EventPattern['detail-type']).toHaveLength(Object.values(contracts as Record<string, EventContract>).filter((c) => c.direction === 'request').length);
    }
    expect(template.Resources.UnacceptedSourceRule!.Properties.EventPattern.source).toEqual([{ 'anything-but': guardrailsFor('test').sources }]);
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
    expect(actionsOf('ingestResourceOperation')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:StartExecution',
    ]);
    expect(actionsOf('cancelResourceOperation')).toEqual([
      'cloudformation:CancelResourceRequest', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:GetExecutionHistory',
    ]);
    expect(actionsOf('startResourceOperation')).toEqual([
      'cloudformation:CreateResource', 'cloudformation:DeleteResource', 'cloudformation:UpdateResource', 'iam:PassRole',
    ]);
    expect(actionsOf('checkResourceOperation')).toEqual(['cloudformation:GetResourceRequestStatus']);
    expect(actionsOf('emitResourceOperationCompleted')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('ingestPortfolioShare')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:StartExecution',
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

    expect(actionsOf('ingestOrganizationsAccessChange')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:StartExecution',
    ]);
    expect(actionsOf('requestOrganizationsAccessChange')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'organizations:DisableAWSServiceAccess', 'organizations:EnableAWSServiceAccess', 'servicecatalog:DisableAWSOrganizationsAccess', 'servicecatalog:EnableAWSOrganizationsAccess',
    ]);
    expect(actionsOf('checkOrganizationsAccess')).toEqual(['servicecatalog:GetAWSOrganizationsAccessStatus']);
    expect(actionsOf('emitOrganizationsAccessChanged')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('ingestProvisionedProductUpdate')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:StartExecution',
    ]);
    expect(actionsOf('startProvisionedProductUpdate')).toEqual(['iam:PassRole', 'servicecatalog:UpdateProvisionedProductProperties']);
    expect(actionsOf('checkProvisionedProductUpdate')).toEqual(['servicecatalog:DescribeRecord']);
    expect(actionsOf('emitProvisionedProductUpdated')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents',
    ]);

    expect(actionsOf('ingestProgramManagementAccountUpdate')).toEqual([
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage', 'states:DescribeExecution', 'states:StartExecution',
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

  it('grants no wildcard action, and iam:PassRole only to the service that needs it, on the configured roles', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) {
      for (const policy of role.Properties.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
          if ([statement.Action].flat().includes('iam:PassRole')) {
            const passedTo = statement.Condition.StringEquals['iam:PassedToService'];
            const prefix = { 'cloudformation.amazonaws.com': 'shepherd-cloudcontrol-', 'servicecatalog.amazonaws.com': 'servicecatalog-launch-' }[passedTo as string];
            expect(prefix).toBeDefined();
            expect(JSON.stringify(statement.Resource)).toContain(`:role/${prefix}*`);
          }
        }
      }
    }
  });

  it('scopes PutEvents to Shepherd\'s bus and Step Functions calls to its own executions', () => {
    const ingestRole = template.Resources[functionNamed('ingestResourceOperation').Properties.Role['Fn::GetAtt'][0]]!;
    const statements = ingestRole.Properties.Policies[0].PolicyDocument.Statement;
    const resourceOf = (action: string) => statements.find((s: any) => [s.Action].flat().includes(action)).Resource;
    expect(resourceOf('events:PutEvents')).toEqual([{ 'Fn::GetAtt': ['Bus', 'Arn'] }]);
    expect(resourceOf('states:StartExecution')).toEqual([{ Ref: 'ResourceOperationStateMachine' }]);
    expect(JSON.stringify(resourceOf('states:DescribeExecution'))).toContain(':execution:${ResourceOperationStateMachine.Name}:*');
  });
});
