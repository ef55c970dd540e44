/**
 * The `portfolioAcceptance` section of a stage's guardrails
 * (config/guardrails.json): in which accounts Shepherd may answer share
 * offers (as the stage's spoke role), for which portfolios, and whether it
 * may reject. A stage that allows any also needs `spoke` (checked when the
 * file is packaged: shared/workflow/stage-allowlists.ts).
 */
import { z } from 'zod';
import { defineAllowlist, matchesAllowed, notAllowed } from '../allowlists';
import type { FieldError } from '../contracts/common';
import type { PortfolioShareAcceptanceRequest } from './events/portfolio-share-acceptance-requested';

export const portfolioAcceptanceAllowlist = defineAllowlist({
  section: 'portfolioAcceptance',
  schema: z.strictObject({
    /** Account ids (patterns) Shepherd may act in. */
    accounts: z.array(z.string()),
    /** Portfolio ids (patterns) whose offers it may answer there. */
    portfolios: z.array(z.string()),
    /** Whether it may reject offers too (accepting is what the section is for). */
    reject: z.boolean(),
  }),
  denyAll: { accounts: [], portfolios: [], reject: false },
  needsSpoke: (allowed) => allowed.accounts.length > 0,
});
export type PortfolioAcceptanceAllowlist = ReturnType<typeof portfolioAcceptanceAllowlist.of>;

export function authorizePortfolioShareAcceptance(request: Omit<PortfolioShareAcceptanceRequest, 'requestId'>, allowed: PortfolioAcceptanceAllowlist): FieldError[] {
  const errors: FieldError[] = [];
  if (!matchesAllowed(request.accountId, allowed.accounts)) errors.push(notAllowed('accountId', `Shepherd may not act in account ${request.accountId} on this stage`));
  if (!matchesAllowed(request.portfolioId, allowed.portfolios)) errors.push(notAllowed('portfolioId', `offers of portfolio ${request.portfolioId} may not be answered on this stage`));
  if (request.action === 'REJECT' && !allowed.reject) errors.push(notAllowed('action', 'rejecting share offers is not allowed on this stage'));
  return errors;
}
