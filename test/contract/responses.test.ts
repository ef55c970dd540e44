/**
 * Every answer the emulators give during real workflow runs, held against
 * the official output shapes (local/emulators/models: botocore 1.43.11): required
 * members present, no member the model does not name, types, enums,
 * lengths, patterns and ranges. Every error body is an error the operation
 * models (with that error's members) or a common AWS error. And Shepherd
 * itself never sends an input the model refuses.
 *
 * The workflows run end to end on the local stack (request event → rule →
 * ingest → the real ASL → the real handlers → the emulators), the same way
 * test/workflow/*.test.ts runs them; the stack records each call's answer.
 */
import { DescribeRecordCommand, ListOrganizationPortfolioAccessCommand, ListRecordHistoryCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { ListProgramManagementAccountsCommand, PartnerCentralChannelClient } from '@aws-sdk/client-partnercentral-channel';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ApiCall } from '../../local/emulators/aws-server';
import { modelForTarget } from '../../local/emulators/models';
import { checkErrorBody, checkOutput } from '../../local/emulators/models/check';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { sendRequests, startStack } from '../support/stack';

/** Every way the recorded answers break their service's model, as `Operation: path: message`. */
function contractProblems(calls: ApiCall[]): string[] {
  return calls.flatMap((call) => {
    const model = modelForTarget(call.service)!;
    if (call.output === undefined) return call.error === 'NoAnswer' ? [] : [`${call.operation}: no answer recorded`];
    const problems = call.error
      ? checkErrorBody(model, call.operation, call.output as Record<string, unknown>)
      : checkOutput(model, call.operation, call.output);
    return problems.map((p) => `${call.operation}${call.error ? ` (${call.error})` : ''}: ${p.path}: ${p.message}`);
  });
}

/** Calls Shepherd made (signed as one of its functions) that the model refused before the operation ran. */
const refusedInputs = (calls: ApiCall[]) =>
  calls.filter((c) => c.error === 'ValidationException' || c.error === 'SerializationException').map((c) => `${c.operation} ${JSON.stringify(c.input).slice(0, 300)}`);

/** A stack that keeps every answer in `server.calls`. */
async function recordingStack(world: WorldInput): Promise<LocalStack> {
  const stack = await startStack(world);
  stack.server.recordOutputs = true;
  return stack;
}

function operationsSeen(stack: LocalStack): string[] {
  return [...new Set(stack.server.calls.map((c) => `${c.operation}${c.error ? `:${c.error}` : ''}`))].sort();
}

