import type { PollPolicy } from '../polling';

/** Cloud Control usually sends RetryAfter; the backoff is for when it does not. */
export const RESOURCE_POLL_POLICY: PollPolicy = {
  minWaitSeconds: 1,
  maxHintSeconds: 600,
  elapsedShare: 0.2,
  firstWaitSeconds: 2,
  maxBackoffSeconds: 60,
  pollBudget: 2000,
};

/**
 * FAILED progress events with these codes are faults that pass with time;
 * Shepherd resubmits the request (with a new ClientToken) instead of
 * reporting failure. The SDK never retries them: they arrive as a status,
 * not an exception.
 */
export const TRANSIENT_ERROR_CODES = new Set([
  'Throttling',
  'NetworkFailure',
  'ServiceInternalError',
  'ServiceTimeout',
  'InternalFailure',
]);

/** Delay before resubmitting after a transient FAILED: 5 s doubling to 2 min, half-jittered. */
export function resubmitDelaySeconds(attempt: number, random: () => number): number {
  const base = Math.min(120, 5 * 2 ** Math.max(0, attempt - 1));
  return base * (0.5 + 0.5 * random());
}
