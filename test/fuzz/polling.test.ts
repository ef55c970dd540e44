/**
 * Fuzz tier: the poll scheduler (shared/polling.ts, `nextCheckAt`).
 *
 * Every polling workflow parks in a Step Functions Wait state until the timestamp `nextCheckAt` computes
 * (Wait.TimestampPath). What is claimed, for any moment, deadline, poll count, jitter and RetryAfter hint —
 * absurd hints (years away, in the past, Invalid Date) included:
 *   - never early: no poll before the service's RetryAfter (unless the hint is past the deadline or past
 *     maxHintSeconds, which caps it), and never sooner than minWaitSeconds (unless the deadline is sooner);
 *   - never late: no poll after the deadline, so the last wait ends at or before it, and a hint cannot park
 *     an execution longer than maxHintSeconds;
 *   - a wait Step Functions can take: a valid instant, a whole number of milliseconds from now, never negative,
 *     written as RFC 3339 that reads back to the same instant;
 *   - bounded work: an operation of any duration up to the timeout is polled a bounded number of times
 *     (the bound is derived from the policy's own constants below), so no execution nears the 25,000-event
 *     history limit.
 * A scheduler that polls early gets throttled, one that polls late misses its deadline, and one that polls
 * too often kills the execution: each of these only shows under odd timings, which is what fuzzing finds.
 * In the spirit of Middy's fuzz tests (github.com/middyjs/middy, packages/<name>/index.fuzz.js: fc.assert over
 * fc.anything() for every middleware), with fast-check (https://fast-check.dev).
 */
import fc from 'fast-check';
import { ADAPTIVE_POLL_POLICY, nextCheckAt, type PollPolicy, type PollTiming } from '../../shared/polling';
import { RESOURCE_POLL_POLICY } from '../../shared/resource-operation/policy';
import { toTimestamp } from '../../shared/runtime/clock';
import { runs } from './support';

const POLICIES: Array<[string, PollPolicy]> = [
  ['ADAPTIVE_POLL_POLICY', ADAPTIVE_POLL_POLICY],
  ['RESOURCE_POLL_POLICY', RESOURCE_POLL_POLICY],
];

/** Any sane policy (the contract is the function's, not only today's constants'). */
const anyPolicy: fc.Arbitrary<PollPolicy> = fc
  .record({
    minWaitSeconds: fc.integer({ min: 1, max: 30 }),
    extraHint: fc.integer({ min: 0, max: 3600 }),
    elapsedShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
    extraFirst: fc.integer({ min: 0, max: 60 }),
    extraBackoff: fc.integer({ min: 0, max: 600 }),
    pollBudget: fc.integer({ min: 2, max: 5000 }),
  })
  .map((p) => ({
    minWaitSeconds: p.minWaitSeconds,
    maxHintSeconds: p.minWaitSeconds + p.extraHint,
    elapsedShare: p.elapsedShare,
    firstWaitSeconds: p.minWaitSeconds + p.extraFirst,
    maxBackoffSeconds: p.minWaitSeconds + p.extraFirst + p.extraBackoff,
    pollBudget: p.pollBudget,
  }));

const policyArb = fc.oneof(fc.constantFrom(...POLICIES.map(([, policy]) => policy)), anyPolicy);

const YEAR_2020 = Date.UTC(2020, 0, 1);
const YEAR_2035 = Date.UTC(2035, 0, 1);
const HOUR = 3600_000;
/** resource-operation.asl.json's TimeoutSeconds (26 h): longer than the default operation timeout (24 h). */
const LONGEST_EXECUTION_SECONDS = 93_600;

/** Math.random's range: [0, 1). */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** A RetryAfter hint: none, near now (past or future), or anything a Date can hold (Invalid Date included). */
function hintArb(now: number): fc.Arbitrary<Date | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -HOUR, max: 48 * HOUR }).map((offset) => new Date(now + offset)),
    fc.integer({ min: -5_000, max: 15_000 }).map((offset) => new Date(now + offset)),
    fc.date({ noInvalidDate: false }),
    fc.constant(new Date(Number.NaN)),
  );
}

