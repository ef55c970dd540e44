/**
 * When to look again. Shared by every workflow's Wait state: the Lambda that
 * polls computes an RFC 3339 timestamp and the Wait reads it through
 * TimestampPath, so the schedule is plain code with plain tests.
 */
import { addSeconds } from './runtime/clock';

export interface PollPolicy {
  /** Never look sooner than this after a poll, whatever the service says. */
  minWaitSeconds: number;
  /** Never trust a hint further out than this (a clock-skewed or absurd RetryAfter). */
  maxHintSeconds: number;
  /** Without a hint: wait this share of the time the operation has run so far … */
  elapsedShare: number;
  /** … but at least this long … */
  firstWaitSeconds: number;
  /** … and at most this long. */
  maxBackoffSeconds: number;
  /**
   * Polls after which the schedule also spreads the remaining polls over the
   * time left to the deadline, so no execution nears the 25,000-event history
   * limit (a poll loop writes ~9 history events).
   */
  pollBudget: number;
}

/**
 * For APIs that give no RetryAfter (portfolio shares, records, Organizations
 * access). Small operations finish in seconds and organization-wide ones in
 * tens of minutes, so the wait grows
 * with the time the share has run: short first waits, a fifth of the
 * elapsed time later on (a finished share is noticed within ~20 % of its
 * duration), capped, jittered.
 */
export const ADAPTIVE_POLL_POLICY: PollPolicy = {
  minWaitSeconds: 1,
  maxHintSeconds: 600,
  elapsedShare: 0.2,
  firstWaitSeconds: 3,
  maxBackoffSeconds: 120,
  pollBudget: 2000,
};

export interface PollTiming {
  now: Date;
  startedAt: Date;
  deadline: Date;
  polls: number;
  /** The service's RetryAfter, when it gave one. */
  retryAfter?: Date;
  random: () => number;
}

/** Seconds to wait when the service gave no hint: proportional to elapsed time, jittered ±10 %. */
export function backoffSeconds(t: PollTiming, policy: PollPolicy): number {
  const elapsed = Math.max(0, (t.now.getTime() - t.startedAt.getTime()) / 1000);
  const base = Math.min(policy.maxBackoffSeconds, Math.max(policy.firstWaitSeconds, elapsed * policy.elapsedShare));
  return base * (0.9 + 0.2 * t.random());
}

/**
 * The moment of the next status check: the service's RetryAfter when it
 * gave a sane one (never sooner), else adaptive backoff; never past the
 * deadline, and spread out once the poll budget is being used up.
 */
export function nextCheckAt(t: PollTiming, policy: PollPolicy): Date {
  const earliest = addSeconds(t.now, policy.minWaitSeconds);
  let next: Date;
  if (t.retryAfter && !Number.isNaN(t.retryAfter.getTime())) {
    const latest = addSeconds(t.now, policy.maxHintSeconds);
    next = new Date(Math.min(Math.max(t.retryAfter.getTime(), earliest.getTime()), latest.getTime()));
  } else {
    next = addSeconds(t.now, Math.max(policy.minWaitSeconds, backoffSeconds(t, policy)));
  }
  const remainingPolls = policy.pollBudget - t.polls;
  if (t.polls >= policy.pollBudget / 2) {
    const spread = (t.deadline.getTime() - t.now.getTime()) / Math.max(1, remainingPolls);
    next = new Date(Math.max(next.getTime(), t.now.getTime() + spread));
  }
  return new Date(Math.min(next.getTime(), t.deadline.getTime()));
}
