/**
 * `npm run bench`: polls, completion lag, cost and throughput on the local
 * stack (virtual clock), side by side with the polling strategies people use
 * instead. Prints one table with pass/fail against the targets and writes it
 * as JSON under bench/results/.
 *
 * Shepherd's numbers are measured: its real workflows run on the local stack
 * against the emulators, and polls, lag, state transitions and Lambda
 * invocations are read from the emulator and the execution histories. The
 * baselines are the same operations (same start time, same service-side
 * completion, same RetryAfter hints ignored as those strategies ignore them)
 * polled on their schedules, in the same Wait → Check → Choice loop shape,
 * so their transitions and invocations are counted the way Step Functions
 * would bill them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStack, seededRandom } from '../local/harness/stack';
import type { WorldInput } from '../local/emulators/world';
import { measureFanOut, type FanOutFigures } from './fan-out';

// ---- prices (us-east-1, public) ----
const PRICE_PER_TRANSITION = 0.025 / 1000;
const PRICE_PER_LAMBDA_REQUEST = 0.2 / 1_000_000;
const PRICE_PER_GB_SECOND_ARM = 0.0000133334;
/** serverless.yml memorySize, and an assumed billed duration per invocation (one or two AWS API calls). */
const LAMBDA_GB = 256 / 1024;
const ASSUMED_INVOCATION_SECONDS = 0.1;

const T0 = '2026-11-25T09:00:00Z';
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One operation as the service saw it: when it was submitted and when it finished (virtual ms). */
interface Operation {
  id: string;
  submittedAt: number;
  completesAt: number;
  durationSeconds: number;
  hintSeconds?: number;
}

interface StrategyFigures {
  strategy: string;
  pollsPerOp: number;
  medianLagSeconds: number;
  medianLagShare: number;
  transitionsPerOp: number;
  lambdaInvocationsPerOp: number;
  costPer1000Ops: number;
}

function cost(transitions: number, invocations: number): number {
  return 1000 * (transitions * PRICE_PER_TRANSITION + invocations * (PRICE_PER_LAMBDA_REQUEST + LAMBDA_GB * ASSUMED_INVOCATION_SECONDS * PRICE_PER_GB_SECOND_ARM));
}

/** A baseline polling schedule: the delay before poll n (1-based). */
type Schedule = (n: number, random: () => number) => number;
const fixed = (seconds: number): Schedule => () => seconds;
/** AWS SDK v3 waiter: first check at once, then random delays in [5, 5·2^(n−1)] capped at 120 s. */
const sdkWaiter: Schedule = (n, random) => (n === 1 ? 0 : Math.min(120, 5 + random() * (5 * 2 ** (n - 2) - 5)));

/**
 * A baseline on the same operations: polls on its schedule from the moment
 * Shepherd's submission happened until one lands at or after completion.
 * Loop shape as Shepherd's: start Task + Choice, 3 transitions a poll
 * (Wait, Task, Choice), then emit Task + Choice + end; Lambdas: ingest,
 * start, one per poll, emit.
 */
function simulate(strategy: string, schedule: Schedule, operations: Operation[], seed: number): StrategyFigures & { perOpPolls: number[] } {
  const random = seededRandom(seed);
  const polls: number[] = [];
  const lags: number[] = [];
  const shares: number[] = [];
  for (const op of operations) {
    let t = op.submittedAt;
    let n = 0;
    do {
      n++;
      t += schedule(n, random) * 1000;
    } while (t < op.completesAt);
    polls.push(n);
    lags.push((t - op.completesAt) / 1000);
    shares.push((t - op.completesAt) / 1000 / op.durationSeconds);
  }
  const transitions = polls.map((p) => 2 + 3 * p + 3);
  const invocations = polls.map((p) => 3 + p);
  return {
    strategy,
    perOpPolls: polls,
    pollsPerOp: mean(polls),
    medianLagSeconds: median(lags),
    medianLagShare: median(shares),
    transitionsPerOp: mean(transitions),
    lambdaInvocationsPerOp: mean(invocations),
    costPer1000Ops: cost(mean(transitions), mean(invocations)),
  };
}

/** What an execution history says: state transitions (states entered) and Lambda invocations (Tasks scheduled, retries included). */
function historyCounts(stack: LocalStack, name: string): { transitions: number; tasks: number; loopTransitions: number } {
  const execution = [...stack.stepFunctions.executions.values()].find((e) => e.name === name)!;
  const entered = execution.history.filter((h) => String(h.type).endsWith('StateEntered')).map((h) => (h.stateEnteredEventDetails as { name: string }).name);
  // The poll loop: each Wait, each Check, and the Choice right after each Check.
  const loopTransitions = entered.filter((n, k) => n.startsWith('Wait') || n.startsWith('Check') || (k > 0 && entered[k - 1]!.startsWith('Check'))).length;
  return { transitions: entered.length, tasks: execution.history.filter((h) => h.type === 'TaskScheduled').length, loopTransitions };
}

