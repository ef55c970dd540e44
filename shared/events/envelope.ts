import type { IncomingEvent } from './reject';

/** A queue message's body as an EventBridge event, or why it is not one. */
export function parseEnvelope(body: string): { ok: true; event: IncomingEvent } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the message body is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'the message body is not a JSON object' };
  const event = value as Record<string, unknown>;
  for (const field of ['id', 'source', 'detail-type']) {
    if (typeof event[field] !== 'string' || event[field] === '') return { ok: false, reason: `the message is not an EventBridge event: "${field}" is not a string` };
  }
  return { ok: true, event: event as unknown as IncomingEvent };
}
