import { isRetryableByTrait, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/**
 * Errors that cross into the state machine. A Lambda error's `name` becomes
 * the ASL error that `Retry` and `Catch` match, so these names are API:
 * renaming one breaks the workflows in `workflows/`
 * (test/unit/error-names.test.ts checks every name they match exists).
 */

/**
 * The base of every error class Shepherd defines. Each subclass spells its
 * `name` as a string literal (`override readonly name = 'ClassName'`): a
 * name taken from the constructor would not survive minification, and the
 * name is what the workflows match. `cause` (ES2022 ErrorOptions) keeps the
 * error it wraps. It never leaves a Lambda: the Node.js runtime reports
 * errorType, errorMessage and trace (name, message, stack) only, and
 * `cause` is neither in the stack nor enumerable.
 */
export abstract class ShepherdError extends Error {
  abstract override readonly name: string;
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A fault worth retrying: throttling, a 5xx, a network failure. ASL retries it with jittered backoff. */
export class TransientServiceError extends ShepherdError {
  override readonly name = 'TransientServiceError';
  /** The name of the fault it stands for (what `asTransient` renamed). */
  readonly causeName?: string;
  constructor(message: string, options?: ErrorOptions);
  constructor(message: string, causeName?: string, options?: ErrorOptions);
  constructor(message: string, causeNameOrOptions?: string | ErrorOptions, options?: ErrorOptions) {
    super(message, typeof causeNameOrOptions === 'object' ? causeNameOrOptions : options);
    this.causeName = typeof causeNameOrOptions === 'string' ? causeNameOrOptions : undefined;
  }
}

/** PutEvents kept refusing some entries after every retry: the event is not lost silently. */
export class EventsNotDelivered extends ShepherdError {
  override readonly name = 'EventsNotDelivered';
}

/** The state the workflow handed a Lambda is not what the workflow promised: a bug, not a fault. */
export class InvalidWorkflowState extends ShepherdError {
  override readonly name = 'InvalidWorkflowState';
}

/**
 * Where Shepherd departs from the SDK's own classification, by exception
 * name; a `service#Name` key (see `serviceOf`) wins over the bare name.
 * test/unit/error-classification.test.ts checks every exception of every
 * client Shepherd uses against the SDK, so each departure is on purpose.
 */
const DEPARTURES = new Map(Object.entries<boolean>({
  // A quota, not a rate, though the SDK counts the name as throttling: hours
  // of retries cannot lift it, so the request ends FAILED with the API's
  // reason. Service Catalog (CreatePortfolioShare): "The current limits of the
  // service would have been exceeded by this operation"; EventBridge: "attempted
  // to create resource beyond the allowed service quota" (the SDK models).
  LimitExceededException: false,
  // DynamoDB's is above all "up to 500 simultaneous table operations", which
  // pass as they finish: its Developer Guide error table (Programming.Errors)
  // says OK to retry. Control plane only: the ledger's calls never get it.
  'dynamodb#LimitExceededException': true,
  // Partner Central Channel models it @retryable, yet "The request would exceed
  // a service quota limit" stands until someone acts (SFN's, HTTP 402, alike);
  // the SDK has already retried it.
  ServiceQuotaExceededException: false,
  // Cloud Control, HTTP 502 so the SDK retries it: "an unexpected error occurred
  // within the resource handler", a handler bug. The resource handler contract
  // types InternalFailure Terminal (docs.aws.amazon.com/cloudformation-cli/latest/
  // userguide/resource-type-test-contract-errors.html).
  HandlerInternalFailureException: false,
  // Cloud Control, HTTP 409: "Another resource operation is currently being
  // performed on this resource" / "temporarily unavailable ... until that
  // operation is finished". Pass when it ends; the contract types ResourceConflict Retriable.
  ConcurrentOperationException: true,
  ResourceConflictException: true,
  // SFN StartExecution: "Running executions must end or be stopped before a new
  // execution can be started": a ceiling on running executions, freed as they end.
  ExecutionLimitExceeded: true,
  // KMS throttling as SFN (KmsThrottlingException) and SQS (KmsThrottled) name
  // it: names the SDK's throttling list lacks.
  KmsThrottlingException: true,
  KmsThrottled: true,
  // 5xx faults by name (AWS common errors InternalFailure 500 and
  // ServiceUnavailable 503; the services' own). The SDK knows them by their
  // status; the name keeps an error without one transient.
  InternalFailure: true,
  ServiceUnavailable: true,
  ServiceUnavailableException: true,
  InternalServerError: true,
  InternalServerException: true,
  ServiceInternalErrorException: true,
  NetworkFailureException: true,
}));

type SdkError = Parameters<typeof isThrottlingError>[0];

/**
 * The service an SDK error comes from ("servicecatalog", "dynamodb"): the SDK
 * stamps each exception class with its Smithy shape id,
 * `com.amazonaws.<service>#<Name>`, and throws an unmodeled error as the
 * client's base exception, `smithy.ts.sdk.synthetic.com.amazonaws.<service>#...`.
 */
function serviceOf(error: object): string | undefined {
  const shapeId: unknown = (error.constructor as { shapeId?: unknown } | undefined)?.shapeId;
  return typeof shapeId === 'string' ? /com\.amazonaws\.([^#]+)#/.exec(shapeId)?.[1] : undefined;
}

/**
 * True for faults that pass with time: what the SDK (@smithy/core/retry)
 * classifies as throttling (its names, 429), transient (Node socket errors
 * ECONNRESET, ETIMEDOUT, EAI_AGAIN..., TimeoutError, 500/502/503/504), any
 * other 5xx, or retryable by its model's trait; and `TransientServiceError`,
 * already classified a layer down; except the departures above. Not the
 * SDK's clock-skew names (AccessDeniedException among them): a denial is a
 * refusal; a real skew the SDK corrects, marks (clockSkewCorrected, which is
 * transient) and retries itself.
 */
export function isTransient(error: unknown): boolean {
  return classify(error, 0);
}

function classify(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkError;
  if (e.name === 'TransientServiceError') return true;
  const departure = DEPARTURES.get(`${serviceOf(e)}#${e.name}`) ?? DEPARTURES.get(e.name);
  if (departure !== undefined) return departure;
  if (isThrottlingError(e) || isTransientError(e) || isServerError(e) || isRetryableByTrait(e)) return true;
  // A wrapped error is what it wraps. The SDK follows `cause` (10 deep) for
  // network, timeout and 5xx faults only; this follows it for throttling too,
  // but not through an AbortError: the caller gave up on purpose (the SDK's rule).
  return e.name !== 'AbortError' && depth < 10 && classify(e.cause, depth + 1);
}

/** Rethrows transient faults under the one name the workflows retry on, the fault kept as its `cause`. */
export function asTransient(error: unknown): unknown {
  if (isTransient(error)) {
    const e = error as Error & { quotaCode?: unknown; serviceCode?: unknown };
    // Throttling exceptions may name the quota that was hit (Partner Central, Service Quotas-backed APIs): keep it in the message.
    const quota = [e.serviceCode && `serviceCode ${String(e.serviceCode)}`, e.quotaCode && `quotaCode ${String(e.quotaCode)}`].filter(Boolean).join(', ');
    return new TransientServiceError(`${e.name}: ${e.message}${quota ? ` (${quota})` : ''}`, e.name, { cause: error });
  }
  return error;
}
