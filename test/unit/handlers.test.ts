/**
 * Each handler through its middy wrapper, with the AWS SDK mocked at the
 * client (aws-sdk-client-mock): what it sends, and what it returns.
 */
import {
  CancelResourceRequestCommand,
  CloudControlClient,
  CreateResourceCommand,
  DeleteResourceCommand,
  GetResourceRequestStatusCommand,
  UpdateResourceCommand,
} from '@aws-sdk/client-cloudcontrol';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { ingestRequest, requestOwnerKey } from '../../shared/workflow/ingest';
import { REQUEST_KINDS } from '../../shared/workflow/requests';
import { cancelResourceOperation } from '../../shared/resource-operation/cancel';
import type { IncomingEvent } from '../../shared/events/reject';
import { build as buildStart } from '../../shared/resource-operation/handlers/start-resource-operation';
import { build as buildCheck } from '../../shared/resource-operation/handlers/check-resource-operation';
import { build as buildEmit } from '../../shared/resource-operation/handlers/emit-resource-operation-completed';
import type { OperationState, ResourceOperationRequestBody, WorkflowState } from '../../shared/resource-operation/model';
import { carryDocuments } from '../../shared/resource-operation/documents';
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { clientToken } from '../../shared/resource-operation/tokens';
import createBucket from '../fixtures/events/create-bucket.json';
import updateLogGroup from '../fixtures/events/update-log-group.json';
import deleteLogGroup from '../fixtures/events/delete-log-group.json';
import { NOW, STATE_MACHINE_ARN, envelope, lambdaContext, testPorts } from '../support/ports';

const cloudControl = mockClient(CloudControlClient);
const eventBridge = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);
const dynamodb = mockClient(DynamoDBClient);
/** The table documents are stored aside in, kept in memory behind the mocked client. */
const table = new Map<string, Record<string, AttributeValue>>();

beforeEach(() => {
  cloudControl.reset();
  eventBridge.reset();
  sfn.reset();
  dynamodb.reset();
  table.clear();
  dynamodb.on(PutItemCommand).callsFake((input: { Item: Record<string, AttributeValue> }) => (table.set(input.Item.key!.S!, input.Item), {}));
  dynamodb.on(GetItemCommand).callsFake((input: { Key: Record<string, AttributeValue> }) => ({ Item: table.get(input.Key.key!.S!) }));
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })),
  }));
});

const inSeconds = (s: number) => new Date(NOW.getTime() + s * 1000);

function publishedDetails(): Array<{ detailType?: string; detail: any }> {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({ detailType: entry.DetailType, detail: JSON.parse(entry.Detail ?? '{}') })),
  );
}

/** The state ingest starts an execution with: the request as the workflow carries it, its documents stored aside. */
async function workflowState(request: Record<string, unknown>, operation?: OperationState): Promise<WorkflowState> {
  const { requestId, ...body } = request as { requestId: string };
  const carried = await carryDocuments(body as ResourceOperationRequestBody, requestId, testPorts());
  return { requestId, eventId: 'evt-1', requestedAt: '2026-11-25T08:59:00.000Z', request: carried, operation };
}

