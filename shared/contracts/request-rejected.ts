import { z } from 'zod';
import { fieldError } from './common';
import { defineEvent } from './contract';

export const requestRejectedDetail = z.object({
  requestId: z
    .string()
    .optional()
    .describe(
      "Present only when this rejection ends that request: the rejected event owns the requestId (no other request had it). Then it is the request's one terminal event, and the requestId is used up.",
    ),
  namedRequestId: z
    .string()
    .optional()
    .describe(
      'The requestId the rejected event named when it does not own it: another request has it (a conflict), the event was a cancel of it, or it is not a valid id. This rejection does not end that request.',
    ),
  eventId: z.string().describe('The rejected event'),
  source: z.string(),
  detailType: z.string(),
  reason: z.string(),
  errors: z.array(fieldError),
});
export type RequestRejected = z.infer<typeof requestRejectedDetail>;

/** A refused event's one answer; it ends a request only when it carries that request's id. */
export const requestRejected = defineEvent({
  detailType: 'Request Rejected',
  direction: 'emitted',
  terminal: true,
  detail: requestRejectedDetail,
});
