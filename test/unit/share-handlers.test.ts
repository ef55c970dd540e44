/**
 * The portfolio-share and Organizations-access handlers through their middy
 * wrappers, with Service Catalog and EventBridge mocked at the client
 * (aws-sdk-client-mock): what each sends, and what it returns.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  DisableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
  UpdatePortfolioShareCommand,
} from '@aws-sdk/client-service-catalog';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { build as buildAnnounce } from '../../shared/portfolio-share/handlers/announce-share-failures';
import { build as buildCheckAccess } from '../../shared/organizations-access/handlers/check-organizations-access';
import { build as buildCheck } from '../../shared/portfolio-share/handlers/check-portfolio-share';
import { build as buildEmit } from '../../shared/portfolio-share/handlers/emit-portfolio-share-completed';
import { ingestRequest } from '../../shared/workflow/ingest';
import { REQUEST_KINDS } from '../../shared/workflow/requests';
import type { IncomingEvent } from '../../shared/events/reject';
import { build as buildRequestAccess } from '../../shared/organizations-access/handlers/request-organizations-access-change';
import { build as buildStart } from '../../shared/portfolio-share/handlers/start-portfolio-share';
import type { AccessWorkflowState } from '../../shared/organizations-access/model';
import type { Announcement, ShareProgress, ShareWorkflowState } from '../../shared/portfolio-share/model';
import { ANNOUNCE_PAGE_SIZE, MAX_REFUSED_ROUNDS } from '../../shared/portfolio-share/policy';
import { NOW, envelope, lambdaContext, testPorts } from '../support/ports';

const serviceCatalog = mockClient(ServiceCatalogClient);
const eventBridge = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);

/** EventBridge refuses the entries whose account is in `refuse`. */
let refuse = new Set<string>();
beforeEach(() => {
  serviceCatalog.reset();
  eventBridge.reset();
  sfn.reset();
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  refuse = new Set();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    const entries = input.Entries.map((entry, i) =>
      refuse.has((JSON.parse(entry.Detail ?? '{}') as { accountId?: string }).accountId ?? '') ? { ErrorCode: 'InternalFailure' } : { EventId: `event-${i}` },
    );
    return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
  });
});

const ports = () => testPorts({ serviceCatalog: new ServiceCatalogClient({ region: 'us-east-1' }) });
const OU = { type: 'ORGANIZATIONAL_UNIT' as const, value: 'ou-wk01-workloads' };

function shareState(request: Record<string, unknown>, share?: ShareProgress, announce?: Announcement): ShareWorkflowState {
  return {
    requestId: 'share-1',
    eventId: 'evt-1',
    requestedAt: '2026-11-25T08:59:00.000Z',
    request: { operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: OU, ...request } as ShareWorkflowState['request'],
    share,
    announce,
  };
}

const progress = (fields: Partial<ShareProgress> = {}): ShareProgress => ({
  attempt: 1, polls: 0, startedAt: NOW.toISOString(), deadline: '2026-11-26T09:00:00.000Z',
  successfulAccounts: 0, failedAccounts: 0, failuresByError: [], outcome: 'IN_PROGRESS', shareToken: 'share-abc', ...fields,
});

const account = (n: number) => String(200000000000 + n);

function published(): Array<Record<string, any>> {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail ?? '{}')));
}