describe('ingest', () => {
  // Fresh ports (and in-memory ledger) per test: the ledger remembers who owns each requestId and what was sent.
  let ingest: (event: ReturnType<typeof envelope>, context?: unknown) => ReturnType<typeof ingestRequest>;
  beforeEach(() => {
    const ports = testPorts();
    ingest = (event) => ingestRequest(REQUEST_KINDS[event['detail-type']]!, event as IncomingEvent, ports);
  });

  it('starts one execution named by the requestId with the validated request as input, its desired state stored aside', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
    const result = await ingest(envelope('Resource Operation Requested', createBucket), lambdaContext);
    expect(result).toMatchObject({ outcome: 'STARTED', requestId: 'req-create-1' });
    const input = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(input.name).toBe('req-create-1');
    const document = JSON.stringify(createBucket.desiredState);
    const digest = createHash('sha256').update(document).digest('hex');
    expect(JSON.parse(input.input!)).toEqual({
      requestId: 'req-create-1',
      eventId: '11111111-2222-3333-4444-555555555555',
      requestedAt: '2026-11-25T08:59:00.000Z',
      request: {
        operation: 'CREATE', typeName: 'AWS::S3::Bucket', roleArn: createBucket.roleArn,
        desiredStateRef: { key: `document#req-create-1#${digest}`, chunks: 1, sha256: digest },
      },
    });
    // The execution's input never holds the desired state; the table holds exactly what Cloud Control will get.
    expect(input.input).not.toContain('my-bucket');
    expect(table.get(`document#req-create-1#${digest}#0`)?.body).toEqual({ S: document });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('defaults the requestId to the event id', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
    const { requestId: _ignored, ...detail } = deleteLogGroup;
    await ingest(envelope('Resource Operation Requested', detail, 'evt-42'), lambdaContext);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.name).toBe('evt-42');
  });

  it('rejects an invalid request with one event naming each field, and starts nothing', async () => {
    const detail = { requestId: 'bad-1', operation: 'UPDATE', typeName: 'S3Bucket', identifier: 'x', roleArn: 'arn:aws:iam::123456789012:user/bob' };
    const result = await ingest(envelope('Resource Operation Requested', detail), lambdaContext);
    expect(result).toMatchObject({ outcome: 'REJECTED', requestId: 'bad-1' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const [rejection] = publishedDetails();
    expect(rejection!.detailType).toBe('Request Rejected');
    expect(rejection!.detail.requestId).toBe('bad-1');
    expect(rejection!.detail.errors.map((e: { field: string }) => e.field).sort()).toEqual(['patchDocument', 'roleArn', 'typeName', 'typeName']);
  });

  it('treats the same request sent again as a duplicate, starting the same execution with the first event\'s input', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:exec', startDate: NOW }).rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    await ingest(envelope('Resource Operation Requested', createBucket, 'evt-first'), lambdaContext);
    const result = await ingest(envelope('Resource Operation Requested', createBucket, 'evt-resent'), lambdaContext);
    expect(result).toMatchObject({ outcome: 'DUPLICATE' });
    const inputs = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.input);
    expect(inputs[1]).toBe(inputs[0]);
    expect(JSON.parse(inputs[1]!).eventId).toBe('evt-first');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('rejects a different request that reuses a requestId, whatever its kind, without calling Step Functions', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: NOW });
    await ingest(envelope('Resource Operation Requested', createBucket, 'evt-owner'), lambdaContext);
    const share = { requestId: createBucket.requestId, operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: '123456789012' };
    const conflicts = [
      envelope('Resource Operation Requested', { ...createBucket, desiredState: { BucketName: 'other' } }, 'evt-other'),
      envelope('Portfolio Share Requested', share, 'evt-share'),
    ];
    for (const event of conflicts) expect(await ingest(event, lambdaContext)).toMatchObject({ outcome: 'REJECTED' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(publishedDetails().map((d) => [d.detail.eventId, d.detail.errors[0].code])).toEqual([['evt-other', 'conflict'], ['evt-share', 'conflict']]);
  });

  it('lets a throttled StartExecution fail the invocation so Lambda retries it', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(ingest(envelope('Resource Operation Requested', createBucket), lambdaContext)).rejects.toMatchObject({
      name: 'TransientServiceError',
    });
  });
});

