import { serviceCatalog } from '../shared/runtime/clients/service-catalog';
import { defineHandler } from '../shared/runtime/lambda';
import { checkPortfolioShare, type CheckShareInput } from '../shared/portfolio-share/check';

/** Task `Check Share Status`: one DescribePortfolioShareStatus; counts, not account lists, go back to the state. */
export const { handler, build, clients } = defineHandler((input: CheckShareInput, ports) => checkPortfolioShare(input, ports), { clients: { serviceCatalog } });
