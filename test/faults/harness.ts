/**
 * The fault suite's harness: mixed requests of every kind, delivered as a
 * platform team's automation and EventBridge would (redeliveries, resends,
 * cancels before, during and after), run on the local stack under a world's
 * faults, and counted against Shepherd's promises:
 *
 * - every request ends with exactly one terminal event, with the status it
 *   should have; every refused event gets exactly one `Request Rejected`;
 * - no account event is published twice;
 * - no AWS side effect happens twice (a resource created, a share action, a
 *   record, a revision bumped).
 *
 * A scenario runs on several seeds; what the promises count must come out
 * the same on each.
 */
import { createHash } from 'node:crypto';
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { LocalStack, seededRandom } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { contractViolations } from '../../shared/contracts/conformance';
import { TERMINAL_DETAIL_TYPES } from '../../shared/contracts/events';
import { T0 } from '../support/stack';

export const SEEDS = [1, 2, 3];
const HOUR = 3600;
export { HOUR };

export type Kind = 'resource' | 'slow-resource' | 'account-share' | 'ou-share' | 'product' | 'pma' | 'access' | 'acceptance' | 'accept-on-behalf' | 'bad';

/** One thing sent: a request, a bad one, or a cancel. */
export interface Sent {
  /** The request's id; for cancels, the id of the request they cancel. */
  requestId: string;
  kind: Kind | 'cancel';
  detailType: string;
  detail: unknown;
  /** A request's terminal status, or REJECTED: every distinct event id of it gets one rejection. */
  expected: string;
}

/** A delivery: the event with its id, and when. */
export interface Delivery {
  sent: Sent;
  eventId: string;
  atSeconds: number;
}

export const PORTFOLIOS = Array.from({ length: 10 }, (_, i) => `port-${String(i).padStart(13, 'p')}`);
const UNITS = Array.from({ length: 10 }, (_, i) => `ou-fa${String(i).padStart(2, '0')}-unitunit${i}`);
const pmaId = (i: number) => `pma-fault${String(i).padStart(8, '0')}`;
const productId = (i: number) => `pp-fault${String(i).padStart(7, '0')}`;
/** The account request i's acceptance answers an offer in (an account share the world has made). */
const recipientOf = (i: number) => String(600000000000 + i);

/** n requests of every kind, round robin, each touching its own resource so AWS-side duplicates show. */
export function mixedRequests(
  n: number,
  prefix: string,
  kinds: Kind[] = ['resource', 'account-share', 'ou-share', 'product', 'pma', 'access', 'acceptance', 'accept-on-behalf', 'bad'],
): Sent[] {
  return Array.from({ length: n }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const requestId = `${prefix}-${kind}-${i}`;
    const portfolioId = PORTFOLIOS[i % PORTFOLIOS.length]!;
    switch (kind) {
      case 'resource':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Resource Operation Requested',
          detail: { requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId } } };
      case 'slow-resource':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Resource Operation Requested',
          detail: { requestId, operation: 'CREATE', typeName: 'AWS::DynamoDB::Table', desiredState: { TableName: requestId } } };
      case 'account-share':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Portfolio Share Requested',
          detail: { requestId, operation: 'CREATE', portfolioId, accountId: String(500000000000 + i) } };
      case 'ou-share':
        // Each OU share its own (portfolio, OU) pair.
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Portfolio Share Requested',
          detail: { requestId, operation: 'CREATE', portfolioId: PORTFOLIOS[Math.floor(i / kinds.length) % 10]!, organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: UNITS[Math.floor(i / (kinds.length * 10)) % 10]! } } };
      case 'product':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Provisioned Product Properties Update Requested',
          detail: { requestId, provisionedProductId: productId(i), properties: { OWNER: 'arn:aws:iam::000000000000:user/bob' } } };
      case 'pma':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Program Management Account Update Requested',
          detail: { requestId, catalog: 'AWS', identifier: pmaId(i), displayName: `Partner ${i}`, revision: '1' } };
      case 'access':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Organizations Access Change Requested', detail: { requestId, enable: true } };
      case 'acceptance':
        // The offer the world makes (baseWorld's accountShares), accepted in the recipient account as the spoke role.
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Portfolio Share Acceptance Requested', detail: { requestId, portfolioId, accountId: recipientOf(i), action: 'ACCEPT' } };
      case 'accept-on-behalf':
        return { requestId, kind, expected: 'SUCCEEDED', detailType: 'Portfolio Share Requested',
          detail: { requestId, operation: 'CREATE', portfolioId, accountId: String(700000000000 + i), acceptOnBehalf: true } };
      case 'bad':
        return { requestId, kind, expected: 'REJECTED', detailType: 'Resource Operation Requested',
          detail: { requestId, operation: 'UPSERT', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId } } };
    }
  });
}