describe('start', () => {
  const start = buildStart(testPorts());

  it.each([
    ['CREATE', createBucket, CreateResourceCommand],
    ['UPDATE', updateLogGroup, UpdateResourceCommand],
    ['DELETE', deleteLogGroup, DeleteResourceCommand],
  ] as const)('%s calls its Cloud Control action with a token derived from the request', async (_op, request, Command) => {
    cloudControl.on(Command as never).resolves({
      ProgressEvent: { RequestToken: 'tok-1', OperationStatus: 'IN_PROGRESS', RetryAfter: inSeconds(20) },
    } as never);
    const state = await start(await workflowState(request), lambdaContext);
    const sent = cloudControl.commandCalls(Command as never)[0]!.args[0].input as Record<string, string>;
    expect(sent.ClientToken).toBe(clientToken(request.requestId, 1));
    expect(sent.TypeName).toBe(request.typeName);
    if (_op === 'CREATE') expect(JSON.parse(sent.DesiredState!)).toEqual(createBucket.desiredState);
    if (_op === 'UPDATE') expect(JSON.parse(sent.PatchDocument!)).toEqual(updateLogGroup.patchDocument);
    if (_op !== 'CREATE') expect(sent.Identifier).toBe('/app/audit');
    expect(state).toMatchObject({ attempt: 1, polls: 0, requestToken: 'tok-1', outcome: 'IN_PROGRESS', nextCheckAt: inSeconds(20).toISOString() });
    expect(state.deadline).toBe(inSeconds(3600).toISOString());
  });

  it('resubmits with the next attempt token and keeps the original start and deadline', async () => {
    cloudControl.on(CreateResourceCommand).resolves({ ProgressEvent: { RequestToken: 'tok-2', OperationStatus: 'PENDING' } });
    const previous: OperationState = {
      attempt: 1, polls: 4, startedAt: '2026-11-25T08:00:00.000Z', deadline: '2026-11-25T12:00:00.000Z',
      hooks: [], outcome: 'RESUBMIT', operationStatus: 'FAILED', errorCode: 'Throttling',
    };
    const state = await start(await workflowState(createBucket, previous), lambdaContext);
    expect(cloudControl.commandCalls(CreateResourceCommand)[0]!.args[0].input.ClientToken).toBe(clientToken('req-create-1', 2));
    expect(state).toMatchObject({ attempt: 2, polls: 4, startedAt: previous.startedAt, deadline: previous.deadline, errorCode: undefined });
  });

  it('ends the request as FAILED when Cloud Control refuses it for good', async () => {
    cloudControl.on(DeleteResourceCommand).rejects(Object.assign(new Error('Type not found'), { name: 'TypeNotFoundException' }));
    const state = await start(await workflowState(deleteLogGroup), lambdaContext);
    expect(state).toMatchObject({ outcome: 'FAILED', errorCode: 'TypeNotFoundException', statusMessage: 'Type not found' });
  });

  it('rethrows throttling as TransientServiceError for the ASL Retry', async () => {
    cloudControl.on(DeleteResourceCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(start(await workflowState(deleteLogGroup), lambdaContext)).rejects.toMatchObject({ name: 'TransientServiceError' });
  });
});

describe('check', () => {
  const check = buildCheck(testPorts());
  const running: OperationState = {
    attempt: 1, polls: 2, startedAt: NOW.toISOString(), deadline: inSeconds(3600).toISOString(),
    requestToken: 'tok-1', hooks: [], outcome: 'IN_PROGRESS',
  };

  it('counts the poll and waits until RetryAfter', async () => {
    cloudControl.on(GetResourceRequestStatusCommand).resolves({
      ProgressEvent: { RequestToken: 'tok-1', OperationStatus: 'IN_PROGRESS', RetryAfter: inSeconds(45) },
    });
    const state = await check({ requestId: 'r', operation: running }, lambdaContext);
    expect(cloudControl.commandCalls(GetResourceRequestStatusCommand)[0]!.args[0].input).toEqual({ RequestToken: 'tok-1' });
    expect(state).toMatchObject({ polls: 3, outcome: 'IN_PROGRESS', nextCheckAt: inSeconds(45).toISOString() });
  });

  it('reports hooks and finishes on SUCCESS', async () => {
    cloudControl.on(GetResourceRequestStatusCommand).resolves({
      ProgressEvent: { RequestToken: 'tok-1', OperationStatus: 'SUCCESS', Identifier: 'my-bucket' },
      HooksProgressEvent: [{ HookTypeName: 'Org::Guard::Hook', HookStatus: 'HOOK_COMPLETE_FAILED', FailureMode: 'WARN', InvocationPoint: 'PRE_PROVISION' }],
    });
    const state = await check({ requestId: 'r', operation: running }, lambdaContext);
    expect(state).toMatchObject({ outcome: 'SUCCEEDED', identifier: 'my-bucket' });
    expect(state.hooks).toEqual([{ typeName: 'Org::Guard::Hook', status: 'HOOK_COMPLETE_FAILED', failureMode: 'WARN', invocationPoint: 'PRE_PROVISION', message: undefined }]);
  });

  it('resubmits a transient FAILED while attempts remain, and fails a permanent one', async () => {
    cloudControl.on(GetResourceRequestStatusCommand).resolvesOnce({
      ProgressEvent: { RequestToken: 'tok-1', OperationStatus: 'FAILED', ErrorCode: 'Throttling' },
    }).resolvesOnce({
      ProgressEvent: { RequestToken: 'tok-1', OperationStatus: 'FAILED', ErrorCode: 'NotStabilized', StatusMessage: 'did not stabilize' },
    });
    expect(await check({ requestId: 'r', operation: running }, lambdaContext)).toMatchObject({ outcome: 'RESUBMIT' });
    expect(await check({ requestId: 'r', operation: running }, lambdaContext)).toMatchObject({ outcome: 'FAILED', errorCode: 'NotStabilized' });
  });

  it('counts a resubmitted DELETE that finds the resource gone (its first attempt deleted it) as done', async () => {
    cloudControl.on(GetResourceRequestStatusCommand).resolves({ ProgressEvent: { RequestToken: 'tok-2', OperationStatus: 'FAILED', ErrorCode: 'NotFound' } });
    expect(await check({ requestId: 'r', requestedOperation: 'DELETE', operation: { ...running, attempt: 2 } }, lambdaContext)).toMatchObject({ outcome: 'SUCCEEDED', errorCode: 'NotFound' });
    // Not for an UPDATE or a CREATE: NotFound there is a failure.
    expect(await check({ requestId: 'r', requestedOperation: 'UPDATE', operation: running }, lambdaContext)).toMatchObject({ outcome: 'FAILED', errorCode: 'NotFound' });
  });

  it('stops resubmitting after the last attempt', async () => {
    cloudControl.on(GetResourceRequestStatusCommand).resolves({ ProgressEvent: { OperationStatus: 'FAILED', ErrorCode: 'NetworkFailure' } });
    const state = await check({ requestId: 'r', operation: { ...running, attempt: 3 } }, lambdaContext);
    expect(state).toMatchObject({ outcome: 'FAILED', errorCode: 'NetworkFailure' });
  });

  it('times out once the deadline has passed', async () => {
    cloudControl.on(GetResourceRequestStatusCommand).resolves({ ProgressEvent: { OperationStatus: 'IN_PROGRESS' } });
    const state = await check({ requestId: 'r', operation: { ...running, deadline: NOW.toISOString() } }, lambdaContext);
    expect(state.outcome).toBe('TIMED_OUT');
  });
});

describe('emit', () => {
  // A fresh handler (and in-memory ledger) per test: the ledger remembers what was sent.
  let emit: ReturnType<typeof buildEmit>;
  beforeEach(() => {
    emit = buildEmit(testPorts());
  });
  const finished: OperationState = {
    attempt: 2, polls: 7, startedAt: '2026-11-25T08:59:01.000Z', deadline: inSeconds(3600).toISOString(),
    requestToken: 'tok-9', identifier: 'my-bucket', operationStatus: 'SUCCESS', hooks: [], outcome: 'SUCCEEDED',
  };

  it('emits one completion event without the desired state', async () => {
    const result = await emit(await workflowState(createBucket, finished), lambdaContext);
    expect(result).toMatchObject({ status: 'SUCCEEDED', eventId: 'event-0' });
    const [event] = publishedDetails();
    expect(event!.detailType).toBe('Resource Operation Completed');
    expect(event!.detail).toEqual({
      requestId: 'req-create-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', identifier: 'my-bucket',
      requestToken: 'tok-9', status: 'SUCCEEDED', hooks: [], requestedAt: '2026-11-25T08:59:00.000Z',
      startedAt: '2026-11-25T08:59:01.000Z', completedAt: NOW.toISOString(), polls: 7, attempts: 2,
    });
    const sent = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
    expect(JSON.stringify(sent)).not.toContain('"team"'); // desired-state values stay out of events
  });

  it('reports a caught Lambda failure as FAILED with the error name and message', async () => {
    const state = { ...(await workflowState(createBucket)), failure: { Error: 'AccessDeniedException', Cause: JSON.stringify({ errorType: 'AccessDeniedException', errorMessage: 'not allowed' }) } };
    await emit(state, lambdaContext);
    expect(publishedDetails()[0]!.detail).toMatchObject({ status: 'FAILED', errorCode: 'AccessDeniedException', statusMessage: 'not allowed', attempts: 0 });
  });

  it('resends only the entries EventBridge refused', async () => {
    eventBridge.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'second-try' }] });
    const result = await emit(await workflowState(createBucket, finished), lambdaContext);
    expect(result.eventId).toBe('second-try');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('emits once: a retried emit step gets the first event id back and publishes nothing', async () => {
    const first = await emit(await workflowState(createBucket, finished), lambdaContext);
    const again = await emit(await workflowState(createBucket, finished), lambdaContext);
    expect(again.eventId).toBe(first.eventId);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('raises EventsNotDelivered when EventBridge keeps refusing, so the workflow retries', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(emit(await workflowState(createBucket, finished), lambdaContext)).rejects.toMatchObject({ name: 'EventsNotDelivered' });
  });
});

