/**
 * Bookkeeping every polling workflow shares: when it started, when it must
 * give up, how many times it asked, and when a busy service may be asked
 * again.
 */
import { ADAPTIVE_POLL_POLICY, nextCheckAt } from '../polling';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { refusal } from './failure';

export interface ProgressClock {
  /** Calls that started (or tried to start) the operation, the first included. */
  attempt: number;
  polls: number;
  startedAt: string;
  /** RFC 3339: past it, Shepherd stops waiting and reports TIMED_OUT. */
  deadline: string;
}

/** The clock of the next attempt: the first starts it, later ones keep its start, deadline and polls. */
export function nextAttempt(previous: ProgressClock | undefined, now: Date, timeoutSeconds: number): ProgressClock {
  return {
    attempt: (previous?.attempt ?? 0) + 1,
    polls: previous?.polls ?? 0,
    startedAt: previous?.startedAt ?? toTimestamp(now),
    deadline: previous?.deadline ?? toTimestamp(addSeconds(now, timeoutSeconds)),
  };
}

/**
 * When to try again after the service said "busy" (another action is
 * running): 10 s doubling to 5 min, half-jittered so concurrent requests
 * spread out. Undefined when that would pass the deadline.
 */
export function busyRetryAt(attempt: number, now: Date, deadline: string, random: () => number): string | undefined {
  const base = Math.min(300, 10 * 2 ** Math.max(0, attempt - 1));
  const at = addSeconds(now, base * (0.5 + 0.5 * random()));
  return at < new Date(deadline) ? toTimestamp(at) : undefined;
}

/** The timing fields every completion event carries. */
export function completionTimings(requestedAt: string, progress: ProgressClock | undefined, now: Date) {
  return {
    requestedAt,
    startedAt: progress?.startedAt,
    completedAt: toTimestamp(now),
    polls: progress?.polls ?? 0,
    attempts: progress?.attempt ?? 0,
  };
}

/** The next look at an operation whose API gives no RetryAfter: adaptive backoff, never past the deadline. */
export function adaptiveCheckAt(progress: ProgressClock, now: Date, random: () => number): string {
  const timing = { now, startedAt: new Date(progress.startedAt), deadline: new Date(progress.deadline), polls: progress.polls, random };
  return toTimestamp(nextCheckAt(timing, ADAPTIVE_POLL_POLICY));
}

/**
 * A start call the service refused for good or for now. "Busy"
 * (InvalidStateException: another action holds the resource) waits and
 * tries again until the deadline; anything else ends the request FAILED
 * with the API's own reason.
 */
export function refusedStart<B extends ProgressClock>(error: unknown, base: B, now: Date, random: () => number) {
  const refused = { ...base, ...refusal(error) };
  if ((error as Error).name !== 'InvalidStateException') return { ...refused, outcome: 'FAILED' as const };
  return waitWhileBusy(refused, now, random);
}

/** Try again later (BUSY, with when), or TIMED_OUT when later would pass the deadline. */
export function waitWhileBusy<B extends ProgressClock>(base: B, now: Date, random: () => number) {
  const retryAt = busyRetryAt(base.attempt, now, base.deadline, random);
  return retryAt ? { ...base, outcome: 'BUSY' as const, nextCheckAt: retryAt } : { ...base, outcome: 'TIMED_OUT' as const };
}