export const cancelOf = (target: Sent, expected: 'APPLIES' | 'REJECTED'): Sent => ({
  requestId: target.requestId, kind: 'cancel', detailType: 'Resource Operation Cancel Requested', detail: { requestId: target.requestId }, expected,
});

/** A world with room for every request above: buckets, tables, an organization, portfolios, products, accounts. */
export function baseWorld(n: number, seed: number): WorldInput {
  return {
    clock: { start: T0.toISOString(), speed: 'max' },
    seed,
    cloudControl: {
      resourceTypes: {
        'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 45, retryAfterSeconds: 10 },
        'AWS::DynamoDB::Table': { primaryIdentifier: 'TableName', durationSeconds: 1800, retryAfterSeconds: 60 },
      },
    },
    serviceCatalog: {
      organization: { units: UNITS.map((id) => ({ id, accounts: 4 })) },
      portfolios: PORTFOLIOS,
      // Offers to accept: request i's portfolio, shared with its own recipient account.
      accountShares: Array.from({ length: n }, (_, i) => i).reduce<Record<string, string[]>>((offers, i) => {
        const id = PORTFOLIOS[i % PORTFOLIOS.length]!;
        (offers[id] ??= []).push(recipientOf(i));
        return offers;
      }, {}),
      provisionedProducts: Object.fromEntries(Array.from({ length: n }, (_, i) => [productId(i), { owner: 'arn:aws:iam::000000000000:user/alice', updateSeconds: 30 }])),
    },
    partnerCentral: { programManagementAccounts: Array.from({ length: n }, (_, i) => ({ catalog: 'AWS' as const, id: pmaId(i), displayName: `P${i}`, revision: '1' })) },
  };
}

/** Each request once at a time within `spreadSeconds`, plus `copies` more: redeliveries (same event id) and resends (new event, same requestId). */
export function deliveriesOf(sent: Sent[], seed: number, options: { copies?: number; spreadSeconds?: number } = {}): Delivery[] {
  const random = seededRandom(seed * 7919);
  const spread = options.spreadSeconds ?? 0;
  return sent.flatMap((s) =>
    Array.from({ length: 1 + (options.copies ?? 0) }, (_, copy) => ({
      sent: s,
      // Even copies redeliver the first event; odd ones resend the request as a new event.
      eventId: copy % 2 === 0 ? `evt-${s.kind}-${s.requestId}` : `evt-${s.kind}-${s.requestId}-resent-${copy}`,
      atSeconds: Math.floor(random() * (spread + 1)),
    })),
  );
}

function envelopeOf(delivery: Delivery): EventEnvelope {
  return {
    version: '0', id: delivery.eventId, 'detail-type': delivery.sent.detailType, source: 'platform.provisioning', account: '000000000000',
    time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: structuredClone(delivery.sent.detail),
  };
}

/** What a run shows of the promises: the same on every seed when they hold. */
export interface Outcome {
  requests: number;
  /** Requests (and refused events) whose answer never came. */
  lost: number;
  /** Requests with more than one terminal event, refused events with more than one rejection. */
  doubled: number;
  /** Account events published more than once for one request and account. */
  accountEventsDoubled: number;
  /** Side effects done more than once for one request. */
  awsSideDuplicates: number;
  /** Terminal events with a status other than the one the request should end with. */
  wrongStatus: number;
  /** Requests that ended with their terminal event, and events rejected. */
  terminal: number;
  rejected: number;
  /** Account events published. */
  accountEvents: number;
}

export interface Run {
  outcome: Outcome;
  faults: number;
  deadLetters: number;
  virtualHours: number;
  wallMs: number;
  /** Digest of every API call (time, operation, error) and every event: equal digests, equal runs. */
  trace: string;
  problems: string[];
}

