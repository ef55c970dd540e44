import { DescribePortfolioShareStatusCommand } from '@aws-sdk/client-service-catalog';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { refusal, truncate } from '../workflow/failure';
import { adaptiveCheckAt } from '../workflow/progress';
import { nodeId, type FollowedShareBody, type ShareOutcome, type ShareProgress } from './model';
import { summariseShareDetails } from './share-details';

export interface CheckShareInput {
  requestId: string;
  share: ShareProgress;
  /** Following an action Shepherd did not start: what the token must be about (checked on the first answer; a token's subject never changes). */
  expected?: { portfolioId: string; nodeValue: string };
}

/** Polls DescribePortfolioShareStatus once; keeps counts, never the account lists. */
export async function checkPortfolioShare({ requestId, share, expected }: CheckShareInput, ports: Uses<'serviceCatalog'>): Promise<ShareProgress> {
  if (!share?.shareToken) throw new InvalidWorkflowState(`share ${requestId} has no PortfolioShareToken to poll`);
  const polled = { ...share, polls: share.polls + 1, nextCheckAt: undefined };
  let response;
  try {
    response = await ports.serviceCatalog.send(new DescribePortfolioShareStatusCommand({ PortfolioShareToken: share.shareToken }));
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    return { ...polled, outcome: 'FAILED', ...refusal(error) };
  }
  const now = ports.clock.now();
  if (expected && (response.PortfolioId !== expected.portfolioId || nodeId(response.OrganizationNodeValue ?? '') !== nodeId(expected.nodeValue))) {
    // The token is not this request's to carry on: no fan-out, node read or completion may act on it.
    return {
      ...polled, shareToken: undefined, outcome: 'FAILED', errorCode: 'NotTheStatedShare',
      statusMessage: truncate(`PortfolioShareToken ${share.shareToken} is a share of ${response.PortfolioId ?? '?'} with ${response.OrganizationNodeValue ?? '?'}, not of ${expected.portfolioId} with ${expected.nodeValue}: not followed`),
    };
  }
  const status = response.Status ?? 'IN_PROGRESS';
  const counts = summariseShareDetails(response.ShareDetails);
  const seen = { ...polled, ...counts, shareStatus: status };
  const outcome = (value: ShareOutcome, extra: Partial<ShareProgress> = {}): ShareProgress => ({ ...seen, outcome: value, ...extra });
  ports.logger.debug('Portfolio share polled', { status, polls: seen.polls, failedAccounts: counts.failedAccounts });
  switch (status) {
    case 'COMPLETED':
      return outcome('SUCCEEDED');
    case 'COMPLETED_WITH_ERRORS':
      return outcome(counts.successfulAccounts > 0 ? 'PARTIALLY_SUCCEEDED' : 'FAILED', {
        errorCode: counts.failuresByError[0]?.error,
        statusMessage: `${counts.failedAccounts} account(s) failed`,
      });
    case 'ERROR': {
      const first = response.ShareDetails?.ShareErrors?.[0];
      return outcome('FAILED', { errorCode: first?.Error ?? 'ShareError', statusMessage: truncate(first?.Message) });
    }
    default: {
      // NOT_STARTED, IN_PROGRESS: no RetryAfter from this API, so back off on our own.
      const deadline = new Date(share.deadline);
      if (now >= deadline) return outcome('TIMED_OUT', { statusMessage: `still ${status} at the deadline` });
      return outcome('IN_PROGRESS', { nextCheckAt: adaptiveCheckAt(seen, now, ports.random) });
    }
  }
}


/** The first look at a share action Shepherd did not start (Task "Follow The Share"). */
export interface FollowShareInput {
  requestId: string;
  follow: FollowedShareBody;
}

/**
 * Adopts a share action Shepherd did not start, by its PortfolioShareToken:
 * the same DescribePortfolioShareStatus polling, per-account fan-out and
 * terminal event as for one it started, `attempt` 0. A token the service does
 * not know ends FAILED with its words; one about another portfolio or node,
 * NotTheStatedShare.
 */
export function followPortfolioShare({ requestId, follow }: FollowShareInput, ports: Uses<'serviceCatalog'>): Promise<ShareProgress> {
  const now = ports.clock.now();
  const share: ShareProgress = {
    attempt: 0, polls: 0, startedAt: toTimestamp(now), deadline: toTimestamp(addSeconds(now, ports.config.operationTimeoutSeconds)),
    shareToken: follow.portfolioShareToken, successfulAccounts: 0, failedAccounts: 0, failuresByError: [], outcome: 'IN_PROGRESS',
  };
  return checkPortfolioShare({ requestId, share, expected: { portfolioId: follow.portfolioId, nodeValue: follow.organizationNode.value } }, ports);
}
