/**
 * The recipient's side of a portfolio share, end to end on the local stack:
 * request → ingest → the real ASL → STS AssumeRole into the spoke role of the
 * recipient account → Accept/RejectPortfolioShare there → ListAcceptedPortfolioShares
 * (every page) → one Portfolio Share Acceptance Completed event. Every failure
 * issue 14 names ends FAILED with the reason: an offer that is not there,
 * AWS_SERVICECATALOG (ResourceNotFoundException, as the API reference says),
 * a role that cannot be assumed, a trust that does not hold.
 */
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { guardrailsFor } from '../../shared/guardrails';
import { authorizePortfolioShare, serviceCatalogAllowlist } from '../../shared/portfolio-share/allowlist';
import { callsTo, emittedOfType, rejections, sendRequests, startStack } from '../support/stack';

const SPOKE = '444455556666';
const PORTFOLIO = 'port-teamtools0001';
const OTHER = 'port-notoffered012';
/** The local stage's spoke (config/guardrails.json). */
const ROLE = 'shepherd-spoke';
const EXTERNAL_ID = 'shepherd-local-spoke';

const world = (extra: Partial<WorldInput> = {}): WorldInput => ({
  serviceCatalog: {
    portfolios: [PORTFOLIO, OTHER],
    accountShares: { [PORTFOLIO]: [SPOKE] },
    organization: { accounts: [], units: [{ id: 'ou-wk01-workloads01', accounts: [SPOKE] }] },
    ...extra.serviceCatalog,
  },
  ...(extra.accounts ? { accounts: extra.accounts } : {}),
});

const answer = (requestId: string, fields: Record<string, unknown> = {}) => ({ requestId, portfolioId: PORTFOLIO, accountId: SPOKE, action: 'ACCEPT', ...fields });
const send = (stack: LocalStack, ...details: Array<Record<string, unknown>>) => sendRequests(stack, 'Portfolio Share Acceptance Requested', ...details);
const completed = (stack: LocalStack) => Object.fromEntries(emittedOfType(stack, 'Portfolio Share Acceptance Completed').map((e) => [(e.detail as { requestId: string }).requestId, e.detail as Record<string, any>]));

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

it('accepts an offered share in the recipient account as the spoke role, and reports it accepted once listed', async () => {
  stack = await startStack(world());
  await send(stack, answer('accept-1'));
  expect(completed(stack)['accept-1']).toEqual(
    expect.objectContaining({ status: 'SUCCEEDED', action: 'ACCEPT', portfolioShareType: 'IMPORTED', accepted: true, portfolioId: PORTFOLIO, accountId: SPOKE }),
  );
  // The session: the spoke role of that account, named after the request, short, with the stage's ExternalId.
  const assumed = callsTo(stack, 'AssumeRole').map((c) => c.input);
  expect(assumed).toEqual([
    { RoleArn: `arn:aws:iam::${SPOKE}:role/${ROLE}`, RoleSessionName: 'accept-1', ExternalId: EXTERNAL_ID, DurationSeconds: 900 },
    { RoleArn: `arn:aws:iam::${SPOKE}:role/${ROLE}`, RoleSessionName: 'accept-1', ExternalId: EXTERNAL_ID, DurationSeconds: 900 },
  ]);
  expect(callsTo(stack, 'AcceptPortfolioShare').map((c) => c.input)).toEqual([{ PortfolioId: PORTFOLIO, PortfolioShareType: 'IMPORTED' }]);
  // No credentials anywhere in what the workflow kept or told anyone.
  const execution = [...stack.stepFunctions.executions.values()][0]!;
  const everything = JSON.stringify([execution.input, execution.output, execution.history ?? [], stack.emitted]);
  expect(everything).not.toMatch(/ASIA[0-9A-F]{16}|local-session-|SecretAccessKey|SessionToken|shepherd-local-spoke/);
});

