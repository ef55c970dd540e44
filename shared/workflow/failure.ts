/** What a Catch stores (ResultPath $.failure): the ASL error name and its cause. */
export interface CaughtFailure {
  Error: string;
  Cause?: string;
}

/** Service messages can be long and are not ours to vouch for: keep events small. */
const MAX_MESSAGE_LENGTH = 1024;
/**
 * Lists a service hands back (hooks, record errors, invalid fields) that a
 * workflow keeps: at most this many, so no answer can grow a state past
 * Step Functions' 256 KiB after the side effect it reports on.
 */
export const MAX_LISTED_ITEMS = 20;

/** The first MAX_LISTED_ITEMS of a list a service returned. */
export function firstListed<T>(items: readonly T[] | undefined): T[] {
  return (items ?? []).slice(0, MAX_LISTED_ITEMS);
}
export function truncate(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
}

/** A Lambda error's Cause is JSON ({errorType, errorMessage, trace}); other causes are text. */
export function failureMessage(failure: CaughtFailure): string | undefined {
  if (!failure.Cause) return undefined;
  try {
    const parsed = JSON.parse(failure.Cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return truncate(parsed.errorMessage);
  } catch {
    // not JSON: the cause is the message
  }
  return truncate(failure.Cause);
}

/** The `{Error, Cause}` a refused API call becomes, so the completion reports the API's reason. */
export function refusal(error: unknown): { errorCode: string; statusMessage?: string } {
  const e = error as Error;
  return { errorCode: e.name, statusMessage: truncate(`${e.message}${wrongAccountHint(e)}`) };
}

/**
 * Organizations access changes work only from the organization's management
 * account, organization-node shares also from a Service Catalog delegated
 * administrator (API reference). When the service refuses for that reason,
 * the request's failure says where Shepherd has to run.
 */
export function wrongAccountHint(error: Error): string {
  if (error.name !== 'OperationNotSupportedException' && error.name !== 'AccessDeniedException') return '';
  if (!/management account|delegated admin/i.test(error.message)) return '';
  return ' (Shepherd runs in an account that may not do this: deploy it in the management account, or for organization-node shares a Service Catalog delegated administrator; README "Where to deploy")';
}

/** The status, errorCode and message of a request whose execution hit a Catch. */
export function caughtFailure(failure: CaughtFailure) {
  return { status: 'FAILED' as const, errorCode: failure.Error, statusMessage: failureMessage(failure) };
}

/** " (ErrorCode: message)" for an execution's Fail cause and summaries; "" when there is no error. */
export function reasonSuffix(detail: { errorCode?: string; statusMessage?: string }): string {
  return detail.errorCode ? ` (${detail.errorCode}${detail.statusMessage ? `: ${detail.statusMessage}` : ''})` : '';
}
