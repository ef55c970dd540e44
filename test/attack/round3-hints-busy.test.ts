/**
 * Round 3 — progress events without RetryAfter (promise 5), DELETEs of absent resources and resources busy with
 * another operation (promise 6), many requests for one identifier at once, on several seeds.
 *
 * FAILURES (the emulator wrong, kept failing on purpose):
 * - "a CREATE sent while a DELETE of the same, absent identifier is in flight": the CREATE ends FAILED
 *   AlreadyExists ("Resource … with identifier 'w1' already exists.") and w1 exists nowhere, before or after.
 *   Cause: local/emulators/cloud-control.ts `submit()`, CREATE branch: `if (store.has(id) || this.inFlightOn(typeName, id))`
 *   answers AlreadyExists for ANY operation in flight on the identifier (here a DELETE that will end NotFound), not
 *   only a CREATE in flight. A busy identifier is a ConcurrentOperationException (which Shepherd waits out);
 *   AlreadyExists should need a resource or a CREATE of it. Found by the storm below (CREATE+UPDATE+DELETE at once),
 *   pinned down deterministically here.
 */
import type { LocalStack } from '../../local/harness/stack';
import {
  T0, callsTo, create, del, pollGaps, send, sendAt, submissions, startStack, update, widgetWorld, widgets,
  onlyCompletionOf,
} from './round3-support';

let stack: LocalStack;
afterEach(async () => stack?.stop());

const onlyCompletion = (requestId: string) => onlyCompletionOf(stack, requestId);
const secondsAfterT0 = (iso: string) => (new Date(iso).getTime() - T0.getTime()) / 1000;

