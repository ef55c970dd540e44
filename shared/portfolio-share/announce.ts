import { DescribePortfolioShareStatusCommand } from '@aws-sdk/client-service-catalog';
import { createHash } from 'node:crypto';
import { parkUndeliveredEvents } from '../events/dead-letter';
import { outgoing, publishEachEvent } from '../events/publish';
import { stableStringify } from '../json';
import { InvalidWorkflowState, asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { targetOf, type Announcement, type ShareWorkflowState } from './model';
import { ANNOUNCE_PAGE_SIZE, MAX_REFUSED_ROUNDS } from './policy';
import { failedAccounts, type FailedAccount } from './share-details';
import { type PortfolioShareAccountFailed, portfolioShareAccountFailed } from './events/portfolio-share-account-failed';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export type AnnounceInput = Pick<ShareWorkflowState, 'requestId' | 'request' | 'share' | 'announce'>;

/**
 * Announces one page of failed accounts: a `Portfolio Share Account Failed`
 * event each, ten to a PutEvents call. The account list is read from
 * Service Catalog on every invocation and never enters the workflow state,
 * which only carries a cursor, so an organization of 10,000 accounts keeps
 * the state small and the history short. Events EventBridge refuses are
 * kept in the cursor and resent first next time: each account is announced
 * once, and one that cannot be announced is parked in the dead-letter queue
 * with the reason and counted, never dropped silently.
 */
export async function announceFailedAccounts({ requestId, request, share, announce }: AnnounceInput, ports: Uses<'eventBridge' | 'serviceCatalog' | 'sqs'>): Promise<Announcement> {
  if (!share?.shareToken) throw new InvalidWorkflowState(`share ${requestId} has no PortfolioShareToken to read failures from`);
  let response;
  try {
    response = await ports.serviceCatalog.send(new DescribePortfolioShareStatusCommand({ PortfolioShareToken: share.shareToken }));
  } catch (error) {
    throw asTransient(error);
  }
  const failed = failedAccounts(response.ShareDetails);
  const cursor: Announcement = announce ?? {
    offset: 0,
    total: failed.length,
    pending: [],
    refusedRounds: 0,
    announced: 0,
    notDelivered: 0,
    putEventsCalls: 0,
    done: false,
  };
  const byId = new Map(failed.map((f) => [f.accountId, f]));
  const retried = cursor.pending.map((id) => byId.get(id)).filter((f): f is FailedAccount => f !== undefined);
  const fresh = failed.slice(cursor.offset, cursor.offset + Math.max(0, ANNOUNCE_PAGE_SIZE - retried.length));
  const page = [...retried, ...fresh];

  const target = targetOf(request);
  const events = page.map((account) => {
    const detail: PortfolioShareAccountFailed = {
      requestId,
      operation: request.operation,
      portfolioId: request.portfolioId,
      target,
      shareToken: share.shareToken!,
      accountId: account.accountId,
      error: account.error,
      message: account.message,
    };
    return outgoing(portfolioShareAccountFailed, detail);
  });
  // Each PutEvents call of the page goes out once (the ledger, per call): a retried invocation with the same
  // cursor replays what already went out and sends only the rest, so no account is announced twice.
  const pageKey = `announced#${requestId}#${sha256(stableStringify(cursor))}`;
  const { undelivered, unattempted, putEventsCalls } = await publishEachEvent(events, ports, pageKey);
  const refused = undelivered.map((u) => page[u.index]!.accountId);
  // Accounts not sent at all (a call failed half-way) are resent next, without counting as refused.
  const notSent = unattempted.map((i) => page[i]!.accountId);
  const next: Announcement = {
    ...cursor,
    offset: cursor.offset + fresh.length,
    total: failed.length,
    announced: cursor.announced + page.length - refused.length - notSent.length,
    putEventsCalls: cursor.putEventsCalls + putEventsCalls,
    pending: [...refused, ...notSent],
    refusedRounds: refused.length > 0 ? cursor.refusedRounds + 1 : 0,
  };
  if (next.refusedRounds >= MAX_REFUSED_ROUNDS) {
    const reasons = [...new Set(undelivered.map((u) => u.reason))].join('; ');
    await ports.ledger.once(`${pageKey}#parked`, () =>
      parkUndeliveredEvents(undelivered.map((u) => events[u.index]!), `EventBridge refused these events ${MAX_REFUSED_ROUNDS} times: ${reasons}`, ports),
    );
    next.notDelivered += refused.length;
    next.pending = notSent;
    next.refusedRounds = 0;
  }
  next.done = next.offset >= next.total && next.pending.length === 0;
  ports.logger.info('Failed accounts announced', { announced: next.announced, total: next.total, pending: next.pending.length });
  return next;
}
