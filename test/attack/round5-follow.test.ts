/**
 * Round 5: following operations Shepherd did not start, held to the stage's allowlist.
 */
import { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, completions, emittedOfType, rejections } from '../support/stack';

const LOGS = 'AWS::Logs::LogGroup';
const IAM = 'AWS::IAM::Role';
const FOREIGN_TOKEN = 'outside-iam-role-delete-01';
const LOGS_TOKEN = 'outside-logs-update-0001';

const entry = (detailType: string, detail: Record<string, unknown>, source = 'platform.provisioning') => ({ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) });

const ccWorld = (extra: Partial<WorldInput> = {}): WorldInput => ({
  clock: { start: T0.toISOString(), speed: 'max' },
  cloudControl: {
    resourceTypes: {
      [LOGS]: { primaryIdentifier: 'LogGroupName', durationSeconds: 20, retryAfterSeconds: 5, retryAfterOmitRate: 0, existing: { '/audit': { LogGroupName: '/audit', RetentionInDays: 7 } } },
      [IAM]: { primaryIdentifier: 'RoleName', durationSeconds: 20, existing: { 'break-glass': { RoleName: 'break-glass' } } },
    },
    outsideRequests: [
      { requestToken: FOREIGN_TOKEN, typeName: IAM, operation: 'DELETE', identifier: 'break-glass', remainingSeconds: 3600 },
      { requestToken: LOGS_TOKEN, typeName: LOGS, operation: 'UPDATE', identifier: '/audit', resourceModel: { RetentionInDays: 30 }, remainingSeconds: 3600 },
    ] as never,
  },
  ...extra,
});

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('a follow that states an allowed type but names a token of a forbidden one', () => {
  it('never lets its sender cancel the forbidden operation (example-restricted allows no AWS::IAM::Role)', async () => {
    // Shepherd's own PutEvents fail for 30 minutes: the follow sits in its emit step, still RUNNING, with the token in its state.
    stack = await LocalStack.start({
      world: ccWorld({ faults: [{ operation: 'PutEvents', error: 'InternalException', status: 500, untilSeconds: 1800 }] as never }),
      environment: { STAGE: 'example-restricted' },
    });
    await stack.putEvents([entry('Resource Operation Follow Requested', { requestId: 'sneaky-follow', requestToken: FOREIGN_TOKEN, typeName: LOGS, operation: 'UPDATE' })]);
    await stack.putEvents([entry('Resource Operation Cancel Requested', { requestId: 'sneaky-follow' })]);
    await stack.settle();
    const done = completions(stack).filter((c) => c.requestId === 'sneaky-follow');
    expect(done).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'NotTheStatedOperation' })]);
    // The stage may not touch AWS::IAM::Role: no cancel of that operation may be sent on anyone's behalf.
    expect(callsTo(stack, 'CancelResourceRequest').map((c) => c.input.RequestToken)).not.toContain(FOREIGN_TOKEN);
    // The outside DELETE was never cancelled (it runs on, as whoever started it asked).
    expect(stack.cloudControl.requests.get(FOREIGN_TOKEN)?.cancelledAt).toBeUndefined();
  });

  it('without any outage, a cancel sent right behind the follow still does not cancel the forbidden operation', async () => {
    stack = await LocalStack.start({ world: ccWorld(), environment: { STAGE: 'example-restricted' } });
    await stack.putEvents([
      entry('Resource Operation Follow Requested', { requestId: 'sneaky-2', requestToken: FOREIGN_TOKEN, typeName: LOGS, operation: 'UPDATE' }),
      entry('Resource Operation Cancel Requested', { requestId: 'sneaky-2' }),
    ]);
    await stack.settle();
    const cancel = callsTo(stack, 'CancelResourceRequest').find((c) => c.input.RequestToken === FOREIGN_TOKEN);
    // If a cancel went out, say what it did to the operation the stage may not touch.
    const outside = stack.cloudControl.submissions.find((r) => r.token === FOREIGN_TOKEN);
    expect({ cancelSent: cancel !== undefined, cancelError: cancel?.error, iamRoleStillThere: stack.cloudControl.resources.get(IAM)?.has('break-glass'), cancelRejected: rejections(stack).length, status: (outside as any) && (stack.cloudControl as any).statusAt?.(outside, stack.clock.now().getTime()) })
      .toEqual(expect.objectContaining({ cancelSent: false }));
  });
});

