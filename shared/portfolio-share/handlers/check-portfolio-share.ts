import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { defineHandler } from '../../runtime/lambda';
import { checkPortfolioShare, followPortfolioShare, type CheckShareInput, type FollowShareInput } from '../check';

/**
 * Tasks `Check Share Status` (one DescribePortfolioShareStatus; counts, not account lists, go back to the state)
 * and `Follow The Share` (the first look at an action Shepherd did not start): the same call, one function.
 */
export const { handler, build, clients } = defineHandler(
  (input: CheckShareInput | FollowShareInput, ports) => ('follow' in input ? followPortfolioShare(input, ports) : checkPortfolioShare(input, ports)),
  { clients: { serviceCatalog } },
);
