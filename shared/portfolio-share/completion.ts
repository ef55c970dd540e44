import { emitTerminalEvent } from '../events/terminal';
import type { Uses } from '../runtime/ports';
import { endingOf } from '../workflow/ending';
import { caughtFailure, reasonSuffix } from '../workflow/failure';
import { completionTimings } from '../workflow/progress';
import { isFollowedShare, targetOf, type ShareWorkflowState } from './model';
import { type PortfolioShareCompleted, portfolioShareCompleted, shareStatus } from './events/portfolio-share-completed';

/** Failed accounts whose event never went out: given up on after refusals, or all left when the fan-out failed. */
function notAnnounced(state: ShareWorkflowState): number {
  const givenUp = state.announce?.notDelivered ?? 0;
  if (!state.announceFailure) return givenUp;
  return Math.max(givenUp, (state.share?.failedAccounts ?? 0) - (state.announce?.announced ?? 0));
}

export function shareCompletionDetail(state: ShareWorkflowState, now: Date): PortfolioShareCompleted {
  const share = state.share;
  const base = {
    requestId: state.requestId,
    operation: state.request.operation,
    portfolioId: state.request.portfolioId,
    target: targetOf(state.request),
    shareToken: share?.shareToken,
    successfulAccounts: share?.successfulAccounts ?? 0,
    failedAccounts: share?.failedAccounts ?? 0,
    failuresByError: share?.failuresByError ?? [],
    accountEventsNotDelivered: notAnnounced(state),
    ...(state.organizationAccess ? { nodeAccess: state.organizationAccess.nodeAccess } : {}),
    ...completionTimings(state.requestedAt, share, now),
  };
  const ending = { ...base, ...endingOf(state.failure, share, shareStatus.options) };
  const request = state.request;
  const wanted = !isFollowedShare(request) && request.operation === 'CREATE' && request.acceptOnBehalf === true;
  if (!wanted || ending.status !== 'SUCCEEDED') return ending;
  // The share was made; the request also asked for it to be accepted in the recipient account.
  const failed = state.acceptanceFailure ? caughtFailure(state.acceptanceFailure) : state.acceptance?.errorCode ? state.acceptance : undefined;
  if (state.acceptance?.accepted && !failed) return { ...ending, accepted: true };
  const why = failed
    ? { errorCode: failed.errorCode, statusMessage: `the share was made; accepting it in account ${targetOf(request).accountId} failed${failed.statusMessage ? `: ${failed.statusMessage}` : ''}` }
    : { errorCode: 'InvalidWorkflowState', statusMessage: 'the share was made; it was not accepted in the recipient account' };
  return { ...ending, status: 'FAILED', accepted: false, ...why };
}

function summarise(d: PortfolioShareCompleted): string {
  const target = d.target.accountId ?? `${d.target.organizationNode?.type} ${d.target.organizationNode?.value}`;
  const counts = d.failedAccounts > 0 ? ` (${d.failedAccounts} account(s) failed)` : '';
  // A partial success is explained by its counts, not by the first error.
  const reason = d.status === 'PARTIALLY_SUCCEEDED' ? '' : reasonSuffix(d);
  return `${d.operation} share of ${d.portfolioId} with ${target}: ${d.status}${counts}${reason}`;
}

/** Emits the share's one terminal event, after every failed account was announced. */
export async function emitPortfolioShareCompleted(state: ShareWorkflowState, ports: Uses<'eventBridge'>) {
  const detail = shareCompletionDetail(state, ports.clock.now());
  const { eventId } = await emitTerminalEvent({ workflow: 'portfolio-share', requestId: state.requestId, contract: portfolioShareCompleted, detail }, ports);
  ports.logger.info('Share completion event emitted', { status: detail.status, eventId });
  return { status: detail.status, eventId: eventId, summary: summarise(detail) };
}
