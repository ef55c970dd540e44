import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

/** AcceptPortfolioShare / RejectPortfolioShare's PortfolioShareType (API reference): IMPORTED when not given, as there. */
export const portfolioShareType = z.enum(['IMPORTED', 'AWS_ORGANIZATIONS', 'AWS_SERVICECATALOG']);

export const portfolioShareAcceptanceRequestedDetail = z.strictObject({
  /** The portfolio offered to the account. */
  portfolioId: c.portfolioId,
  /** The recipient account: Shepherd acts there as the stage's spoke role. */
  accountId: c.accountId,
  action: z.enum(['ACCEPT', 'REJECT']),
  portfolioShareType: portfolioShareType.optional().describe('IMPORTED (an account share, the default), AWS_ORGANIZATIONS, or AWS_SERVICECATALOG (not supported by AWS: ends FAILED)'),
  requestId: requestIdField,
});
export type PortfolioShareAcceptanceRequest = z.infer<typeof portfolioShareAcceptanceRequestedDetail>;

export const portfolioShareAcceptanceRequested = defineEvent({
  detailType: 'Portfolio Share Acceptance Requested',
  direction: 'request',
  detail: portfolioShareAcceptanceRequestedDetail,
});
