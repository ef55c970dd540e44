import { createHash } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { boundedText } from '../json';
import type { Uses } from '../runtime/ports';
import { outgoing, publishEvents } from './publish';
import type { FieldError } from '../contracts/common';
import { type RequestRejected, requestRejected } from '../contracts/request-rejected';

export type IncomingEvent = EventBridgeEvent<string, unknown>;

/** The ledger key of an event's one answer: by event id, so a redelivery finds it and a resend (a new event) gets its own. */
export function rejectionKey(eventId: string): string {
  return `rejected#${createHash('sha256').update(eventId).digest('hex')}`;
}

/**
 * What a rejection says about the requestId its event named. Only the owner
 * of a requestId can end it: `ends` when the rejected event owns the id (it
 * claimed it, or it was the event's own id) — the rejection is then that
 * request's one terminal event; `names` otherwise (another request owns the
 * id, the event is a cancel of it, or the id is not a valid one) — the
 * rejection is about this event only and carries no `requestId`, so nobody
 * can make someone else's request look rejected.
 */
export type RejectionScope = { ends: string } | { names: string | undefined };

/**
 * Publishes the one `Request Rejected` event a refused event gets. Every
 * value echoed from the event is bounded: whoever sent it does not decide
 * how big (or how deep) our event gets.
 */
export async function rejectRequest(
  event: IncomingEvent,
  reason: string,
  errors: FieldError[],
  scope: RejectionScope,
  ports: Uses<'eventBridge'>,
): Promise<RequestRejected> {
  const detail: RequestRejected = {
    requestId: 'ends' in scope ? scope.ends : undefined,
    namedRequestId: 'names' in scope && scope.names !== undefined ? boundedText(scope.names) : undefined,
    eventId: boundedText(event.id),
    source: boundedText(event.source),
    detailType: boundedText(event['detail-type']),
    reason,
    errors,
  };
  ports.logger.warn('Request rejected', { reason, errors, eventId: detail.eventId });
  await ports.ledger.once(rejectionKey(String(event.id)), () => publishEvents([outgoing(requestRejected, detail)], ports));
  return detail;
}

/** The request id an event names: the detail's if it is a string, else the event id (bounded either way). */
export function claimedRequestId(event: IncomingEvent): string {
  const detail = event.detail as { requestId?: unknown } | null | undefined;
  return boundedText(typeof detail === 'object' && detail !== null && typeof detail.requestId === 'string' ? detail.requestId : event.id);
}
