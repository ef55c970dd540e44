import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { completionTimings } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';
import { shareTargetOut } from './common';

export const shareStatus = z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'TIMED_OUT']);
export type ShareStatus = z.infer<typeof shareStatus>;

export const failuresByError = z.array(
  z.object({ error: z.string(), accounts: z.int().nonnegative(), message: z.string().optional() }),
);

export const portfolioShareCompletedDetail = z.object({
  requestId: c.requestId,
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  portfolioId: z.string(),
  target: shareTargetOut,
  shareToken: z.string().optional(),
  status: shareStatus,
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  successfulAccounts: z.int().nonnegative(),
  failedAccounts: z.int().nonnegative(),
  failuresByError,
  /**
   * Asked with acceptOnBehalf: whether the recipient account lists the portfolio as accepted (IMPORTED) at the end.
   * false with status FAILED when the share was made but accepting it failed (errorCode and statusMessage say why).
   */
  accepted: z.boolean().optional(),
  /**
   * Organization-node shares and deletes: whether the node is listed among the portfolio's organization access
   * (ListOrganizationPortfolioAccess) once the action ended: PRESENT after a share that took, ABSENT after a delete.
   * Absent for account shares, for node actions that never ran, and when the list could not be read.
   */
  nodeAccess: z.enum(['PRESENT', 'ABSENT']).optional(),
  /** Failed-account events EventBridge kept refusing (also in the dead-letter record); 0 normally. */
  accountEventsNotDelivered: z.int().nonnegative(),
  ...completionTimings,
});
export type PortfolioShareCompleted = z.infer<typeof portfolioShareCompletedDetail>;

export const portfolioShareCompleted = defineEvent({
  detailType: 'Portfolio Share Completed',
  direction: 'emitted',
  terminal: true,
  detail: portfolioShareCompletedDetail,
});
