import { asTransient, isTransient, ShepherdError } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { serviceCatalogIn } from '../runtime/spoke';
import { refusal } from '../workflow/failure';
import type { RecipientAcceptance, ShareWorkflowState } from './model';
import { acceptOffer, isListedAsAccepted } from './recipient';

/**
 * acceptOnBehalf: the account share is made, now accept it in the recipient
 * account as the stage's spoke role (AcceptPortfolioShare, IMPORTED), and
 * read back that the account lists it (terraform's portfolio-share resource
 * waits for `Accepted` the same way). A refusal is the outcome (the request
 * ends FAILED with the service's words, the share stands); throttling and
 * 5xx are retried by the Task.
 */
export async function acceptOnRecipientsBehalf(state: ShareWorkflowState, ports: Uses<'sts' | 'serviceCatalogWith'>): Promise<RecipientAcceptance> {
  const accountId = 'accountId' in state.request ? state.request.accountId : undefined;
  if (!accountId) throw new InvalidAcceptanceTarget('acceptOnBehalf needs an account share');
  try {
    const catalog = await serviceCatalogIn(accountId, state.requestId, ports);
    try {
      await acceptOffer(catalog, state.request.portfolioId, 'IMPORTED');
      const accepted = await isListedAsAccepted(catalog, state.request.portfolioId, 'IMPORTED');
      ports.logger.info('Share accepted in the recipient account', { accountId, accepted });
      return accepted ? { accepted } : { accepted, errorCode: 'ShareNotListed', statusMessage: `account ${accountId} does not list the portfolio among its accepted shares` };
    } finally {
      catalog.destroy();
    }
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    ports.logger.warn('Accepting the share in the recipient account failed', { errorName: (error as Error).name });
    return { accepted: false, ...refusal(error) };
  }
}

/** The state asks to accept a share that is not an account share: ingest refuses that, so this is a bug. */
export class InvalidAcceptanceTarget extends ShepherdError {
  override readonly name = 'InvalidAcceptanceTarget';
}