/** Runs deliveries on a fresh stack over the world, waits until everything has ended, and counts. */
export async function runDeliveries(world: WorldInput, deliveries: Delivery[], environment?: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const stack = await LocalStack.start({ world, environment });
  try {
    for (const delivery of deliveries) {
      if (delivery.atSeconds === 0) stack.inject(envelopeOf(delivery));
      else stack.clock.setTimeout(() => stack.inject(envelopeOf(delivery)), delivery.atSeconds * 1000);
    }
    await stack.settle();
    // Whatever failed on the way, every event that went out fits its contract (the first few that do not, if any).
    expect(contractViolations(stack.emitted).slice(0, 20)).toEqual([]);
    return { ...count(stack, deliveries), wallMs: Date.now() - started };
  } finally {
    await stack.stop();
  }
}

function count(stack: LocalStack, deliveries: Delivery[]): Omit<Run, 'wallMs'> {
  const problems: string[] = [];
  const terminals = new Map<string, Array<Record<string, unknown>>>();
  const rejections = new Map<string, number>();
  for (const e of stack.emitted) {
    const detail = e.detail as Record<string, unknown>;
    if (e['detail-type'] === 'Request Rejected') rejections.set(String(detail.eventId), (rejections.get(String(detail.eventId)) ?? 0) + 1);
    else if (TERMINAL_DETAIL_TYPES.has(e['detail-type'])) terminals.set(String(detail.requestId), [...(terminals.get(String(detail.requestId)) ?? []), detail]);
  }
  const requests = [...new Map(deliveries.filter((d) => d.sent.kind !== 'cancel' && d.sent.expected !== 'REJECTED').map((d) => [d.sent.requestId, d.sent])).values()];
  // Every distinct event that must be refused: bad requests and cancels that come too late.
  const refused = [...new Map(deliveries.filter((d) => d.sent.expected === 'REJECTED').map((d) => [d.eventId, d])).values()];
  const cancelled = new Set(deliveries.filter((d) => d.sent.kind === 'cancel' && d.sent.expected === 'APPLIES').map((d) => d.sent.requestId));
  const outcome: Outcome = { requests: requests.length + refused.length, lost: 0, doubled: 0, accountEventsDoubled: 0, awsSideDuplicates: 0, wrongStatus: 0, terminal: 0, rejected: 0, accountEvents: 0 };
  for (const request of requests) {
    const ends = terminals.get(request.requestId) ?? [];
    const expected = cancelled.has(request.requestId) ? 'CANCELLED' : request.expected;
    if (ends.length === 0) { outcome.lost++; problems.push(`${request.requestId}: no terminal event`); }
    if (ends.length > 1) { outcome.doubled++; problems.push(`${request.requestId}: ${ends.length} terminal events`); }
    if (ends.length > 0) outcome.terminal++;
    if (ends.some((d) => d.status !== expected)) { outcome.wrongStatus++; problems.push(`${request.requestId}: ${ends.map((d) => `${String(d.status)} ${String(d.errorCode ?? '')}`).join(', ')}, expected ${expected}`); }
  }
  for (const delivery of refused) {
    const n = rejections.get(delivery.eventId) ?? 0;
    if (n === 0) { outcome.lost++; problems.push(`${delivery.eventId}: no rejection`); }
    if (n > 1) { outcome.doubled++; problems.push(`${delivery.eventId}: ${n} rejections`); }
    if (n > 0) outcome.rejected++;
  }
  // Nothing else may be rejected: a good request, a resend or a cancel that applied never is.
  const unexpected = [...rejections.keys()].filter((id) => !refused.some((d) => d.eventId === id));
  if (unexpected.length > 0) { outcome.wrongStatus += unexpected.length; problems.push(`rejected although valid: ${unexpected.slice(0, 5).join(', ')}`); }

  const accountEvents = stack.emitted.filter((e) => e['detail-type'] === 'Portfolio Share Account Failed').map((e) => e.detail as { requestId: string; accountId: string });
  outcome.accountEvents = accountEvents.length;
  outcome.accountEventsDoubled = accountEvents.length - new Set(accountEvents.map((d) => `${d.requestId}/${d.accountId}`)).size;
  outcome.awsSideDuplicates = awsSideDuplicates(stack, requests, problems);

  const calls = stack.server.calls.map((c) => `${c.at.getTime()} ${c.service}.${c.operation} ${c.error ?? ''}`);
  const events = stack.events.map((e) => `${e.time} ${e['detail-type']} ${JSON.stringify(e.detail)}`);
  return {
    outcome,
    faults: [...stack.server.injected.values(), ...stack.crashes.values()].reduce((a, b) => a + b, 0) + stack.eventBridge.failedEntryCount,
    deadLetters: stack.deadLetters.length,
    virtualHours: Math.round(((stack.clock.nowMillis() - T0.getTime()) / 3_600_000) * 10) / 10,
    trace: createHash('sha256').update(calls.join('\n')).update(events.join('\n')).digest('hex').slice(0, 16),
    problems,
  };
}