const harness = <T>(stack: LocalStack, Client: new (config: object) => T, accessKeyId = 'harness') =>
  new Client({ endpoint: stack.server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

it('Cloud Control: create, update and delete, hooks, a throttled submit, a FAILED request, a cancel and a missing resource', async () => {
  stack = await recordingStack({
    cloudControl: {
      resourceTypes: {
        'AWS::S3::Bucket': {
          primaryIdentifier: 'BucketName', pendingSeconds: 3, durationSeconds: 40, retryAfterSeconds: 10, throttle: { times: 1 },
          hooks: [{ typeName: 'Private::Guard::Tags', failureMode: 'WARN', result: 'FAILED', message: 'missing cost-centre tag' }],
        },
        'AWS::Logs::LogGroup': {
          primaryIdentifier: 'LogGroupName', durationSeconds: 12,
          existing: { '/app/a': { LogGroupName: '/app/a', RetentionInDays: 7 }, '/app/b': { LogGroupName: '/app/b' } },
        },
        'AWS::SQS::Queue': { durationSeconds: 20, failure: { errorCode: 'ServiceLimitExceeded', statusMessage: 'Too many queues', times: 1 } },
        'AWS::DynamoDB::Table': { primaryIdentifier: 'TableName', durationSeconds: 1800, retryAfterSeconds: 30 },
      },
    },
  });
  const detailType = 'Resource Operation Requested';
  await sendRequests(
    stack, detailType,
    { requestId: 'create-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'audit-logs' } },
    { requestId: 'update-1', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/a', patchDocument: [{ op: 'replace', path: '/RetentionInDays', value: 30 }] },
    { requestId: 'delete-1', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/b' },
    { requestId: 'delete-2', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/none' },
    { requestId: 'fail-1', operation: 'CREATE', typeName: 'AWS::SQS::Queue', desiredState: { QueueName: 'jobs' } },
  );
  await stack.putEvents([{ Source: 'platform.provisioning', DetailType: detailType, Detail: JSON.stringify({ requestId: 'cancel-1', operation: 'CREATE', typeName: 'AWS::DynamoDB::Table', desiredState: { TableName: 'orders' } }) }]);
  stack.clock.setTimeout(() => {
    void stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Cancel Requested', Detail: JSON.stringify({ requestId: 'cancel-1' }) }]);
  }, 300_000);
  await stack.settle();

  expect(operationsSeen(stack)).toEqual(expect.arrayContaining(['CreateResource', 'CreateResource:ThrottlingException', 'UpdateResource', 'DeleteResource', 'GetResourceRequestStatus', 'CancelResourceRequest']));
  expect(contractProblems(stack.server.calls)).toEqual([]);
  expect(refusedInputs(stack.server.calls)).toEqual([]);
});

const PORTFOLIO = 'port-2abcdext3y5fk';
const WORKLOADS = 'ou-wk01-workloads';
const organization = (overrides: Record<string, unknown> = {}): WorldInput => ({
  serviceCatalog: {
    organization: { id: 'o-exampleorg1', accounts: ['111122223333'], units: [{ id: WORKLOADS, accounts: 12 }, { id: 'ou-wk01-sandboxes', parent: WORKLOADS, accounts: 4 }] },
    portfolios: [PORTFOLIO],
    shares: {
      startSeconds: 2, minSeconds: 5, secondsPerAccount: 1,
      accountFailures: [{ accounts: ['100010000003'], error: 'AccountSuspended', message: 'The account is suspended.' }, { rate: 0.2, error: 'AccessDenied', message: 'Access denied.' }],
    },
    ...overrides,
  },
});

it('Service Catalog portfolio shares: account and organization-node targets, per-account errors, update, delete, refusals', async () => {
  stack = await recordingStack(organization());
  const shares = (...details: Array<Record<string, unknown>>) => sendRequests(stack, 'Portfolio Share Requested', ...details);
  const toAccount = { organizationNode: undefined, accountId: '444455556666' };
  const toUnit = { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: WORKLOADS } };
  await shares({ requestId: 'acct-1', operation: 'CREATE', portfolioId: PORTFOLIO, shareTagOptions: true, ...toAccount });
  await shares({ requestId: 'acct-2', operation: 'UPDATE', portfolioId: PORTFOLIO, shareTagOptions: false, ...toAccount });
  await shares({ requestId: 'acct-3', operation: 'DELETE', portfolioId: PORTFOLIO, ...toAccount });
  await shares({ requestId: 'acct-4', operation: 'CREATE', portfolioId: 'port-0000000000000', ...toAccount });
  await shares({ requestId: 'ou-1', operation: 'CREATE', portfolioId: PORTFOLIO, shareTagOptions: true, sharePrincipals: true, ...toUnit });
  await shares({ requestId: 'ou-2', operation: 'UPDATE', portfolioId: PORTFOLIO, sharePrincipals: false, ...toUnit });
  await shares({ requestId: 'org-1', operation: 'CREATE', portfolioId: PORTFOLIO, organizationNode: { type: 'ORGANIZATION', value: 'o-exampleorg1' } });
  await shares({ requestId: 'ou-3', operation: 'DELETE', portfolioId: PORTFOLIO, ...toUnit });

  const client = harness(stack, ServiceCatalogClient);
  await client.send(new ListOrganizationPortfolioAccessCommand({ PortfolioId: PORTFOLIO, OrganizationNodeType: 'ORGANIZATION', PageSize: 1 }));
  client.destroy();

  expect(operationsSeen(stack)).toEqual(expect.arrayContaining([
    'CreatePortfolioShare', 'CreatePortfolioShare:ResourceNotFoundException', 'UpdatePortfolioShare', 'DeletePortfolioShare',
    'DescribePortfolioShareStatus', 'ListOrganizationPortfolioAccess',
  ]));
  const statuses = stack.server.calls.filter((c) => c.operation === 'DescribePortfolioShareStatus' && !c.error).map((c) => (c.output as { Status: string }).Status);
  expect(statuses).toEqual(expect.arrayContaining(['IN_PROGRESS', 'COMPLETED_WITH_ERRORS']));
  expect(contractProblems(stack.server.calls)).toEqual([]);
  expect(refusedInputs(stack.server.calls)).toEqual([]);
});

it('Service Catalog Organizations access: enable, then disable', async () => {
  stack = await recordingStack(organization({ organizationsAccess: 'DISABLED', accessChangeSeconds: 40 }));
  await sendRequests(stack, 'Organizations Access Change Requested', { requestId: 'enable-1', enable: true });
  await sendRequests(stack, 'Organizations Access Change Requested', { requestId: 'disable-1', enable: false });
  expect(operationsSeen(stack)).toEqual(expect.arrayContaining([
    'EnableAWSOrganizationsAccess', 'DisableAWSOrganizationsAccess', 'GetAWSOrganizationsAccessStatus',
  ]));
  expect(contractProblems(stack.server.calls)).toEqual([]);
  expect(refusedInputs(stack.server.calls)).toEqual([]);
});

it('Service Catalog provisioned products: property updates that succeed and fail, records described and listed', async () => {
  const PRODUCT = 'pp-teamavpc00001';
  const ALICE = 'arn:aws:iam::000000000000:user/alice';
  const LAUNCH_ROLE = 'arn:aws:iam::000000000000:role/servicecatalog-launch-network';
  stack = await recordingStack({
    serviceCatalog: {
      principals: { AKIAALICE: ALICE },
      provisionedProducts: {
        [PRODUCT]: { name: 'team-a-vpc', owner: ALICE, launchRole: LAUNCH_ROLE, history: 2, updateSeconds: 30 },
        'pp-teambvpc00002': { name: 'team-b-vpc', owner: ALICE, history: 1, updateSeconds: 20, failure: { code: 'LaunchRoleNotAssumable', description: 'Cannot assume the launch role.' } },
      },
    },
  });
  const updates = (...details: Array<Record<string, unknown>>) => sendRequests(stack, 'Provisioned Product Properties Update Requested', ...details);
  await updates({ requestId: 'role-1', provisionedProductId: PRODUCT, properties: { LAUNCH_ROLE: `${LAUNCH_ROLE}-v2` } });
  await updates({ requestId: 'fail-1', provisionedProductId: 'pp-teambvpc00002', properties: { LAUNCH_ROLE: `${LAUNCH_ROLE}-broken` } });
  await updates({ requestId: 'missing-1', provisionedProductId: 'pp-doesnotexist0', properties: { LAUNCH_ROLE: LAUNCH_ROLE } });

  const client = harness(stack, ServiceCatalogClient, 'AKIAALICE');
  const history = await client.send(new ListRecordHistoryCommand({ SearchFilter: { Key: 'provisionedproduct', Value: PRODUCT }, PageSize: 2 }));
  await client.send(new DescribeRecordCommand({ Id: history.RecordDetails![0]!.RecordId! }));
  client.destroy();

  expect(operationsSeen(stack)).toEqual(expect.arrayContaining([
    'UpdateProvisionedProductProperties', 'UpdateProvisionedProductProperties:ResourceNotFoundException', 'DescribeRecord', 'ListRecordHistory',
  ]));
  expect(contractProblems(stack.server.calls)).toEqual([]);
  expect(refusedInputs(stack.server.calls)).toEqual([]);
});

it('Partner Central: an update, a stale revision, a denied and an unknown account, a business validation failure', async () => {
  const PMA = 'pma-exampleemea01';
  stack = await recordingStack({
    partnerCentral: {
      programManagementAccounts: [
        { catalog: 'AWS', id: PMA, displayName: 'Example Partner EMEA', revision: '4' },
        { catalog: 'AWS', id: 'pma-lockedaccount', displayName: 'Locked', denied: true },
      ],
    },
  });
  const rename = (requestId: string, fields: Record<string, unknown> = {}) => ({ requestId, catalog: 'AWS', identifier: PMA, displayName: 'Example Partner Europe', ...fields });
  await sendRequests(
    stack, 'Program Management Account Update Requested',
    rename('ok-1', { revision: '4' }),
    rename('stale-1', { revision: '3' }),
    rename('denied-1', { identifier: 'pma-lockedaccount' }),
    rename('missing-1', { identifier: 'pma-doesnotexist0' }),
    rename('mismatch-1', { identifier: `arn:aws:partnercentral:us-east-1:000000000000:catalog/Sandbox/program-management-account/${PMA}` }),
  );
  const client = harness(stack, PartnerCentralChannelClient);
  await client.send(new ListProgramManagementAccountsCommand({ catalog: 'AWS' }));
  client.destroy();

  expect(operationsSeen(stack)).toEqual(expect.arrayContaining([
    'UpdateProgramManagementAccount', 'UpdateProgramManagementAccount:ConflictException', 'UpdateProgramManagementAccount:AccessDeniedException',
    'UpdateProgramManagementAccount:ResourceNotFoundException', 'UpdateProgramManagementAccount:ValidationException', 'ListProgramManagementAccounts',
  ]));
  expect(contractProblems(stack.server.calls)).toEqual([]);
  // The one refusal is the business rule the emulator checks after the model's (catalog Sandbox in the ARN, catalog AWS).
  expect(refusedInputs(stack.server.calls)).toHaveLength(1);
});

it('Step Functions, EventBridge, DynamoDB and SQS answers along the way, and to an operator, fit their models too', async () => {
  stack = await recordingStack({
    cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 10 } } },
  });
  await sendRequests(stack, 'Resource Operation Requested', { requestId: 'sfn-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'logs' } });

  // What an operator (or the rescue and redrive tools) reads.
  const sfn = harness(stack, SFNClient);
  const [execution] = stack.stepFunctions.executions.values();
  await sfn.send(new ListExecutionsCommand({ stateMachineArn: execution!.stateMachineArn, maxResults: 10 }));
  await sfn.send(new DescribeExecutionCommand({ executionArn: execution!.executionArn }));
  await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution!.executionArn, reverseOrder: true, includeExecutionData: true }));
  sfn.destroy();
  const sqs = harness(stack, SQSClient);
  // The requests' dead-letter queue: no function consumes it, so what the test sends stays there.
  const QueueUrl = Object.values(stack.model.queues).find((q) => q.logicalId === 'RequestDeadLetterQueue')!.url;
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"hello":"world"}', MessageAttributes: { origin: { DataType: 'String', StringValue: 'test' } } }));
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  const ReceiptHandle = received.Messages![0]!.ReceiptHandle!;
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
  await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'not-a-handle' })).catch(() => undefined);
  sqs.destroy();

  const services = new Set(stack.server.calls.map((c) => c.service));
  expect([...services].sort()).toEqual(['AWSEvents', 'AWSStepFunctions', 'AmazonSQS', 'CloudApiService', 'DynamoDB_20120810']);
  expect(operationsSeen(stack)).toEqual(expect.arrayContaining(['GetExecutionHistory', 'DescribeExecution', 'ListExecutions', 'ReceiveMessage', 'DeleteMessage:ReceiptHandleIsInvalid']));
  expect(contractProblems(stack.server.calls)).toEqual([]);
  expect(refusedInputs(stack.server.calls)).toEqual([]);
});
