/**
 * The `serviceCatalog` section of a stage's guardrails (config/guardrails.json):
 * which portfolios may be shared, and with which accounts and organization
 * nodes. Ingest checks every portfolio-share request against it.
 */
import { z } from 'zod';
import { defineAllowlist, matchesAllowed, notAllowed } from '../allowlists';
import type { FieldError } from '../contracts/common';
import type { PortfolioShareFollowRequest } from './events/portfolio-share-follow-requested';
import type { PortfolioShareRequest } from './events/portfolio-share-requested';

export const serviceCatalogAllowlist = defineAllowlist({
  section: 'serviceCatalog',
  schema: z.strictObject({
    /** Portfolio ids (patterns) that may be shared. */
    portfolios: z.array(z.string()),
    /** Account ids and organization node ids (o-…, r-…, ou-…; patterns) they may be shared with. */
    shareTargets: z.array(z.string()),
    /** Whether account shares may be accepted in the recipient account too (acceptOnBehalf), as the stage's spoke role. */
    acceptOnBehalf: z.boolean().optional(),
  }),
  denyAll: { portfolios: [], shareTargets: [] },
  needsSpoke: (allowed) => allowed.acceptOnBehalf === true && allowed.shareTargets.length > 0,
  /**
   * Organization-node shares (with DescribePortfolioShareStatus and ListOrganizationPortfolioAccess) are
   * accepted only from the organization's management account or a Service Catalog delegated administrator
   * (API reference: CreatePortfolioShare, DescribePortfolioShareStatus).
   */
  accountNeeds(allowed) {
    // A target pattern that can match an organization, root or OU id (o-…, r-…, ou-…): any that does not start
    // with a digit, as account ids do (`o*`, `ou*` and `*` included). Erring this way only asks for the right account.
    const nodeTargets = allowed.shareTargets.filter((t) => !/^[0-9]/.test(t));
    return {
      managementOrDelegated: nodeTargets.length ? [`organization-node shares (serviceCatalog.shareTargets: ${nodeTargets.join(', ')})`] : [],
      // An account can also be shared with as an organization node (organizationNode type ACCOUNT), which needs the
      // management account or a delegated administrator like any node share, while an accountId share does not.
      partlyElsewhere:
        allowed.shareTargets.length > 0 ? ['account shares (accountId) work from here, shares to an account as an organization node (organizationNode type ACCOUNT) will end FAILED'] : [],
    };
  },
});
export type ServiceCatalogAllowlist = ReturnType<typeof serviceCatalogAllowlist.of>;

export function authorizePortfolioShare(request: Omit<PortfolioShareRequest, 'requestId'>, allowed: ServiceCatalogAllowlist): FieldError[] {
  const errors: FieldError[] = [];
  if (!matchesAllowed(request.portfolioId, allowed.portfolios)) {
    errors.push(notAllowed('portfolioId', `portfolio ${request.portfolioId} may not be shared on this stage`));
  }
  const target = request.accountId ?? request.organizationNode?.value ?? '';
  if (!matchesAllowed(target, allowed.shareTargets)) {
    errors.push(notAllowed(request.accountId ? 'accountId' : 'organizationNode.value', `${target} is not a share target allowed on this stage`));
  }
  if ('acceptOnBehalf' in request && request.acceptOnBehalf === true && allowed.acceptOnBehalf !== true) {
    errors.push(notAllowed('acceptOnBehalf', 'accepting shares in the recipient account is not allowed on this stage'));
  }
  return errors;
}

/** Following a share action Shepherd did not start: allowed where the stage would let Shepherd start it (portfolio and node). */
export function authorizePortfolioShareFollow(request: Omit<PortfolioShareFollowRequest, 'requestId'>, allowed: ServiceCatalogAllowlist): FieldError[] {
  const errors: FieldError[] = [];
  if (!matchesAllowed(request.portfolioId, allowed.portfolios)) errors.push(notAllowed('portfolioId', `portfolio ${request.portfolioId} may not be shared on this stage`));
  if (!matchesAllowed(request.organizationNode.value, allowed.shareTargets)) {
    errors.push(notAllowed('organizationNode.value', `${request.organizationNode.value} is not a share target allowed on this stage`));
  }
  return errors;
}
