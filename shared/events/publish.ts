import { createHash } from 'node:crypto';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SHEPHERD_SOURCE } from '../contracts/common';
import type { DetailOf, EmittedEventContract } from '../contracts/contract';
import { EventsNotDelivered, asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';

/** PutEvents takes at most 10 entries and 256 KB per call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;
/** Calls per batch: the first plus retries of whatever entries failed. */
export const MAX_PUT_ATTEMPTS = 5;
/** Time a fan-out invocation keeps to record its last call and return its progress: one call's worst case (three tries of 5 s) and the ledger's. */
const TIME_TO_RETURN_MS = 25_000;

/** Exists in the type only: what makes an OutgoingEvent something only `outgoing` builds. */
declare const builtFromItsContract: unique symbol;

/**
 * An event to publish. Only `outgoing` makes one, from the event's contract,
 * so a detail-type is never paired with a detail its contract does not
 * describe (a compile-time check: the brand is in the type, not the object).
 * At runtime it is the plain `{ detailType, detail, resources? }` the ledger
 * and the dead-letter queue store and the redrive republishes.
 */
export interface OutgoingEvent {
  detailType: string;
  detail: unknown;
  resources?: string[];
  readonly [builtFromItsContract]: true;
}

/**
 * The event `contract` describes, with `detail`: a detail that does not fit
 * the contract's schema is a type error. Nothing is parsed at runtime — an
 * event (a terminal one above all) is never held back over a schema mismatch;
 * test/workflow/emitted-events.test.ts parses every event the workflows emit.
 */
export function outgoing<C extends EmittedEventContract>(contract: C, detail: NoInfer<DetailOf<C>>, resources?: string[]): OutgoingEvent {
  return { detailType: contract.detailType, detail, ...(resources ? { resources } : {}) } as OutgoingEvent;
}

/** How EventBridge sizes an entry: the UTF-8 bytes of its strings. */
function entrySize(entry: PutEventsRequestEntry): number {
  let size = 0;
  for (const value of [entry.Source, entry.DetailType, entry.Detail, entry.EventBusName, ...(entry.Resources ?? [])]) {
    if (value) size += Buffer.byteLength(value, 'utf8');
  }
  return size + 14; // the Time field, which EventBridge always counts
}

/** Splits entries into PutEvents-sized batches, keeping order. */
export function batchEntries(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > MAX_BYTES_PER_CALL) throw new Error(`event "${entry.DetailType}" is ${size} bytes, over the PutEvents limit`);
    if (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

interface PendingEntry {
  entry: PutEventsRequestEntry;
  /** Position in the caller's list, so event ids come back in order. */
  index: number;
  /** Why the last attempt refused it. */
  error?: string;
}

export interface PublishResult {
  /** Event ids in the order the events were given. */
  eventIds: string[];
  putEventsCalls: number;
}

export interface PartialPublishResult extends PublishResult {
  /** Events EventBridge kept refusing after every retry: their positions and the last reason. */
  undelivered: Array<{ index: number; reason: string }>;
  /**
   * Events not sent at all: a call failed (a 5xx after the SDK's retries, a
   * DynamoDB outage at the ledger) after earlier calls went out. Returned, not
   * thrown, so what did go out is carried on in the caller's state; only with
   * `recordedAs`, whose ledger is what makes stopping half-way safe.
   */
  unattempted: number[];
}

/**
 * Publishes Shepherd's events on its bus. PutEvents answers 200 even when
 * some entries fail, so each failed entry (and only those: resending the
 * whole batch would duplicate the ones that landed) is retried with
 * jittered backoff. Entries that still fail raise EventsNotDelivered, which
 * the workflow retries and, failing that, reports: never a silent drop.
 */
export async function publishEvents(events: OutgoingEvent[], ports: Uses<'eventBridge'>): Promise<PublishResult> {
  const { undelivered, ...result } = await publishEachEvent(events, ports);
  if (undelivered.length > 0) {
    const reasons = undelivered.map((u) => `${events[u.index]!.detailType}: ${u.reason}`);
    throw new EventsNotDelivered(`${undelivered.length} event(s) not accepted after ${MAX_PUT_ATTEMPTS} attempts: ${reasons.join('; ')}`);
  }
  return result;
}

/** What one PutEvents call did with each of its entries: an event id, or why not. */
type CallOutcome = Array<{ eventId?: string; error?: string }>;

/**
 * Like publishEvents, but reports which events EventBridge kept refusing
 * instead of throwing, so a caller publishing many (the failed-account
 * fan-out) resends exactly those later and never duplicates the rest.
 *
 * With `recordedAs`, each PutEvents call goes through the ledger under a key
 * made of that prefix, the call's entries and its attempt number: an
 * invocation retried after a crash, a timeout or an error half-way through
 * finds the calls that already went out, with what they did, and makes only
 * the rest. Each entry is published once — save the one case no client can
 * rule out, an answer lost after EventBridge took the call (the ledger's
 * window; subscribers dedupe on requestId and accountId).
 */
export async function publishEachEvent(events: OutgoingEvent[], ports: Uses<'eventBridge'>, recordedAs?: string): Promise<PartialPublishResult> {
  const entries: PutEventsRequestEntry[] = events.map((event) => ({
    EventBusName: ports.config.eventBusName,
    Source: SHEPHERD_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
    Time: ports.clock.now(),
  }));
  const eventIds: string[] = new Array(entries.length);
  const undelivered: PartialPublishResult['undelivered'] = [];
  let putEventsCalls = 0;
  let offset = 0;
  let sentSome = false;
  /** What went out, and what did not: this batch's pending entries and every later batch. */
  const stopHere = (pending: PendingEntry[]): PartialPublishResult => {
    const unattempted = [...pending.map((p) => p.index), ...Array.from({ length: eventIds.length - offset }, (_, i) => offset + i)];
    return { eventIds, putEventsCalls, undelivered, unattempted };
  };
  for (const batch of batchEntries(entries)) {
    let pending: PendingEntry[] = batch.map((entry, i) => ({ entry, index: offset + i }));
    offset += batch.length;
    for (let attempt = 1; pending.length > 0; attempt++) {
      // Calls that answer slowly must not carry the invocation past its timeout: stop and report what went out.
      if (recordedAs && sentSome && ports.invocation.remainingMs() < TIME_TO_RETURN_MS) {
        ports.logger.warn('Out of time for more PutEvents calls: returning what went out', { remainingMs: ports.invocation.remainingMs() });
        return stopHere(pending);
      }
      if (attempt > MAX_PUT_ATTEMPTS) {
        undelivered.push(...pending.map((p) => ({ index: p.index, reason: p.error ?? 'unknown' })));
        break;
      }
      if (attempt > 1) await ports.sleep(backoffMs(attempt - 1, ports.random));
      putEventsCalls++;
      const entries = pending.map((p) => p.entry);
      const call = async (): Promise<CallOutcome> => {
        let response;
        try {
          response = await ports.eventBridge.send(new PutEventsCommand({ Entries: entries }));
        } catch (error) {
          throw asTransient(error);
        }
        return entries.map((_, i) => {
          const result = response.Entries?.[i];
          return result?.EventId && !result.ErrorCode
            ? { eventId: result.EventId }
            : { error: `${result?.ErrorCode ?? 'NoResult'} ${result?.ErrorMessage ?? ''}`.trim() };
        });
      };
      let outcome: CallOutcome;
      try {
        outcome = recordedAs ? (await ports.ledger.once(`${recordedAs}#${callKey(entries)}#${attempt}`, call)).value : await call();
      } catch (error) {
        // Nothing went out: let the caller's retry back off. Some went out: report it, and what was not sent.
        if (!recordedAs || !sentSome) throw error;
        ports.logger.warn('A PutEvents call failed half-way: returning what went out', { error: (error as Error).name });
        return stopHere(pending);
      }
      sentSome = true;
      const stillFailing: PendingEntry[] = [];
      pending.forEach((p, i) => {
        const result = outcome[i];
        if (result?.eventId) eventIds[p.index] = result.eventId;
        else stillFailing.push({ ...p, error: result?.error ?? 'NoResult' });
      });
      if (stillFailing.length > 0) {
        ports.logger.warn('PutEvents refused entries; retrying only those', {
          failed: stillFailing.length,
          attempt,
          errorCodes: [...new Set(stillFailing.map((f) => (f.error ?? '').split(' ')[0]))],
        });
      }
      pending = stillFailing;
    }
  }
  return { eventIds, putEventsCalls, undelivered, unattempted: [] };
}

/** A call's identity: its entries (their detail-types and details), whatever the order they were built in. */
function callKey(entries: PutEventsRequestEntry[]): string {
  return createHash('sha256').update(JSON.stringify(entries.map((e) => [e.DetailType, e.Detail]))).digest('hex');
}

/** Full-jitter exponential backoff: 100 ms, 200 ms, 400 ms … capped at 2 s, randomised down. */
function backoffMs(retry: number, random: () => number): number {
  return Math.round(random() * Math.min(2000, 100 * 2 ** retry));
}
