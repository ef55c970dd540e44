/**
 * Errors that cross into the state machine. A Lambda error's `name` becomes
 * the ASL error that `Retry` and `Catch` match, so these names are API:
 * renaming one breaks the workflows in `workflows/`.
 */

/** A fault worth retrying: throttling, a 5xx, a network failure. ASL retries it with jittered backoff. */
export class TransientServiceError extends Error {
  override readonly name = 'TransientServiceError';
  constructor(message: string, readonly causeName?: string) {
    super(message);
  }
}

/** PutEvents kept refusing some entries after every retry: the event is not lost silently. */
export class EventsNotDelivered extends Error {
  override readonly name = 'EventsNotDelivered';
}

/** The state the workflow handed a Lambda is not what the workflow promised: a bug, not a fault. */
export class InvalidWorkflowState extends Error {
  override readonly name = 'InvalidWorkflowState';
}

/** Exceptions the AWS APIs use for faults that pass with time. */
const TRANSIENT_EXCEPTIONS = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerException',
  'InternalServerError',
  'ServiceInternalErrorException',
  'NetworkFailureException',
  'ConcurrentOperationException',
]);

interface AwsLikeError {
  name?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

/** True for throttling, 5xx, network errors and the API's own transient exceptions. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Already classified (by the ledger, by publishEvents): still transient one layer up.
  if (error.name === 'TransientServiceError') return true;
  const e = error as AwsLikeError;
  if (e.name && TRANSIENT_EXCEPTIONS.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // Socket-level failures from the Node HTTP handler carry a code, not a status.
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(e.code ?? '') || e.name === 'TimeoutError';
}

/** Rethrows transient faults under the one name the workflows retry on. */
export function asTransient(error: unknown): unknown {
  if (isTransient(error)) {
    const e = error as Error;
    return new TransientServiceError(`${e.name}: ${e.message}`, e.name);
  }
  return error;
}
