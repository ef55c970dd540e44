/**
 * Cloud Control operations Shepherd did not start (issue 14): followed to
 * their end by RequestToken with the same waiting, polling and terminal
 * event, and named (ListResourceRequests) when one holds a resource a request
 * wants, so the request waits for it instead of backing off blindly.
 * The world's cloudControl.outsideRequests plays the console user.
 */
import { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, completions, emittedOfType, rejections, runRequests, sendRequests, startStack } from '../support/stack';

const TYPE = 'AWS::Logs::LogGroup';
const GROUP = '/team/audit';
const TOKEN = 'outside-0001-update-audit';

const world = (outside: Record<string, unknown>[] = [], extra: Partial<WorldInput> = {}): WorldInput => ({
  cloudControl: {
    resourceTypes: { [TYPE]: { primaryIdentifier: 'LogGroupName', durationSeconds: 20, retryAfterSeconds: 5, retryAfterOmitRate: 0, existing: { [GROUP]: { LogGroupName: GROUP, RetentionInDays: 7 } } } },
    outsideRequests: outside as never,
  },
  ...extra,
});
const outsideUpdate = (fields: Record<string, unknown> = {}) => ({ requestToken: TOKEN, typeName: TYPE, operation: 'UPDATE', identifier: GROUP, resourceModel: { RetentionInDays: 30 }, remainingSeconds: 600, ...fields });
const follow = (requestId: string, fields: Record<string, unknown> = {}) => ({ requestId, requestToken: TOKEN, typeName: TYPE, operation: 'UPDATE', ...fields });
const sendFollows = (stack: LocalStack, ...details: Array<Record<string, unknown>>) => sendRequests(stack, 'Resource Operation Follow Requested', ...details);
const byId = (stack: LocalStack) => Object.fromEntries(completions(stack).map((c) => [c.requestId, c]));

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('following an operation by its RequestToken', () => {
  it('follows it to SUCCESS with the same terminal event, polling as RetryAfter says, and submits nothing', async () => {
    stack = await startStack(world([outsideUpdate()]));
    await sendFollows(stack, follow('follow-1'));
    expect(byId(stack)['follow-1']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', operation: 'UPDATE', typeName: TYPE, identifier: GROUP, requestToken: TOKEN, attempts: 0 }));
    expect(callsTo(stack, 'UpdateResource')).toEqual([]);
    // Ten minutes of an operation, hinted every 5 s: the polls follow the hints, not a blind loop.
    expect(byId(stack)['follow-1']!.polls).toBeGreaterThan(50);
    expect(stack.cloudControl.resources.get(TYPE)!.get(GROUP)).toMatchObject({ RetentionInDays: 30 });
  });

  it('reports an outside operation that fails as FAILED, and never resubmits it (even for a transient code)', async () => {
    stack = await startStack(world([outsideUpdate({ remainingSeconds: 30, failure: { errorCode: 'Throttling', statusMessage: 'Rate exceeded' } })]));
    await sendFollows(stack, follow('follow-failed'));
    expect(byId(stack)['follow-failed']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode: 'Throttling', requestToken: TOKEN }));
    expect(callsTo(stack, 'UpdateResource')).toEqual([]);
  });

  it.each([
    ['a token Cloud Control does not know', { requestToken: 'never-issued-0001' }, 'RequestTokenNotFoundException'],
    ['a token of another operation', { operation: 'DELETE' }, 'NotTheStatedOperation'],
    ['a token of another type', { typeName: 'AWS::S3::Bucket' }, 'NotTheStatedOperation'],
  ])('ends FAILED for %s', async (_label, fields, errorCode) => {
    stack = await startStack({ ...world([outsideUpdate()]), cloudControl: { ...world([outsideUpdate()]).cloudControl!, resourceTypes: { ...world().cloudControl!.resourceTypes, 'AWS::S3::Bucket': {} } } });
    await sendFollows(stack, follow('follow-bad', fields));
    expect(byId(stack)['follow-bad']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode }));
  });

  it('refuses at ingest what the stage would not let Shepherd run itself, and a malformed token', async () => {
    stack = await startStack(world([outsideUpdate()]));
    await sendFollows(stack, follow('bad-token', { requestToken: 'has spaces' }), follow('bad-op', { operation: 'PATCH' }));
    expect(rejections(stack).map((r) => [r.requestId, r.errors[0].field]).sort()).toEqual([['bad-op', 'operation'], ['bad-token', 'requestToken']]);
  });

  it('a followed operation cannot be cancelled through Shepherd: following grants reading only', async () => {
    stack = await startStack(world([outsideUpdate()]));
    // The cancel may arrive before the follow has started: it waits for it (RetryLater), as for any request.
    await stack.putEvents([
      { Source: 'platform.provisioning', DetailType: 'Resource Operation Follow Requested', Detail: JSON.stringify(follow('follow-cancel')) },
      { Source: 'platform.provisioning', DetailType: 'Resource Operation Cancel Requested', Detail: JSON.stringify({ requestId: 'follow-cancel' }) },
    ]);
    await stack.settle();
    expect(callsTo(stack, 'CancelResourceRequest')).toEqual([]);
    expect(rejections(stack)).toEqual([expect.objectContaining({ namedRequestId: 'follow-cancel', errors: [expect.objectContaining({ code: 'not_cancellable' })] })]);
    expect(byId(stack)['follow-cancel']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', requestToken: TOKEN }));
  });
});

