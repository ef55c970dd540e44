/**
 * Promise 3: only the owner of a requestId can cause that requestId's terminal
 * event. A conflicting request or a cancel from someone else never produces a
 * Request Rejected carrying the victim's requestId, nor a CANCELLED completion.
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import type { LocalStack } from '../../local/harness/stack';
import { CANCEL, at, FOREIGN, INTRUDER, ORG, OTHER_PRODUCER, PRODUCER, RO, entry, rejections, start, terminalsFor } from './support';

const VICTIM = 'victim-op';
const victimRequest = (extra: Record<string, unknown> = {}) =>
  entry('platform.provisioning', RO, { requestId: VICTIM, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'victim' }, ...extra });
const attackerCancel = () => entry('platform.catalog', CANCEL, { requestId: VICTIM });

/** The victim's request ended exactly once, SUCCEEDED, and nobody else's event carries its requestId. */
function expectVictimUntouched(stack: LocalStack) {
  const terminals = terminalsFor(stack, VICTIM);
  expect(terminals.map((t) => `${t.kind}:${t.status ?? ''}`)).toEqual(['Resource Operation Completed:SUCCEEDED']);
  expect(stack.server.calls.filter((c) => c.operation === 'CancelResourceRequest')).toHaveLength(0);
}

describe('cancels from someone else', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it('a cancel from another source while the operation runs is refused, not applied', async () => {
    stack = await start();
    await stack.putEvents([victimRequest()]);
    at(stack, 3, () => stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER }));
    await stack.settle();
    expectVictimUntouched(stack);
    const rejected = rejections(stack);
    expect(rejected[0]!.errors[0].code).toBe('not_owner');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.requestId).toBeUndefined();
    expect(rejected[0]!.namedRequestId).toBe(VICTIM);
  });

  it('a cancel from another source sent before the request (it waits) is refused once the request is known', async () => {
    stack = await start();
    await stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER });
    await stack.settle(); // nothing happens yet: the cancel waits for its request
    await stack.putEvents([victimRequest()]);
    await stack.settle();
    expectVictimUntouched(stack);
    expect(rejections(stack).every((r) => r.requestId === undefined)).toBe(true);
  });

  it('a cancel from another source sent in the same instant as the request is never applied', async () => {
    stack = await start();
    await Promise.all([stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER }), stack.putEvents([victimRequest()])]);
    await stack.settle();
    expectVictimUntouched(stack);
  });

  it('RACE: a cancel from another source whose DescribeExecution is throttled once is never applied', async () => {
    // One ThrottlingException on DescribeExecution (the SDK retries it after a jittered backoff): ordinary AWS weather.
    stack = await start({ world: { faults: [{ operation: 'DescribeExecution', error: 'ThrottlingException', status: 400, times: 1 }] } });
    await stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER });
    await stack.putEvents([victimRequest()]);
    await stack.settle();
    // Promised: only the sender of the request may cancel it.
    expectVictimUntouched(stack);
  });

  it('RACE: same, with a 500 on DescribeExecution instead of throttling', async () => {
    stack = await start({ world: { faults: [{ operation: 'DescribeExecution', error: 'InternalFailure', status: 500, times: 1 }] } });
    await stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER });
    await stack.putEvents([victimRequest()]);
    await stack.settle();
    expectVictimUntouched(stack);
  });

  it('documented limit: cancel authority is per source and account, so another principal allowed the same source can cancel', async () => {
    // Locally every platform-* role may send every platform.* source; the envelope names source and account only
    // (README "Threat model"). Tie each source to one principal in config/guardrails.json to make it per principal.
    stack = await start();
    await stack.putEvents([victimRequest()]);
    at(stack, 3, () => stack.putEvents([entry('platform.provisioning', CANCEL, { requestId: VICTIM })], { as: OTHER_PRODUCER }));
    await stack.settle();
    expect(terminalsFor(stack, VICTIM).map((t) => `${t.kind}:${t.status ?? ''}`)).toEqual(['Resource Operation Completed:CANCELLED']);
  });

  it('a cancel from another account or an unlisted principal never reaches Shepherd', async () => {
    stack = await start();
    await stack.putEvents([victimRequest()]);
    const failed: number[] = [];
    at(stack, 3, async () => {
      failed.push((await stack.putEvents([entry('platform.provisioning', CANCEL, { requestId: VICTIM })], { as: FOREIGN })).FailedEntryCount ?? -1);
      failed.push((await stack.putEvents([entry('platform.provisioning', CANCEL, { requestId: VICTIM })], { as: INTRUDER })).FailedEntryCount ?? -1);
    });
    await stack.settle();
    expect(failed).toEqual([1, 1]);
    expectVictimUntouched(stack);
  });

  it('the attacker\'s cancel, redelivered many times (same event id), is refused each time and never applied', async () => {
    stack = await start();
    await stack.putEvents([victimRequest()]);
    at(stack, 2, async () => {
      await stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER });
      const cancel = stack.events.find((e) => e['detail-type'] === CANCEL)!;
      for (let i = 0; i < 3; i++) stack.inject(structuredClone(cancel) as EventEnvelope);
    });
    await stack.settle();
    expectVictimUntouched(stack);
    expect(rejections(stack)).toHaveLength(1); // one per event id
  });

  it('an identical copy of the request sent by another source does not give that source the right to cancel', async () => {
    stack = await start();
    await stack.putEvents([victimRequest()]);
    at(stack, 2, () => stack.putEvents([{ ...victimRequest(), Source: 'platform.catalog' }], { as: OTHER_PRODUCER }));
    at(stack, 3, () => stack.putEvents([attackerCancel()], { as: OTHER_PRODUCER }));
    await stack.settle();
    expectVictimUntouched(stack);
  });
});