describe('follow requests against the allowlist and each other', () => {
  it('a follow of a type the stage does not list is refused at ingest, with no Cloud Control call', async () => {
    stack = await LocalStack.start({ world: ccWorld(), environment: { STAGE: 'example-restricted' } });
    await stack.putEvents([entry('Resource Operation Follow Requested', { requestId: 'forbidden-type', requestToken: FOREIGN_TOKEN, typeName: IAM, operation: 'DELETE' })]);
    await stack.settle();
    expect(rejections(stack).map((r) => [r.requestId, r.errors[0].code])).toEqual([['forbidden-type', 'not_allowed']]);
    expect(callsTo(stack, 'GetResourceRequestStatus')).toEqual([]);
  });

  it('a follow of an operation the stage does not list for that type (S3 DELETE) is refused', async () => {
    stack = await LocalStack.start({ world: ccWorld(), environment: { STAGE: 'example-restricted' } });
    await stack.putEvents([entry('Resource Operation Follow Requested', { requestId: 'forbidden-op', requestToken: 'whatever-token-01', typeName: 'AWS::S3::Bucket', operation: 'DELETE' })]);
    await stack.settle();
    expect(rejections(stack).map((r) => r.requestId)).toEqual(['forbidden-op']);
  });

  it('the same token followed by two requests at once: each gets exactly one completion, both SUCCEEDED', async () => {
    stack = await LocalStack.start({ world: ccWorld() });
    await stack.putEvents([
      entry('Resource Operation Follow Requested', { requestId: 'twin-a', requestToken: LOGS_TOKEN, typeName: LOGS, operation: 'UPDATE' }),
      entry('Resource Operation Follow Requested', { requestId: 'twin-b', requestToken: LOGS_TOKEN, typeName: LOGS, operation: 'UPDATE' }),
    ]);
    await stack.settle();
    const byId = completions(stack);
    expect(byId.filter((c) => c.requestId === 'twin-a')).toEqual([expect.objectContaining({ status: 'SUCCEEDED', requestToken: LOGS_TOKEN, attempts: 0 })]);
    expect(byId.filter((c) => c.requestId === 'twin-b')).toEqual([expect.objectContaining({ status: 'SUCCEEDED', requestToken: LOGS_TOKEN, attempts: 0 })]);
    expect(callsTo(stack, 'UpdateResource')).toEqual([]);
  });

  it('a follow resent with the same requestId starts nothing new; a different follow reusing it is rejected with namedRequestId', async () => {
    stack = await LocalStack.start({ world: ccWorld() });
    const f = { requestId: 'dup-follow', requestToken: LOGS_TOKEN, typeName: LOGS, operation: 'UPDATE' };
    await stack.putEvents([entry('Resource Operation Follow Requested', f)]);
    await stack.putEvents([entry('Resource Operation Follow Requested', f)]);
    await stack.putEvents([entry('Resource Operation Follow Requested', { ...f, requestToken: FOREIGN_TOKEN, typeName: IAM, operation: 'DELETE' })]);
    await stack.settle();
    expect(completions(stack).filter((c) => c.requestId === 'dup-follow')).toHaveLength(1);
    expect(stack.stepFunctions.executions.size).toBe(1);
    const rej = rejections(stack);
    expect(rej).toHaveLength(1);
    expect(rej[0]).not.toHaveProperty('requestId');
    expect(rej[0]!.namedRequestId).toBe('dup-follow');
  });

  it('a follow whose requestId an earlier request of another kind owns is rejected, naming it', async () => {
    stack = await LocalStack.start({ world: ccWorld() });
    await stack.putEvents([entry('Resource Operation Requested', { requestId: 'owned-id', operation: 'UPDATE', typeName: LOGS, identifier: '/audit', patchDocument: [{ op: 'replace', path: '/RetentionInDays', value: 14 }] })]);
    await stack.settle();
    await stack.putEvents([entry('Resource Operation Follow Requested', { requestId: 'owned-id', requestToken: LOGS_TOKEN, typeName: LOGS, operation: 'UPDATE' })]);
    await stack.settle();
    expect(completions(stack).filter((c) => c.requestId === 'owned-id')).toHaveLength(1);
    expect(rejections(stack).map((r) => r.namedRequestId)).toEqual(['owned-id']);
  });

  it('an outside operation that never ends within the deadline: the follow ends TIMED_OUT, once', async () => {
    stack = await LocalStack.start({
      world: ccWorld({ cloudControl: { ...ccWorld().cloudControl!, outsideRequests: [{ requestToken: 'forever-0001', typeName: LOGS, operation: 'UPDATE', identifier: '/audit', remainingSeconds: 7200 }] as never } }),
      environment: { OPERATION_TIMEOUT_SECONDS: '600' },
    });
    await stack.putEvents([entry('Resource Operation Follow Requested', { requestId: 'follow-forever', requestToken: 'forever-0001', typeName: LOGS, operation: 'UPDATE' })]);
    await stack.settle();
    expect(completions(stack).filter((c) => c.requestId === 'follow-forever')).toEqual([expect.objectContaining({ status: 'TIMED_OUT', requestToken: 'forever-0001' })]);
    // Following never cancels what it follows.
    expect(callsTo(stack, 'CancelResourceRequest')).toEqual([]);
  });

  it('a follow that names a token of another kind (a portfolio share token / a record id) ends FAILED RequestTokenNotFoundException', async () => {
    stack = await LocalStack.start({ world: ccWorld() });
    await stack.putEvents([
      entry('Resource Operation Follow Requested', { requestId: 'kind-share', requestToken: 'share-outside-console-01', typeName: LOGS, operation: 'UPDATE' }),
      entry('Resource Operation Follow Requested', { requestId: 'kind-rec', requestToken: 'rec-console0000001', typeName: LOGS, operation: 'UPDATE' }),
    ]);
    await stack.settle();
    const byId = Object.fromEntries(completions(stack).map((c) => [c.requestId, c]));
    expect(byId['kind-share']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode: 'RequestTokenNotFoundException' }));
    expect(byId['kind-rec']).toEqual(expect.objectContaining({ status: 'FAILED', errorCode: 'RequestTokenNotFoundException' }));
  });
});

