import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { defineEvent } from '../../contracts/contract';
import { shareTargetOut } from './common';

export const portfolioShareAccountFailedDetail = z.object({
  requestId: c.requestId,
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  portfolioId: z.string(),
  target: shareTargetOut,
  shareToken: z.string(),
  accountId: z.string(),
  error: z.string().describe('ShareErrors[].Error, the error type Service Catalog reported for the account'),
  message: z.string().optional(),
});
export type PortfolioShareAccountFailed = z.infer<typeof portfolioShareAccountFailedDetail>;

/** One per account a share failed for, published before the share's terminal event. */
export const portfolioShareAccountFailed = defineEvent({
  detailType: 'Portfolio Share Account Failed',
  direction: 'emitted',
  detail: portfolioShareAccountFailedDetail,
});
