import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { timestamp } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';
import { portfolioShareType } from './portfolio-share-acceptance-requested';

export const portfolioShareAcceptanceCompletedDetail = z.object({
  requestId: c.requestId,
  portfolioId: z.string(),
  accountId: z.string(),
  action: z.enum(['ACCEPT', 'REJECT']),
  portfolioShareType,
  status: z.enum(['SUCCEEDED', 'FAILED']),
  /**
   * Whether the account lists the portfolio among its accepted shares of that type at the end
   * (ListAcceptedPortfolioShares, every page): true after an accept, false after a reject; absent when it could not be read.
   */
  accepted: z.boolean().optional(),
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  requestedAt: timestamp,
  completedAt: timestamp,
});
export type PortfolioShareAcceptanceCompleted = z.infer<typeof portfolioShareAcceptanceCompletedDetail>;

export const portfolioShareAcceptanceCompleted = defineEvent({
  detailType: 'Portfolio Share Acceptance Completed',
  direction: 'emitted',
  terminal: true,
  detail: portfolioShareAcceptanceCompletedDetail,
});