/** Side effects done more than once for one request: resources, share actions, account shares, records, revision bumps. */
function awsSideDuplicates(stack: LocalStack, requests: Sent[], problems: string[]): number {
  let duplicates = 0;
  const creates = new Map<string, number>();
  for (const r of stack.cloudControl.requests.values()) if (r.operation === 'CREATE') creates.set(r.identifier ?? '', (creates.get(r.identifier ?? '') ?? 0) + 1);
  const shareActions = new Map<string, number>();
  for (const a of stack.serviceCatalog.actions.values()) shareActions.set(`${a.portfolioId}:${a.node.value}`, (shareActions.get(`${a.portfolioId}:${a.node.value}`) ?? 0) + 1);
  const accountShareCalls = new Map<string, number>();
  for (const c of stack.server.calls) {
    if (c.operation === 'CreatePortfolioShare' && c.applied && c.input.AccountId) {
      const key = `${String(c.input.PortfolioId)}:${String(c.input.AccountId)}`;
      accountShareCalls.set(key, (accountShareCalls.get(key) ?? 0) + 1);
    }
  }
  for (const r of requests) {
    const d = r.detail as Record<string, any>;
    const times =
      r.kind === 'resource' || r.kind === 'slow-resource' ? creates.get(r.requestId) ?? 0
      : r.kind === 'account-share' || r.kind === 'accept-on-behalf' ? accountShareCalls.get(`${d.portfolioId}:${d.accountId}`) ?? 0
      : r.kind === 'ou-share' ? shareActions.get(`${d.portfolioId}:${d.organizationNode.value}`) ?? 0
      : r.kind === 'product' ? [...stack.provisionedProducts.records.values()].filter((x) => x.productId === d.provisionedProductId && x.type === 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES').length
      : r.kind === 'pma' ? Number(stack.partnerCentral.accounts.get(d.identifier)!.revision) - 1
      : 0;
    if (times > 1) { duplicates++; problems.push(`${r.requestId}: done ${times} times on the AWS side`); }
  }
  return duplicates;
}

/** A scenario's runs on every seed, and the row the suite prints. */
export interface ScenarioResult {
  name: string;
  runs: Run[];
}

export function formatTable(title: string, results: ScenarioResult[]): string {
  const header = ['scenario', 'requests', 'faults (per seed)', 'terminal', 'rejected', 'lost', 'doubled', 'account events (doubled)', 'AWS-side duplicates', 'wrong status', 'same on seeds', 'virtual h', 'wall s'];
  const lines = results.map(({ name, runs }) => {
    const first = runs[0]!.outcome;
    const same = runs.every((r) => JSON.stringify(r.outcome) === JSON.stringify(first));
    return [
      name,
      String(first.requests),
      runs.map((r) => r.faults).join('/'),
      String(first.terminal),
      String(first.rejected),
      String(first.lost),
      String(first.doubled),
      `${first.accountEvents} (${first.accountEventsDoubled})`,
      String(first.awsSideDuplicates),
      String(first.wrongStatus),
      same ? `yes (${runs.length})` : 'NO',
      String(Math.max(...runs.map((r) => r.virtualHours))),
      (runs.reduce((a, r) => a + r.wallMs, 0) / 1000).toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [title, format(header), ...lines.map(format)].join('\n');
}

/** The promises, as one comparable value: nothing lost, doubled, repeated on the AWS side or ending wrong. */
export function promisesOf(outcome: Outcome) {
  return { lost: outcome.lost, doubled: outcome.doubled, accountEventsDoubled: outcome.accountEventsDoubled, awsSideDuplicates: outcome.awsSideDuplicates, wrongStatus: outcome.wrongStatus };
}
export const KEPT = { lost: 0, doubled: 0, accountEventsDoubled: 0, awsSideDuplicates: 0, wrongStatus: 0 };