describe('ingest', () => {
  it('starts the share execution by requestId, and rejects a share with both targets', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn' });
    const given = ports();
    const ingest = (event: ReturnType<typeof envelope>, _context?: unknown) => ingestRequest(REQUEST_KINDS['Portfolio Share Requested']!, event as IncomingEvent, given);
    const ok = await ingest(envelope('Portfolio Share Requested', { requestId: 'share-1', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: '123456789012' }), lambdaContext);
    expect(ok).toMatchObject({ outcome: 'STARTED', requestId: 'share-1' });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toMatchObject({
      requestId: 'share-1', request: { operation: 'CREATE', accountId: '123456789012' },
    });

    const bad = await ingest(envelope('Portfolio Share Requested', { operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: '123456789012', organizationNode: OU }), lambdaContext);
    expect(bad).toMatchObject({ outcome: 'REJECTED' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(published()[0]!.errors).toEqual([expect.objectContaining({ field: 'accountId', code: 'exactly_one_target' })]);
  });
});

describe('start', () => {
  it('checks Organizations access before a node share, and starts it with the flags', async () => {
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    serviceCatalog.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-abc' });
    const result = await buildStart(ports())(shareState({ shareTagOptions: true }), lambdaContext);
    expect(result).toMatchObject({ outcome: 'IN_PROGRESS', shareToken: 'share-abc', shareStatus: 'NOT_STARTED', attempt: 1, nextCheckAt: '2026-11-25T09:00:03.000Z' });
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)[0]!.args[0].input).toEqual({
      PortfolioId: 'port-2abcdext3y5fk', OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-wk01-workloads' }, ShareTagOptions: true,
    });
  });

  it('fails clearly when access is DISABLED and waits while it is UNDER_CHANGE', async () => {
    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolvesOnce({ AccessStatus: 'DISABLED' }).resolves({ AccessStatus: 'UNDER_CHANGE' });
    const start = buildStart(ports());
    expect(await start(shareState({}), lambdaContext)).toMatchObject({ outcome: 'FAILED', errorCode: 'OrganizationsAccessNotEnabled' });
    expect(await start(shareState({}), lambdaContext)).toMatchObject({ outcome: 'BUSY', errorCode: 'OrganizationsAccessUnderChange', nextCheckAt: expect.any(String) });
    expect(serviceCatalog.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
  });

  it('turns InvalidStateException into BUSY with growing waits, keeping the start time, and rethrows throttling as transient', async () => {
    const busy = Object.assign(new Error('Cannot process more than one portfolio share action at the same time.'), { name: 'InvalidStateException' });
    serviceCatalog.on(UpdatePortfolioShareCommand).rejects(busy);
    const start = buildStart(ports());
    const first = await start(shareState({ operation: 'UPDATE', accountId: '123456789012', organizationNode: undefined, shareTagOptions: false }), lambdaContext);
    expect(first).toMatchObject({ outcome: 'BUSY', attempt: 1, errorCode: 'InvalidStateException' });
    const second = await start(shareState({ operation: 'UPDATE', accountId: '123456789012', organizationNode: undefined, shareTagOptions: false }, { ...first, startedAt: '2026-11-25T08:00:00.000Z' }), lambdaContext);
    expect(second).toMatchObject({ outcome: 'BUSY', attempt: 2, startedAt: '2026-11-25T08:00:00.000Z' });
    expect(Date.parse(second.nextCheckAt!)).toBeGreaterThan(Date.parse(first.nextCheckAt!));

    serviceCatalog.on(UpdatePortfolioShareCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(start(shareState({ operation: 'UPDATE', accountId: '123456789012', organizationNode: undefined, sharePrincipals: false }), lambdaContext)).rejects.toMatchObject({
      name: 'TransientServiceError',
    });
  });

  it('finishes an account share at once when no token comes back', async () => {
    serviceCatalog.on(CreatePortfolioShareCommand).resolves({});
    const result = await buildStart(ports())(shareState({ accountId: '123456789012', organizationNode: undefined }), lambdaContext);
    expect(result).toMatchObject({ outcome: 'SUCCEEDED', successfulAccounts: 1, shareStatus: 'COMPLETED' });
    expect(serviceCatalog.commandCalls(GetAWSOrganizationsAccessStatusCommand)).toHaveLength(0);
  });
});

describe('check', () => {
  const details = (ok: number, failed: number) => ({
    SuccessfulShares: Array.from({ length: ok }, (_, i) => account(i)),
    ShareErrors: [{ Error: 'AccessDenied', Message: 'no', Accounts: Array.from({ length: failed }, (_, i) => account(1000 + i)) }],
  });

  it.each([
    ['COMPLETED', 5, 0, 'SUCCEEDED'],
    ['COMPLETED_WITH_ERRORS', 5, 2, 'PARTIALLY_SUCCEEDED'],
    ['COMPLETED_WITH_ERRORS', 0, 2, 'FAILED'],
    ['ERROR', 0, 0, 'FAILED'],
  ] as const)('maps %s (%i ok, %i failed) to %s, keeping counts only', async (Status, ok, failed, outcome) => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status, ShareDetails: details(ok, failed) });
    const result = await buildCheck(ports())({ requestId: 'share-1', share: progress() }, lambdaContext);
    expect(result).toMatchObject({ outcome, polls: 1, successfulAccounts: ok, failedAccounts: failed });
    expect(JSON.stringify(result)).not.toContain(account(0));
  });

  it('polls again later while IN_PROGRESS, and times out at the deadline', async () => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });
    const check = buildCheck(ports());
    const waiting = await check({ requestId: 'share-1', share: progress() }, lambdaContext);
    expect(waiting).toMatchObject({ outcome: 'IN_PROGRESS', nextCheckAt: expect.any(String) });
    expect(Date.parse(waiting.nextCheckAt!)).toBeGreaterThan(NOW.getTime());
    expect(await check({ requestId: 'share-1', share: progress({ deadline: NOW.toISOString() }) }, lambdaContext)).toMatchObject({ outcome: 'TIMED_OUT' });
  });
});

