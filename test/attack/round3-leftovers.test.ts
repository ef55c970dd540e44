/**
 * Round 3 — leftovers of failed CREATEs (promise 2), combined with cancels, read-back storms and strangers.
 *
 * Found by this round and settled:
 * - a cancel sent while the request backs off before resubmitting was rejected as finished, then the request went
 *   on: now the cancel waits (shared/resource-operation/cancel.ts, RetryLater while the tracked attempt has ended
 *   but the execution runs) and cancels the next attempt once it is submitted: CANCELLED, never rejected.
 * - another request creating the same identifier between attempts was reported as this request's leftover: the
 *   completion now says only that a resource exists (`resourceExists`), most likely the failed attempt's, and that
 *   Cloud Control cannot say who made it — which is all GetResource can tell.
 */
import type { LocalStack } from '../../local/harness/stack';
import {
  CANCEL, callsTo, clientTokensSent, create, rejections, send, sendAt, submissions, startStack, widgetWorld, widgets,
  onlyCompletionOf,
} from './round3-support';

let stack: LocalStack;
afterEach(async () => stack?.stop());

const transientOnce = { failure: { errorCode: 'ServiceInternalError', times: 1 }, retryAfterOmitRate: 0 };

const onlyCompletion = (requestId: string) => onlyCompletionOf(stack, requestId);

describe('read-back before resubmitting a CREATE', () => {
  it('without partialCreates: reads back once (absent), resubmits once with a new token, SUCCEEDED, one resource', async () => {
    stack = await startStack(widgetWorld(transientOnce));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'SUCCEEDED', identifier: 'w1', attempts: 2 });
    expect(submissions(stack)).toHaveLength(2);
    expect(clientTokensSent(stack)).toHaveLength(2);
    expect(callsTo(stack, 'GetResource').map((c) => c.error)).toEqual(['ResourceNotFoundException']);
    expect([...widgets(stack).keys()]).toEqual(['w1']);
  });

  it('partialCreates with generated identifiers, failing every time: ends after the first attempt, exactly one resource, named', async () => {
    stack = await startStack(widgetWorld({ primaryIdentifier: undefined, failure: { errorCode: 'NetworkFailure' }, partialCreates: true }));
    await send(stack, create('a', undefined));
    await stack.settle();
    const done = onlyCompletion('a');
    expect(done).toMatchObject({ status: 'FAILED', resourceExists: true, errorCode: 'NetworkFailure' });
    expect(submissions(stack)).toHaveLength(1);
    expect([...widgets(stack).keys()]).toEqual([done.identifier]);
  });

  it('maxAttempts exhausted without leftovers: 4 submissions, 4 read-backs, FAILED, nothing created', async () => {
    stack = await startStack(widgetWorld({ failure: { errorCode: 'Throttling' }, retryAfterOmitRate: 0 }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'FAILED', errorCode: 'Throttling', attempts: 4 });
    expect(onlyCompletion('a').resourceExists).toBeUndefined();
    expect(submissions(stack)).toHaveLength(4);
    // A read-back before each resubmission, and one more once the last attempt has failed too.
    expect(callsTo(stack, 'GetResource')).toHaveLength(4);
    expect(widgets(stack).size).toBe(0);
  });

  it.each([
    ['throttled for an hour', { operation: 'GetResource', error: 'ThrottlingException', untilSeconds: 3600 }],
    ['answering 500 for an hour', { operation: 'GetResource', error: 'InternalFailure', status: 500, untilSeconds: 3600 }],
    ['hanging for ten minutes', { operation: 'GetResource', error: 'InternalFailure', hang: true, untilSeconds: 600 }],
    ['503 on 70 % of calls for two hours', { operation: 'GetResource', error: 'ServiceUnavailable', status: 503, rate: 0.7, untilSeconds: 7200 }],
  ])('a read-back storm (%s) is waited out: FAILED resourceExists, never a second CREATE', async (_label, fault) => {
    stack = await startStack(widgetWorld({ ...transientOnce, partialCreates: true }, { faults: [fault as never] }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'FAILED', resourceExists: true, identifier: 'w1', errorCode: 'ServiceInternalError' });
    expect(callsTo(stack, 'CreateResource')).toHaveLength(1);
    expect(submissions(stack)).toHaveLength(1);
    expect([...widgets(stack).keys()]).toEqual(['w1']);
  });

  it('a read-back outage longer than the execution may run (30 h of 500s): TIMED_OUT, identifier named, still one CREATE', async () => {
    stack = await startStack(widgetWorld({ ...transientOnce, partialCreates: true }, {
      faults: [{ operation: 'GetResource', error: 'InternalFailure', status: 500, untilSeconds: 30 * 3600 }],
    }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    const done = onlyCompletion('a');
    expect(done.status).toBe('TIMED_OUT');
    expect(done.identifier).toBe('w1');
    expect(callsTo(stack, 'CreateResource')).toHaveLength(1);
    expect(submissions(stack)).toHaveLength(1);
  }, 120_000);

  it('a read-back refused for good (AccessDeniedException): FAILED without resubmitting, saying it could not be read, not claiming a leftover', async () => {
    stack = await startStack(widgetWorld({ ...transientOnce, partialCreates: false }, {
      faults: [{ operation: 'GetResource', error: 'AccessDeniedException', status: 400, untilSeconds: 100_000 }],
    }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    const done = onlyCompletion('a');
    expect(done).toMatchObject({ status: 'FAILED', identifier: 'w1' });
    expect(done.resourceExists).toBeUndefined();
    expect(done.statusMessage).toMatch(/could not be read/);
    expect(callsTo(stack, 'CreateResource')).toHaveLength(1);
    expect(widgets(stack).size).toBe(0);
  });

  it.each([1, 2, 3, 4])('lost answer AND transient failure AND partialCreates AND Lambda crash after its work, seed %i: one operation, FAILED left behind', async (seed) => {
    stack = await startStack(widgetWorld({ failure: { errorCode: 'InternalFailure', times: 1 }, partialCreates: true }, {
      seed,
      faults: [{ operation: 'CreateResource', error: 'InternalFailure', status: 500, when: 'after', times: 1 }],
      lambdaFaults: [{ function: 'startResourceOperation', fault: 'crash', when: 'after', times: 1 }],
    }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'FAILED', resourceExists: true, identifier: 'w1' });
    expect(submissions(stack)).toHaveLength(1);
    expect(clientTokensSent(stack)).toHaveLength(1);
    expect([...widgets(stack).keys()]).toEqual(['w1']);
  });
});

describe('cancels around the read-back', () => {
  it('a cancel while the CREATE is IN_PROGRESS with partialCreates: CANCELLED, naming the identifier it left', async () => {
    stack = await startStack(widgetWorld({ partialCreates: true, durationSeconds: 60, retryAfterOmitRate: 0 }));
    await send(stack, create('a', 'w1'));
    sendAt(stack, 10, { requestId: 'a' }, CANCEL);
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'CANCELLED', identifier: 'w1' });
    expect(rejections(stack)).toHaveLength(0);
    expect(submissions(stack)).toHaveLength(1);
    expect([...widgets(stack).keys()]).toEqual(['w1']);
  });

  it('a cancel racing a leftover read-back that is throttled: the request ends FAILED left behind, the cancel gets one rejection that is not the request\'s end', async () => {
    stack = await startStack(widgetWorld({ ...transientOnce, partialCreates: true }, {
      faults: [{ operation: 'GetResource', error: 'ThrottlingException', untilSeconds: 1800 }],
    }));
    await send(stack, create('a', 'w1'));
    sendAt(stack, 600, { requestId: 'a' }, CANCEL);
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'FAILED', resourceExists: true });
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.requestId).toBeUndefined();
    expect(rejected[0]!.namedRequestId).toBe('a');
    expect(submissions(stack)).toHaveLength(1);
  });

  it('a cancel sent while the request backs off before resubmitting is honoured (CANCELLED, no new CREATE) — or at least not refused as "finished" while the request goes on', async () => {
    stack = await startStack(widgetWorld(transientOnce));
    await send(stack, create('a', 'w1'));
    // Attempt 1 FAILED at +10 s (seen at the +10 s poll); the resubmission waits 2.5–5 s.
    sendAt(stack, 11, { requestId: 'a' }, CANCEL);
    await stack.settle();
    const done = onlyCompletion('a');
    const cancelRejected = rejections(stack).length > 0;
    // The cancel waits for attempt 2 and cancels it: CANCELLED, not rejected, nothing created.
    expect({ status: done.status, cancelRejected }).toEqual({ status: 'CANCELLED', cancelRejected: false });
    expect(callsTo(stack, 'CreateResource').length).toBeLessThanOrEqual(2);
    expect(widgets(stack).size).toBe(0);
  });
});

