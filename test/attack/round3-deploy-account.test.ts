/**
 * Round 3 — where to deploy (promise 4): Shepherd as a member account, as a Service Catalog delegated
 * administrator, storms of mixed requests there, and the deploy-time check's reading of share-target patterns.
 *
 * Found by this round and settled (shared/guardrails.ts, README "Where to deploy"):
 * - share-target patterns `o*` / `ou*` were read by their first characters; now any pattern not starting with a
 *   digit counts as one that can name an organization node, so the deploy check asks for the right account.
 * - an account-only stage still admits `organizationNode: {type: ACCOUNT}` shares, which need the management
 *   account or a delegated administrator: the deploy check now warns about them (deployAccountWarning) and the
 *   README says so, rather than refusing an otherwise valid request form.
 * - a delegated administrator may not read the Organizations access status, so a node share while access is
 *   DISABLED ends with the share call's own refusal; the README documents it.
 */
import type { LocalStack } from '../../local/harness/stack';
import { matchesAllowed } from '../../shared/allowlists';
import { guardrailsFor } from '../../shared/guardrails';
import { authorizePortfolioShare, serviceCatalogAllowlist } from '../../shared/portfolio-share/allowlist';
import { accountRequirements, deployAccountProblem, deployAccountWarning } from '../../shared/workflow/stage-allowlists';
import { startStack, terminalsFor } from './round3-support';

let stack: LocalStack;
afterEach(async () => stack?.stop());

const PORT = 'port-2abcdext3y5fk';
const PORT2 = 'port-3abcdext3y5fk';
const OU = 'ou-wk01-workloads';
const SHARE = 'Portfolio Share Requested';
const ORG = 'Organizations Access Change Requested';
const HINT = /Where to deploy/;

const world = (organization: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  serviceCatalog: {
    portfolios: [PORT, PORT2],
    organization: { id: 'o-exampleorg1', accounts: ['444455556666'], units: [{ id: OU, accounts: ['123456789012', '123456789013'] }], ...organization },
    ...extra,
  },
});
const entry = (detailType: string, detail: Record<string, unknown>) => ({ Source: 'platform.catalog', DetailType: detailType, Detail: JSON.stringify(detail) });
const ouShare = (requestId: string, operation = 'CREATE', portfolioId = PORT, more: Record<string, unknown> = {}) =>
  entry(SHARE, { requestId, operation, portfolioId, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU }, ...(operation === 'UPDATE' ? { shareTagOptions: true } : {}), ...more });
const accountShare = (requestId: string, accountId = '444455556666', portfolioId = PORT) => entry(SHARE, { requestId, operation: 'CREATE', portfolioId, accountId });

async function run(entries: Array<ReturnType<typeof entry>>): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    const response = await stack.putEvents(entries.slice(i, i + 10));
    expect(response.FailedEntryCount).toBe(0);
  }
  await stack.settle();
}

function only(requestId: string) {
  const all = terminalsFor(stack, requestId);
  expect(all).toHaveLength(1);
  return all[0]!;
}

const scCalls = (operation: string) => stack.server.calls.filter((c) => c.service === 'AWS242ServiceCatalogService' && c.operation === operation);

