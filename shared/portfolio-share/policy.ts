import type { PollPolicy } from '../polling';

/**
 * DescribePortfolioShareStatus gives no RetryAfter. Small shares finish in
 * seconds and organization-wide ones in tens of minutes, so the wait grows
 * with the time the share has run: short first waits, a fifth of the
 * elapsed time later on (a finished share is noticed within ~20 % of its
 * duration), capped, jittered.
 */
export const SHARE_POLL_POLICY: PollPolicy = {
  minWaitSeconds: 1,
  maxHintSeconds: 600,
  elapsedShare: 0.2,
  firstWaitSeconds: 3,
  maxBackoffSeconds: 120,
  pollBudget: 2000,
};

/** Failed accounts announced per invocation of the fan-out Lambda: 50 full PutEvents calls. */
export const ANNOUNCE_PAGE_SIZE = 500;

/** Invocations in a row that may leave refused events pending before they are reported as not delivered. */
export const MAX_REFUSED_ROUNDS = 3;

/** Error groups kept in the state and the completion event; the rest are folded into the last one. */
export const MAX_FAILURE_GROUPS = 25;