describe('several requests, one identifier', () => {
  it('another request creates the same identifier between this request\'s attempts: this request does not claim it left that resource', async () => {
    stack = await startStack(widgetWorld({ ...transientOnce, durationSeconds: 1 }));
    await send(stack, create('a', 'w1'));
    // a's attempt 1 fails at +1 s (seen at +5 s); b creates w1 at +5.5 s, done by +6.5 s; a reads back after that.
    sendAt(stack, 5.5, create('b', 'w1'));
    await stack.settle();
    expect(onlyCompletion('b')).toMatchObject({ status: 'SUCCEEDED', identifier: 'w1' });
    const a = onlyCompletion('a');
    expect(a.status).toBe('FAILED');
    // GetResource cannot say whose w1 is: a says a resource exists, and does not claim it made it.
    expect(a.resourceExists).toBe(true);
    expect(a.statusMessage).toMatch(/cannot say who made it/);
    expect(a.statusMessage).not.toMatch(/left w1 behind/);
    expect([...widgets(stack).keys()]).toEqual(['w1']);
  });

  it('five CREATEs of one name at once, the first failing transiently with partialCreates: one resource, one left-behind, four AlreadyExists', async () => {
    stack = await startStack(widgetWorld({ ...transientOnce, partialCreates: true }));
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    await send(stack, ...ids.map((id) => create(id, 'shared')));
    await stack.settle();
    const ends = ids.map((id) => onlyCompletion(id));
    expect(ends.filter((c) => c.resourceExists === true)).toHaveLength(1);
    expect(ends.filter((c) => c.errorCode === 'AlreadyExists')).toHaveLength(4);
    expect(ends.every((c) => c.status === 'FAILED')).toBe(true);
    expect(submissions(stack)).toHaveLength(5);
    expect([...widgets(stack).keys()]).toEqual(['shared']);
  });
});
