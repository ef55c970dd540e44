/**
 * The resource-operation workflow end to end on the local stack: request
 * event → rule → ingest → the real ASL in aws-local-stepfunctions → the real
 * handlers → the Cloud Control emulator → completion event on the bus.
 */
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, completions, rejections, runRequests, secondsSinceT0, startStack } from '../support/stack';

const bucket = (requestId: string, name = `bucket-${requestId}`) => ({
  requestId,
  operation: 'CREATE',
  typeName: 'AWS::S3::Bucket',
  desiredState: { BucketName: name, Tags: [{ Key: 'secret-looking', Value: 'hunter2' }] },
});

const s3 = (behaviour: Record<string, unknown> = {}): WorldInput => ({
  cloudControl: {
    resourceTypes: {
      // A hint on every event (retryAfterOmitRate 0): these cases test following it exactly.
      'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', pendingSeconds: 3, durationSeconds: 95, retryAfterSeconds: 10, retryAfterOmitRate: 0, ...behaviour },
    },
  },
});

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('success', () => {
  it('creates the resource and emits one SUCCEEDED completion, polling exactly at each RetryAfter', async () => {
    stack = await startStack(s3());
    await runRequests(stack, bucket('ok-1', 'audit-logs'));

    const [completion, ...others] = completions(stack);
    expect(others).toEqual([]);
    expect(completion).toMatchObject({
      requestId: 'ok-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', identifier: 'audit-logs',
      status: 'SUCCEEDED', attempts: 1, polls: 10, hooks: [],
    });
    expect(completion!.requestToken).toEqual(expect.any(String));
    expect(completion!.errorCode).toBeUndefined();
    // Service time 95 s, hints every 10 s: polls at +10 … +100, the last one sees SUCCESS.
    const polls = callsTo(stack, 'GetResourceRequestStatus').map((c) => secondsSinceT0(c.at));
    expect(polls).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(secondsSinceT0(new Date(completion!.completedAt))).toBe(100);
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.get('audit-logs')).toMatchObject({ BucketName: 'audit-logs' });
  });

  it('keeps desired-state values out of the completion event', async () => {
    stack = await startStack(s3());
    await runRequests(stack, bucket('ok-2'));
    expect(JSON.stringify(stack.emitted)).not.toContain('hunter2');
  });

  it('updates with the RFC 6902 patch and deletes', async () => {
    stack = await startStack({
      cloudControl: {
        resourceTypes: {
          'AWS::Logs::LogGroup': { primaryIdentifier: 'LogGroupName', durationSeconds: 12, existing: { '/app/a': { LogGroupName: '/app/a', RetentionInDays: 7 }, '/app/b': { LogGroupName: '/app/b' } } },
        },
      },
    });
    await runRequests(
      stack,
      { requestId: 'upd', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/a', patchDocument: [{ op: 'replace', path: '/RetentionInDays', value: 30 }] },
      { requestId: 'del', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/b' },
    );
    expect(completions(stack).map((c) => [c.requestId, c.status, c.identifier]).sort()).toEqual([
      ['del', 'SUCCEEDED', '/app/b'],
      ['upd', 'SUCCEEDED', '/app/a'],
    ]);
    const groups = stack.cloudControl.resources.get('AWS::Logs::LogGroup')!;
    expect(groups.get('/app/a')).toEqual({ LogGroupName: '/app/a', RetentionInDays: 30 });
    expect(groups.has('/app/b')).toBe(false);
  });

  it('ends a DELETE of a resource that is not there SUCCEEDED, saying it was already absent; an UPDATE of one FAILED', async () => {
    stack = await startStack({
      cloudControl: { resourceTypes: { 'AWS::Logs::LogGroup': { primaryIdentifier: 'LogGroupName', durationSeconds: 12, existing: { '/app/here': { LogGroupName: '/app/here' } } } } },
    });
    await runRequests(
      stack,
      { requestId: 'del-absent', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/never-was' },
      { requestId: 'del-here', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/here' },
      { requestId: 'upd-absent', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/never-was', patchDocument: [{ op: 'add', path: '/RetentionInDays', value: 7 }] },
    );
    const byId = Object.fromEntries(completions(stack).map((c) => [c.requestId, c]));
    expect(byId['del-absent']).toMatchObject({ status: 'SUCCEEDED', alreadyAbsent: true, identifier: '/app/never-was' });
    expect(byId['del-absent']).not.toHaveProperty('errorCode');
    expect(byId['del-here']).toMatchObject({ status: 'SUCCEEDED' });
    expect(byId['del-here']).not.toHaveProperty('alreadyAbsent');
    // AWS refuses the UPDATE at the call (LocalStack's AWS-run test_api_exceptions); a DELETE is accepted, then NotFound.
    expect(byId['upd-absent']).toMatchObject({ status: 'FAILED', errorCode: 'ResourceNotFoundException' });
    expect(byId['upd-absent']).not.toHaveProperty('alreadyAbsent');
  });

  it('waits out a resource busy with another operation (ConcurrentOperationException) for as long as it takes', async () => {
    stack = await startStack({
      cloudControl: { resourceTypes: { 'AWS::Logs::LogGroup': { primaryIdentifier: 'LogGroupName', durationSeconds: 1800, existing: { '/app/busy': { LogGroupName: '/app/busy' } } } } },
    });
    await stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: JSON.stringify({ requestId: 'first', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/busy', patchDocument: [{ op: 'add', path: '/RetentionInDays', value: 7 }] }) }]);
    // A second operation on the same resource, a minute into the first's half hour.
    stack.clock.setTimeout(() => void stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: JSON.stringify({ requestId: 'second', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/app/busy', patchDocument: [{ op: 'add', path: '/RetentionInDays', value: 30 }] }) }]), 60_000);
    await stack.settle();
    const byId = Object.fromEntries(completions(stack).map((c) => [c.requestId, c]));
    expect(byId.first).toMatchObject({ status: 'SUCCEEDED' });
    expect(byId.second).toMatchObject({ status: 'SUCCEEDED' });
    expect(secondsSinceT0(new Date(byId.second!.completedAt))).toBeGreaterThan(1800);
    expect(callsTo(stack, 'UpdateResource').filter((c) => c.error === 'ConcurrentOperationException').length).toBeGreaterThan(0);
    expect(stack.cloudControl.resources.get('AWS::Logs::LogGroup')!.get('/app/busy')).toEqual({ LogGroupName: '/app/busy', RetentionInDays: 30 });
  });

  it('reports the hooks that ran, including a WARN hook that failed', async () => {
    stack = await startStack(s3({ hooks: [{ typeName: 'Org::Guard::Tags', failureMode: 'WARN', result: 'FAILED', message: 'missing cost-center tag' }] }));
    await runRequests(stack, bucket('hooks-1'));
    const [completion] = completions(stack);
    expect(completion!.status).toBe('SUCCEEDED');
    expect(completion!.failedHook).toEqual({
      typeName: 'Org::Guard::Tags', invocationPoint: 'PRE_PROVISION', status: 'HOOK_COMPLETE_FAILED', failureMode: 'WARN', message: 'missing cost-center tag',
    });
  });
});

describe('failure', () => {
  it('ends FAILED with the ErrorCode and message when the operation fails for good', async () => {
    stack = await startStack(s3({ failure: { errorCode: 'NotStabilized', statusMessage: 'Bucket did not stabilize' } }));
    await runRequests(stack, bucket('fail-1'));
    const [completion] = completions(stack);
    expect(completion).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized', statusMessage: 'Bucket did not stabilize', attempts: 1 });
    const [execution] = stack.stepFunctions.executions.values();
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ResourceOperationFailed' });
  });

  it('ends FAILED when a FAIL-mode hook rejects the resource', async () => {
    stack = await startStack(s3({ hooks: [{ typeName: 'Org::Guard::Encryption', failureMode: 'FAIL', result: 'FAILED' }] }));
    await runRequests(stack, bucket('hook-fail'));
    const [completion] = completions(stack);
    expect(completion).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
    expect(completion!.failedHook).toMatchObject({ typeName: 'Org::Guard::Encryption', failureMode: 'FAIL' });
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.size).toBe(0);
  });

  it('ends FAILED with the API exception when Cloud Control refuses the request', async () => {
    stack = await startStack(s3());
    await runRequests(stack, { requestId: 'no-type', operation: 'DELETE', typeName: 'AWS::Nope::Thing', identifier: 'x' });
    expect(completions(stack)[0]).toMatchObject({ status: 'FAILED', errorCode: 'TypeNotFoundException', polls: 0 });
  });

  it('reports ResourceNotFoundException for an update of a resource that does not exist (refused at the call)', async () => {
    stack = await startStack(s3());
    await runRequests(stack, { requestId: 'ghost', operation: 'UPDATE', typeName: 'AWS::S3::Bucket', identifier: 'ghost', patchDocument: [{ op: 'remove', path: '/Tags' }] });
    expect(completions(stack)[0]).toMatchObject({ status: 'FAILED', errorCode: 'ResourceNotFoundException', identifier: 'ghost' });
    expect(stack.cloudControl.submissions).toEqual([]);
  });
});

describe('transient failures', () => {
  it('resubmits a transient FAILED with a new ClientToken until it succeeds', async () => {
    stack = await startStack(s3({ failure: { errorCode: 'Throttling', times: 2 } }));
    await runRequests(stack, bucket('retry-1'));
    expect(completions(stack)).toHaveLength(1);
    expect(completions(stack)[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 3 });
    const tokens = callsTo(stack, 'CreateResource').map((c) => c.input.ClientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(3);
    expect(stack.cloudControl.submissions).toHaveLength(3);
  });

  it('gives up after MAX_ATTEMPTS submissions and reports the transient code', async () => {
    stack = await startStack(s3({ failure: { errorCode: 'ServiceInternalError' } }));
    await runRequests(stack, bucket('retry-2'));
    expect(completions(stack)[0]).toMatchObject({ status: 'FAILED', errorCode: 'ServiceInternalError', attempts: 4 });
  });

  it('retries throttling and 5xx exceptions without starting a second operation', async () => {
    stack = await startStack({
      ...s3(),
      faults: [
        { operation: 'CreateResource', error: 'ThrottlingException', times: 4 },
        { operation: 'GetResourceRequestStatus', error: 'ServiceInternalErrorException', status: 500, times: 5 },
        { operation: 'StartExecution', error: 'ThrottlingException', times: 2 },
      ],
    });
    await runRequests(stack, bucket('storm-1'));
    expect(completions(stack)).toHaveLength(1);
    expect(completions(stack)[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(stack.cloudControl.submissions).toHaveLength(1);
  });

  it('delivers the completion event through PutEvents partial failures, once', async () => {
    stack = await startStack({ ...s3(), eventBridge: { failEntries: { times: 3 } } });
    // The request itself arrives as a delivered envelope; only Shepherd's own PutEvents meet the faults.
    stack.inject({ version: '0', id: 'emit-evt', 'detail-type': 'Resource Operation Requested', source: 'platform.provisioning',
      account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: bucket('emit-1') });
    await stack.settle();
    expect(completions(stack)).toHaveLength(1);
  });
});

describe('waiting', () => {
  it('backs off adaptively when Cloud Control gives no RetryAfter', async () => {
    stack = await startStack(s3({ retryAfterSeconds: null, durationSeconds: 600 }));
    await runRequests(stack, bucket('nohint-1'));
    const [completion] = completions(stack);
    expect(completion!.status).toBe('SUCCEEDED');
    const times = callsTo(stack, 'GetResourceRequestStatus').map((c) => secondsSinceT0(c.at));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.every((gap) => gap >= 1)).toBe(true); // never a busy loop
    expect(gaps[gaps.length - 1]!).toBeGreaterThan(gaps[0]!); // waits grow
    expect(times.length).toBeLessThan(30); // a fixed 10 s loop would poll 60 times
    expect(secondsSinceT0(new Date(completion!.completedAt)) - 600).toBeLessThanOrEqual(0.2 * 600 + 1);
  });

  it('clamps an absurd RetryAfter to the longest wait it trusts', async () => {
    stack = await startStack(s3({ retryAfterSeconds: 10 * 24 * 3600, durationSeconds: 1500 }));
    await runRequests(stack, bucket('absurd-1'));
    const times = callsTo(stack, 'GetResourceRequestStatus').map((c) => secondsSinceT0(c.at));
    expect(times).toEqual([600, 1200, 1800]);
  });

  it('reports TIMED_OUT when the operation outlasts OPERATION_TIMEOUT_SECONDS', async () => {
    stack = await startStack(s3({ durationSeconds: 3 * 24 * 3600, retryAfterSeconds: 600 }));
    await runRequests(stack, bucket('slow-1'));
    const [completion] = completions(stack);
    expect(completion).toMatchObject({ status: 'TIMED_OUT' });
    expect(secondsSinceT0(new Date(completion!.completedAt))).toBe(86_400);
    const [execution] = stack.stepFunctions.executions.values();
    expect(execution!.status).toBe('FAILED');
    expect(execution!.error).toBe('ResourceOperationTimedOut');
    expect(execution!.history.length).toBeLessThan(25_000);
  });
});

describe('cancellation', () => {
  it('cancels a running operation: CANCEL_IN_PROGRESS → CANCEL_COMPLETE → CANCELLED', async () => {
    stack = await startStack(s3({ durationSeconds: 1800, retryAfterSeconds: 30 }));
    await stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: JSON.stringify(bucket('cancel-1')) }]);
    stack.clock.setTimeout(() => {
      void stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Cancel Requested', Detail: JSON.stringify({ requestId: 'cancel-1' }) }]);
    }, 300_000);
    await stack.settle();
    expect(completions(stack)).toHaveLength(1);
    expect(completions(stack)[0]).toMatchObject({ requestId: 'cancel-1', status: 'CANCELLED' });
    expect(callsTo(stack, 'CancelResourceRequest')).toHaveLength(1);
    expect(rejections(stack)).toEqual([]);
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.size).toBe(0);
  });

  it('rejects a cancel once the operation has finished, and one for an unknown request', async () => {
    stack = await startStack(s3());
    await runRequests(stack, bucket('done-1'));
    await stack.putEvents([
      { Source: 'platform.provisioning', DetailType: 'Resource Operation Cancel Requested', Detail: JSON.stringify({ requestId: 'done-1' }) },
      { Source: 'platform.provisioning', DetailType: 'Resource Operation Cancel Requested', Detail: JSON.stringify({ requestId: 'never-sent' }) },
    ]);
    await stack.settle();
    // A cancel's rejection names the request; it never ends it.
    expect(rejections(stack).map((r) => [r.namedRequestId ?? r.requestId, r.errors[0].code]).sort()).toEqual([
      ['done-1', 'not_cancellable'],
      ['never-sent', 'not_found'],
    ]);
    expect(completions(stack)).toHaveLength(1);
    expect(callsTo(stack, 'CancelResourceRequest')).toHaveLength(0);
  });
});

describe('idempotency', () => {
  it('a redelivered event (same id) starts one operation and yields one completion', async () => {
    stack = await startStack(s3());
    const { requestId: _none, ...detail } = bucket('x');
    const envelope = {
      version: '0' as const, id: '0d4c6e8a-1111-4222-8333-944455556666', 'detail-type': 'Resource Operation Requested',
      source: 'platform.provisioning', account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail,
    };
    stack.inject(envelope);
    stack.inject(envelope);
    await stack.settle();
    stack.inject(envelope); // hours later, after it finished
    await stack.settle();
    expect(completions(stack)).toHaveLength(1);
    expect(completions(stack)[0]!.requestId).toBe(envelope.id);
    expect(stack.cloudControl.submissions).toHaveLength(1);
    expect(rejections(stack)).toEqual([]);
  });

  it('the same request sent again with its requestId starts nothing new', async () => {
    stack = await startStack(s3());
    await runRequests(stack, bucket('dup-1'), bucket('dup-1'));
    await runRequests(stack, bucket('dup-1'));
    expect(completions(stack)).toHaveLength(1);
    expect(stack.cloudControl.submissions).toHaveLength(1);
    expect(stack.stepFunctions.executions.size).toBe(1);
  });

  it('a different request reusing a requestId is rejected, not merged', async () => {
    stack = await startStack(s3());
    await runRequests(stack, bucket('reuse-1', 'first'));
    await runRequests(stack, bucket('reuse-1', 'second'));
    expect(completions(stack)).toHaveLength(1);
    // Another request's id: the rejection names it, and never looks like that request's end.
    expect(rejections(stack).map((r) => r.requestId)).toEqual([undefined]);
    expect(rejections(stack)).toEqual([expect.objectContaining({ namedRequestId: 'reuse-1', errors: [expect.objectContaining({ field: 'requestId', code: 'conflict' })] })]);
    expect(stack.cloudControl.resources.get('AWS::S3::Bucket')?.has('second')).toBe(false);
  });
});

describe('bad input', () => {
  it('rejects invalid requests with one event each, naming the fields, and calls no AWS API', async () => {
    stack = await startStack(s3());
    await runRequests(
      stack,
      { requestId: 'bad-1', operation: 'UPDATE', typeName: 'AWS::S3::Bucket', identifier: 'b' },
      { requestId: 'bad-2', operation: 'UPDATE', typeName: 'AWS::S3::Bucket', identifier: 'b', patchDocument: { replace: '/x' } },
      { requestId: 'bad-3', operation: 'RENAME', typeName: 'AWS::S3::Bucket' },
      { requestId: 'bad-4', operation: 'CREATE', typeName: 'S3::Bucket', desiredState: {} },
      { requestId: 'bad-5', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: {}, roleArn: 'arn:aws:iam::123456789012:user/alice' },
    );
    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string }) => e.field)]));
    expect(Object.keys(byId).sort()).toEqual(['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5']);
    expect(byId['bad-1']).toContain('patchDocument');
    expect(byId['bad-2']).toContain('patchDocument');
    expect(byId['bad-3']).toContain('operation');
    expect(byId['bad-4']).toContain('typeName');
    expect(byId['bad-5']).toContain('roleArn');
    expect(completions(stack)).toEqual([]);
    expect(stack.stepFunctions.executions.size).toBe(0);
    expect(stack.server.calls.filter((c) => c.service === 'CloudApiService')).toEqual([]);
  });

  it('ignores Shepherd\'s own events and request types it has no rule for', async () => {
    stack = await startStack(s3());
    await stack.putEvents([
      { Source: 'shepherd', DetailType: 'Resource Operation Requested', Detail: JSON.stringify(bucket('loop-1')) },
      { Source: 'platform.provisioning', DetailType: 'Something Else', Detail: '{}' },
    ]);
    await stack.settle();
    expect(stack.invocations.size).toBe(0);
  });
});

describe('execution records', () => {
  it('keeps state payloads and history small', async () => {
    stack = await startStack(s3());
    await runRequests(stack, bucket('small-1'));
    const [execution] = stack.stepFunctions.executions.values();
    expect(execution!.status).toBe('SUCCEEDED');
    expect(execution!.maxPayloadBytes).toBeLessThan(4096);
    // Submit (5) + per poll: Wait (2) + Check (5) + Choice (2), + emit and end.
    expect(execution!.history.length).toBeLessThan(10 * 9 + 30);
    expect(secondsSinceT0(execution!.stopDate!)).toBe(100);
    expect(T0.getTime()).toBe(execution!.startDate.getTime());
  });
});
