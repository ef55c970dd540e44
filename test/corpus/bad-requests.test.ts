/**
 * Hostile-input corpus, end to end on the local stack.
 *
 * Every entry of bad-requests/<workflow>.json (one file per workflow folder, each
 * with the requests of that workflow) is a malformed or hostile request event
 * (wrong types, missing and unknown fields, oversized strings and documents,
 * control characters, homoglyphs and bidi tricks, wrong-kind ARNs, patch
 * documents that are not RFC 6902, injection strings in strictly patterned
 * fields, a detail that is null, an array or a string). This proves that for
 * each of them Shepherd:
 *  - publishes exactly one `Request Rejected` event (matched on the event id),
 *    whose errors name the offending field and the rule it broke;
 *  - starts no Step Functions execution;
 *  - calls no AWS API but EventBridge PutEvents and the writes of its own
 *    rejection ledger in DynamoDB (the "reject once" record): no Cloud
 *    Control, Service Catalog, Partner Central or SQS call, and no Step
 *    Functions call at all, not even StartExecution.
 *
 * The events are injected as whole envelopes, so the oversized ones reach the
 * intake without tripping the 256 KB PutEvents limit first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiCall } from '../../local/emulators/aws-server';
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import type { LocalStack } from '../../local/harness/stack';
import { contracts, type EventContract } from '../../shared/contracts/events';
import { emittedOfType, rejections, startStack } from '../support/stack';

interface CorpusEntry {
  name: string;
  detailType: string;
  detail: unknown;
  /** `field` and `code` of one of the rejection's errors. */
  field: string;
  code: string;
}

/** Every workflow's cases: a new workflow adds its own file (at least 10 cases for each request it takes). */
const corpusDir = join(__dirname, 'bad-requests');
const corpus = readdirSync(corpusDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .flatMap((file) => JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as CorpusEntry[]);

const requestDetailTypes = Object.values(contracts as Record<string, EventContract>)
  .filter((c) => c.direction === 'request')
  .map((c) => c.detailType);

const eventIdOf = (index: number) => `corpus-${index}`;

const ledgerKeyOf = (call: ApiCall) => String(((call.input.Item ?? call.input.Key) as { key?: { S?: string } } | undefined)?.key?.S ?? '');

const envelopeOf = (entry: CorpusEntry, index: number): EventEnvelope => ({
  version: '0',
  id: eventIdOf(index),
  'detail-type': entry.detailType,
  source: 'platform.provisioning',
  account: '000000000000',
  time: '2026-11-25T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: entry.detail,
});

describe('the corpus itself', () => {
  it('has at least 100 cases, at least 10 for each request detail-type, and only request detail-types', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const counts = new Map<string, number>();
    for (const entry of corpus) counts.set(entry.detailType, (counts.get(entry.detailType) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...requestDetailTypes].sort());
    expect(requestDetailTypes.filter((t) => (counts.get(t) ?? 0) < 10)).toEqual([]);
  });

  it('names each case once', () => {
    const names = corpus.map((e) => `${e.detailType}: ${e.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

describe('every bad request, through the local stack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startStack();
    corpus.forEach((entry, index) => stack.inject(envelopeOf(entry, index)));
    await stack.settle();
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('gets exactly one Request Rejected event naming the field and the rule', () => {
    const byEventId = new Map<string, Array<Record<string, any>>>();
    for (const rejection of rejections(stack)) {
      byEventId.set(rejection.eventId, [...(byEventId.get(rejection.eventId) ?? []), rejection]);
    }
    const problems: string[] = [];
    corpus.forEach((entry, index) => {
      const label = `#${index} ${entry.detailType}: ${entry.name}`;
      const found = byEventId.get(eventIdOf(index)) ?? [];
      if (found.length !== 1) {
        problems.push(`${label}: ${found.length} rejections`);
        return;
      }
      const rejection = found[0]!;
      const errors = (rejection.errors as Array<{ field: string; code: string }>).map((e) => `${e.field}:${e.code}`);
      if (rejection.detailType !== entry.detailType) problems.push(`${label}: rejection names detail-type "${rejection.detailType}"`);
      if (!errors.includes(`${entry.field}:${entry.code}`)) problems.push(`${label}: expected ${entry.field}:${entry.code}, got ${errors.join(', ')}`);
    });
    expect(problems).toEqual([]);
    // Nothing else was rejected, and no request failed into the dead-letter queue instead.
    expect(rejections(stack)).toHaveLength(corpus.length);
    expect(stack.deadLetters.map((d) => `${d.envelope?.id}: ${d.error}`)).toEqual([]);
  });

  it('emits nothing but the rejections', () => {
    expect(stack.emitted).toHaveLength(emittedOfType(stack, 'Request Rejected').length);
  });

  it('starts no execution', () => {
    expect(stack.stepFunctions.executions.size).toBe(0);
  });

  it('calls no AWS API but EventBridge PutEvents and the rejection ledger', () => {
    const calls = stack.server.calls;
    const isPutEvents = (c: ApiCall) => c.service === 'AWSEvents' && c.operation === 'PutEvents';
    // The ledger claims a `rejected#…` key (IN_PROGRESS), then records it DONE: two PutItems per rejection.
    // A rejection that may end its request first claims the requestId (`request#…`: read, then claimed), so
    // the id has one terminal event. (The request queue's own calls — receive, delete — are Lambda's event
    // source mapping, not API calls Shepherd makes.)
    const isRejectionLedgerWrite = (c: ApiCall) =>
      c.service === 'DynamoDB_20120810' && c.operation === 'PutItem' && ledgerKeyOf(c).startsWith('rejected#');
    const isOwnerClaim = (c: ApiCall) =>
      c.service === 'DynamoDB_20120810' && ['GetItem', 'PutItem'].includes(c.operation) && ledgerKeyOf(c).startsWith('request#');
    const others = calls.filter((c) => !isPutEvents(c) && !isRejectionLedgerWrite(c) && !isOwnerClaim(c));
    expect(others.map((c) => `${c.service}.${c.operation}`)).toEqual([]);
    // A claim on an id another bad request claimed first fails its condition: that is how the ledger says "taken".
    const refusedClaim = (c: ApiCall) => isOwnerClaim(c) && c.error === 'ConditionalCheckFailedException';
    expect(calls.filter((c) => c.error && !refusedClaim(c)).map((c) => `${c.service}.${c.operation}: ${c.error}`)).toEqual([]);
    expect(calls.filter(isPutEvents)).toHaveLength(corpus.length);
    expect(new Set(calls.filter(isRejectionLedgerWrite).map(ledgerKeyOf)).size).toBe(corpus.length);
  });
});