/** The terminal events of one kind, by requestId. */
function completionsOf(stack: LocalStack, detailType: string): Map<string, { completedAt: string; polls: number }> {
  return new Map(
    stack.emitted.filter((e) => e['detail-type'] === detailType).map((e) => [(e.detail as { requestId: string }).requestId, e.detail as { completedAt: string; polls: number }]),
  );
}

/** Shepherd's measured figures, operation by operation. */
class Measured {
  readonly polls: number[] = [];
  readonly lags: number[] = [];
  readonly lagShares: number[] = [];
  readonly transitions: number[] = [];
  readonly loopTransitions: number[] = [];
  readonly invocations: number[] = [];

  add(stack: LocalStack, requestId: string, polls: number, lagSeconds: number, durationSeconds: number): void {
    const counts = historyCounts(stack, requestId);
    this.polls.push(polls);
    this.lags.push(lagSeconds);
    this.lagShares.push(lagSeconds / durationSeconds);
    this.transitions.push(counts.transitions);
    this.loopTransitions.push(counts.loopTransitions);
    this.invocations.push(counts.tasks + 1); // + the ingest Lambda
  }

  figures(strategy: string): StrategyFigures & { transitionsPerPoll: number } {
    return {
      strategy,
      pollsPerOp: mean(this.polls),
      medianLagSeconds: median(this.lags),
      medianLagShare: median(this.lagShares),
      transitionsPerOp: mean(this.transitions),
      lambdaInvocationsPerOp: mean(this.invocations),
      costPer1000Ops: cost(mean(this.transitions), mean(this.invocations)),
      transitionsPerPoll: mean(this.loopTransitions) / mean(this.polls),
    };
  }
}

/** Requests through PutEvents, ten to a call as the API requires. */
async function putAll(stack: LocalStack, entries: Array<{ Source: string; DetailType: string; Detail: string }>): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) await stack.putEvents(entries.slice(i, i + 10));
}

// ---- 1. Cloud Control operations with RetryAfter hints ----

interface HintedResult {
  shepherd: StrategyFigures & { pollsPerHint: number; earlyPolls: number; maxPollsOverHints: number; medianLagAfterHintSeconds: number; transitionsPerPoll: number };
  baselines: StrategyFigures[];
  operations: number;
}

