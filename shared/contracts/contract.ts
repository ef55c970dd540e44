/**
 * What an event contract is, and the helper every per-event file uses to
 * declare one. The contracts themselves live with their workflows
 * (`shared/<workflow>/events/<event>.ts`); `./events` gathers them.
 */
import type { z } from 'zod';

export interface EventContract<S extends z.ZodType = z.ZodType> {
  detailType: string;
  /** `request`: published by users, matched by a rule. `emitted`: published by Shepherd. */
  direction: 'request' | 'emitted';
  /** Emitted once per request, last: the event that says a request has ended. */
  terminal?: boolean;
  detail: S;
}

/** The contract of an event Shepherd publishes. */
export type EmittedEventContract = EventContract & { readonly direction: 'emitted' };

/** The contract of an event that ends a request. */
export type TerminalEventContract = EmittedEventContract & { readonly terminal: true };

/** The detail an event's contract describes (what its zod schema parses to). */
export type DetailOf<C extends EventContract> = z.infer<C['detail']>;

/**
 * Declares an event's contract, keeping its literal types: the detail-type
 * string, the direction, `terminal: true` and the exact zod schema. They are
 * what lets publishing check a detail against its contract at compile time
 * (shared/events/publish.ts).
 */
export function defineEvent<const C extends EventContract>(contract: C): C {
  return contract;
}
