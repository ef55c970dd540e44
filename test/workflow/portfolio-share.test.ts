/**
 * The portfolio-share and Organizations-access workflows end to end on the
 * local stack: request event → rule → ingest → the real ASL → the real
 * handlers → the Service Catalog emulator → events on the bus.
 */
import { ServiceCatalogClient, paginateListOrganizationPortfolioAccess } from '@aws-sdk/client-service-catalog';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { callsTo, emittedOfType, rejections, requestEntry, secondsSinceT0, sendRequests, startStack } from '../support/stack';

const PORTFOLIO = 'port-2abcdext3y5fk';
const OTHER_PORTFOLIO = 'port-9zyxwvut8s7rq';
const WORKLOADS = 'ou-wk01-workloads';
const SANDBOXES = 'ou-wk01-sandboxes';
const PARTNER_ACCOUNT = '444455556666';

type ServiceCatalogWorld = NonNullable<WorldInput['serviceCatalog']>;

const organization = (overrides: Partial<ServiceCatalogWorld> = {}): WorldInput => ({
  serviceCatalog: {
    organization: {
      id: 'o-exampleorg1',
      accounts: ['111122223333'],
      units: [
        { id: WORKLOADS, accounts: 40 },
        { id: SANDBOXES, parent: WORKLOADS, accounts: 10 },
      ],
    },
    portfolios: [PORTFOLIO, OTHER_PORTFOLIO],
    ...overrides,
    shares: { startSeconds: 2, minSeconds: 5, secondsPerAccount: 1, ...overrides.shares },
  },
});

const share = (requestId: string, fields: Record<string, unknown> = {}) => ({
  requestId,
  operation: 'CREATE',
  portfolioId: PORTFOLIO,
  organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: WORKLOADS },
  ...fields,
});

const requestShares = (stack: LocalStack, ...details: Array<Record<string, unknown>>) => sendRequests(stack, 'Portfolio Share Requested', ...details);
const requestAccess = (stack: LocalStack, ...details: Array<Record<string, unknown>>) =>
  sendRequests(stack, 'Organizations Access Change Requested', ...details);

/** A request as the bus delivers it, with its own event id (the same id twice is a redelivery). */
const envelopeOf = (id: string, detail: Record<string, unknown>, detailType = 'Portfolio Share Requested') => ({
  version: '0' as const, id, 'detail-type': detailType, source: 'platform.catalog',
  account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail,
});

const shareCompletions = (stack: LocalStack) => emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, any>);
const accountFailures = (stack: LocalStack) => emittedOfType(stack, 'Portfolio Share Account Failed').map((e) => e.detail as Record<string, any>);
const accessChanges = (stack: LocalStack) => emittedOfType(stack, 'Organizations Access Changed').map((e) => e.detail as Record<string, any>);
const completionOf = (stack: LocalStack, requestId: string) => shareCompletions(stack).filter((c) => c.requestId === requestId);

