import { createHash } from 'node:crypto';

/**
 * Cloud Control ClientToken for one submission of a request: the same
 * request and attempt always give the same token (a redelivered event or a
 * retried Lambda starts nothing new), a resubmission after a transient
 * failure gets a fresh one. Hex fits the API's `[-A-Za-z0-9+/=]{1,128}`.
 */
export function clientToken(requestId: string, attempt: number): string {
  return createHash('sha256').update(`shepherd:resource-operation:${requestId}:${attempt}`).digest('hex');
}