describe('a request that meets an operation holding its resource', () => {
  const update = (requestId: string) => ({ requestId, operation: 'UPDATE', typeName: TYPE, identifier: GROUP, patchDocument: [{ op: 'replace', path: '/RetentionInDays', value: 90 }] });

  it('names it (ListResourceRequests), waits for it, then submits and ends with waitedFor', async () => {
    stack = await startStack(world([outsideUpdate()]));
    await runRequests(stack, update('after-outside'));
    const done = byId(stack)['after-outside']!;
    expect(done).toEqual(expect.objectContaining({ status: 'SUCCEEDED', waitedFor: [TOKEN] }));
    // The outside update ran first (RetentionInDays 30), then this one.
    expect(stack.cloudControl.resources.get(TYPE)!.get(GROUP)).toMatchObject({ RetentionInDays: 90 });
    const refused = callsTo(stack, 'UpdateResource').filter((c) => c.error === 'ConcurrentOperationException');
    expect(refused.length).toBeGreaterThan(0);
    expect(callsTo(stack, 'ListResourceRequests').length).toBe(refused.length);
    // One attempt: a refusal for a busy resource is not a failed attempt.
    expect(new Set(callsTo(stack, 'UpdateResource').map((c) => c.input.ClientToken)).size).toBe(1);
  });

  it('waits without a name when it may not list, and still gets through', async () => {
    stack = await startStack(world([outsideUpdate({ remainingSeconds: 120 })], { faults: [{ operation: 'ListResourceRequests', error: 'AccessDeniedException', status: 403, untilSeconds: 100000 }] }));
    await runRequests(stack, update('unnamed-wait'));
    expect(byId(stack)['unnamed-wait']).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
    expect(byId(stack)['unnamed-wait']).not.toHaveProperty('waitedFor');
  });

  it('ends TIMED_OUT, naming what it waited for, when the holder outlasts the request', async () => {
    stack = await LocalStack.start({ world: { ...world([outsideUpdate({ remainingSeconds: 7200 })]), clock: { start: T0.toISOString(), speed: 'max' } }, environment: { OPERATION_TIMEOUT_SECONDS: '600' } });
    await runRequests(stack, update('outlasted'));
    expect(byId(stack)['outlasted']).toEqual(expect.objectContaining({ status: 'TIMED_OUT', waitedFor: [TOKEN], statusMessage: expect.stringContaining(TOKEN) }));
  });
});