describe('cancel', () => {
  // Fresh ports (and in-memory ledger) per test: the ledger remembers what was sent.
  let cancel: (event: ReturnType<typeof envelope>, context?: unknown) => ReturnType<typeof cancelResourceOperation>;
  beforeEach(async () => {
    const ports = testPorts();
    // req-create-1 was sent by the envelope's source and account.
    await ports.ledger.once(requestOwnerKey('req-create-1'), async () => ({
      workflow: 'resource-operation', digest: 'd', eventId: 'e', requestedAt: NOW.toISOString(), source: 'platform.provisioning', account: '123456789012',
    }));
    cancel = (event) => cancelResourceOperation(event as IncomingEvent, ports);
  });
  const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:req-create-1`;

  it('cancels the request token the running execution recorded last', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'WaitStateEntered', timestamp: NOW },
        { id: 8, type: 'TaskStateExited', timestamp: NOW, stateExitedEventDetails: { name: 'Check Operation Status', output: JSON.stringify({ operation: { requestToken: 'tok-latest' } }) } },
        { id: 3, type: 'TaskStateExited', timestamp: NOW, stateExitedEventDetails: { name: 'Submit To Cloud Control', output: JSON.stringify({ operation: { requestToken: 'tok-old' } }) } },
      ],
    });
    cloudControl.on(CancelResourceRequestCommand).resolves({ ProgressEvent: { OperationStatus: 'CANCEL_IN_PROGRESS' } });
    const result = await cancel(envelope('Resource Operation Cancel Requested', { requestId: 'req-create-1' }), lambdaContext);
    expect(result).toEqual({ outcome: 'CANCEL_REQUESTED', requestId: 'req-create-1', requestToken: 'tok-latest' });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]!.args[0].input.executionArn).toBe(executionArn);
    expect(cloudControl.commandCalls(CancelResourceRequestCommand)[0]!.args[0].input).toEqual({ RequestToken: 'tok-latest' });
  });

  it('rejects a cancel for an unknown request', async () => {
    sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('nope'), { name: 'ExecutionDoesNotExist' }));
    const result = await cancel(envelope('Resource Operation Cancel Requested', { requestId: 'ghost' }), lambdaContext);
    expect(result).toMatchObject({ outcome: 'REJECTED' });
    expect(publishedDetails()[0]!.detail).not.toHaveProperty('requestId');
    expect(publishedDetails()[0]!.detail).toMatchObject({ namedRequestId: 'ghost', errors: [{ field: 'requestId', code: 'not_found' }] });
  });

  it('rejects a cancel for a request that already finished', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    await cancel(envelope('Resource Operation Cancel Requested', { requestId: 'req-create-1' }), lambdaContext);
    expect(cloudControl.commandCalls(CancelResourceRequestCommand)).toHaveLength(0);
    expect(publishedDetails()[0]!.detail.reason).toContain('already finished (SUCCEEDED)');
  });

  it('honours a cancel only from the source and account that sent the request', async () => {
    const ports = testPorts();
    await ports.ledger.once(requestOwnerKey('req-create-1'), async () => ({
      workflow: 'resource-operation', digest: 'd', eventId: 'e', requestedAt: NOW.toISOString(), source: 'platform.provisioning', account: '123456789012',
    }));
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const fromOtherAccount = { ...envelope('Resource Operation Cancel Requested', { requestId: 'req-create-1' }, 'cancel-a'), account: '999999999999' };
    const fromOtherSource = { ...envelope('Resource Operation Cancel Requested', { requestId: 'req-create-1' }, 'cancel-b'), source: 'platform.catalog' };
    for (const event of [fromOtherAccount, fromOtherSource]) {
      expect(await cancelResourceOperation(event as IncomingEvent, ports)).toMatchObject({ outcome: 'REJECTED' });
    }
    expect(cloudControl.commandCalls(CancelResourceRequestCommand)).toHaveLength(0);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    for (const { detail } of publishedDetails()) {
      expect(detail).not.toHaveProperty('requestId');
      expect(detail).toMatchObject({ namedRequestId: 'req-create-1', errors: [{ field: 'requestId', code: 'not_owner' }] });
    }
    expect(publishedDetails()).toHaveLength(2);
  });

  it('rejects a malformed cancel', async () => {
    await cancel(envelope('Resource Operation Cancel Requested', { requestId: 'has spaces' }), lambdaContext);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expect(publishedDetails()[0]!.detail.errors[0]).toMatchObject({ field: 'requestId', code: 'invalid_format' });
  });
});