describe('announce', () => {
  const failing = 1234;
  beforeEach(() => {
    serviceCatalog.on(DescribePortfolioShareStatusCommand).resolves({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: {
        SuccessfulShares: [account(99999)],
        ShareErrors: [
          { Error: 'AccessDenied', Message: 'denied', Accounts: Array.from({ length: failing }, (_, i) => account(i)) },
          // The same account under a second error is announced once.
          { Error: 'AccountSuspended', Message: 'suspended', Accounts: [account(0)] },
        ],
      },
    });
  });

  it('announces a page per invocation, ten to a PutEvents call, until every account is announced once', async () => {
    const announce = buildAnnounce(ports());
    const state = shareState({}, progress({ outcome: 'PARTIALLY_SUCCEEDED', failedAccounts: failing }));
    let cursor: Announcement | undefined;
    let invocations = 0;
    do {
      cursor = await announce({ ...state, announce: cursor }, lambdaContext);
      invocations++;
    } while (!cursor.done);
    expect(invocations).toBe(Math.ceil(failing / ANNOUNCE_PAGE_SIZE));
    expect(cursor).toMatchObject({ total: failing, announced: failing, notDelivered: 0, putEventsCalls: Math.ceil(failing / 10) });
    const accounts = published().map((d) => d.accountId);
    expect(new Set(accounts).size).toBe(failing);
    expect(accounts).toHaveLength(failing);
    expect(published()[0]).toMatchObject({ requestId: 'share-1', portfolioId: 'port-2abcdext3y5fk', shareToken: 'share-abc', error: 'AccessDenied', target: { organizationNode: OU } });
  });

  it('keeps refused accounts pending and resends only them; after repeated refusals counts them as not delivered', async () => {
    const announce = buildAnnounce(ports());
    const state = shareState({}, progress({ outcome: 'PARTIALLY_SUCCEEDED', failedAccounts: failing }));
    refuse = new Set([account(3), account(7)]);
    const first = await announce(state, lambdaContext);
    expect(first).toMatchObject({ pending: [account(3), account(7)], refusedRounds: 1, announced: ANNOUNCE_PAGE_SIZE - 2, done: false });

    refuse = new Set([account(7)]);
    eventBridge.resetHistory();
    const second = await announce({ ...state, announce: first }, lambdaContext);
    expect(published().slice(0, 2).map((d) => d.accountId)).toEqual([account(3), account(7)]);
    expect(second).toMatchObject({ pending: [account(7)], refusedRounds: 2 });

    let cursor = second;
    for (let round = 3; round <= MAX_REFUSED_ROUNDS; round++) cursor = await announce({ ...state, announce: cursor }, lambdaContext);
    expect(cursor).toMatchObject({ pending: [], notDelivered: 1 });
    // The one that never got through is parked in the dead-letter queue, with the reason.
    const parked = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!);
    expect(parked).toMatchObject({ kind: 'UndeliveredEvents', events: [{ detailType: 'Portfolio Share Account Failed', detail: { accountId: account(7) } }] });
    expect(parked.reason).toContain('InternalFailure');
  });
});

describe('completion', () => {
  it('emits counts, failures by error and the accounts not announced when the fan-out failed', async () => {
    const state: ShareWorkflowState = {
      ...shareState({}, progress({ outcome: 'PARTIALLY_SUCCEEDED', successfulAccounts: 7, failedAccounts: 3, polls: 4, failuresByError: [{ error: 'AccessDenied', accounts: 3 }] })),
      announce: { offset: 1, total: 3, pending: [], refusedRounds: 0, announced: 1, notDelivered: 0, putEventsCalls: 1, done: false },
      announceFailure: { Error: 'TransientServiceError', Cause: 'gone' },
    };
    const result = await buildEmit(ports())(state, lambdaContext);
    expect(result.status).toBe('PARTIALLY_SUCCEEDED');
    expect(published()[0]).toMatchObject({
      status: 'PARTIALLY_SUCCEEDED', successfulAccounts: 7, failedAccounts: 3, accountEventsNotDelivered: 2, polls: 4,
      failuresByError: [{ error: 'AccessDenied', accounts: 3 }], target: { organizationNode: OU },
    });
  });
});

describe('Organizations access', () => {
  const accessState = (enable: boolean, access?: AccessWorkflowState['access']): AccessWorkflowState => ({
    requestId: 'access-1', eventId: 'evt-1', requestedAt: NOW.toISOString(), request: { enable }, access,
  });

  it('requests the change, then follows the status through UNDER_CHANGE to the wanted one', async () => {
    serviceCatalog.on(DisableAWSOrganizationsAccessCommand).resolves({});
    const requested = await buildRequestAccess(ports())(accessState(false), lambdaContext);
    expect(requested).toMatchObject({ outcome: 'IN_PROGRESS', attempt: 1 });
    expect(serviceCatalog.commandCalls(DisableAWSOrganizationsAccessCommand)).toHaveLength(1);

    serviceCatalog.on(GetAWSOrganizationsAccessStatusCommand).resolvesOnce({ AccessStatus: 'UNDER_CHANGE' }).resolvesOnce({ AccessStatus: 'DISABLED' }).resolves({ AccessStatus: 'ENABLED' });
    const check = buildCheckAccess(ports());
    const changing = await check(accessState(false, requested), lambdaContext);
    expect(changing).toMatchObject({ outcome: 'IN_PROGRESS', accessStatus: 'UNDER_CHANGE', polls: 1 });
    expect(await check(accessState(false, changing), lambdaContext)).toMatchObject({ outcome: 'SUCCEEDED', accessStatus: 'DISABLED', polls: 2 });
    expect(await check(accessState(false, changing), lambdaContext)).toMatchObject({ outcome: 'FAILED', errorCode: 'AccessNotChanged' });
  });
});