describe('share follows held to the stated portfolio', () => {
  const ALLOWED = 'port-2abcdext3y5fk';
  const SECRET = 'port-secretportf01';
  const OU = 'ou-wk01-workloads';
  const shareWorld = (): WorldInput => ({
    clock: { start: T0.toISOString(), speed: 'max' },
    serviceCatalog: {
      portfolios: [ALLOWED, SECRET],
      organization: { accounts: [], units: [{ id: OU, accounts: 20 }] },
      outsideShares: [{ portfolioShareToken: 'share-of-secret-01', portfolioId: SECRET, operation: 'CREATE', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }],
      shares: { accountFailures: [{ rate: 0.5, error: 'AccessDenied', message: 'secret failure' }] },
    } as never,
  });

  it('a token of a portfolio the stage does not allow, stated as an allowed one: FAILED NotTheStatedShare, and no account of it is announced', async () => {
    stack = await LocalStack.start({ world: shareWorld(), environment: { STAGE: 'example-restricted' } });
    await stack.putEvents([
      entry('Portfolio Share Follow Requested', { requestId: 'peek', portfolioShareToken: 'share-of-secret-01', operation: 'CREATE', portfolioId: ALLOWED, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }, 'platform.catalog'),
    ]);
    await stack.settle();
    const done = emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, any>);
    expect(done).toEqual([expect.objectContaining({ requestId: 'peek', status: 'FAILED', errorCode: 'NotTheStatedShare' })]);
    expect(done[0]!.failedAccounts ?? 0).toBe(0);
    expect(emittedOfType(stack, 'Portfolio Share Account Failed')).toEqual([]);
  });

  it('a follow of the same portfolio Shepherd is sharing meanwhile: both end once, the share waits (one action at a time)', async () => {
    const world = shareWorld();
    (world.serviceCatalog as any).outsideShares = [{ portfolioShareToken: 'share-of-allowed-1', portfolioId: ALLOWED, operation: 'CREATE', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }];
    (world.serviceCatalog as any).shares = {};
    stack = await LocalStack.start({ world });
    await stack.putEvents([
      entry('Portfolio Share Follow Requested', { requestId: 'follow-own', portfolioShareToken: 'share-of-allowed-1', operation: 'CREATE', portfolioId: ALLOWED, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }, 'platform.catalog'),
      entry('Portfolio Share Requested', { requestId: 'share-same', operation: 'DELETE', portfolioId: ALLOWED, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }, 'platform.catalog'),
    ]);
    await stack.settle();
    const byId = Object.fromEntries(emittedOfType(stack, 'Portfolio Share Completed').map((e) => [(e.detail as any).requestId, e.detail as Record<string, any>]));
    expect(byId['follow-own']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', shareToken: 'share-of-allowed-1', attempts: 0 }));
    expect(byId['share-same']).toEqual(expect.objectContaining({ status: 'SUCCEEDED', nodeAccess: 'ABSENT' }));
    expect(byId['follow-own']!.shareToken).not.toBe(byId['share-same']!.shareToken);
    expect(emittedOfType(stack, 'Portfolio Share Completed')).toHaveLength(2);
  });

  it('a share follow naming a Cloud Control token ends FAILED ResourceNotFoundException', async () => {
    stack = await LocalStack.start({ world: shareWorld() });
    await stack.putEvents([
      entry('Portfolio Share Follow Requested', { requestId: 'wrong-kind', portfolioShareToken: LOGS_TOKEN, operation: 'CREATE', portfolioId: ALLOWED, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: OU } }, 'platform.catalog'),
    ]);
    await stack.settle();
    expect(emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail)).toEqual([expect.objectContaining({ requestId: 'wrong-kind', status: 'FAILED', errorCode: 'ResourceNotFoundException' })]);
  });
});

