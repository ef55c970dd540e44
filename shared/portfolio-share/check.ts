import { DescribePortfolioShareStatusCommand } from '@aws-sdk/client-service-catalog';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { refusal, truncate } from '../workflow/failure';
import { adaptiveCheckAt } from '../workflow/progress';
import type { ShareOutcome, ShareProgress } from './model';
import { summariseShareDetails } from './share-details';

export interface CheckShareInput {
  requestId: string;
  share: ShareProgress;
}

/** Polls DescribePortfolioShareStatus once; keeps counts, never the account lists. */
export async function checkPortfolioShare({ requestId, share }: CheckShareInput, ports: Uses<'serviceCatalog'>): Promise<ShareProgress> {
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