describe('conflicting reuse of a requestId', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  const conflicts: Array<[string, () => ReturnType<typeof entry>, string]> = [
    ['a different resource operation', () => entry('platform.catalog', RO, { requestId: VICTIM, operation: 'DELETE', typeName: 'AWS::S3::Bucket', identifier: 'victim' }), OTHER_PRODUCER],
    ['another kind of request', () => entry('platform.catalog', ORG, { requestId: VICTIM, enable: false }), OTHER_PRODUCER],
    ['an invalid request', () => entry('platform.catalog', RO, { requestId: VICTIM, operation: 'EXPLODE' }), OTHER_PRODUCER],
    ['a request the guardrails refuse', () => entry('platform.catalog', RO, { requestId: VICTIM, operation: 'CREATE', typeName: 'AWS::S3::Bucket', roleArn: 'arn:aws:iam::000000000000:role/admin', desiredState: {} }), OTHER_PRODUCER],
    ['a request with a __proto__ key', () => entry('platform.catalog', RO, `{"requestId":"${VICTIM}","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{"__proto__":{}}}`), OTHER_PRODUCER],
    ['the same source sending something different', () => victimRequest({ desiredState: { BucketName: 'other' } }), PRODUCER],
  ];

  it.each(conflicts)('%s after the request: rejected without ending the victim\'s request', async (_name, make, as) => {
    stack = await start();
    await stack.putEvents([victimRequest()]);
    at(stack, 3, () => stack.putEvents([make()], { as }));
    await stack.settle();
    expectVictimUntouched(stack);
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.requestId).toBeUndefined();
    expect(rejected[0]!.namedRequestId).toBe(VICTIM);
  });

  it.each(conflicts)('%s in the same instant as the request: exactly one terminal event for the id, one rejection', async (_name, make, as) => {
    stack = await start();
    await Promise.all([stack.putEvents([victimRequest()]), stack.putEvents([make()], { as })]);
    await stack.settle();
    // Whoever claimed the id first owns it; the other event is answered without the id.
    const terminals = terminalsFor(stack, VICTIM);
    expect(terminals).toHaveLength(1);
    // Every other answer names the id without carrying it.
    const carrying = rejections(stack).filter((r) => r.requestId === VICTIM);
    expect(carrying).toHaveLength(terminals[0]!.kind === 'Request Rejected' ? 1 : 0);
    // ... and the losing event gets exactly one answer of its own, naming the id.
    expect(rejections(stack).filter((r) => r.requestId === undefined && r.namedRequestId === VICTIM)).toHaveLength(1);
  });

  it('the victim\'s request redelivered (same event id) and resent (new event) while running: one terminal event', async () => {
    stack = await start();
    await stack.putEvents([victimRequest()]);
    const original = stack.events.find((e) => e['detail-type'] === RO)!;
    stack.inject(structuredClone(original) as EventEnvelope);
    await stack.putEvents([victimRequest()]);
    at(stack, 3, async () => stack.inject(structuredClone(original) as EventEnvelope));
    at(stack, 30, async () => stack.inject(structuredClone(original) as EventEnvelope));
    await stack.settle();
    expectVictimUntouched(stack);
    expect(rejections(stack)).toHaveLength(0);
  });
});
