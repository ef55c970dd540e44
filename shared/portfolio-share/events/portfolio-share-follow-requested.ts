import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

/**
 * Follow an organization-node share action Shepherd did not start to its end, by its PortfolioShareToken, with
 * the same polling, per-account fan-out and terminal event as one it started. The portfolio, the node and the
 * operation are stated: the stage's allowlist holds them as it holds a share request's, and a token that names
 * another portfolio or node ends FAILED instead of being followed.
 */
export const portfolioShareFollowRequestedDetail = z.strictObject({
  /** The PortfolioShareToken Create/Update/DeletePortfolioShare answered with (DescribePortfolioShareStatus: 1-100 of [a-zA-Z0-9_-]). */
  portfolioShareToken: z.string().min(1).max(100).regex(/^[a-zA-Z0-9_-]+$/, { message: 'must be a PortfolioShareToken (1-100 of letters, digits, "_" and "-")' }),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  portfolioId: c.portfolioId,
  organizationNode: c.organizationNode,
  requestId: requestIdField,
});
export type PortfolioShareFollowRequest = z.infer<typeof portfolioShareFollowRequestedDetail>;

export const portfolioShareFollowRequested = defineEvent({
  detailType: 'Portfolio Share Follow Requested',
  direction: 'request',
  detail: portfolioShareFollowRequestedDetail,
});