describe('following a portfolio share action by its PortfolioShareToken', () => {
  const PORTFOLIO = 'port-2abcdext3y5fk';
  const OU = 'ou-wk01-outsider01';
  const SHARE_TOKEN = 'share-outside-console-01';
  const shareWorld = (extra: Record<string, unknown> = {}): WorldInput => ({
    serviceCatalog: {
      portfolios: [PORTFOLIO, 'port-otherportfo01'],
      organization: { accounts: [], units: [{ id: OU, accounts: 40 }] },
      outsideShares: [{ portfolioShareToken: SHARE_TOKEN, portfolioId: PORTFOLIO, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }],
      shares: { startSeconds: 2, minSeconds: 5, secondsPerAccount: 1, accountFailures: [{ rate: 0.1, error: 'AccessDenied', message: 'not reachable' }] },
      ...extra,
    },
  });
  const followShare = (requestId: string, fields: Record<string, unknown> = {}) => ({
    requestId, portfolioShareToken: SHARE_TOKEN, operation: 'CREATE', portfolioId: PORTFOLIO, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU }, ...fields,
  });
  const shared = (stack: LocalStack) =>
    Object.fromEntries(emittedOfType(stack, 'Portfolio Share Completed').map((e) => [(e.detail as { requestId: string }).requestId, e.detail as Record<string, any>]));

  it('follows it with the same polling, per-account fan-out and completion, and starts nothing', async () => {
    stack = await startStack(shareWorld());
    await sendRequests(stack, 'Portfolio Share Follow Requested', followShare('follow-share'));
    expect(shared(stack)['follow-share']).toEqual(
      expect.objectContaining({ status: 'PARTIALLY_SUCCEEDED', shareToken: SHARE_TOKEN, successfulAccounts: 36, failedAccounts: 4, nodeAccess: 'PRESENT', attempts: 0 }),
    );
    expect(emittedOfType(stack, 'Portfolio Share Account Failed')).toHaveLength(4);
    expect(callsTo(stack, 'CreatePortfolioShare')).toEqual([]);
  });

  it.each([
    ['a token the service does not know', { portfolioShareToken: 'share-never-issued' }, 'ResourceNotFoundException'],
    ['a token of another portfolio', { portfolioId: 'port-otherportfo01' }, 'NotTheStatedShare'],
    ['a token of another node', { organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-elsewhere1' } }, 'NotTheStatedShare'],
  ])('ends FAILED for %s', async (_label, fields, errorCode) => {
    stack = await startStack(shareWorld());
    await sendRequests(stack, 'Portfolio Share Follow Requested', followShare('follow-bad-share', fields));
    expect(shared(stack)['follow-bad-share']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode }));
  });

  it('a share of the same portfolio Shepherd is asked for meanwhile waits for the outside action (one at a time), then runs', async () => {
    stack = await startStack(shareWorld());
    await sendRequests(stack, 'Portfolio Share Requested', { requestId: 'after-outside-share', operation: 'CREATE', portfolioId: PORTFOLIO, accountId: '444455556666' });
    expect(shared(stack)['after-outside-share']).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
    expect(callsTo(stack, 'CreatePortfolioShare').some((c) => c.error === 'InvalidStateException')).toBe(true);
  });
});

describe('following a provisioned-product record by its RecordId', () => {
  const PP = 'pp-teamavpc00001';
  const recordWorld = (outside: Record<string, unknown> = {}): WorldInput => ({
    serviceCatalog: {
      provisionedProducts: { [PP]: { owner: 'arn:aws:iam::000000000000:user/alice' }, 'pp-otherteam0001': { owner: 'arn:aws:iam::000000000000:user/bob' } },
      outsideRecords: [{ recordId: 'rec-console0000001', provisionedProductId: PP, recordType: 'UPDATE_PROVISIONED_PRODUCT', remainingSeconds: 300, ...outside }],
    },
  });
  const followRecord = (requestId: string, fields: Record<string, unknown> = {}) => ({ requestId, recordId: 'rec-console0000001', provisionedProductId: PP, ...fields });
  const updated = (stack: LocalStack) =>
    Object.fromEntries(emittedOfType(stack, 'Provisioned Product Properties Updated').map((e) => [(e.detail as { requestId: string }).requestId, e.detail as Record<string, any>]));

  it('follows it to its end with the same polling and terminal event, naming what the record did', async () => {
    stack = await startStack(recordWorld());
    await sendRequests(stack, 'Provisioned Product Record Follow Requested', followRecord('follow-record'));
    expect(updated(stack)['follow-record']).toEqual(
      expect.objectContaining({ status: 'SUCCEEDED', recordId: 'rec-console0000001', recordType: 'UPDATE_PROVISIONED_PRODUCT', requestedProperties: {}, attempts: 0 }),
    );
    expect(updated(stack)['follow-record']!.polls).toBeGreaterThan(1);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties')).toEqual([]);
  });

  it.each([
    ['a record that ends FAILED', {}, { failure: { code: 'StackFailed', description: 'the stack rolled back' } }, 'StackFailed'],
    ['a record the service does not know', { recordId: 'rec-neverissued001' }, {}, 'ResourceNotFoundException'],
    ['a record of another provisioned product', { provisionedProductId: 'pp-otherteam0001' }, {}, 'NotTheStatedRecord'],
  ])('ends FAILED for %s', async (_label, fields, outside, errorCode) => {
    stack = await startStack(recordWorld(outside));
    await sendRequests(stack, 'Provisioned Product Record Follow Requested', followRecord('follow-bad-record', fields));
    expect(updated(stack)['follow-bad-record']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode }));
  });

  it('a property update Shepherd is asked for meanwhile waits for the record (the product is busy), then runs', async () => {
    stack = await startStack(recordWorld());
    await sendRequests(stack, 'Provisioned Product Properties Update Requested', { requestId: 'after-outside-record', provisionedProductId: PP, properties: { OWNER: 'arn:aws:iam::000000000000:user/bob' } });
    expect(updated(stack)['after-outside-record']).toEqual(expect.objectContaining({ status: 'SUCCEEDED' }));
    expect(callsTo(stack, 'UpdateProvisionedProductProperties').some((c) => c.error === 'InvalidStateException')).toBe(true);
  });
});
