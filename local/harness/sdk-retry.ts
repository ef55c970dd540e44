/**
 * The AWS SDK's standard retry strategy for the local stack's clients: the
 * SDK's own StandardRetryStrategy decides (which errors are retried, how
 * many attempts, the retry quota of its token bucket), with two changes that
 * keep a run on virtual time and repeatable for its seed:
 *
 * - the backoff is waited on the virtual clock (the Lambda instance counts as
 *   idle meanwhile, and the wait counts toward its timeout), not with a wall
 *   clock setTimeout;
 * - its full jitter is drawn from the world's seeded random, with the SDK's
 *   formula: random × min(base × 2^retries, 20 s), base 50 ms, 1 s after
 *   throttling.
 *
 * Each Lambda instance builds its own clients, so each has its own retry
 * quota, as each Lambda container has in production.
 */
import { MAXIMUM_RETRY_DELAY, Retry, StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

export function virtualTimeRetryStrategy(sleep: (ms: number) => Promise<void>, random: () => number, maxAttempts = 3): RetryStrategyV2 {
  // The SDK's strategy with a backoff of 0: it decides and counts, the virtual clock waits.
  const sdk = new StandardRetryStrategy({ maxAttempts, backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => undefined } } as never);
  return {
    acquireInitialRetryToken: (scope: string) => sdk.acquireInitialRetryToken(scope),
    async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
      const base = errorInfo.errorType === 'THROTTLING' ? Retry.throttlingDelay() : Retry.delay();
      const delay = Math.floor(random() * Math.min(base * 2 ** token.getRetryCount(), MAXIMUM_RETRY_DELAY));
      const next = await sdk.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
      await sleep(delay);
      return next;
    },
    recordSuccess: (token: RetryToken) => sdk.recordSuccess(token as StandardRetryToken),
  };
}
