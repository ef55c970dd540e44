/**
 * Round 5: acting in other accounts (STS AssumeRole into the spoke role) and acceptOnBehalf.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ListAcceptedPortfolioSharesCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { CloudControlClient, ListResourceRequestsCommand } from '@aws-sdk/client-cloudcontrol';
import { LocalStack } from '../../local/harness/stack';
import { StsEmulator } from '../../local/emulators/sts';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, emittedOfType, rejections } from '../support/stack';
import { clientConfig, manualClock, outcome, serve, type Served } from './round4-support';

const SPOKE = '444455556666';
const PORTFOLIO = 'port-2abcdext3y5fk';
const entry = (detailType: string, detail: Record<string, unknown>, source = 'platform.catalog') => ({ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) });
const world = (extra: Partial<WorldInput> = {}): WorldInput => ({
  clock: { start: T0.toISOString(), speed: 'max' },
  serviceCatalog: { portfolios: [PORTFOLIO], accountShares: { [PORTFOLIO]: [SPOKE] }, organization: { accounts: [SPOKE], units: [] } } as never,
  ...extra,
});
const accept = (requestId: string, fields: Record<string, unknown> = {}) => ({ requestId, portfolioId: PORTFOLIO, accountId: SPOKE, action: 'ACCEPT', ...fields });
const acceptances = (stack: LocalStack) => emittedOfType(stack, 'Portfolio Share Acceptance Completed').map((e) => e.detail as Record<string, any>);
const shares = (stack: LocalStack) => emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, any>);
const SECRETS = /ASIA[0-9A-F]{16}|local-session-|local-[0-9A-F]{20}|SecretAccessKey|SessionToken|shepherd-local-spoke/;

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

/** Everything a reader of histories, events and logs could see. */
function everything(stack: LocalStack): string {
  const executions = [...stack.stepFunctions.executions.values()].map((e: any) => [e.input, e.output, e.history ?? []]);
  return JSON.stringify([executions, stack.events, stack.logLines, stack.deadLetters]);
}

describe('credentials never leave the function', () => {
  it.each([
    ['an accepted offer', {}, accept('leak-ok')],
    ['an offer that is not there (refused in the spoke)', {}, accept('leak-refused', { portfolioId: 'port-notoffered012' })],
    ['a role whose trust does not hold (wrong ExternalId)', { accounts: { [SPOKE]: { roles: { 'shepherd-spoke': { trust: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'other-external-id' } } }] } } } } }, accept('leak-trust')],
    ['a spoke whose ListAcceptedPortfolioShares is denied', { accounts: { [SPOKE]: { roles: { 'shepherd-spoke': { allows: ['servicecatalog:AcceptPortfolioShare'] } } } } }, accept('leak-denied')],
  ])('%s: not in histories, events or logs (logLevel CAPTURE)', async (_label, extra, request) => {
    stack = await LocalStack.start({ world: world(extra as never), logLevel: 'CAPTURE' });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', request)]);
    await stack.settle();
    expect(acceptances(stack)).toHaveLength(1);
    expect(stack.logLines.length).toBeGreaterThan(0);
    const seen = everything(stack);
    const match = SECRETS.exec(seen);
    expect(match ? seen.slice(Math.max(0, match.index - 200), match.index + 80) : 'clean').toBe('clean');
  });

  it('acceptOnBehalf: not in histories, events or logs either, including under STS and spoke faults', async () => {
    stack = await LocalStack.start({
      world: world({ faults: [{ operation: 'AcceptPortfolioShare', error: 'InvalidParametersException', status: 400, times: 1 }] as never }),
      logLevel: 'CAPTURE',
    });
    await stack.putEvents([entry('Portfolio Share Requested', { requestId: 'aob-leak', operation: 'CREATE', portfolioId: PORTFOLIO, accountId: '777788889999', acceptOnBehalf: true })]);
    await stack.settle();
    expect(shares(stack)).toHaveLength(1);
    const seen = everything(stack);
    const match = SECRETS.exec(seen);
    expect(match ? seen.slice(Math.max(0, match.index - 200), match.index + 80) : 'clean').toBe('clean');
  });
});