async function cloudControlWorkload(count: number, retryAfterMode: 'estimate' | 'interval'): Promise<HintedResult> {
  const random = seededRandom(42);
  const hints = [2, 5, 10, 15, 30, 60];
  // A hint on every event (retryAfterOmitRate 0), as the simulated baselines below assume; hint-less events are issue 16's.
  const types: Record<string, { durationSeconds: number; pendingSeconds: number; retryAfterSeconds: number; retryAfterMode: 'estimate' | 'interval'; retryAfterOmitRate: number; primaryIdentifier: string }> = {};
  for (let i = 0; i < count; i++) {
    // Log-uniform from 5 s to 30 min: most operations are short, some take long.
    const durationSeconds = Math.round(5 * (1800 / 5) ** random());
    // estimate: hints from a service that knows its progress, never past the operation's end; interval: now + a fixed hint.
    types[`AWS::Bench::Op${i}`] = { durationSeconds, pendingSeconds: 1, retryAfterSeconds: hints[i % hints.length]!, retryAfterMode, retryAfterOmitRate: 0, primaryIdentifier: 'Name' };
  }
  const stack = await LocalStack.start({ world: { clock: { start: T0, speed: 'max' }, cloudControl: { resourceTypes: types } } });
  try {
    await putAll(
      stack,
      Object.keys(types).map((typeName, i) => ({
        Source: 'platform.provisioning',
        DetailType: 'Resource Operation Requested',
        Detail: JSON.stringify({ requestId: `cc-${i}`, operation: 'CREATE', typeName, desiredState: { Name: `r${i}` } }),
      })),
    );
    await stack.settle();
    const completions = completionsOf(stack, 'Resource Operation Completed');
    const operations: Operation[] = [];
    const measured = new Measured();
    const lagsAfterHint: number[] = [];
    const hintsGiven: number[] = [];
    let earlyPolls = 0;
    let maxPollsOverHints = -Infinity;
    for (const request of stack.cloudControl.requests.values()) {
      const i = Number(request.typeName.replace('AWS::Bench::Op', ''));
      const behaviour = types[request.typeName]!;
      const completedAt = Date.parse(completions.get(`cc-${i}`)!.completedAt);
      operations.push({ id: `cc-${i}`, submittedAt: request.submittedAt, completesAt: request.completesAt, durationSeconds: behaviour.durationSeconds, hintSeconds: behaviour.retryAfterSeconds });
      // The hints the service gave: one with the submission and one with every poll that was not final.
      const pollTimes = stack.server.calls
        .filter((c) => c.operation === 'GetResourceRequestStatus' && !c.error && c.input.RequestToken === request.token)
        .map((c) => c.at.getTime());
      // The emulator's hints (retryAfterMode estimate): the earlier of the interval and the operation's end.
      const hint = (now: number) =>
        retryAfterMode === 'estimate' ? Math.min(now + behaviour.retryAfterSeconds * 1000, Math.max(request.completesAt, now + 1000)) : now + behaviour.retryAfterSeconds * 1000;
      let hintAt = hint(request.submittedAt);
      let given = 1;
      for (const at of pollTimes) {
        if (at < hintAt) earlyPolls++;
        if (at < request.completesAt) {
          hintAt = hint(at);
          given++;
        }
      }
      // hintAt is now the first RetryAfter at or past completion: the earliest a hint-following poller could know.
      lagsAfterHint.push((completedAt - hintAt) / 1000);
      hintsGiven.push(given);
      maxPollsOverHints = Math.max(maxPollsOverHints, pollTimes.length - given);
      measured.add(stack, `cc-${i}`, pollTimes.length, (completedAt - request.completesAt) / 1000, behaviour.durationSeconds);
    }
    const shepherd = {
      ...measured.figures('Shepherd (RetryAfter)'),
      pollsPerHint: mean(measured.polls) / mean(hintsGiven),
      earlyPolls,
      maxPollsOverHints,
      medianLagAfterHintSeconds: median(lagsAfterHint),
    };
    const baselines = [
      simulate('SDK v3 waiter', sdkWaiter, operations, 7),
      simulate('fixed 10 s loop', fixed(10), operations, 7),
      simulate('fixed 5 s loop', fixed(5), operations, 7),
    ].map(({ perOpPolls: _perOp, ...figures }) => figures);
    return { shepherd, baselines, operations: operations.length };
  } finally {
    await stack.stop();
  }
}

// ---- 2. Portfolio shares, no hints ----

interface ShareResult {
  shepherd: StrategyFigures & { longMedianPolls: number; transitionsPerPoll: number };
  baselines: Array<StrategyFigures & { longMedianPolls: number }>;
  operations: number;
}

async function shareWorkload(count: number): Promise<ShareResult> {
  const random = seededRandom(43);
  const durations = Array.from({ length: count }, () => Math.round(10 * (1200 / 10) ** random()));
  const portfolios = durations.map((_, i) => `port-bench${String(i).padStart(8, '0')}`);
  const units = durations.map((_, i) => `ou-bnch-unit${String(i).padStart(5, '0')}`);
  const world: WorldInput = {
    clock: { start: T0, speed: 'max' },
    serviceCatalog: {
      // One account per second of share time; each share its own portfolio and OU.
      organization: { units: units.map((id, i) => ({ id, accounts: durations[i]! })) },
      portfolios,
      shares: { startSeconds: 0, minSeconds: 0, secondsPerAccount: 1 },
    },
  };
  const stack = await LocalStack.start({ world });
  try {
    await putAll(
      stack,
      durations.map((_, i) => ({
        Source: 'platform.catalog',
        DetailType: 'Portfolio Share Requested',
        Detail: JSON.stringify({ requestId: `share-${i}`, operation: 'CREATE', portfolioId: portfolios[i], organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: units[i] } }),
      })),
    );
    await stack.settle();
    const completions = completionsOf(stack, 'Portfolio Share Completed');
    const operations: Operation[] = [];
    const measured = new Measured();
    for (const action of stack.serviceCatalog.actions.values()) {
      const i = portfolios.indexOf(action.portfolioId);
      const completion = completions.get(`share-${i}`)!;
      operations.push({ id: `share-${i}`, submittedAt: action.startsAt, completesAt: action.completesAt, durationSeconds: durations[i]! });
      measured.add(stack, `share-${i}`, completion.polls, (Date.parse(completion.completedAt) - action.completesAt) / 1000, durations[i]!);
    }
    /** Median polls over the operations longer than five minutes. */
    const long = (perOp: number[]) => median(perOp.filter((_, k) => operations[k]!.durationSeconds > 300));
    const baseline = (name: string, seconds: number) => {
      const { perOpPolls, ...figures } = simulate(name, fixed(seconds), operations, 8);
      return { ...figures, longMedianPolls: long(perOpPolls) };
    };
    return {
      shepherd: { ...measured.figures('Shepherd (adaptive)'), longMedianPolls: long(measured.polls) },
      baselines: [baseline('fixed 10 s loop', 10), baseline('fixed 5 s loop', 5)],
      operations: operations.length,
    };
  } finally {
    await stack.stop();
  }
}

