import { createHash } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { stableStringify } from '../json';
import { contracts, type FieldError, type RequestRejected } from '../contracts/events';
import type { Ports } from '../runtime/ports';
import { publishEvents } from './publish';

export type IncomingEvent = EventBridgeEvent<string, unknown>;

/** Publishes the one `Request Rejected` event a refused request gets. */
export async function rejectRequest(
  event: IncomingEvent,
  reason: string,
  errors: FieldError[],
  requestId: string | undefined,
  ports: Ports,
): Promise<RequestRejected> {
  const detail: RequestRejected = {
    requestId,
    eventId: event.id,
    // Echoed from the request, so bounded: whoever sent it does not decide how big our event gets.
    source: String(event.source).slice(0, 256),
    detailType: String(event['detail-type']).slice(0, 256),
    reason,
    errors,
  };
  ports.logger.warn('Request rejected', { reason, errors, eventId: event.id });
  // The same bad request delivered again (or resent) is rejected once.
  const key = `rejected#${createHash('sha256').update(stableStringify([event['detail-type'], requestId ?? event.id, event.detail])).digest('hex')}`;
  await ports.ledger.once(key, () => publishEvents([{ detailType: contracts.requestRejected.detailType, detail }], ports));
  return detail;
}

/** The request id a rejection can name: the detail's if it is a string, else the event id. */
export function claimedRequestId(event: IncomingEvent): string {
  const detail = event.detail as { requestId?: unknown } | null | undefined;
  return typeof detail?.requestId === 'string' ? detail.requestId.slice(0, 256) : event.id;
}
