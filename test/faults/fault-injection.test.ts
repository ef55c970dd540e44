/**
 * The fault-injection suite: every workflow on the local stack under the
 * faults the world file can inject, asserting per request exactly one
 * terminal event with the right status, and nothing done twice on the AWS
 * side. Prints one table: requests, faults injected, terminal events,
 * duplicates, lost — duplicates and lost must be 0.
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { LocalStack } from '../../local/stack';
import type { WorldInput } from '../../local/world';
import { TERMINAL_DETAIL_TYPES } from '../../shared/contracts/events';
import { seededRandom } from '../../local/stack';
import { T0 } from '../support/stack';

/** Fisher–Yates with a seeded PRNG: the same order every run. */
function seededShuffle<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

jest.setTimeout(120_000);

type Kind = 'resource' | 'account-share' | 'ou-share' | 'product' | 'pma';
interface Request {
  requestId: string;
  kind: Kind;
  detailType: string;
  detail: Record<string, unknown>;
  /** The status its terminal event must carry. */
  expected: string;
}

const PORTFOLIOS = Array.from({ length: 10 }, (_, i) => `port-${String(i).padStart(13, 'p')}`);
const units = Array.from({ length: 10 }, (_, i) => `ou-fa${String(i).padStart(2, '0')}-unitunit${i}`);

/** n requests of every kind, round robin, each touching its own resource so AWS-side duplicates show. */
function mixedRequests(n: number, prefix: string): Request[] {
  const kinds: Kind[] = ['resource', 'account-share', 'ou-share', 'product', 'pma'];
  return Array.from({ length: n }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const requestId = `${prefix}-${kind}-${i}`;
    const portfolioId = PORTFOLIOS[i % PORTFOLIOS.length]!;
    switch (kind) {
      case 'resource':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Resource Operation Requested',
          detail: { requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId } } };
      case 'account-share':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Portfolio Share Requested',
          detail: { requestId, operation: 'CREATE', portfolioId, accountId: String(500000000000 + i) } };
      case 'ou-share':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Portfolio Share Requested',
          // Each OU share its own (portfolio, OU) pair: 10 × 10 of them.
          detail: { requestId, operation: 'CREATE', portfolioId: PORTFOLIOS[Math.floor(i / 5) % 10]!, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: units[Math.floor(i / 50) % 10]! } } };
      case 'product':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Provisioned Product Properties Update Requested',
          detail: { requestId, provisionedProductId: `pp-fault${String(i).padStart(7, '0')}`, properties: { OWNER: 'arn:aws:iam::000000000000:user/bob' } } };
      case 'pma':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Program Management Account Update Requested',
          detail: { requestId, catalog: 'AWS', identifier: pmaId(i), displayName: `Partner ${i}`, revision: '1' } };
    }
  });
}
const pmaId = (i: number) => `pma-fault${String(i).padStart(8, '0')}`;

/** A world with room for every request above: buckets, an organization, portfolios, products, accounts. */
function baseWorld(n: number): WorldInput {
  return {
    clock: { start: T0.toISOString(), speed: 'max' },
    seed: 11,
    cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 45, retryAfterSeconds: 10 } } },
    serviceCatalog: {
      organization: { units: units.map((id) => ({ id, accounts: 4 })) },
      portfolios: PORTFOLIOS,
      provisionedProducts: Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`pp-fault${String(i).padStart(7, '0')}`, { owner: 'arn:aws:iam::000000000000:user/alice', updateSeconds: 30 }]),
      ),
    },
    partnerCentral: { programManagementAccounts: Array.from({ length: n }, (_, i) => ({ catalog: 'AWS' as const, id: pmaId(i), displayName: `P${i}`, revision: '1' })) },
  };
}

interface Row {
  scenario: string;
  requests: number;
  faults: number;
  terminal: number;
  duplicates: number;
  lost: number;
  awsDuplicates: number;
  wrongStatus: number;
}
const rows: Row[] = [];