/** One scheduling decision: a moment within [startedAt, deadline], and everything else arbitrary. */
const decisionArb = fc
  .record({
    policy: policyArb,
    startedAt: fc.integer({ min: YEAR_2020, max: YEAR_2035 }),
    timeoutMs: fc.oneof(fc.integer({ min: 1, max: 7 * 24 * HOUR }), fc.integer({ min: 1, max: 60_000 })),
    elapsedShare: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000), fc.constantFrom(0, 1)),
    pollsShare: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }).map((n) => n / 1_000_000), fc.constantFrom(0, 0.5, 1)),
    random: unit,
  })
  .chain((d) => {
    const now = d.startedAt + Math.floor(d.timeoutMs * d.elapsedShare);
    return hintArb(now).map((retryAfter) => {
      const timing: PollTiming = {
        now: new Date(now),
        startedAt: new Date(d.startedAt),
        deadline: new Date(d.startedAt + d.timeoutMs),
        polls: Math.floor(d.policy.pollBudget * d.pollsShare),
        retryAfter,
        random: () => d.random,
      };
      return { policy: d.policy, timing };
    });
  });

const validHint = (t: PollTiming): t is PollTiming & { retryAfter: Date } => t.retryAfter !== undefined && !Number.isNaN(t.retryAfter.getTime());
const RFC_3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('nextCheckAt: one decision', () => {
  it('never polls before RetryAfter, nor sooner than minWaitSeconds (a sooner deadline or the hint cap aside)', () => {
    fc.assert(
      fc.property(decisionArb, ({ policy, timing }) => {
        const next = nextCheckAt(timing, policy).getTime();
        const now = timing.now.getTime();
        const deadline = timing.deadline.getTime();
        expect(next).toBeGreaterThanOrEqual(Math.min(now + policy.minWaitSeconds * 1000, deadline));
        if (validHint(timing)) {
          expect(next).toBeGreaterThanOrEqual(Math.min(timing.retryAfter.getTime(), now + policy.maxHintSeconds * 1000, deadline));
        }
      }),
      runs(2000),
    );
  });

  it('never polls past the deadline, and a hint cannot park the execution longer than maxHintSeconds', () => {
    fc.assert(
      fc.property(decisionArb, ({ policy, timing }) => {
        const next = nextCheckAt(timing, policy).getTime();
        const now = timing.now.getTime();
        expect(next).toBeLessThanOrEqual(timing.deadline.getTime());
        // Before the poll budget spreads the last polls out, a wait is capped by the hint cap or the back-off cap.
        if (timing.polls < policy.pollBudget / 2) {
          const cap = validHint(timing) ? policy.maxHintSeconds : Math.max(policy.minWaitSeconds, policy.maxBackoffSeconds * 1.1);
          expect(next - now).toBeLessThanOrEqual(Math.ceil(cap * 1000));
        }
      }),
      runs(2000),
    );
  });

  it('gives Step Functions a wait it can take: a finite, non-negative whole number of ms, as RFC 3339', () => {
    fc.assert(
      fc.property(decisionArb, ({ policy, timing }) => {
        const next = nextCheckAt(timing, policy);
        const waitMs = next.getTime() - timing.now.getTime();
        expect(Number.isSafeInteger(waitMs)).toBe(true);
        expect(waitMs).toBeGreaterThanOrEqual(0);
        const timestamp = toTimestamp(next);
        expect(timestamp).toMatch(RFC_3339_UTC);
        expect(Date.parse(timestamp)).toBe(next.getTime());
      }),
      runs(2000),
    );
  });

  it('at or past the deadline answers the deadline itself (callers report TIMED_OUT before asking)', () => {
    fc.assert(
      fc.property(decisionArb, fc.integer({ min: 0, max: 48 * HOUR }), ({ policy, timing }, late) => {
        const atDeadline = { ...timing, now: new Date(timing.deadline.getTime() + late) };
        expect(nextCheckAt(atDeadline, policy).getTime()).toBe(timing.deadline.getTime());
      }),
      runs(500),
    );
  });
});