/** What ListOrganizationPortfolioAccess says, read page by page through the real SDK client as an operator would. */
async function accessList(stack: LocalStack, portfolioId = PORTFOLIO): Promise<string[]> {
  const client = new ServiceCatalogClient({ endpoint: stack.server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const nodes: string[] = [];
  for (const OrganizationNodeType of ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'] as const) {
    for await (const page of paginateListOrganizationPortfolioAccess({ client, pageSize: 1 }, { PortfolioId: portfolioId, OrganizationNodeType })) {
      nodes.push(...(page.OrganizationNodes ?? []).map((n) => `${n.Type}:${n.Value}`));
    }
  }
  client.destroy();
  return nodes;
}

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('account shares', () => {
  it('shares with an account synchronously: SUCCEEDED at once, no token, nothing to poll', async () => {
    stack = await startStack(organization());
    await requestShares(stack, share('acct-1', { organizationNode: undefined, accountId: PARTNER_ACCOUNT, shareTagOptions: true }));

    const [completion, ...others] = shareCompletions(stack);
    expect(others).toEqual([]);
    expect(completion).toMatchObject({
      requestId: 'acct-1', operation: 'CREATE', portfolioId: PORTFOLIO, target: { accountId: PARTNER_ACCOUNT },
      status: 'SUCCEEDED', successfulAccounts: 1, failedAccounts: 0, polls: 0, attempts: 1,
    });
    expect(completion!.shareToken).toBeUndefined();
    expect(callsTo(stack, 'DescribePortfolioShareStatus')).toHaveLength(0);
    expect(callsTo(stack, 'GetAWSOrganizationsAccessStatus')).toHaveLength(0);
    expect(stack.serviceCatalog.portfolios.get(PORTFOLIO)!.accountShares.get(PARTNER_ACCOUNT)).toEqual({ shareTagOptions: true, sharePrincipals: false });
  });

  it('updates an account share (tracked by the token the update returns) and deletes it', async () => {
    stack = await startStack(organization());
    const toPartner = { organizationNode: undefined, accountId: PARTNER_ACCOUNT };
    await requestShares(stack, share('acct-create', toPartner));
    await requestShares(stack, share('acct-update', { ...toPartner, operation: 'UPDATE', shareTagOptions: true }));
    expect(completionOf(stack, 'acct-update')).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', shareToken: expect.stringMatching(/^share-/), successfulAccounts: 1, polls: 1 }),
    ]);
    expect(stack.serviceCatalog.portfolios.get(PORTFOLIO)!.accountShares.get(PARTNER_ACCOUNT)).toMatchObject({ shareTagOptions: true });

    await requestShares(stack, share('acct-delete', { ...toPartner, operation: 'DELETE' }));
    expect(completionOf(stack, 'acct-delete')).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(stack.serviceCatalog.portfolios.get(PORTFOLIO)!.accountShares.has(PARTNER_ACCOUNT)).toBe(false);
  });

  it('reports the API refusal when the portfolio does not exist', async () => {
    stack = await startStack(organization());
    await requestShares(stack, share('acct-missing', { portfolioId: 'port-0000000000000', organizationNode: undefined, accountId: PARTNER_ACCOUNT }));
    expect(shareCompletions(stack)).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'ResourceNotFoundException' })]);
  });
});

