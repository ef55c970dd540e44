/**
 * After an organization-node share or delete, the completion says whether the
 * node's access is there or gone as the service lists it
 * (ListOrganizationPortfolioAccess, every page: at most 20 nodes a page).
 */
import type { LocalStack } from '../../local/harness/stack';
import { callsTo, emittedOfType, requestEntry, sendRequests, startStack } from '../support/stack';

const PORTFOLIO = 'port-2abcdext3y5fk';
const units = Array.from({ length: 23 }, (_, i) => ({ id: `ou-wk01-team${String(i).padStart(4, '0')}`, accounts: 2 }));
const world = { serviceCatalog: { portfolios: [PORTFOLIO], organization: { accounts: ['111122223333'], units } } };
const share = (requestId: string, fields: Record<string, unknown>) => ({ requestId, operation: 'CREATE', portfolioId: PORTFOLIO, ...fields });
const completions = (stack: LocalStack) => Object.fromEntries(emittedOfType(stack, 'Portfolio Share Completed').map((e) => [(e.detail as { requestId: string }).requestId, e.detail as Record<string, any>]));

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

it('reports PRESENT after an OU share, ABSENT after its delete, and nothing for an account share', async () => {
  stack = await startStack(world);
  const ou = { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: units[0]!.id } };
  await sendRequests(stack, 'Portfolio Share Requested', share('ou-share', ou), share('account-share', { accountId: '111122223333' }));
  await sendRequests(stack, 'Portfolio Share Requested', { ...share('ou-delete', ou), operation: 'DELETE' });
  const byId = completions(stack);
  expect(byId['ou-share']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', nodeAccess: 'PRESENT' }));
  expect(byId['ou-delete']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', nodeAccess: 'ABSENT' }));
  expect(byId['account-share']).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
  expect(byId['account-share']).not.toHaveProperty('nodeAccess');
  expect(callsTo(stack, 'ListOrganizationPortfolioAccess').map((c) => c.input)).toEqual(
    expect.arrayContaining([expect.objectContaining({ PortfolioId: PORTFOLIO, OrganizationNodeType: 'ORGANIZATIONAL_UNIT', PageSize: 20 })]),
  );
});

it('finds the node past the first page of 20', async () => {
  stack = await startStack(world);
  // One share action at a time per portfolio: the 23 run one after another (BUSY waits), and the last lands on page 2.
  // PutEvents takes at most 10 entries: three batches, then everything runs to its end.
  const requests = units.map((unit, i) => requestEntry(share(`ou-${i}`, { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: unit.id } }), 'Portfolio Share Requested'));
  for (let i = 0; i < requests.length; i += 10) expect((await stack.putEvents(requests.slice(i, i + 10))).FailedEntryCount).toBe(0);
  await stack.settle();
  const byId = completions(stack);
  expect(Object.values(byId).map((d) => d.nodeAccess)).toEqual(Array(23).fill('PRESENT'));
  expect(callsTo(stack, 'ListOrganizationPortfolioAccess').some((c) => c.input.PageToken !== undefined)).toBe(true);
});

it('a refusal to list leaves nodeAccess out and the share\'s outcome as it was', async () => {
  stack = await startStack({ ...world, faults: [{ operation: 'ListOrganizationPortfolioAccess', error: 'InvalidParametersException', times: 1 }] });
  await sendRequests(stack, 'Portfolio Share Requested', share('refused-list', { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: units[1]!.id } }));
  expect(completions(stack)['refused-list']).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
  expect(completions(stack)['refused-list']).not.toHaveProperty('nodeAccess');
});