it('rejects an offer, and reports it no longer accepted', async () => {
  stack = await startStack(world({ accounts: { [SPOKE]: { roles: { [ROLE]: {} }, accepted: { IMPORTED: [PORTFOLIO] } } } }));
  await send(stack, answer('reject-1', { action: 'REJECT' }));
  expect(completed(stack)['reject-1']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', action: 'REJECT', accepted: false }));
  expect(callsTo(stack, 'RejectPortfolioShare')).toHaveLength(1);
});

it('accepts an organization share (AWS_ORGANIZATIONS) once the OU share reached the account', async () => {
  stack = await startStack(world());
  await sendRequests(stack, 'Portfolio Share Requested', { requestId: 'share-ou', operation: 'CREATE', portfolioId: OTHER, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads01' } });
  await send(stack, answer('org-1', { portfolioId: OTHER, portfolioShareType: 'AWS_ORGANIZATIONS' }));
  expect(completed(stack)['org-1']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', portfolioShareType: 'AWS_ORGANIZATIONS', accepted: true }));
});

it.each([
  ['a portfolio not offered to the account', answer('not-offered', { portfolioId: OTHER }), 'ResourceNotFoundException', /no IMPORTED share offered/],
  ['AWS_SERVICECATALOG, which AWS does not support', answer('default-type', { portfolioShareType: 'AWS_SERVICECATALOG' }), 'ResourceNotFoundException', /not supported/],
  ['an organization share that does not reach the account', answer('org-missing', { portfolioShareType: 'AWS_ORGANIZATIONS' }), 'ResourceNotFoundException', /AWS_ORGANIZATIONS/],
])('ends FAILED with the reason for %s, without checking the list', async (_label, request, errorCode, message) => {
  stack = await startStack(world());
  await send(stack, request);
  expect(completed(stack)[request.requestId]).toEqual(expect.objectContaining({ status: 'FAILED', errorCode, statusMessage: expect.stringMatching(message) }));
  expect(completed(stack)[request.requestId]).not.toHaveProperty('accepted');
  expect(callsTo(stack, 'ListAcceptedPortfolioShares')).toEqual([]);
});

it.each([
  ['an account without the spoke role', { [SPOKE]: { roles: {} } }],
  ['a role whose trust wants another ExternalId', { [SPOKE]: { roles: { [ROLE]: { trust: [{ Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'another' } } }] } } } }],
  ['a role that trusts another account', { [SPOKE]: { roles: { [ROLE]: { trust: [{ Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' }] } } } }],
])('ends FAILED SpokeRoleNotAssumable for %s, with STS\'s words and what to deploy', async (_label, accounts) => {
  stack = await startStack(world({ accounts }));
  await send(stack, answer('no-role'));
  expect(completed(stack)['no-role']).toEqual(
    expect.objectContaining({
      status: 'FAILED',
      errorCode: 'SpokeRoleNotAssumable',
      statusMessage: expect.stringMatching(/role arn:aws:iam::444455556666:role\/shepherd-spoke cannot be assumed \(AccessDenied: User: .* is not authorized to perform: sts:AssumeRole.*spoke\/shepherd-spoke-role\.json/),
    }),
  );
  // Refused at once: AccessDenied is not retried.
  expect(callsTo(stack, 'AssumeRole')).toHaveLength(1);
  expect(callsTo(stack, 'AcceptPortfolioShare')).toEqual([]);
});

it('ends FAILED with the service\'s words when the spoke role may not read the accepted shares', async () => {
  stack = await startStack(world({ accounts: { [SPOKE]: { roles: { [ROLE]: { allows: ['servicecatalog:AcceptPortfolioShare'] } } } } }));
  await send(stack, answer('no-list'));
  expect(completed(stack)['no-list']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode: 'AccessDeniedException' }));
});

it('retries STS throttling and outages, then succeeds', async () => {
  stack = await startStack({ ...world(), faults: [{ operation: 'AssumeRole', error: 'Throttling', status: 400, times: 3 }, { operation: 'AcceptPortfolioShare', error: 'ThrottlingException', times: 2 }] });
  await send(stack, answer('storm-1'));
  expect(completed(stack)['storm-1']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', accepted: true }));
});

it('refuses at ingest what the stage does not allow, before any call', async () => {
  stack = await startStack(world());
  await send(stack, answer('bad-account', { accountId: '12345' }), answer('bad-action', { action: 'MAYBE' }), answer('bad-type', { portfolioShareType: 'IMPORTED ' }));
  expect(rejections(stack).map((r) => r.requestId).sort()).toEqual(['bad-account', 'bad-action', 'bad-type']);
  expect(callsTo(stack, 'AssumeRole')).toEqual([]);
});

describe('account shares that accept on the recipient\'s behalf (acceptOnBehalf)', () => {
  const share = (requestId: string, fields: Record<string, unknown> = {}) => ({ requestId, operation: 'CREATE', portfolioId: OTHER, accountId: SPOKE, acceptOnBehalf: true, ...fields });
  const shared = (stack: LocalStack) =>
    Object.fromEntries(emittedOfType(stack, 'Portfolio Share Completed').map((e) => [(e.detail as { requestId: string }).requestId, e.detail as Record<string, any>]));

  it('shares, then accepts in the recipient account as the spoke role, and says it is accepted', async () => {
    stack = await startStack(world());
    await sendRequests(stack, 'Portfolio Share Requested', share('on-behalf'));
    expect(shared(stack)['on-behalf']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', accepted: true, target: { accountId: SPOKE } }));
    expect(callsTo(stack, 'AssumeRole').map((c) => c.input.RoleArn)).toEqual([`arn:aws:iam::${SPOKE}:role/${ROLE}`]);
    expect(callsTo(stack, 'AcceptPortfolioShare').map((c) => c.input)).toEqual([{ PortfolioId: OTHER, PortfolioShareType: 'IMPORTED' }]);
  });

  it('a share without it is not accepted, and its completion says nothing about acceptance', async () => {
    stack = await startStack(world());
    await sendRequests(stack, 'Portfolio Share Requested', share('plain', { acceptOnBehalf: undefined }));
    expect(shared(stack)['plain']).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
    expect(shared(stack)['plain']).not.toHaveProperty('accepted');
    expect(callsTo(stack, 'AssumeRole')).toEqual([]);
  });

  it('ends FAILED, accepted false, when the recipient account cannot be acted in; the share stands and the message says so', async () => {
    stack = await startStack(world({ accounts: { [SPOKE]: { roles: {} } } }));
    await sendRequests(stack, 'Portfolio Share Requested', share('no-spoke'));
    expect(shared(stack)['no-spoke']).toEqual(
      expect.objectContaining({ status: 'FAILED', accepted: false, errorCode: 'SpokeRoleNotAssumable', statusMessage: expect.stringMatching(/^the share was made; accepting it in account 444455556666 failed: role .* cannot be assumed/) }),
    );
    expect(stack.serviceCatalog.portfolios.get(OTHER)!.accountShares.has(SPOKE)).toBe(true);
  });

  it('a storm on STS and Service Catalog delays the acceptance, it does not end it', async () => {
    stack = await startStack({ ...world(), faults: [{ operation: 'AssumeRole', error: 'Throttling', status: 400, times: 4 }, { operation: 'ListAcceptedPortfolioShares', error: 'ThrottlingException', times: 3 }] });
    await sendRequests(stack, 'Portfolio Share Requested', share('storm'));
    expect(shared(stack)['storm']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', accepted: true }));
  });

  it('is refused at ingest for an organization share, and on a stage that does not allow it', async () => {
    stack = await startStack(world());
    await sendRequests(stack, 'Portfolio Share Requested', share('org-on-behalf', { accountId: undefined, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads01' } }));
    expect(rejections(stack)).toEqual([expect.objectContaining({ requestId: 'org-on-behalf', errors: [expect.objectContaining({ field: 'acceptOnBehalf', code: 'account_share_only' })] })]);
    const restricted = serviceCatalogAllowlist.of(guardrailsFor('example-restricted'));
    expect(authorizePortfolioShare({ operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: SPOKE, acceptOnBehalf: true } as never, restricted)).toEqual([
      expect.objectContaining({ field: 'acceptOnBehalf', code: 'not_allowed' }),
    ]);
  });
});