describe('organization node shares', () => {
  it('shares with an OU and its children, polling with growing waits, and announces each failed account once', async () => {
    stack = await startStack(
      organization({
        shares: {
          secondsPerAccount: 6,
          accountFailures: [
            { accounts: ['100020000003'], error: 'AccountSuspended', message: 'The account is suspended.' },
            { rate: 0.1, error: 'AccessDenied' },
          ],
        },
      }),
    );
    await requestShares(stack, share('ou-1', { shareTagOptions: true, sharePrincipals: true }));

    const [completion, ...others] = shareCompletions(stack);
    expect(others).toEqual([]);
    expect(completion).toMatchObject({
      requestId: 'ou-1', status: 'PARTIALLY_SUCCEEDED', successfulAccounts: 44, failedAccounts: 6,
      failuresByError: [
        { error: 'AccessDenied', accounts: 5 },
        { error: 'AccountSuspended', accounts: 1, message: 'The account is suspended.' },
      ],
      accountEventsNotDelivered: 0,
    });
    const failures = accountFailures(stack);
    expect(failures).toHaveLength(6);
    expect(new Set(failures.map((f) => f.accountId)).size).toBe(6);
    expect(failures.find((f) => f.accountId === '100020000003')).toMatchObject({
      requestId: 'ou-1', portfolioId: PORTFOLIO, error: 'AccountSuspended', shareToken: completion!.shareToken,
      target: { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: WORKLOADS } },
    });
    // The completion comes last, after every account event.
    const order = stack.emitted.map((e) => e['detail-type']);
    expect(order.lastIndexOf('Portfolio Share Account Failed')).toBeLessThan(order.indexOf('Portfolio Share Completed'));

    // No RetryAfter from this API: waits start short and grow; the share took 2 + 5 + 50×6 = 307 s.
    const pollTimes = callsTo(stack, 'DescribePortfolioShareStatus').map((c) => secondsSinceT0(c.at));
    const gaps = pollTimes.slice(1).map((t, i) => t - pollTimes[i]!);
    expect(pollTimes[0]).toBe(3);
    expect(gaps[gaps.length - 2]!).toBeGreaterThan(gaps[0]!);
    expect(completion!.polls).toBeLessThan(307 / 10); // fewer than a fixed 10-second loop
    expect(secondsSinceT0(new Date(completion!.completedAt)) - 307).toBeLessThanOrEqual(307 * 0.25);

    expect(await accessList(stack)).toEqual([`ORGANIZATIONAL_UNIT:${WORKLOADS}`]);
    expect(stack.serviceCatalog.portfolios.get(PORTFOLIO)!.nodeShares.get(`ORGANIZATIONAL_UNIT:${WORKLOADS}`)).toMatchObject({
      shareTagOptions: true, sharePrincipals: true,
    });
  });

  it('ends FAILED when the share action ends in ERROR', async () => {
    stack = await startStack(organization({ shares: { error: { error: 'OrganizationSyncFailure', message: 'Could not read the organization.' } } }));
    await requestShares(stack, share('err-1'));
    expect(shareCompletions(stack)).toEqual([
      expect.objectContaining({ status: 'FAILED', errorCode: 'OrganizationSyncFailure', statusMessage: 'Could not read the organization.' }),
    ]);
    expect(accountFailures(stack)).toEqual([]);
    expect([...stack.stepFunctions.executions.values()].find((e) => e.name === 'err-1')?.status).toBe('FAILED');
  });

  it('updates the flags of an existing share, then deletes it', async () => {
    stack = await startStack(organization());
    await requestShares(stack, share('create-1'));
    await requestShares(stack, share('update-1', { operation: 'UPDATE', shareTagOptions: true }));
    expect(completionOf(stack, 'update-1')).toEqual([expect.objectContaining({ status: 'SUCCEEDED', successfulAccounts: 50 })]);
    expect(stack.serviceCatalog.portfolios.get(PORTFOLIO)!.nodeShares.get(`ORGANIZATIONAL_UNIT:${WORKLOADS}`)).toMatchObject({ shareTagOptions: true });

    await requestShares(stack, share('delete-1', { operation: 'DELETE' }));
    expect(completionOf(stack, 'delete-1')).toEqual([expect.objectContaining({ status: 'SUCCEEDED', operation: 'DELETE' })]);
    expect(await accessList(stack)).toEqual([]);
  });

  it('waits while the create is IN_PROGRESS before updating (the API refuses the update meanwhile)', async () => {
    stack = await startStack(organization());
    await requestShares(stack, share('create-2'), share('update-2', { operation: 'UPDATE', sharePrincipals: true }));

    expect(completionOf(stack, 'create-2')).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(completionOf(stack, 'update-2')).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(callsTo(stack, 'UpdatePortfolioShare').filter((c) => c.error === 'InvalidStateException').length).toBeGreaterThan(0);
    expect(callsTo(stack, 'UpdatePortfolioShare').filter((c) => !c.error)).toHaveLength(1);
    expect(completionOf(stack, 'update-2')[0]!.attempts).toBeGreaterThan(1);
  });

  it('runs concurrent shares of one portfolio one action at a time, all to completion', async () => {
    stack = await startStack(organization({ organization: { id: 'o-exampleorg1', accounts: [], units: [{ id: WORKLOADS, accounts: 30 }, { id: SANDBOXES, accounts: 20 }] } }));
    await requestShares(
      stack,
      share('c-1'),
      share('c-2', { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: SANDBOXES } }),
      share('c-3', { organizationNode: { type: 'ORGANIZATION', value: 'o-exampleorg1' } }),
      share('c-4', { portfolioId: OTHER_PORTFOLIO }),
    );
    expect(shareCompletions(stack).map((c) => [c.requestId, c.status]).sort()).toEqual([
      ['c-1', 'SUCCEEDED'], ['c-2', 'SUCCEEDED'], ['c-3', 'SUCCEEDED'], ['c-4', 'SUCCEEDED'],
    ]);
    const actions = [...stack.serviceCatalog.actions.values()].filter((a) => a.portfolioId === PORTFOLIO).sort((a, b) => a.startsAt - b.startsAt);
    expect(actions).toHaveLength(3);
    for (let i = 1; i < actions.length; i++) expect(actions[i]!.startsAt).toBeGreaterThanOrEqual(actions[i - 1]!.completesAt);
    expect((await accessList(stack)).sort()).toEqual(['ORGANIZATION:o-exampleorg1', `ORGANIZATIONAL_UNIT:${SANDBOXES}`, `ORGANIZATIONAL_UNIT:${WORKLOADS}`]);
    expect(await accessList(stack, OTHER_PORTFOLIO)).toEqual([`ORGANIZATIONAL_UNIT:${WORKLOADS}`]);
  });

  it('rides out throttling and 5xx from Service Catalog and PutEvents partial failures in the fan-out', async () => {
    stack = await startStack({
      ...organization({ shares: { accountFailures: [{ rate: 0.5, error: 'AccessDenied' }] } }),
      faults: [
        { operation: 'CreatePortfolioShare', error: 'ThrottlingException', times: 4 },
        { operation: 'DescribePortfolioShareStatus', error: 'InternalFailure', status: 500, times: 5 },
      ],
      eventBridge: { failEntries: { times: 12 } },
    });
    // Delivered straight onto the bus: the PutEvents failures are meant for Shepherd's own events.
    stack.inject(envelopeOf('evt-throttled-1', share('throttled-1')));
    await stack.settle();
    expect(shareCompletions(stack)).toEqual([expect.objectContaining({ status: 'PARTIALLY_SUCCEEDED', failedAccounts: 25, accountEventsNotDelivered: 0 })]);
    const failures = accountFailures(stack);
    expect(failures).toHaveLength(25);
    expect(new Set(failures.map((f) => f.accountId)).size).toBe(25);
    expect(callsTo(stack, 'CreatePortfolioShare').filter((c) => !c.error)).toHaveLength(1);
  });
});