// ---- 4. Throughput ----

async function throughputWorkload(count: number): Promise<{ requests: number; completed: number; wallSeconds: number; perSecond: number; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const stack = await LocalStack.start({
    world: {
      clock: { start: T0, speed: 'max' },
      cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 30, retryAfterSeconds: 10 } } },
      serviceCatalog: { portfolios: ['port-2abcdext3y5fk'] },
      partnerCentral: { programManagementAccounts: Array.from({ length: count }, (_, i) => ({ catalog: 'AWS' as const, id: `pma-thru${String(i).padStart(9, '0')}`, displayName: 'x' })) },
    },
  });
  try {
    const entries = Array.from({ length: count }, (_, i) => {
      switch (i % 3) {
        case 0:
          return { DetailType: 'Resource Operation Requested', Detail: { requestId: `t-${i}`, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: `b-${i}` } } };
        case 1:
          return { DetailType: 'Portfolio Share Requested', Detail: { requestId: `t-${i}`, operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: String(600000000000 + i) } };
        default:
          return { DetailType: 'Program Management Account Update Requested', Detail: { requestId: `t-${i}`, catalog: 'AWS', identifier: `pma-thru${String(i).padStart(9, '0')}`, displayName: 'y' } };
      }
    });
    const started = performance.now();
    await putAll(stack, entries.map((e) => ({ Source: 'platform.provisioning', DetailType: e.DetailType, Detail: JSON.stringify(e.Detail) })));
    await stack.settle();
    const wallSeconds = (performance.now() - started) / 1000;
    const completed = stack.emitted.filter((e) => e['detail-type'] !== 'Request Rejected').length;
    return { requests: count, completed, wallSeconds, perSecond: completed / wallSeconds, peakRssMiB: Math.max(peak, process.memoryUsage().rss) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

// ---- report ----

interface Check {
  target: string;
  value: string;
  pass: boolean;
  by?: string;
}

function table(title: string, rows: StrategyFigures[]): string {
  const header = ['strategy', 'polls/op', 'median lag s', 'median lag/duration', 'transitions/op', 'Lambda invocations/op', '$ per 1,000 ops'];
  const lines = rows.map((r) => [
    r.strategy, r.pollsPerOp.toFixed(1), r.medianLagSeconds.toFixed(1), `${(r.medianLagShare * 100).toFixed(1)} %`,
    r.transitionsPerOp.toFixed(1), r.lambdaInvocationsPerOp.toFixed(1), r.costPer1000Ops.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [title, format(header), ...lines.map(format)].join('\n');
}

async function main(): Promise<void> {
  const cc = await cloudControlWorkload(60, 'estimate');
  // For comparison only (no targets): hints that are a fixed interval, blind to the operation's progress.
  const blind = await cloudControlWorkload(60, 'interval');
  const shares = await shareWorkload(40);
  const fanOut: FanOutFigures = await measureFanOut();
  const throughput = await throughputWorkload(1000);

  const s = cc.shepherd;
  const checks: Check[] = [
    { target: 'hints: never a poll before RetryAfter', value: `${s.earlyPolls} early polls`, pass: s.earlyPolls === 0 },
    { target: 'hints: polls ≤ hints given + 1', value: `worst: polls − hints = ${s.maxPollsOverHints}`, pass: s.maxPollsOverHints <= 1 },
    { target: 'hints: median lag ≤ 1 s after the first RetryAfter at/past completion', value: `${s.medianLagAfterHintSeconds.toFixed(2)} s`, pass: s.medianLagAfterHintSeconds <= 1 },
    {
      target: 'hints: median lag lower than every baseline',
      value: `${s.medianLagSeconds.toFixed(1)} s vs ${cc.baselines.map((b) => `${b.strategy} ${b.medianLagSeconds.toFixed(1)} s`).join(', ')}`,
      pass: cc.baselines.every((b) => s.medianLagSeconds < b.medianLagSeconds),
    },
    {
      target: 'no hints: median lag ≤ 10 % of duration',
      value: `${(shares.shepherd.medianLagShare * 100).toFixed(1)} %`,
      pass: shares.shepherd.medianLagShare <= 0.1,
      by: shares.shepherd.medianLagShare > 0.1 ? `${((shares.shepherd.medianLagShare - 0.1) * 100).toFixed(1)} points over` : undefined,
    },
    (() => {
      const ten = shares.baselines.find((b) => b.strategy === 'fixed 10 s loop')!;
      const limit = ten.longMedianPolls / 2;
      return {
        target: 'no hints: polls ≤ half the fixed-10 s loop\'s for operations over 5 min (median)',
        value: `${shares.shepherd.longMedianPolls.toFixed(1)} vs limit ${limit.toFixed(1)}`,
        pass: shares.shepherd.longMedianPolls <= limit,
        by: shares.shepherd.longMedianPolls > limit ? `${(shares.shepherd.longMedianPolls - limit).toFixed(1)} polls over` : undefined,
      };
    })(),
    {
      target: 'transitions per poll ≤ 3',
      value: `${s.transitionsPerPoll.toFixed(2)} (Cloud Control), ${shares.shepherd.transitionsPerPoll.toFixed(2)} (shares)`,
      pass: s.transitionsPerPoll <= 3 + 1e-9 && shares.shepherd.transitionsPerPoll <= 3 + 1e-9,
    },
    { target: 'fan-out: ≤ 300 PutEvents calls for 3,000 accounts', value: String(fanOut.accountEventPutEventsCalls), pass: fanOut.accountEventPutEventsCalls <= 300 && fanOut.accountEvents === 3000 },
    { target: 'fan-out: largest state payload < 64 KiB', value: `${fanOut.largestStatePayloadBytes} B`, pass: fanOut.largestStatePayloadBytes < 65536 },
    { target: 'fan-out: under 30 s wall and 512 MiB', value: `${fanOut.wallSeconds.toFixed(1)} s, ${fanOut.peakRssMiB.toFixed(0)} MiB`, pass: fanOut.wallSeconds < 30 && fanOut.peakRssMiB < 512 },
    {
      target: 'throughput: ≥ 500 requests per wall second',
      value: `${throughput.perSecond.toFixed(0)}/s (${throughput.completed} of ${throughput.requests} in ${throughput.wallSeconds.toFixed(1)} s, ${throughput.peakRssMiB.toFixed(0)} MiB)`,
      pass: throughput.perSecond >= 500,
      by: throughput.perSecond < 500 ? `${(500 - throughput.perSecond).toFixed(0)}/s short (${((throughput.perSecond / 500) * 100).toFixed(0)} % of target)` : undefined,
    },
  ];

  const out = [
    table(`1. Cloud Control, ${cc.operations} operations, 5 s – 30 min, RetryAfter hints (the service's estimate)`, [s, ...cc.baselines]),
    '',
    table(
      `1b. The same with blind hints (now + 2…60 s, whatever the progress), for comparison: Shepherd still never polls early (${blind.shepherd.earlyPolls} early polls)`,
      [blind.shepherd, ...blind.baselines],
    ),
    '',
    table(`2. Portfolio shares, ${shares.operations} shares, 10 s – 20 min, no hints`, [shares.shepherd, ...shares.baselines]),
    '',
    `3. Fan-out: ${fanOut.accountEvents} account events, ${fanOut.accountEventPutEventsCalls} PutEvents calls, largest state ${fanOut.largestStatePayloadBytes} B, ${fanOut.historyEvents} history events, ${fanOut.wallSeconds.toFixed(1)} s wall, ${fanOut.peakRssMiB.toFixed(0)} MiB`,
    `4. Throughput: ${throughput.completed}/${throughput.requests} requests in ${throughput.wallSeconds.toFixed(1)} s = ${throughput.perSecond.toFixed(0)} per wall second, ${throughput.peakRssMiB.toFixed(0)} MiB`,
    '',
    'Targets',
    ...checks.map((c) => `  ${c.pass ? 'pass' : 'FAIL'}  ${c.target}: ${c.value}${c.by ? ` — missed by ${c.by}` : ''}`),
    '',
    `Cost assumes ${ASSUMED_INVOCATION_SECONDS * 1000} ms billed per Lambda invocation at ${LAMBDA_GB * 1024} MB arm64; $0.025 per 1,000 Standard transitions.`,
  ].join('\n');
  console.log(out);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ cloudControl: cc, cloudControlBlindHints: blind, shares, fanOut, throughput, checks }, null, 2)}\n`);
  process.exitCode = checks.every((c) => c.pass) ? 0 : 1;
}

void main();