describe('session names from requestIds at the edges', () => {
  it.each([
    ['1 character', 'a'],
    ['2 characters', 'ab'],
    ['64 characters', 'x'.repeat(64)],
    ['65 characters', 'y'.repeat(65)],
    ['80 characters', `${'z'.repeat(40)}_-${'Q'.repeat(38)}`],
  ])('a requestId of %s is accepted and answered SUCCEEDED', async (_label, requestId) => {
    stack = await LocalStack.start({ world: world() });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept(requestId))]);
    await stack.settle();
    expect(acceptances(stack)).toEqual([expect.objectContaining({ requestId, status: 'SUCCEEDED', accepted: true })]);
    for (const c of callsTo(stack, 'AssumeRole')) {
      expect(c.error).toBeUndefined();
      expect(String(c.input.RoleSessionName)).toMatch(/^[\w+=,.@-]{2,64}$/);
    }
  });

  it('two 80-character requestIds sharing their first 64 characters get different session names', async () => {
    stack = await LocalStack.start({ world: world() });
    const a = `${'s'.repeat(70)}aaaaaaaaaa`;
    const b = `${'s'.repeat(70)}bbbbbbbbbb`;
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept(a)), entry('Portfolio Share Acceptance Requested', accept(b))]);
    await stack.settle();
    expect(acceptances(stack).map((d) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(new Set(callsTo(stack, 'AssumeRole').map((c) => c.input.RoleSessionName)).size).toBe(2);
  });
});

