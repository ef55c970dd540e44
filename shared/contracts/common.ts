/**
 * Pieces several event contracts share: Shepherd's source, the optional
 * requestId every request carries, timestamps and timings of completions,
 * and the field errors of validation and rejections.
 */
import { z } from 'zod';
import * as c from './constraints';

/** The source of every event Shepherd emits. Requests must come from any other source. */
export const SHEPHERD_SOURCE = 'shepherd';

export const requestIdField = c.requestId.optional().describe(
  'Idempotency key; defaults to the EventBridge event id. Names the execution and derives every client token.',
);

export const timestamp = z.iso.datetime();

/** When a request was asked for, started and ended, and how often Shepherd polled and (re)started it. */
export const completionTimings = {
  requestedAt: timestamp,
  startedAt: timestamp.optional(),
  completedAt: timestamp,
  polls: z.int().nonnegative(),
  attempts: z.int().nonnegative(),
};

export const fieldError = z.object({
  field: z.string().describe('Dotted path of the offending field in the request detail ("" for the detail itself)'),
  code: z.string().describe('Machine-readable rule that failed'),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldError>;
