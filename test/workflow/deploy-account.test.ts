/**
 * Where Shepherd must run (issue 12): Organizations access changes only from
 * the organization's management account; organization-node shares,
 * DescribePortfolioShareStatus and ListOrganizationPortfolioAccess from it or
 * a Service Catalog delegated administrator (API reference, seeds/003 and the
 * current pages). The local stack's functions run in 000000000000; a world
 * naming another management account makes that a member account.
 */
import { ServiceCatalogClient, ListOrganizationPortfolioAccessCommand } from '@aws-sdk/client-service-catalog';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { emittedOfType, sendRequests, startStack } from '../support/stack';

const PORTFOLIO = 'port-2abcdext3y5fk';
const WORKLOADS = 'ou-wk01-workloads';

const organization = (where: { managementAccount?: string; delegatedAdministrators?: string[] } = {}): WorldInput => ({
  serviceCatalog: {
    organization: { id: 'o-exampleorg1', accounts: ['111122223333'], units: [{ id: WORKLOADS, accounts: 5 }], ...where },
    portfolios: [PORTFOLIO],
  },
});

const nodeShare = (requestId: string) => ({ requestId, operation: 'CREATE', portfolioId: PORTFOLIO, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: WORKLOADS } });
const accountShare = (requestId: string) => ({ requestId, operation: 'CREATE', portfolioId: PORTFOLIO, accountId: '444455556666' });

const completed = (stack: LocalStack, detailType: string) => emittedOfType(stack, detailType).map((e) => e.detail as Record<string, any>);

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('deployed in a member account', () => {
  beforeEach(async () => {
    stack = await startStack(organization({ managementAccount: '111122223333' }));
  });

  it('an organization-node share ends FAILED, saying Shepherd must run in the management account or a delegated administrator', async () => {
    await sendRequests(stack!, 'Portfolio Share Requested', nodeShare('member-node-share'));
    const [completion] = completed(stack!, 'Portfolio Share Completed');
    expect(completion).toMatchObject({ requestId: 'member-node-share', status: 'FAILED', errorCode: 'OperationNotSupportedException' });
    expect(completion!.statusMessage).toMatch(/management account.*README "Where to deploy"/);
  });

  it('an Organizations access change ends FAILED with the same reason', async () => {
    await sendRequests(stack!, 'Organizations Access Change Requested', { requestId: 'member-access', enable: false });
    const [completion] = completed(stack!, 'Organizations Access Changed');
    expect(completion).toMatchObject({ requestId: 'member-access', status: 'FAILED', errorCode: 'OperationNotSupportedException' });
    expect(completion!.statusMessage).toMatch(/Where to deploy/);
  });

  it('an account-to-account share still works: any account may share its own portfolio with an account', async () => {
    await sendRequests(stack!, 'Portfolio Share Requested', accountShare('member-account-share'));
    expect(completed(stack!, 'Portfolio Share Completed')).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
  });
});

describe('deployed in a Service Catalog delegated administrator', () => {
  beforeEach(async () => {
    stack = await startStack(organization({ managementAccount: '111122223333', delegatedAdministrators: ['000000000000'] }));
  });

  it('shares with an organization node, although it may not read the Organizations access status', async () => {
    await sendRequests(stack!, 'Portfolio Share Requested', nodeShare('delegated-node-share'));
    expect(completed(stack!, 'Portfolio Share Completed')).toEqual([expect.objectContaining({ status: 'SUCCEEDED', successfulAccounts: 5 })]);
    expect(stack!.server.calls.find((c) => c.operation === 'GetAWSOrganizationsAccessStatus')?.error).toBe('OperationNotSupportedException');
  });

  it('may not change Organizations access: only the management account may', async () => {
    await sendRequests(stack!, 'Organizations Access Change Requested', { requestId: 'delegated-access', enable: true });
    expect(completed(stack!, 'Organizations Access Changed')).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'OperationNotSupportedException' })]);
  });
});

it('ListOrganizationPortfolioAccess returns at most 20 nodes a page, and refuses a PageSize over 20 (the model: PageSize 0..20)', async () => {
  const units = Array.from({ length: 25 }, (_, i) => ({ id: `ou-wk01-unit${String(i).padStart(4, '0')}`, accounts: 1 }));
  stack = await startStack({ serviceCatalog: { organization: { id: 'o-exampleorg1', units }, portfolios: [PORTFOLIO], shares: { startSeconds: 0, minSeconds: 1, secondsPerAccount: 0 } } });
  const shares = units.map((u, i) => ({ requestId: `page-${i}`, operation: 'CREATE', portfolioId: PORTFOLIO, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: u.id } }));
  for (let i = 0; i < shares.length; i += 10) await sendRequests(stack, 'Portfolio Share Requested', ...shares.slice(i, i + 10));
  expect(completed(stack, 'Portfolio Share Completed').filter((c) => c.status === 'SUCCEEDED')).toHaveLength(25);
  const client = new ServiceCatalogClient({ region: 'us-east-1', endpoint: stack.server.url, credentials: { accessKeyId: 'admin', secretAccessKey: 'x' } });
  const list = (PageSize?: number, PageToken?: string) =>
    client.send(new ListOrganizationPortfolioAccessCommand({ PortfolioId: PORTFOLIO, OrganizationNodeType: 'ORGANIZATIONAL_UNIT', PageSize, PageToken }));
  const first = await list();
  expect(first.OrganizationNodes).toHaveLength(20);
  expect((await list(20, first.NextPageToken)).OrganizationNodes).toHaveLength(5);
  await expect(list(21)).rejects.toThrow(/PageSize/);
  client.destroy();
});