// ---- Whole runs: how many polls an operation costs ----

/** The low end of backoffSeconds' jitter (×0.9 … ×1.1), less 1 ms per wait that Date's whole milliseconds may drop. */
const JITTER_LOW = 0.9 - 0.001;

/**
 * Polls of a run of `seconds` (the operation's duration or the timeout, whichever is shorter) with no RetryAfter,
 * from the policy's constants. Writing F = firstWaitSeconds, M = maxBackoffSeconds, s = elapsedShare, J = JITTER_LOW:
 *   - while elapsed < F/s, each wait is at least J·F:                    at most ⌊(F/s)/(J·F)⌋ + 1 polls;
 *   - while F/s ≤ elapsed < M/s, each wait is at least J·s·elapsed, so elapsed grows by a factor (1 + J·s)
 *     per poll:                                                          at most ⌊ln(M/F)/ln(1 + J·s)⌋ + 1 polls;
 *   - from M/s on, each wait is at least J·M:                            at most ⌊(seconds − M/s)/(J·M)⌋ + 1 polls;
 *   - plus the one poll that sees the end (or the deadline).
 * ADAPTIVE_POLL_POLICY over 24 h: 6 + 23 + 796 + 1 = 826 polls; RESOURCE_POLL_POLICY: 6 + 21 + 1597 + 1 = 1625.
 */
function noHintBound(policy: PollPolicy, seconds: number): number {
  const F = Math.max(policy.firstWaitSeconds, policy.minWaitSeconds);
  const M = Math.max(policy.maxBackoffSeconds, F);
  const s = policy.elapsedShare;
  const [e1, e2] = [F / s, M / s];
  const phaseA = Math.floor(Math.min(e1, seconds) / (JITTER_LOW * F)) + 1;
  const phaseB = seconds > e1 ? Math.floor(Math.log(M / F) / Math.log(1 + JITTER_LOW * s)) + 1 : 0;
  const phaseC = seconds > e2 ? Math.floor((seconds - e2) / (JITTER_LOW * M)) + 1 : 0;
  return phaseA + phaseB + phaseC + 1;
}

/**
 * Polls of a run of `timeoutSeconds`, whatever the hints say:
 *   - every wait that does not end at the deadline is at least minWaitSeconds: at most ⌈T/minWait⌉ + 1 polls;
 *   - from pollBudget/2 polls on, each wait is at least (time left)/(pollBudget − polls), so poll number
 *     pollBudget − 1 waits until the deadline: at most pollBudget polls.
 */
function anyHintBound(policy: PollPolicy, timeoutSeconds: number): number {
  return Math.min(policy.pollBudget, Math.ceil(timeoutSeconds / policy.minWaitSeconds) + 1);
}

interface Run {
  polls: number;
  outcome: 'done' | 'timed out';
}

/**
 * The polling loop every workflow runs (check.ts: count the poll, stop when done or at the deadline, else
 * wait until nextCheckAt), from a first poll at the start. Every decision is checked on the way.
 */
