import { emitTerminalEvent } from '../events/terminal';
import { toTimestamp } from '../runtime/clock';
import { asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { serviceCatalogIn } from '../runtime/spoke';
import { acceptOffer, isListedAsAccepted, rejectOffer } from '../portfolio-share/recipient';
import { caughtFailure, reasonSuffix, refusal } from '../workflow/failure';
import type { RequestBody, WorkflowInput } from '../workflow/ingest';
import type { PortfolioShareAcceptanceRequest } from './events/portfolio-share-acceptance-requested';
import { portfolioShareAcceptanceCompleted, type PortfolioShareAcceptanceCompleted } from './events/portfolio-share-acceptance-completed';

export type AcceptanceBody = RequestBody<PortfolioShareAcceptanceRequest>;

/** What the steps found out (ResultPath $.acceptance, then $.acceptance.listing). */
export interface AcceptanceProgress {
  /** The offer was answered (Accept/Reject returned): when. */
  answeredAt?: string;
  /** The service refused the answer: its words, and the request ends FAILED. */
  errorCode?: string;
  statusMessage?: string;
  /** ListAcceptedPortfolioShares checks made so far, and what the last one saw. */
  checks?: number;
  listed?: boolean;
  /** Whether what the list shows is what was asked for (listed after an accept, gone after a reject). */
  settled?: boolean;
}

export interface AcceptanceState extends WorkflowInput<AcceptanceBody> {
  acceptance?: AcceptanceProgress;
  failure?: { Error: string; Cause?: string };
}

const shareType = (request: AcceptanceBody) => request.portfolioShareType ?? 'IMPORTED';

/**
 * AcceptPortfolioShare or RejectPortfolioShare in the recipient account, as
 * the stage's spoke role. Both are idempotent on AWS's side (accepting what
 * is accepted changes nothing), so a retried Task may call again. A refusal
 * (no such offer: ResourceNotFoundException; AWS_SERVICECATALOG, which the
 * API reference says throws it; a role that cannot be assumed) ends the
 * request FAILED with the service's words; throttling and 5xx are retried.
 */
export async function answerShareOffer(state: AcceptanceState, ports: Uses<'sts' | 'serviceCatalogWith'>): Promise<AcceptanceProgress> {
  const { portfolioId, accountId, action } = state.request;
  const catalog = await serviceCatalogIn(accountId, state.requestId, ports);
  try {
    await (action === 'ACCEPT' ? acceptOffer : rejectOffer)(catalog, portfolioId, shareType(state.request));
    ports.logger.info('Share offer answered', { action, accountId, portfolioId });
    return { answeredAt: toTimestamp(ports.clock.now()), checks: 0 };
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    ports.logger.warn('The recipient account refused the answer', { errorName: (error as Error).name });
    return { ...refusal(error), checks: 0 };
  } finally {
    catalog.destroy();
  }
}

/**
 * Whether the account now lists the portfolio among its accepted shares of
 * the type (ListAcceptedPortfolioShares, every page): the check that the
 * answer took, as terraform waits for `Accepted` before it trusts a share.
 */
export async function checkAcceptedShares(state: AcceptanceState, ports: Uses<'sts' | 'serviceCatalogWith'>): Promise<AcceptanceProgress> {
  const { portfolioId, accountId, action } = state.request;
  const catalog = await serviceCatalogIn(accountId, state.requestId, ports);
  try {
    const listed = await isListedAsAccepted(catalog, portfolioId, shareType(state.request));
    const checks = (state.acceptance?.checks ?? 0) + 1;
    return { ...state.acceptance, checks, listed, settled: listed === (action === 'ACCEPT') };
  } catch (error) {
    throw isTransient(error) ? asTransient(error) : error;
  } finally {
    catalog.destroy();
  }
}

export function acceptanceCompletedDetail(state: AcceptanceState, now: Date): PortfolioShareAcceptanceCompleted {
  const { portfolioId, accountId, action } = state.request;
  const base = { requestId: state.requestId, portfolioId, accountId, action, portfolioShareType: shareType(state.request), requestedAt: state.requestedAt, completedAt: toTimestamp(now) };
  if (state.failure) return { ...base, ...caughtFailure(state.failure) };
  const progress = state.acceptance;
  if (!progress) return { ...base, status: 'FAILED', errorCode: 'InvalidWorkflowState', statusMessage: 'the offer was not answered' };
  if (progress.errorCode) return { ...base, status: 'FAILED', errorCode: progress.errorCode, statusMessage: progress.statusMessage };
  const accepted = progress.listed;
  if (progress.settled) return { ...base, status: 'SUCCEEDED', accepted };
  return {
    ...base,
    status: 'FAILED',
    ...(accepted !== undefined ? { accepted } : {}),
    errorCode: action === 'ACCEPT' ? 'ShareNotListed' : 'ShareStillListed',
    statusMessage: `after ${progress.checks ?? 0} checks the account ${action === 'ACCEPT' ? 'does not list' : 'still lists'} portfolio ${portfolioId} among its accepted ${base.portfolioShareType} shares`,
  };
}

/** Emits the request's one `Portfolio Share Acceptance Completed` event. */
export async function emitAcceptanceCompleted(state: AcceptanceState, ports: Uses<'eventBridge'>) {
  const detail = acceptanceCompletedDetail(state, ports.clock.now());
  const { eventId } = await emitTerminalEvent({ workflow: 'portfolio-share-acceptance', requestId: state.requestId, contract: portfolioShareAcceptanceCompleted, detail }, ports);
  return { status: detail.status, eventId, summary: `${detail.action} of ${detail.portfolioId} in ${detail.accountId}: ${detail.status}${reasonSuffix(detail)}` };
}