describe('Organizations access', () => {
  it('fails a node share clearly while access is DISABLED, and never calls CreatePortfolioShare', async () => {
    stack = await startStack(organization({ organizationsAccess: 'DISABLED' }));
    await requestShares(stack, share('disabled-1'));
    const [completion] = shareCompletions(stack);
    expect(completion).toMatchObject({ status: 'FAILED', errorCode: 'OrganizationsAccessNotEnabled' });
    expect(completion!.statusMessage).toContain('Organizations Access Change Requested');
    expect(callsTo(stack, 'CreatePortfolioShare')).toHaveLength(0);
  });

  it('enables access through UNDER_CHANGE, then a node share succeeds', async () => {
    stack = await startStack(organization({ organizationsAccess: 'DISABLED', accessChangeSeconds: 40 }));
    await requestAccess(stack, { requestId: 'enable-1', enable: true });
    const [changed, ...others] = accessChanges(stack);
    expect(others).toEqual([]);
    expect(changed).toMatchObject({ requestId: 'enable-1', enable: true, status: 'SUCCEEDED', accessStatus: 'ENABLED' });
    expect(changed!.polls).toBeGreaterThan(1);
    expect(secondsSinceT0(new Date(changed!.completedAt))).toBeGreaterThanOrEqual(40);

    await requestShares(stack, share('after-enable'));
    expect(shareCompletions(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
  });

  it('applies an enable and a disable sent together one after the other: the second waits for UNDER_CHANGE to settle', async () => {
    stack = await startStack(organization({ organizationsAccess: 'ENABLED', accessChangeSeconds: 30 }));
    await requestAccess(stack, { requestId: 'disable-1', enable: false });
    await requestAccess(stack, { requestId: 'enable-2', enable: true }, { requestId: 'disable-2', enable: false });
    // enable-2 and disable-2 race; whichever runs second waits for the first change to settle.
    const byId = Object.fromEntries(accessChanges(stack).map((c) => [c.requestId, c]));
    expect(byId['disable-1']).toMatchObject({ status: 'SUCCEEDED', accessStatus: 'DISABLED' });
    expect(byId['enable-2']).toMatchObject({ status: 'SUCCEEDED', accessStatus: 'ENABLED' });
    expect(byId['disable-2']).toMatchObject({ status: 'SUCCEEDED', accessStatus: 'DISABLED' });
    expect(callsTo(stack, 'EnableAWSOrganizationsAccess').concat(callsTo(stack, 'DisableAWSOrganizationsAccess')).filter((c) => c.error === 'InvalidStateException').length).toBeGreaterThan(0);

    await requestAccess(stack, { requestId: 'enable-3', enable: true });
    expect(stack.serviceCatalog.accessStatus()).toBe('ENABLED');
  });

  it('a node share sent while access is UNDER_CHANGE waits for the change to settle', async () => {
    stack = await startStack(organization({ organizationsAccess: 'DISABLED', accessChangeSeconds: 60 }));
    await stack.putEvents([requestEntry({ requestId: 'enable-4', enable: true }, 'Organizations Access Change Requested')]);
    // Ten virtual seconds later, while access is UNDER_CHANGE:
    stack.clock.setTimeout(() => void stack.clock.track(() => stack.putEvents([requestEntry(share('during-change'), 'Portfolio Share Requested')])), 10_000);
    await stack.settle();

    expect(accessChanges(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', accessStatus: 'ENABLED' })]);
    const [completion] = shareCompletions(stack);
    expect(completion).toMatchObject({ status: 'SUCCEEDED' });
    expect(completion!.attempts).toBeGreaterThan(1);
    const firstShareCall = callsTo(stack, 'CreatePortfolioShare')[0]!;
    expect(secondsSinceT0(firstShareCall.at)).toBeGreaterThanOrEqual(60);
  });
});

describe('duplicates and bad input', () => {
  it('starts one share for a redelivered event and for the same request resent; rejects a conflicting reuse of the id', async () => {
    stack = await startStack(organization());
    const envelope = envelopeOf('evt-dup-1', share('dup-1'));
    stack.inject(envelope);
    stack.inject(envelope);
    await requestShares(stack, share('dup-1'));
    await requestShares(stack, share('dup-1', { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: SANDBOXES } }));

    expect(shareCompletions(stack)).toHaveLength(1);
    expect(callsTo(stack, 'CreatePortfolioShare')).toHaveLength(1);
    // Another request's id: the rejection names it, and never looks like that request's end.
    expect(rejections(stack).map((r) => r.requestId)).toEqual([undefined]);
    expect(rejections(stack)).toEqual([expect.objectContaining({ namedRequestId: 'dup-1', errors: [expect.objectContaining({ field: 'requestId', code: 'conflict' })] })]);
  });

  it('rejects bad requests naming each field, and calls nothing', async () => {
    stack = await startStack(organization());
    await requestShares(
      stack,
      share('bad-1', { accountId: PARTNER_ACCOUNT }),
      share('bad-2', { operation: 'UPDATE' }),
      share('bad-3', { operation: 'DELETE', shareTagOptions: true }),
      share('bad-4', { portfolioId: 'portfolio-1', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'o-exampleorg1' } }),
    );
    await requestAccess(stack, { requestId: 'bad-5', enable: 'yes' });
    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)]));
    expect(byId).toEqual({
      'bad-1': ['accountId:exactly_one_target'],
      'bad-2': ['shareTagOptions:flag_required'],
      'bad-3': ['shareTagOptions:unrecognized_key'],
      'bad-4': ['portfolioId:invalid_format', 'organizationNode.value:invalid_format'],
      'bad-5': ['enable:invalid_type'],
    });
    expect(stack.server.calls.filter((c) => c.service === 'AWS242ServiceCatalogService')).toEqual([]);
    expect(stack.stepFunctions.executions.size).toBe(0);
  });
});
