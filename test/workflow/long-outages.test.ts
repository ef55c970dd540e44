/**
 * Outages longer than any step's first retries, and races, on the local
 * stack: a step waits an outage out for as long as its execution may run, so
 * an operation that succeeded on the AWS side is never reported FAILED
 * because Shepherd could not look for a while. Each case here broke an
 * earlier version when attacked from outside the suite.
 */
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, completions, emittedOfType, rejections, requestEntry, startStack } from '../support/stack';

jest.setTimeout(120_000);

const HOUR = 3600;
let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

const bucket = (requestId: string) => ({ requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId } });
const buckets = (more: WorldInput = {}): WorldInput => ({
  cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 60, retryAfterSeconds: 10 } } },
  ...more,
});

async function createBucketUnder(world: WorldInput): Promise<Record<string, unknown>> {
  stack = await startStack(world);
  await stack.putEvents([requestEntry(bucket('b-1'))]);
  await stack.settle();
  const all = completions(stack);
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('a step outlasts its function failing for hours', () => {
  it.each([
    ['hangs past its timeout for 45 minutes', { fault: 'hang' as const, when: 'before' as const, untilSeconds: 45 * 60 }],
    ['crashes for 2 hours', { fault: 'crash' as const, when: 'before' as const, untilSeconds: 2 * HOUR }],
    ['cannot be invoked for 5 hours', { fault: 'unavailable' as const, untilSeconds: 5 * HOUR }],
  ])('the status check %s: the bucket is made, and the request says SUCCEEDED', async (_name, fault) => {
    const completion = await createBucketUnder(buckets({ lambdaFaults: [{ function: 'checkResourceOperation', ...fault }] }));
    expect(completion).toMatchObject({ status: 'SUCCEEDED', identifier: 'b-1' });
  });

  it('an API that hangs for 45 minutes: calls time out inside the function, and the request says SUCCEEDED', async () => {
    const completion = await createBucketUnder(buckets({ faults: [{ operation: 'GetResourceRequestStatus', error: 'none', hang: true, untilSeconds: 45 * 60 }] }));
    expect(completion).toMatchObject({ status: 'SUCCEEDED' });
  });
});

describe('an outage that begins while requests run', () => {
  it('DynamoDB down from minute 1 for 5 hours while six shares queue on one portfolio: each ends once, SUCCEEDED', async () => {
    stack = await startStack({
      serviceCatalog: { organization: { units: [{ id: 'ou-wk01-workloads', accounts: 20 }] }, portfolios: ['port-2abcdext3y5fk'] },
      faults: ['GetItem', 'PutItem', 'DeleteItem'].map((operation) => ({ operation, error: 'ServiceUnavailable', status: 503, fromSeconds: 60, untilSeconds: 60 + 5 * HOUR })),
    });
    const ids = Array.from({ length: 6 }, (_, i) => `q-${i}`);
    await stack.putEvents(ids.map((requestId) => requestEntry({ requestId, operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' } }, 'Portfolio Share Requested')));
    await stack.settle();
    const ends = emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as { requestId: string; status: string });
    expect(ends.map((e) => [e.requestId, e.status]).sort()).toEqual(ids.map((id) => [id, 'SUCCEEDED']));
  });

  it('PutEvents down from hour 24 to hour 30.5, status changes lost: the 24-hour time-out still gets its terminal event', async () => {
    // The operation runs past its 24 h deadline; the execution times out at 26 h while the emit step retries;
    // the sweep rescues it once PutEvents is back (it keeps checking executions for three days after they close).
    stack = await startStack({
      cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 200_000, retryAfterSeconds: 600 } } },
      stepFunctions: { dropStatusChangeEvents: true },
      faults: [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, fromSeconds: 24 * HOUR, untilSeconds: 30.5 * HOUR }],
    });
    await stack.putEvents([requestEntry(bucket('slow-1'))]);
    await stack.settle();
    expect(completions(stack).map((c) => [c.requestId, c.status])).toEqual([['slow-1', 'TIMED_OUT']]);
    expect(Date.parse(String(completions(stack)[0]!.completedAt)) - T0.getTime()).toBeGreaterThanOrEqual(30.5 * HOUR * 1000);
  });
});

describe('races', () => {
  it.each([1, 2, 3, 4, 5])('enable and disable sent at the same instant both apply, and both say so (seed %i)', async (seed) => {
    stack = await startStack({ seed, serviceCatalog: { organizationsAccess: 'ENABLED', accessChangeSeconds: 20 } });
    await stack.putEvents([
      requestEntry({ requestId: 'dis', enable: false }, 'Organizations Access Change Requested'),
      requestEntry({ requestId: 'en', enable: true }, 'Organizations Access Change Requested'),
    ]);
    await stack.settle();
    const ends = emittedOfType(stack, 'Organizations Access Changed').map((e) => e.detail as { requestId: string; status: string });
    expect(ends.map((e) => [e.requestId, e.status]).sort()).toEqual([['dis', 'SUCCEEDED'], ['en', 'SUCCEEDED']]);
  });

  it.each([false, true])('a cancel whose answer is lost after Cloud Control acted (hang: %s) is not refused', async (hang) => {
    stack = await startStack(buckets({
      cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 3600, retryAfterSeconds: 30 } } },
      faults: [{ operation: 'CancelResourceRequest', error: 'InternalFailure', status: 500, times: 1, when: 'after', hang }],
    }));
    await stack.putEvents([requestEntry(bucket('cx'))]);
    stack.clock.setTimeout(() => void stack.clock.track(() => stack.putEvents([requestEntry({ requestId: 'cx' }, 'Resource Operation Cancel Requested')])), 120_000);
    await stack.settle();
    expect(completions(stack).map((c) => c.status)).toEqual(['CANCELLED']);
    expect(rejections(stack)).toEqual([]);
  });
});