afterAll(() => {
  const header = ['scenario', 'requests', 'faults injected', 'terminal events', 'duplicates', 'lost', 'AWS-side duplicates', 'wrong status'];
  const lines = rows.map((r) => [r.scenario, r.requests, r.faults, r.terminal, r.duplicates, r.lost, r.awsDuplicates, r.wrongStatus].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(['Fault injection', format(header), ...lines.map(format)].join('\n'));
});

/** Even copies are redeliveries of one event (same id); odd ones are the request sent again (new event, same requestId). */
const envelopeOf = (request: Request, copy: number): EventEnvelope => ({
  version: '0', id: copy % 2 === 0 ? `evt-${request.requestId}` : `evt-${request.requestId}-resent-${copy}`, 'detail-type': request.detailType,
  source: 'platform.provisioning', account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: { ...request.detail },
});

/** Runs requests (each delivered `copies` times, `spreadSeconds` apart at most) and checks and records the outcome. */
interface ScenarioOptions {
  copies?: number;
  spreadSeconds?: number;
  environment?: Record<string, string>;
  /** Other events (cancels) sent at given virtual times … */
  also?: Array<{ atSeconds: number; envelope: EventEnvelope }>;
  /** … or before any request. */
  preSend?: EventEnvelope[];
}

async function runScenario(scenario: string, world: WorldInput, requests: Request[], options: ScenarioOptions = {}) {
  const stack = await LocalStack.start({ world, environment: options.environment });
  try {
    const copies = options.copies ?? 1;
    for (const envelope of options.preSend ?? []) {
      stack.inject(envelope);
      await stack.settle();
    }
    const deliveries = seededShuffle(requests.flatMap((r) => Array.from({ length: copies }, (_, c) => ({ r, c }))), 5);
    deliveries.forEach(({ r, c }, i) => {
      const delay = options.spreadSeconds ? ((i * 7919) % options.spreadSeconds) * 1000 : 0;
      stack.clock.setTimeout(() => stack.inject(envelopeOf(r, c)), delay);
    });
    for (const { atSeconds, envelope } of options.also ?? []) stack.clock.setTimeout(() => stack.inject(envelope), atSeconds * 1000);
    await stack.settle();
    // Then the sweep, as its schedule would run it: it must find nothing left to do, or finish what status changes missed.
    // (Retried like its schedule would: a sweep that meets a fault just runs again later.)
    for (let attempt = 0; ; attempt++) {
      try {
        await stack.invoke('sweepUnfinishedRequests', {});
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
    await stack.settle();

    const terminals = stack.emitted.filter((e) => TERMINAL_DETAIL_TYPES.has(e['detail-type']) && e['detail-type'] !== 'Request Rejected');
    const byRequest = new Map<string, Array<Record<string, unknown>>>();
    for (const e of terminals) {
      const detail = e.detail as Record<string, unknown>;
      byRequest.set(String(detail.requestId), [...(byRequest.get(String(detail.requestId)) ?? []), detail]);
    }
    const counts = requests.map((r) => byRequest.get(r.requestId)?.length ?? 0);
    const wrong = requests.filter((r) => (byRequest.get(r.requestId) ?? []).some((d) => d.status !== r.expected));
    const row: Row = {
      scenario,
      requests: requests.length,
      faults: [...stack.server.injected.values()].reduce((a, b) => a + b, 0) + [...stack.crashes.values()].reduce((a, b) => a + b, 0) + stack.eventBridge.failedEntryCount,
      terminal: terminals.length,
      duplicates: counts.filter((c) => c > 1).length,
      lost: counts.filter((c) => c === 0).length,
      awsDuplicates: awsSideDuplicates(stack, requests),
      wrongStatus: wrong.length,
    };
    rows.push(row);
    if (wrong.length > 0) console.log(scenario, 'wrong status:', JSON.stringify(wrong.slice(0, 5).map((r) => [r.requestId, byRequest.get(r.requestId)])));
    if (row.duplicates > 0) {
      const twice = requests.filter((r) => (byRequest.get(r.requestId)?.length ?? 0) > 1).slice(0, 3);
      console.log(scenario, 'duplicates:', JSON.stringify(twice.map((r) => [r.requestId, byRequest.get(r.requestId)!.map((d) => [d.status, d.errorCode, d.completedAt])])));
      const execution = [...stack.stepFunctions.executions.values()].find((e) => e.name === twice[0]!.requestId)!;
      console.log(execution.status, execution.error, execution.history.filter((h) => /Failed|Emit/.test(JSON.stringify(h))).map((h) => JSON.stringify(h).slice(0, 300)).join('\n'));
    }
    if (row.lost > 0) console.log(scenario, 'lost:', requests.filter((r) => !byRequest.has(r.requestId)).slice(0, 5).map((r) => r.requestId), stack.deadLetters.slice(0, 3));
    return { row, stack };
  } finally {
    await stack.stop();
  }
}

/** Side effects done more than once for one request: resources, share actions, records, revision bumps. */
function awsSideDuplicates(stack: LocalStack, requests: Request[]): number {
  let duplicates = 0;
  const creates = new Map<string, number>();
  for (const r of stack.cloudControl.requests.values()) if (r.operation === 'CREATE') creates.set(r.identifier ?? '', (creates.get(r.identifier ?? '') ?? 0) + 1);
  const shareActions = new Map<string, number>();
  for (const a of stack.serviceCatalog.actions.values()) shareActions.set(`${a.portfolioId}:${a.node.value}`, (shareActions.get(`${a.portfolioId}:${a.node.value}`) ?? 0) + 1);
  const accountShareCalls = new Map<string, number>();
  for (const c of stack.server.calls) {
    if (c.operation === 'CreatePortfolioShare' && !c.error && c.input.AccountId) {
      const key = `${String(c.input.PortfolioId)}:${String(c.input.AccountId)}`;
      accountShareCalls.set(key, (accountShareCalls.get(key) ?? 0) + 1);
    }
  }
  for (const r of requests) {
    const d = r.detail as Record<string, any>;
    const times =
      r.kind === 'resource' ? creates.get(r.requestId) ?? 0
      : r.kind === 'account-share' ? accountShareCalls.get(`${d.portfolioId}:${d.accountId}`) ?? 0
      : r.kind === 'ou-share' ? shareActions.get(`${d.portfolioId}:${d.organizationNode.value}`) ?? 0
      : r.kind === 'product' ? [...stack.provisionedProducts.records.values()].filter((x) => x.productId === d.provisionedProductId && x.type === 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES').length
      : Number(stack.partnerCentral.accounts.get(d.identifier)!.revision) - 1;
    if (times > 1) duplicates++;
  }
  return duplicates;
}

const expectClean = (row: Row) => {
  expect({ duplicates: row.duplicates, lost: row.lost, awsDuplicates: row.awsDuplicates, wrongStatus: row.wrongStatus }).toEqual({ duplicates: 0, lost: 0, awsDuplicates: 0, wrongStatus: 0 });
};

it('throttling storm: every call throttled for the first three minutes', async () => {
  const { row } = await runScenario('throttling storm', { ...baseWorld(20), faults: [{ operation: '*', error: 'ThrottlingException', untilSeconds: 180 }] }, mixedRequests(20, 'storm'));
  expect(row.faults).toBeGreaterThan(50);
  expectClean(row);
});

it('5xx bursts: every call fails for a minute, then one in five for ten minutes', async () => {
  const { row } = await runScenario(
    '5xx bursts',
    { ...baseWorld(20), faults: [{ operation: '*', error: 'InternalFailure', status: 500, untilSeconds: 60 }, { operation: '*', error: 'ServiceUnavailable', status: 503, untilSeconds: 660, rate: 0.2 }] },
    mixedRequests(20, 'burst'),
  );
  expectClean(row);
});

it('PutEvents partial failures', async () => {
  const { row } = await runScenario('PutEvents partial failures', { ...baseWorld(20), eventBridge: { failEntries: { times: 60 } } }, mixedRequests(20, 'partial'));
  expect(row.faults).toBe(60);
  expectClean(row);
});

it('Lambdas that die between start and poll, and after emitting', async () => {
  const crashing = ['startResourceOperation', 'startPortfolioShare', 'startProvisionedProductUpdate', 'updateProgramManagementAccount', 'emitResourceOperationCompleted', 'emitPortfolioShareCompleted'];
  const { row } = await runScenario('Lambda crashes after work', { ...baseWorld(20), lambdaFaults: crashing.map((f) => ({ function: f, times: 2 })) }, mixedRequests(20, 'crash'));
  expect(row.faults).toBe(crashing.length * 2);
  expectClean(row);
});

it('duplicate and out-of-order deliveries, up to five copies spread over three hours', async () => {
  const { row } = await runScenario('duplicates, out of order', baseWorld(20), mixedRequests(20, 'dup'), { copies: 5, spreadSeconds: 3 * 3600 });
  expectClean(row);
});

it('200 concurrent requests with random faults everywhere', async () => {
  const world: WorldInput = {
    ...baseWorld(200),
    faults: [
      { operation: '*', error: 'ThrottlingException', untilSeconds: 7200, rate: 0.05 },
      { operation: '*', error: 'InternalFailure', status: 500, untilSeconds: 7200, rate: 0.03 },
    ],
    eventBridge: { failEntries: { times: 40 } },
    lambdaFaults: [{ function: 'startPortfolioShare', times: 3 }, { function: 'updateProgramManagementAccount', times: 3 }, { function: 'emitResourceOperationCompleted', times: 3 }],
  };
  const { row } = await runScenario('200 concurrent, random faults', world, mixedRequests(200, 'mix'), { copies: 2 });
  expect(row.requests).toBe(200);
  expectClean(row);
});

const cancel = (requestId: string, id: string): EventEnvelope => ({
  version: '0', id, 'detail-type': 'Resource Operation Cancel Requested', source: 'platform.provisioning', account: '000000000000',
  time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: { requestId },
});

it('cancels before start, during and after completion', async () => {
  const [before, during, after] = mixedRequests(15, 'cancel').filter((r) => r.kind === 'resource');
  const world: WorldInput = { ...baseWorld(15), cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 600, retryAfterSeconds: 30 } } } };
  // "Before" arrives before its request exists: rejected, and the operation then runs to SUCCEEDED.
  during!.expected = 'CANCELLED';
  const { row, stack } = await runScenario('cancel before/during/after', world, [before!, during!, after!], {
    also: [{ atSeconds: 300, envelope: cancel(during!.requestId, 'cancel-during') }, { atSeconds: 3600, envelope: cancel(after!.requestId, 'cancel-after') }],
    preSend: [cancel(before!.requestId, 'cancel-before')],
  });
  expectClean(row);
  const rejected = stack.emitted.filter((e) => e['detail-type'] === 'Request Rejected').map((e) => (e.detail as { eventId: string }).eventId).sort();
  expect(rejected).toEqual(['cancel-after', 'cancel-before']);
});

it('an execution that times out', async () => {
  const slow: Request = { ...mixedRequests(1, 'timeout')[0]!, expected: 'TIMED_OUT' };
  const world: WorldInput = { ...baseWorld(1), cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 200_000, retryAfterSeconds: 600 } } } };
  const { row } = await runScenario('execution timeout', world, [slow], { environment: { OPERATION_TIMEOUT_SECONDS: '200000' } });
  expectClean(row);
});