describe('RetryAfter hints missing', () => {
  it('every hint missing on a 10-minute operation: polls back off (never under 1 s apart, at most ~66 s), finish noticed within 66 s', async () => {
    stack = await startStack(widgetWorld({ retryAfterOmitRate: 1, durationSeconds: 600 }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    const done = onlyCompletion('a');
    expect(done.status).toBe('SUCCEEDED');
    const gaps = pollGaps(stack);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(66);
    expect(done.polls).toBeLessThanOrEqual(40);
    expect(secondsAfterT0(done.completedAt)).toBeLessThanOrEqual(600 + 66);
  });

  it('no hints at all (retryAfterSeconds null) on a 3-hour operation: bounded polling (≤ 220), finishes', async () => {
    stack = await startStack(widgetWorld({ retryAfterSeconds: null, durationSeconds: 3 * 3600 }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    const done = onlyCompletion('a');
    expect(done.status).toBe('SUCCEEDED');
    expect(done.polls).toBeLessThanOrEqual(220);
    expect(Math.min(...pollGaps(stack))).toBeGreaterThanOrEqual(1);
  });

  it('a hint of "now" (retryAfterSeconds 0) is clamped: never more than one poll a second', async () => {
    stack = await startStack(widgetWorld({ retryAfterSeconds: 0, retryAfterOmitRate: 0, durationSeconds: 60 }));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    expect(onlyCompletion('a').status).toBe('SUCCEEDED');
    expect(Math.min(...pollGaps(stack))).toBeGreaterThanOrEqual(1);
  });

  it('half the hints missing, estimate mode, while the cancel waits through CANCEL_IN_PROGRESS: CANCELLED, no tight loop', async () => {
    stack = await startStack(widgetWorld({ retryAfterOmitRate: 0.5, retryAfterMode: 'estimate', durationSeconds: 900, cancelSeconds: 300 }));
    await send(stack, create('a', 'w1'));
    sendAt(stack, 120, { requestId: 'a' }, 'Resource Operation Cancel Requested');
    await stack.settle();
    expect(onlyCompletion('a').status).toBe('CANCELLED');
    expect(Math.min(...pollGaps(stack))).toBeGreaterThanOrEqual(1);
    expect(callsTo(stack, 'GetResourceRequestStatus').length).toBeLessThanOrEqual(60);
  });

  it.each([1, 2, 3, 4, 5])('seed %i, default omit rate (0.25), 10 operations of each kind at once: all finish, none polled more than once a second', async (seed) => {
    const existing = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`e${i}`, { Name: `e${i}`, Size: 1 }]));
    stack = await startStack(widgetWorld({ existing, durationSeconds: 45 }, { seed }));
    await send(
      stack,
      ...Array.from({ length: 10 }, (_, i) => create(`c${i}`, `n${i}`)),
      ...Array.from({ length: 10 }, (_, i) => update(`u${i}`, `e${i}`, [{ op: 'replace', path: '/Size', value: 2 }])),
      ...Array.from({ length: 10 }, (_, i) => del(`d${i}`, `e${10 + i}`)),
    );
    await stack.settle();
    for (const id of [...Array(10).keys()].flatMap((i) => [`c${i}`, `u${i}`, `d${i}`])) expect(onlyCompletion(id).status).toBe('SUCCEEDED');
    expect(Math.min(...pollGaps(stack))).toBeGreaterThanOrEqual(1);
    expect(submissions(stack)).toHaveLength(30);
  });
});

describe('absent and busy resources', () => {
  it('DELETE of an absent resource: SUCCEEDED alreadyAbsent; a second DELETE after the first: alreadyAbsent too; never resubmitted', async () => {
    stack = await startStack(widgetWorld({ existing: { w1: { Name: 'w1' } } }));
    await send(stack, del('gone', 'never-there'), del('first', 'w1'));
    sendAt(stack, 300, del('second', 'w1'));
    await stack.settle();
    expect(onlyCompletion('gone')).toMatchObject({ status: 'SUCCEEDED', alreadyAbsent: true, attempts: 1 });
    expect(onlyCompletion('first').status).toBe('SUCCEEDED');
    expect(onlyCompletion('first').alreadyAbsent).toBeUndefined();
    expect(onlyCompletion('second')).toMatchObject({ status: 'SUCCEEDED', alreadyAbsent: true });
    expect(submissions(stack)).toHaveLength(3);
  });

  it('a DELETE sent while a 2-hour UPDATE runs on the resource: waited out (ConcurrentOperationException), then deletes it — not alreadyAbsent', async () => {
    stack = await startStack(widgetWorld({ existing: { w1: { Name: 'w1', Size: 1 } }, durationSeconds: 7200 }));
    await send(stack, update('u', 'w1', [{ op: 'replace', path: '/Size', value: 2 }]));
    sendAt(stack, 30, del('d', 'w1'));
    await stack.settle();
    expect(onlyCompletion('u').status).toBe('SUCCEEDED');
    const d = onlyCompletion('d');
    expect(d.status).toBe('SUCCEEDED');
    expect(d.alreadyAbsent).toBeUndefined();
    expect(callsTo(stack, 'DeleteResource').some((c) => c.error === 'ConcurrentOperationException')).toBe(true);
    expect(submissions(stack)).toHaveLength(2);
    expect(widgets(stack).has('w1')).toBe(false);
  }, 120_000);

  it('six UPDATEs appending to one resource at once: all SUCCEEDED, each element appended exactly once', async () => {
    stack = await startStack(widgetWorld({ existing: { w1: { Name: 'w1', Tags: [] } } }));
    const ids = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
    await send(stack, ...ids.map((id) => update(id, 'w1', [{ op: 'add', path: '/Tags/-', value: id }])));
    await stack.settle();
    for (const id of ids) expect(onlyCompletion(id).status).toBe('SUCCEEDED');
    expect([...(widgets(stack).get('w1')!.Tags as string[])].sort()).toEqual(ids);
    expect(submissions(stack)).toHaveLength(6);
  });

  it('five DELETEs of one resource at once: all SUCCEEDED, exactly one did it, four alreadyAbsent', async () => {
    stack = await startStack(widgetWorld({ existing: { w1: { Name: 'w1' } } }));
    const ids = ['d0', 'd1', 'd2', 'd3', 'd4'];
    await send(stack, ...ids.map((id) => del(id, 'w1')));
    await stack.settle();
    const ends = ids.map((id) => onlyCompletion(id));
    expect(ends.every((c) => c.status === 'SUCCEEDED')).toBe(true);
    expect(ends.filter((c) => c.alreadyAbsent === true)).toHaveLength(4);
    expect(widgets(stack).size).toBe(0);
  });

  it('a CREATE sent while a DELETE of the same, absent identifier is in flight: not answered AlreadyExists for a resource that does not exist', async () => {
    stack = await startStack(widgetWorld({ durationSeconds: 30 }));
    await send(stack, del('d', 'w1'));
    sendAt(stack, 2, create('c', 'w1'));
    await stack.settle();
    expect(onlyCompletion('d')).toMatchObject({ status: 'SUCCEEDED', alreadyAbsent: true });
    const c = onlyCompletion('c');
    // Observed: FAILED AlreadyExists ("… with identifier 'w1' already exists."), and no w1 anywhere.
    expect({ status: c.status, errorCode: c.errorCode, exists: widgets(stack).has('w1') }).toEqual({ status: 'SUCCEEDED', errorCode: undefined, exists: true });
  });

  it('CREATE, UPDATE and DELETE of one identifier at once, with 20 % of Cloud Control calls throttled (seeds 1-3): each ends once, at most one CREATE', async () => {
    for (const seed of [1, 2, 3]) {
      stack = await startStack(widgetWorld({}, { seed, faults: [{ operation: '*', error: 'ThrottlingException', rate: 0.2, untilSeconds: 3600 }] } as never));
      await send(stack, create('c', 'w1'), update('u', 'w1', [{ op: 'add', path: '/Tags', value: ['x'] }]), del('d', 'w1'));
      await stack.settle();
      for (const id of ['c', 'u', 'd']) expect(['SUCCEEDED', 'FAILED']).toContain(onlyCompletion(id).status);
      expect(onlyCompletion('d').status).toBe('SUCCEEDED');
      expect(submissions(stack).filter((s) => s.operation === 'CREATE')).toHaveLength(1);
      await stack.stop();
    }
  });
});
