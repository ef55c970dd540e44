/**
 * Round 5: outside operations that never end within the deadline, and nodeAccess on outside-held portfolios.
 */
import { LocalStack } from '../../local/harness/stack';
import { T0, emittedOfType } from '../support/stack';

const entry = (detailType: string, detail: Record<string, unknown>) => ({ Source: 'platform.catalog', DetailType: detailType, Detail: JSON.stringify(detail) });
let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

it('a provisioned-product record that outlasts the request: exactly one terminal event, TIMED_OUT', async () => {
  stack = await LocalStack.start({
    world: {
      clock: { start: T0.toISOString(), speed: 'max' },
      serviceCatalog: {
        provisionedProducts: { 'pp-teamavpc00001': { owner: 'arn:aws:iam::000000000000:user/alice' } },
        outsideRecords: [{ recordId: 'rec-forever000001', provisionedProductId: 'pp-teamavpc00001', recordType: 'UPDATE_PROVISIONED_PRODUCT', remainingSeconds: 40 * 3600 }],
      },
    } as never,
  });
  await stack.putEvents([entry('Provisioned Product Record Follow Requested', { requestId: 'rec-forever', recordId: 'rec-forever000001', provisionedProductId: 'pp-teamavpc00001' })]);
  await stack.settle();
  const ends = emittedOfType(stack, 'Provisioned Product Properties Updated').map((e) => e.detail as Record<string, any>);
  expect(ends).toEqual([expect.objectContaining({ requestId: 'rec-forever', status: 'TIMED_OUT', recordId: 'rec-forever000001', attempts: 0 })]);
}, 120_000);

it('an outside share action that outlasts the request: exactly one terminal event, TIMED_OUT', async () => {
  stack = await LocalStack.start({
    world: {
      clock: { start: T0.toISOString(), speed: 'max' },
      serviceCatalog: {
        portfolios: ['port-2abcdext3y5fk'],
        organization: { accounts: [], units: [{ id: 'ou-wk01-hugeunit', accounts: 1000 }] },
        outsideShares: [{ portfolioShareToken: 'share-forever-0001', portfolioId: 'port-2abcdext3y5fk', operation: 'CREATE', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-hugeunit' } }],
        shares: { secondsPerAccount: 200 },
      },
    } as never,
  });
  await stack.putEvents([entry('Portfolio Share Follow Requested', { requestId: 'share-forever', portfolioShareToken: 'share-forever-0001', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-hugeunit' } })]);
  await stack.settle();
  const ends = emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, any>);
  expect(ends).toEqual([expect.objectContaining({ requestId: 'share-forever', status: 'TIMED_OUT', shareToken: 'share-forever-0001', attempts: 0 })]);
}, 120_000);

it('a follow of an OU share that the service reports ERROR: FAILED, and nodeAccess read (the node is not listed)', async () => {
  stack = await LocalStack.start({
    world: {
      clock: { start: T0.toISOString(), speed: 'max' },
      serviceCatalog: {
        portfolios: ['port-2abcdext3y5fk'],
        organization: { accounts: [], units: [{ id: 'ou-wk01-smallunit', accounts: 3 }] },
        outsideShares: [{ portfolioShareToken: 'share-error-00001', portfolioId: 'port-2abcdext3y5fk', operation: 'CREATE', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-smallunit' } }],
        shares: { error: { error: 'InternalError', message: 'boom', times: 1 } },
      },
    } as never,
  });
  await stack.putEvents([entry('Portfolio Share Follow Requested', { requestId: 'share-error', portfolioShareToken: 'share-error-00001', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-smallunit' } })]);
  await stack.settle();
  const ends = emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, any>);
  expect(ends).toHaveLength(1);
  expect(ends[0]!.status).toBe('FAILED');
  expect(['PRESENT', 'ABSENT', undefined]).toContain(ends[0]!.nodeAccess);
});