describe('a member account (management account 111111111111)', () => {
  it('an access change ends FAILED saying where to deploy, and nothing changes; an OU share too; an account share SUCCEEDS', async () => {
    stack = await startStack(world({ managementAccount: '111111111111' }));
    await run([entry(ORG, { requestId: 'acc', enable: false }), ouShare('ou'), accountShare('acct')]);
    const acc = only('acc');
    expect(acc).toMatchObject({ kind: 'Organizations Access Changed', status: 'FAILED' });
    expect(acc.statusMessage).toMatch(HINT);
    expect(stack.serviceCatalog.accessStatus()).toBe('ENABLED');
    const ou = only('ou');
    expect(ou).toMatchObject({ kind: 'Portfolio Share Completed', status: 'FAILED' });
    expect(ou.statusMessage).toMatch(HINT);
    expect([...stack.serviceCatalog.actions.values()].filter((a) => a.node.type !== 'ACCOUNT')).toHaveLength(0);
    expect(only('acct')).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('an organizationNode of type ACCOUNT is an organization-node share: FAILED with the hint, while accountId to the same account SUCCEEDS', async () => {
    stack = await startStack(world({ managementAccount: '111111111111' }));
    await run([
      entry(SHARE, { requestId: 'node-acct', operation: 'CREATE', portfolioId: PORT, organizationNode: { type: 'ACCOUNT', value: '444455556666' } }),
      entry(SHARE, { requestId: 'org', operation: 'CREATE', portfolioId: PORT2, organizationNode: { type: 'ORGANIZATION', value: 'o-exampleorg1' } }),
      accountShare('plain', '444455556666', PORT2),
    ]);
    for (const id of ['node-acct', 'org']) {
      expect(only(id)).toMatchObject({ status: 'FAILED' });
      expect(only(id).statusMessage).toMatch(HINT);
    }
    expect(only('plain')).toMatchObject({ status: 'SUCCEEDED' });
  });

  it.each([1, 2, 3])('seed %i: a storm of 24 mixed requests (node shares of every operation, account shares, access changes) each end once, node and access ones FAILED with the hint, account ones SUCCEEDED', async (seed) => {
    stack = await startStack({ ...world({ managementAccount: '111111111111' }), seed, faults: [{ operation: '*', error: 'ThrottlingException', rate: 0.2, untilSeconds: 600 }] } as never);
    const entries = [
      ...['CREATE', 'UPDATE', 'DELETE'].flatMap((op, i) => [ouShare(`n${i}a`, op), ouShare(`n${i}b`, op, PORT2)]),
      ...Array.from({ length: 12 }, (_, i) => accountShare(`a${i}`, `4444555566${String(i).padStart(2, '0')}`, i % 2 ? PORT : PORT2)),
      ...Array.from({ length: 6 }, (_, i) => entry(ORG, { requestId: `o${i}`, enable: i % 2 === 0 })),
    ];
    await run(entries);
    for (const id of ['n0a', 'n0b', 'n1a', 'n1b', 'n2a', 'n2b', 'o0', 'o1', 'o2', 'o3', 'o4', 'o5']) {
      const t = only(id);
      expect(t.status).toBe('FAILED');
      expect(t.statusMessage).toMatch(HINT);
    }
    for (let i = 0; i < 12; i++) expect(only(`a${i}`).status).toBe('SUCCEEDED');
    expect(scCalls('EnableAWSOrganizationsAccess').concat(scCalls('DisableAWSOrganizationsAccess')).every((c) => c.error !== undefined)).toBe(true);
    expect(stack.serviceCatalog.accessStatus()).toBe('ENABLED');
  });
});

describe('a delegated administrator (000000000000 delegated, management 111111111111)', () => {
  const delegated = { managementAccount: '111111111111', delegatedAdministrators: ['000000000000'] };

  it('OU and ORGANIZATION shares SUCCEED, an access change FAILS with the hint', async () => {
    stack = await startStack(world(delegated));
    await run([ouShare('ou'), entry(SHARE, { requestId: 'org', operation: 'CREATE', portfolioId: PORT2, organizationNode: { type: 'ORGANIZATION', value: 'o-exampleorg1' } }), entry(ORG, { requestId: 'acc', enable: true })]);
    expect(only('ou')).toMatchObject({ status: 'SUCCEEDED', successfulAccounts: 2 });
    // The whole organization, less its management account (which is not this account).
    expect(only('org').status).toBe('SUCCEEDED');
    expect(only('acc')).toMatchObject({ status: 'FAILED' });
    expect(only('acc').statusMessage).toMatch(HINT);
  });

  it('five OU-share requests on one portfolio at once (CREATE then UPDATE/DELETE): all end once, one action at a time', async () => {
    stack = await startStack(world(delegated));
    await run([ouShare('c1'), ouShare('u1', 'UPDATE'), ouShare('u2', 'UPDATE', PORT, { sharePrincipals: true }), accountShare('x1'), accountShare('x2', '123456789012')]);
    for (const id of ['c1', 'u1', 'u2', 'x1', 'x2']) expect(only(id).status).toBe('SUCCEEDED');
    const actions = [...stack.serviceCatalog.actions.values()].filter((a) => a.node.type === 'ORGANIZATIONAL_UNIT').sort((a, b) => a.startsAt - b.startsAt);
    for (let i = 1; i < actions.length; i++) expect(actions[i]!.startsAt).toBeGreaterThanOrEqual(actions[i - 1]!.completesAt - 2000);
  });

  it('a delegated administrator sharing while Organizations access is DISABLED: FAILED with the share call\'s own refusal, as documented (it may not read the access status)', async () => {
    stack = await startStack(world(delegated, { organizationsAccess: 'DISABLED' }));
    await run([ouShare('ou')]);
    const t = only('ou');
    expect(t.status).toBe('FAILED');
    expect(t.statusMessage).not.toMatch(HINT);
    expect(t.errorCode).toBe('OperationNotSupportedException');
    expect(t.statusMessage).toMatch(/access is not enabled/);
  });
});

describe('the deploy-time check reads the allowlist as ingest does', () => {
  const base = guardrailsFor('local');
  const member = { accountId: '000000000000', managementAccountId: '111111111111', delegatedAdministrator: false };

  it.each(['o*', 'ou*', 'o-*', 'ou-*', '*', '*-wk01-*'])('share-target pattern %p admits organization-node targets at ingest, so the deploy check must require the management account or a delegated administrator', (pattern) => {
    const g = { ...base, organizationsAccess: { enable: false, disable: false }, serviceCatalog: { portfolios: ['*'], shareTargets: [pattern] } };
    const admitsNodes = ['ou-wk01-workloads', 'o-exampleorg1'].some((t) => matchesAllowed(t, [pattern]));
    expect(admitsNodes).toBe(true);
    expect(accountRequirements(g).managementOrDelegated).not.toEqual([]);
    expect(deployAccountProblem('s', g, member)).toEqual(expect.stringContaining('organization-node shares'));
  });

  it('account-only targets: account shares deploy anywhere; the organization-node form of an account target is admitted and warned about at deploy time', () => {
    const g = { ...base, organizationsAccess: { enable: false, disable: false }, serviceCatalog: { portfolios: ['*'], shareTargets: ['444455556666'] } };
    expect(accountRequirements(g)).toEqual({ managementOnly: [], managementOrDelegated: [], partlyElsewhere: [expect.stringMatching(/organizationNode type ACCOUNT/)] });
    expect(deployAccountProblem('s', g, member)).toBeUndefined();
    expect(deployAccountWarning(g, member)).toMatch(/organizationNode type ACCOUNT/);
    const allowed = serviceCatalogAllowlist.of(g);
    expect(authorizePortfolioShare({ operation: 'CREATE', portfolioId: PORT, accountId: '444455556666' } as never, allowed)).toEqual([]);
    expect(authorizePortfolioShare({ operation: 'CREATE', portfolioId: PORT, organizationNode: { type: 'ACCOUNT', value: '444455556666' } } as never, allowed)).toEqual([]);
  });
});