describe('acceptOnBehalf and the stage', () => {
  it('a stage that does not allow acceptOnBehalf refuses it at ingest, with no AssumeRole', async () => {
    stack = await LocalStack.start({ world: world(), environment: { STAGE: 'example-restricted' } });
    await stack.putEvents([entry('Portfolio Share Requested', { requestId: 'aob-restricted', operation: 'CREATE', portfolioId: PORTFOLIO, accountId: SPOKE, acceptOnBehalf: true })]);
    await stack.settle();
    expect(rejections(stack).map((r) => [r.requestId, r.errors.map((e: any) => [e.field, e.code])])).toEqual([['aob-restricted', [['acceptOnBehalf', 'not_allowed']]]]);
    expect(callsTo(stack, 'AssumeRole')).toEqual([]);
    expect(callsTo(stack, 'CreatePortfolioShare')).toEqual([]);
  });

  it.each([
    ['an organization-node share', { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' } }],
    ['a DELETE of an account share', { operation: 'DELETE', accountId: SPOKE }],
    ['an UPDATE', { operation: 'UPDATE', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' }, sharePrincipals: true }],
  ])('acceptOnBehalf on %s (README: CREATE of an account share only) is refused, no AssumeRole', async (_label, fields) => {
    stack = await LocalStack.start({ world: world() });
    await stack.putEvents([entry('Portfolio Share Requested', { requestId: 'aob-odd', operation: 'CREATE', portfolioId: PORTFOLIO, acceptOnBehalf: true, ...fields })]);
    await stack.settle();
    expect(rejections(stack).map((r) => r.requestId)).toEqual(['aob-odd']);
    expect(callsTo(stack, 'AssumeRole')).toEqual([]);
  });

  it('acceptOnBehalf: false is simply an account share (no AssumeRole, no accepted field)', async () => {
    stack = await LocalStack.start({ world: world() });
    await stack.putEvents([entry('Portfolio Share Requested', { requestId: 'aob-false', operation: 'CREATE', portfolioId: PORTFOLIO, accountId: '777788889999', acceptOnBehalf: false })]);
    await stack.settle();
    expect(shares(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect(shares(stack)[0]).not.toHaveProperty('accepted');
    expect(callsTo(stack, 'AssumeRole')).toEqual([]);
  });

  it('acceptOnBehalf whose accepting fails: FAILED, accepted false, and the message says the share was made', async () => {
    stack = await LocalStack.start({ world: world({ accounts: { '777788889999': { roles: {} } } } as never) });
    await stack.putEvents([entry('Portfolio Share Requested', { requestId: 'aob-noRole', operation: 'CREATE', portfolioId: PORTFOLIO, accountId: '777788889999', acceptOnBehalf: true })]);
    await stack.settle();
    expect(shares(stack)).toEqual([expect.objectContaining({ status: 'FAILED', accepted: false, statusMessage: expect.stringMatching(/shar/i) })]);
    expect(callsTo(stack, 'CreatePortfolioShare').filter((c) => !c.error)).toHaveLength(1);
  });

  it('the acceptance allowlist of example-restricted: another account and REJECT are refused, no AssumeRole', async () => {
    stack = await LocalStack.start({ world: world(), environment: { STAGE: 'example-restricted' } });
    await stack.putEvents([
      entry('Portfolio Share Acceptance Requested', accept('other-account', { accountId: '777788889999' })),
      entry('Portfolio Share Acceptance Requested', accept('no-reject', { action: 'REJECT' })),
      entry('Portfolio Share Acceptance Requested', accept('other-portfolio', { portfolioId: 'port-notoffered012' })),
    ]);
    await stack.settle();
    expect(rejections(stack).map((r) => r.requestId).sort()).toEqual(['no-reject', 'other-account', 'other-portfolio']);
    expect(callsTo(stack, 'AssumeRole')).toEqual([]);
  });
});

describe('STS misbehaving', () => {
  it('STS throttling (Throttling, 400) for 10 minutes is waited out, not reported SpokeRoleNotAssumable', async () => {
    stack = await LocalStack.start({ world: world({ faults: [{ operation: 'AssumeRole', error: 'Throttling', status: 400, untilSeconds: 600 }] as never }) });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept('sts-throttled'))]);
    await stack.settle();
    expect(callsTo(stack, 'AssumeRole').filter((c) => c.error).length).toBeGreaterThan(3);
    expect(acceptances(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', accepted: true })]);
  });

  it('STS 500s for two hours are waited out', async () => {
    stack = await LocalStack.start({ world: world({ faults: [{ operation: 'AssumeRole', error: 'InternalFailure', status: 500, untilSeconds: 7200 }] as never }) });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept('sts-down'))]);
    await stack.settle();
    expect(callsTo(stack, 'AssumeRole').filter((c) => c.error).length).toBeGreaterThan(3);
    expect(acceptances(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', accepted: true })]);
  });

  it('STS answers hang for an hour: still SUCCEEDED, one terminal event', async () => {
    stack = await LocalStack.start({ world: world({ faults: [{ operation: 'AssumeRole', error: 'InternalFailure', hang: true, untilSeconds: 3600 }] as never }) });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept('sts-hang'))]);
    await stack.settle();
    expect(callsTo(stack, 'AssumeRole').filter((c) => c.error).length).toBeGreaterThan(3);
    expect(acceptances(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
  });

  it('an STS outage longer than the execution may run ends with exactly one terminal event', async () => {
    stack = await LocalStack.start({ world: world({ faults: [{ operation: 'AssumeRole', error: 'InternalFailure', status: 500, untilSeconds: 40 * 3600 }] as never }) });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept('sts-forever'))]);
    await stack.settle();
    expect(callsTo(stack, 'AssumeRole').filter((c) => c.error).length).toBeGreaterThan(3);
    const ends = acceptances(stack);
    expect(ends).toEqual([expect.objectContaining({ requestId: 'sts-forever', status: 'FAILED' })]);
    expect(ends[0]!.statusMessage ?? '').not.toMatch(/SpokeRoleNotAssumable/);
  }, 120_000);

  it('a resent acceptance request (same requestId, new event) starts nothing new and answers once', async () => {
    stack = await LocalStack.start({ world: world() });
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept('dup-accept'))]);
    await stack.putEvents([entry('Portfolio Share Acceptance Requested', accept('dup-accept'))]);
    await stack.settle();
    expect(acceptances(stack)).toHaveLength(1);
    expect(callsTo(stack, 'AcceptPortfolioShare')).toHaveLength(1);
  });
});

