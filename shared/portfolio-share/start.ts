import {
  CreatePortfolioShareCommand,
  DeletePortfolioShareCommand,
  GetAWSOrganizationsAccessStatusCommand,
  UpdatePortfolioShareCommand,
} from '@aws-sdk/client-service-catalog';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { nextAttempt, refusedStart, waitWhileBusy, type ProgressClock } from '../workflow/progress';
import { isFollowedShare, type PortfolioShareBody, type ShareProgress, type ShareWorkflowState } from './model';
import { ADAPTIVE_POLL_POLICY } from '../polling';

type StartResponse = { PortfolioShareToken?: string; Status?: string };

/** The share call as the API spells it. */
function send(request: PortfolioShareBody, ports: Uses<'serviceCatalog'>): Promise<StartResponse> {
  const target = {
    AcceptLanguage: request.acceptLanguage,
    PortfolioId: request.portfolioId,
    AccountId: request.accountId,
    OrganizationNode: request.organizationNode && { Type: request.organizationNode.type, Value: request.organizationNode.value },
  };
  const client = ports.serviceCatalog;
  switch (request.operation) {
    case 'CREATE':
      return client.send(new CreatePortfolioShareCommand({ ...target, ShareTagOptions: request.shareTagOptions, SharePrincipals: request.sharePrincipals }));
    case 'UPDATE':
      return client.send(new UpdatePortfolioShareCommand({ ...target, ShareTagOptions: request.shareTagOptions, SharePrincipals: request.sharePrincipals }));
    case 'DELETE':
      return client.send(new DeletePortfolioShareCommand(target));
  }
}

const FINAL_SHARE_STATUSES = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'ERROR']);

/**
 * Starts the share action: the first time, or again after the portfolio
 * was busy with another action (`share.outcome === 'BUSY'`). A share to an
 * organization node first checks Organizations access: DISABLED ends the
 * request with a clear error, UNDER_CHANGE waits. Throttling and 5xx are
 * rethrown for the ASL Retry; other refusals end the request with the
 * API's reason.
 */
export async function startPortfolioShare(state: ShareWorkflowState, ports: Uses<'serviceCatalog'>): Promise<ShareProgress> {
  const now = ports.clock.now();
  const request = state.request;
  if (isFollowedShare(request)) throw new InvalidWorkflowState(`share ${state.requestId} follows ${request.portfolioShareToken}: it starts nothing`);
  if (state.share && state.share.outcome !== 'BUSY') {
    throw new InvalidWorkflowState(`cannot start share ${state.requestId}: its outcome is ${state.share.outcome}`);
  }
  const clock = nextAttempt(state.share, now, ports.config.operationTimeoutSeconds);
  const base = { ...clock, successfulAccounts: 0, failedAccounts: 0, failuresByError: [] };
  try {
    if (state.request.organizationNode) {
      const AccessStatus = await organizationsAccessStatus(ports);
      if (AccessStatus === 'UNDER_CHANGE') {
        const underChange = { ...base, errorCode: 'OrganizationsAccessUnderChange', statusMessage: 'AWS Organizations access is being changed; waiting for it to settle' };
        return waitWhileBusy(underChange, now, ports.random);
      }
      if (AccessStatus !== 'ENABLED' && AccessStatus !== 'NOT_READABLE_HERE') {
        return {
          ...base,
          outcome: 'FAILED',
          errorCode: 'OrganizationsAccessNotEnabled',
          statusMessage: `AWS Organizations access is ${AccessStatus ?? 'unknown'}: send "Organizations Access Change Requested" with enable: true before sharing with an organization node`,
        };
      }
    }
    // Share actions carry no idempotency token: the ledger keeps a retried Lambda from starting a second one.
    const { value: response } = await ports.ledger.once(`started#portfolio-share#${state.requestId}#${clock.attempt}`, () => send(state.request, ports));
    return started(base, response, now, ports);
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    // One share action per portfolio at a time (InvalidStateException, waited out); an update also waits for the create.
    const refused = refusedStart(error, base, now, ports.random);
    if (refused.outcome === 'FAILED') ports.logger.warn('Service Catalog refused the share', { errorName: (error as Error).name, attempt: clock.attempt });
    return refused;
  }
}

/**
 * GetAWSOrganizationsAccessStatus, which only the management account may
 * call: a delegated administrator (which may share with organization nodes)
 * gets OperationNotSupportedException, and then the share call itself says
 * whether access is enabled.
 */
async function organizationsAccessStatus(ports: Uses<'serviceCatalog'>): Promise<string | undefined> {
  try {
    return (await ports.serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus;
  } catch (error) {
    if ((error as Error).name === 'OperationNotSupportedException') return 'NOT_READABLE_HERE';
    throw error;
  }
}

function started(
  base: ProgressClock & Pick<ShareProgress, 'successfulAccounts' | 'failedAccounts' | 'failuresByError'>,
  response: StartResponse,
  now: Date,
  ports: Uses,
): ShareProgress {
  const token = response.PortfolioShareToken;
  ports.logger.info('Portfolio share started', { shareToken: token, status: response.Status, attempt: base.attempt });
  // Account-to-account Create and Delete answer synchronously, with no token to track.
  if (!token) return { ...base, shareStatus: 'COMPLETED', successfulAccounts: 1, outcome: 'SUCCEEDED' };
  const finished = response.Status !== undefined && FINAL_SHARE_STATUSES.has(response.Status);
  const wait = finished ? 0 : ADAPTIVE_POLL_POLICY.firstWaitSeconds;
  return { ...base, shareToken: token, shareStatus: response.Status ?? 'NOT_STARTED', outcome: 'IN_PROGRESS', nextCheckAt: toTimestamp(addSeconds(now, wait)) };
}