function simulate(
  policy: PollPolicy,
  timeoutSeconds: number,
  durationMs: number,
  hint: (now: number, poll: number) => Date | undefined,
  randoms: number[],
  stopAfter: number,
): Run {
  const startedAt = YEAR_2020;
  const deadline = startedAt + timeoutSeconds * 1000;
  let now = startedAt;
  for (let polls = 1; polls <= stopAfter; polls++) {
    if (now - startedAt >= durationMs) return { polls, outcome: 'done' };
    if (now >= deadline) return { polls, outcome: 'timed out' };
    const retryAfter = hint(now, polls);
    const timing = { now: new Date(now), startedAt: new Date(startedAt), deadline: new Date(deadline), polls, retryAfter, random: () => randoms[polls % randoms.length]! };
    const next = nextCheckAt(timing, policy).getTime();
    if (!(next > now && next <= deadline)) throw new Error(`poll ${polls} at ${now}: next check ${next} is not after now and by the deadline ${deadline}`);
    if (retryAfter && !Number.isNaN(retryAfter.getTime()) && next < Math.min(retryAfter.getTime(), now + policy.maxHintSeconds * 1000, deadline)) {
      throw new Error(`poll ${polls}: next check ${next} is before RetryAfter ${retryAfter.getTime()}`);
    }
    now = next;
  }
  return { polls: stopAfter + 1, outcome: 'timed out' };
}

/** How long the operation runs, as a share of the timeout: anywhere, often all of it, and past it (TIMED_OUT). */
const durationShareArb = fc.oneof(fc.integer({ min: 0, max: 1_200_000 }).map((n) => n / 1_000_000), fc.constantFrom(1, 1.2));

const timeoutArb = fc.oneof(
  fc.constantFrom(86_400, LONGEST_EXECUTION_SECONDS),
  fc.integer({ min: 1, max: LONGEST_EXECUTION_SECONDS }),
  fc.integer({ min: 1, max: 7 * 24 * 3600 }),
);

describe('nextCheckAt: whole runs', () => {
  it.each(POLICIES)('%s without RetryAfter: polls grow logarithmically, then linearly with the duration', (_name, policy) => {
    fc.assert(
      fc.property(timeoutArb, durationShareArb, fc.array(unit, { minLength: 1, maxLength: 8 }), (timeoutSeconds, durationShare, randoms) => {
        const durationMs = Math.floor(timeoutSeconds * 1000 * durationShare);
        const bound = Math.min(anyHintBound(policy, timeoutSeconds), noHintBound(policy, Math.min(durationMs / 1000, timeoutSeconds)));
        const run = simulate(policy, timeoutSeconds, durationMs, () => undefined, randoms, bound + 1);
        expect(run.polls).toBeLessThanOrEqual(bound);
      }),
      runs(150),
    );
  });

  it.each(POLICIES)('%s with any RetryAfter hints: never more than pollBudget polls, nor one per minWaitSeconds', (_name, policy) => {
    const hintOffsets = fc.array(
      fc.oneof(fc.integer({ min: -10_000, max: 2_000 }), fc.integer({ min: -60_000, max: 900_000 }), fc.constant(Number.NaN), fc.constant(undefined)),
      { minLength: 1, maxLength: 10 },
    );
    fc.assert(
      fc.property(timeoutArb, durationShareArb, hintOffsets, fc.array(unit, { minLength: 1, maxLength: 8 }), (timeoutSeconds, durationShare, offsets, randoms) => {
        const durationMs = Math.floor(timeoutSeconds * 1000 * durationShare);
        const bound = anyHintBound(policy, timeoutSeconds);
        const hint = (now: number, poll: number) => {
          const offset = offsets[poll % offsets.length];
          return offset === undefined ? undefined : new Date(now + offset);
        };
        const run = simulate(policy, timeoutSeconds, durationMs, hint, randoms, bound + 1);
        expect(run.polls).toBeLessThanOrEqual(bound);
      }),
      runs(150),
    );
  });

  it('the worst case is reached: one-second hints for 24 h use up, and stay within, the poll budget', () => {
    for (const [, policy] of POLICIES) {
      const run = simulate(policy, 86_400, Number.POSITIVE_INFINITY, (now) => new Date(now), [0.5], policy.pollBudget + 1);
      expect(run).toEqual({ polls: policy.pollBudget, outcome: 'timed out' });
    }
  });
});