describe('emulator strictness against the API references', () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.stop();
    served = undefined;
  });

  async function sts() {
    const clock = manualClock();
    const role = { account: SPOKE, name: 'spoke', trust: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }], permissions: [], maxSessionSeconds: 3600 } as never;
    const emulator = new StsEmulator(clock, 1, (arn) => (arn === `arn:aws:iam::${SPOKE}:role/spoke` ? role : undefined), () => ({ principalArn: 'arn:aws:iam::000000000000:role/caller', account: '000000000000', policy: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] as never }), () => undefined);
    served = await serve({ sts: emulator.operations() });
    return { client: new STSClient(clientConfig(served.url)), clock };
  }
  const base = { RoleArn: `arn:aws:iam::${SPOKE}:role/spoke`, RoleSessionName: 'ok-session' };

  it.each([
    ['DurationSeconds 899 (minimum 900)', { DurationSeconds: 899 }, 'ValidationError'],
    ['DurationSeconds 3601 over the role maximum', { DurationSeconds: 3601 }, 'ValidationError'],
    ['a 1-character RoleSessionName', { RoleSessionName: 'a' }, 'ValidationError'],
    ['a 65-character RoleSessionName', { RoleSessionName: 'r'.repeat(65) }, 'ValidationError'],
    ['a RoleSessionName with a space', { RoleSessionName: 'has space' }, 'ValidationError'],
    ['a 1-character ExternalId', { ExternalId: 'x' }, 'ValidationError'],
    ['a role that does not exist', { RoleArn: `arn:aws:iam::${SPOKE}:role/nobody` }, 'AccessDenied'],
  ])('AssumeRole refuses %s', async (_label, fields, error) => {
    const { client } = await sts();
    const result = await outcome(client.send(new AssumeRoleCommand({ ...base, ...fields } as never)));
    expect(result.refusal).toBe(error);
  });

  it('AssumeRole at exactly 900 and 3600 seconds is taken, with an Expiration that far ahead', async () => {
    const { client } = await sts();
    for (const seconds of [900, 3600]) {
      const result = await outcome(client.send(new AssumeRoleCommand({ ...base, DurationSeconds: seconds })));
      expect(result.refusal).toBe('no refusal');
      expect(result.answer!.Credentials!.Expiration!.getTime() - T0.getTime()).toBe(seconds * 1000);
      expect(result.answer!.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${SPOKE}:assumed-role/spoke/ok-session`);
    }
  });

  it('ListAcceptedPortfolioShares refuses PageSize 101 (max 100); ListResourceRequests refuses MaxResults 0 and 101', async () => {
    stack = await LocalStack.start({ world: world() });
    // Through the local stack's own endpoint, as the administrator.
    const handler = (stack.server as any).inProcessHandler();
    const cfg = { region: 'us-east-1', maxAttempts: 1, requestHandler: handler, endpoint: 'http://localhost', credentials: { accessKeyId: 'AKIAADMINISTRATOR', secretAccessKey: 'x' } };
    const sc = new ServiceCatalogClient(cfg);
    const cc = new CloudControlClient(cfg);
    expect((await outcome(sc.send(new ListAcceptedPortfolioSharesCommand({ PageSize: 101 })))).refusal).toMatch(/Validation|InvalidParameters/);
    expect((await outcome(sc.send(new ListAcceptedPortfolioSharesCommand({ PageSize: 100 })))).refusal).toBe('no refusal');
    expect((await outcome(cc.send(new ListResourceRequestsCommand({ MaxResults: 101 })))).refusal).toMatch(/Validation/);
    expect((await outcome(cc.send(new ListResourceRequestsCommand({ MaxResults: 0 })))).refusal).toMatch(/Validation/);
  });
});
