/**
 * How long one HTTP request to an AWS API may go unanswered before the SDK
 * gives up on it (TimeoutError, which it retries). Without one, a call that
 * hangs holds the function until its own timeout, and a function that times
 * out is retried as a dead function, not as an outage. Every call Shepherd
 * makes answers in well under a second; 5 s leaves room for a slow one, and
 * the SDK's three tries (15 s and its back-off) end well inside the shortest
 * function timeout (30 s) with a TimeoutError the workflows retry for hours.
 */
export const SDK_REQUEST_TIMEOUT_MS = 5_000;
export const SDK_CONNECTION_TIMEOUT_MS = 3_000;
/**
 * DynamoDB answers in milliseconds; a call to the ledger that has not
 * answered in 2 s will not, and waiting 10 s for it (three times, with the
 * SDK's retries) could outlast the invocation in the middle of recording a
 * side effect.
 */
export const DYNAMODB_REQUEST_TIMEOUT_MS = 2_000;

/** Client settings every production client shares: the SDK's standard retries, and request timeouts. */
export const clientDefaults = {
  maxAttempts: 3,
  retryMode: 'standard',
  requestHandler: { requestTimeout: SDK_REQUEST_TIMEOUT_MS, connectionTimeout: SDK_CONNECTION_TIMEOUT_MS },
} as const;
