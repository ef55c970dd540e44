import { serviceCatalog } from '../../runtime/clients/service-catalog';
import { defineHandler } from '../../runtime/lambda';
import { checkPortfolioShare, type CheckShareInput } from '../check';

/** Task `Check Share Status`: one DescribePortfolioShareStatus; counts, not account lists, go back to the state. */
export const { handler, build, clients } = defineHandler((input: CheckShareInput, ports) => checkPortfolioShare(input, ports), { clients: { serviceCatalog } });