describe('record follows held to the stated product', () => {
  it('a record of a product the stage does not allow, stated as an allowed one: FAILED NotTheStatedRecord without its errors', async () => {
    stack = await LocalStack.start({
      world: {
        clock: { start: T0.toISOString(), speed: 'max' },
        serviceCatalog: {
          provisionedProducts: { 'pp-workload00001': { owner: 'arn:aws:iam::000000000000:user/alice' }, 'pp-secret000001': { owner: 'arn:aws:iam::000000000000:user/bob' } },
          outsideRecords: [{ recordId: 'rec-secret0000001', provisionedProductId: 'pp-secret000001', recordType: 'UPDATE_PROVISIONED_PRODUCT', remainingSeconds: 60, failure: { code: 'SecretCode', description: 'secret description' } }],
        },
      } as never,
      environment: { STAGE: 'example-restricted' },
    });
    await stack.putEvents([entry('Provisioned Product Record Follow Requested', { requestId: 'peek-record', recordId: 'rec-secret0000001', provisionedProductId: 'pp-workload00001' }, 'platform.catalog')]);
    await stack.settle();
    const done = emittedOfType(stack, 'Provisioned Product Properties Updated').map((e) => e.detail as Record<string, any>);
    expect(done).toEqual([expect.objectContaining({ requestId: 'peek-record', status: 'FAILED', errorCode: 'NotTheStatedRecord' })]);
    expect(JSON.stringify(done)).not.toMatch(/secret description|SecretCode/);
  });
});

describe('following someone else\'s running Shepherd request to cancel it', () => {
  it('a producer of another source cannot end a request it does not own by following its token and cancelling the follow', async () => {
    stack = await LocalStack.start({
      world: ccWorld({ cloudControl: { resourceTypes: { [LOGS]: { primaryIdentifier: 'LogGroupName', durationSeconds: 1800, retryAfterSeconds: 30, retryAfterOmitRate: 0, existing: { '/audit': { LogGroupName: '/audit', RetentionInDays: 7 } } } } } as never }),
    });
    // The owner (source platform.provisioning) updates /audit: a half-hour operation.
    await stack.putEvents([entry('Resource Operation Requested', { requestId: 'owners-update', operation: 'UPDATE', typeName: LOGS, identifier: '/audit', patchDocument: [{ op: 'replace', path: '/RetentionInDays', value: 14 }] })]);
    for (let i = 0; i < 200 && !callsTo(stack, 'UpdateResource').some((c) => !c.error); i++) await new Promise((r) => setTimeout(r, 10));
    const token = stack.cloudControl.submissions[0]!.token;
    // Its own cancel from another source is refused (not_owner), as the README says...
    await stack.putEvents([entry('Resource Operation Cancel Requested', { requestId: 'owners-update' }, 'platform.catalog')]);
    // ...but following its token from that source, then cancelling the follow, reaches the same operation.
    await stack.putEvents([entry('Resource Operation Follow Requested', { requestId: 'hijack', requestToken: token, typeName: LOGS, operation: 'UPDATE' }, 'platform.catalog')]);
    await stack.putEvents([entry('Resource Operation Cancel Requested', { requestId: 'hijack' }, 'platform.catalog')]);
    await stack.settle();
    const summary = {
      ownCancel: rejections(stack).filter((r) => r.namedRequestId === 'owners-update').map((r) => r.errors[0].code),
      followRejected: rejections(stack).filter((r) => r.requestId === 'hijack' || r.namedRequestId === 'hijack').map((r) => r.errors[0]),
      owners: completions(stack).filter((c) => c.requestId === 'owners-update').map((c) => c.status),
    };
    expect(summary).toEqual({ ownCancel: ['not_owner'], followRejected: expect.anything(), owners: ['SUCCEEDED'] });
  });
});
