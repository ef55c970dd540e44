/**
 * The durable intake on the local stack: requests wait in the request queue
 * through outages of StartExecution, DynamoDB and Lambda itself, and come out
 * of the dead-letter queue through `redriveDeadLetters` — each handled once.
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, completions, emittedOfType, rejections, startStack } from '../support/stack';

jest.setTimeout(120_000);

const REQUEST_QUEUE = 'shepherd-local-requests';
const REQUEST_DLQ = 'shepherd-local-requests-dead-letters';
const HOUR = 3600;

const bucketWorld = (more: WorldInput = {}): WorldInput => ({
  cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 60, retryAfterSeconds: 10 } } },
  ...more,
});
const bucket = (requestId: string) => ({ requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId } });
const envelopeOf = (id: string, detail: unknown, detailType = 'Resource Operation Requested'): EventEnvelope => ({
  version: '0', id, 'detail-type': detailType, source: 'platform.provisioning', account: '000000000000',
  time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail,
});

/** A share to an OU of 30 accounts that all fail, with every entry refused through three rounds of five tries: all 30 account events are parked. */
const parkingWorld = (more: WorldInput = {}): WorldInput => ({
  serviceCatalog: {
    organization: { units: [{ id: 'ou-wk01-workloads', accounts: 30 }] },
    portfolios: ['port-2abcdext3y5fk'],
    shares: { accountFailures: [{ rate: 1, error: 'AccessDenied' }] },
  },
  eventBridge: { failEntries: { times: 30 * 5 * 3 } },
  ...more,
});
const ouShare = (requestId: string) =>
  envelopeOf(`evt-${requestId}`, { requestId, operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' } }, 'Portfolio Share Requested');

/** Terminal events (completions and rejections) per requestId or event id. */
function terminalCounts(stack: LocalStack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of completions(stack)) counts.set(c.requestId, (counts.get(c.requestId) ?? 0) + 1);
  for (const r of rejections(stack)) counts.set(`rejected:${r.eventId}`, (counts.get(`rejected:${r.eventId}`) ?? 0) + 1);
  return counts;
}

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('outages the requests wait out in the queue', () => {
  it.each([
    ['StartExecution answers 503 for two hours', { faults: [{ operation: 'StartExecution', error: 'ServiceUnavailable', status: 503, untilSeconds: 2 * HOUR }] }],
    ['the ledger (DynamoDB) is throttled for two hours', { faults: [{ operation: 'PutItem', error: 'ProvisionedThroughputExceededException', untilSeconds: 2 * HOUR }, { operation: 'GetItem', error: 'ThrottlingException', untilSeconds: 2 * HOUR }] }],
    ['Lambda refuses to invoke the intake for two hours', { lambdaFaults: [{ function: 'ingestRequests', fault: 'unavailable' as const, untilSeconds: 2 * HOUR }] }],
    ['the intake hangs past its timeout for two hours', { lambdaFaults: [{ function: 'ingestRequests', fault: 'hang' as const, when: 'before' as const, untilSeconds: 2 * HOUR }] }],
  ])('%s: every request and every rejection goes out once, after', async (_name, faults) => {
    stack = await startStack(bucketWorld(faults as WorldInput));
    for (let i = 0; i < 5; i++) stack.inject(envelopeOf(`evt-good-${i}`, bucket(`outage-${i}`)));
    for (let i = 0; i < 3; i++) stack.inject(envelopeOf(`evt-bad-${i}`, { operation: 'UPSERT', typeName: 'AWS::S3::Bucket' }));
    await stack.settle();

    expect(completions(stack).map((c) => [c.requestId, c.status]).sort()).toEqual([0, 1, 2, 3, 4].map((i) => [`outage-${i}`, 'SUCCEEDED']));
    expect(rejections(stack).map((r) => r.eventId).sort()).toEqual(['evt-bad-0', 'evt-bad-1', 'evt-bad-2']);
    expect([...terminalCounts(stack).values()].every((n) => n === 1)).toBe(true);
    expect(callsTo(stack, 'CreateResource').filter((c) => !c.error)).toHaveLength(5);
    expect(stack.deadLetters).toEqual([]);
    // Nothing was handled before the outage ended, so the requests really waited.
    const firstStart = callsTo(stack, 'StartExecution').find((c) => !c.error)!;
    expect(firstStart.at.getTime() - T0.getTime()).toBeGreaterThanOrEqual(2 * HOUR * 1000);
    expect(stack.sqs.messagesIn(REQUEST_QUEUE)).toEqual([]);
  });
});

describe('outages longer than the queue keeps trying', () => {
  it('dead-letters the requests after 1,000 tries, and a redrive starts each once — twice run, nothing doubles', async () => {
    // StartExecution is down for 11 days: the intake backs off to 15 minutes and gives up after about eight days.
    stack = await startStack(bucketWorld({ faults: [{ operation: 'StartExecution', error: 'ServiceUnavailable', status: 503, untilSeconds: 11 * 24 * HOUR }] }));
    for (let i = 0; i < 3; i++) stack.inject(envelopeOf(`evt-long-${i}`, bucket(`long-${i}`)));
    await stack.settle();
    expect(completions(stack)).toEqual([]);
    expect(stack.sqs.messagesIn(REQUEST_DLQ)).toHaveLength(3);
    expect(stack.deadLetters.map((d) => [d.queueName, d.envelope?.id]).sort()).toEqual([0, 1, 2].map((i) => [REQUEST_DLQ, `evt-long-${i}`]));

    // The operator redrives once the outage is over; a copy of one dead letter shows a redrive is idempotent too.
    stack.clock.setTimeout(() => undefined, 11 * 24 * HOUR * 1000 - (stack.clock.nowMillis() - T0.getTime()));
    await stack.settle();
    stack.sqs.enqueue(REQUEST_DLQ, JSON.stringify(envelopeOf('evt-long-0', bucket('long-0'))));
    const summary = await stack.invoke('redriveDeadLetters', {});
    expect(summary).toMatchObject({ requeued: 4, left: 0, more: false });
    await stack.settle();
    await expect(stack.invoke('redriveDeadLetters', {})).resolves.toMatchObject({ requeued: 0, republished: 0, rescued: 0 });
    await stack.settle();

    expect(completions(stack).map((c) => [c.requestId, c.status]).sort()).toEqual([0, 1, 2].map((i) => [`long-${i}`, 'SUCCEEDED']));
    expect(callsTo(stack, 'CreateResource').filter((c) => !c.error)).toHaveLength(3);
    expect(rejections(stack)).toEqual([]);
  });

  it('replays account events EventBridge kept refusing, each once, however often the redrive runs', async () => {
    stack = await startStack(parkingWorld());
    stack.inject(ouShare('share-parked'));
    await stack.settle();
    const [completion] = emittedOfType(stack, 'Portfolio Share Completed').map((e) => e.detail as Record<string, number>);
    expect(completion).toMatchObject({ failedAccounts: 30, accountEventsNotDelivered: 30 });
    expect(emittedOfType(stack, 'Portfolio Share Account Failed')).toEqual([]);

    expect(await stack.invoke('redriveDeadLetters', {})).toMatchObject({ republished: 1, left: 0 });
    expect(await stack.invoke('redriveDeadLetters', {})).toMatchObject({ republished: 0, left: 0 });
    await stack.settle();
    const accounts = emittedOfType(stack, 'Portfolio Share Account Failed').map((e) => (e.detail as { accountId: string }).accountId);
    expect(accounts).toHaveLength(30);
    expect(new Set(accounts).size).toBe(30);
  });
});

it('a redrive during an outage counts what it could not do, keeps it, and a later run finishes it — each event once', async () => {
  // PutEvents is down between hour 1 and hour 2: the operator's first redrive meets it.
  stack = await startStack(parkingWorld({ faults: [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, fromSeconds: HOUR, untilSeconds: 2 * HOUR }] }));
  stack.inject(ouShare('share-later'));
  await stack.settle();
  stack.clock.setTimeout(() => undefined, HOUR * 1000 + 60_000 - (stack.clock.nowMillis() - T0.getTime()));
  await stack.settle();
  const runs: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 20; i++) {
    const summary = (await stack.invoke('redriveDeadLetters', {})) as Record<string, unknown>;
    runs.push(summary);
    await stack.settle();
    if (!summary.more) break;
    stack.clock.setTimeout(() => undefined, 15 * 60 * 1000); // the operator tries again a quarter of an hour later
    await stack.settle();
  }
  expect(runs.some((r) => Number(r.failed) > 0)).toBe(true);
  expect(runs.at(-1)).toMatchObject({ more: false, failed: 0 });
  const accounts = emittedOfType(stack, 'Portfolio Share Account Failed').map((e) => (e.detail as { accountId: string }).accountId);
  expect(accounts).toHaveLength(30);
  expect(new Set(accounts).size).toBe(30);
});

describe('what the intake meets on the queue', () => {
  it('parks a message that is not an event in the request dead-letter queue, and goes on', async () => {
    stack = await startStack(bucketWorld());
    stack.sqs.enqueue(REQUEST_QUEUE, 'not json at all');
    stack.sqs.enqueue(REQUEST_QUEUE, JSON.stringify({ hello: 'world' }));
    stack.inject(envelopeOf('evt-fine', bucket('fine-1')));
    await stack.settle();
    expect(completions(stack).map((c) => c.status)).toEqual(['SUCCEEDED']);
    expect(stack.sqs.messagesIn(REQUEST_DLQ).map((m) => [m.body, m.attributes.reason])).toEqual([
      ['not json at all', 'the message body is not JSON'],
      ['{"hello":"world"}', 'the message is not an EventBridge event: "id" is not a string'],
    ]);
  });

  it('answers an envelope whose time is not a date, and one whose fields are hostile values', async () => {
    stack = await startStack(bucketWorld());
    stack.inject({ ...envelopeOf('evt-bad-time', bucket('bad-time-1')), time: 'yesterday' });
    stack.sqs.enqueue(REQUEST_QUEUE, `{"version":"0","id":"evt-hostile","detail-type":"Resource Operation Requested","source":"platform.provisioning","account":"000000000000","time":"2026-11-25T09:00:00Z","region":"us-east-1","resources":[],"detail":{"requestId":${'['.repeat(20000)}${']'.repeat(20000)},"operation":"CREATE"}}`);
    await stack.settle();
    expect(completions(stack).map((c) => [c.requestId, c.status, c.requestedAt])).toEqual([['bad-time-1', 'SUCCEEDED', T0.toISOString()]]);
    expect(rejections(stack).map((r) => [r.eventId, r.errors[0].field, r.errors[0].code])).toEqual([['evt-hostile', 'requestId', 'too_deep']]);
    expect(stack.deadLetters).toEqual([]);
  });
});

describe('one requestId, one request', () => {
  it('the same requestId sent as five kinds at once: one execution, one terminal event, four rejections', async () => {
    stack = await startStack(bucketWorld({
      serviceCatalog: { portfolios: ['port-2abcdext3y5fk'], provisionedProducts: { 'pp-sameid000001': { owner: 'arn:aws:iam::000000000000:user/alice' } } },
      partnerCentral: { programManagementAccounts: [{ catalog: 'AWS', id: 'pma-sameid0000001', displayName: 'Old' }] },
    }));
    const id = 'same-id-1';
    const kinds: Array<[string, Record<string, unknown>]> = [
      ['Resource Operation Requested', bucket(id)],
      ['Portfolio Share Requested', { requestId: id, operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: '123456789012' }],
      ['Organizations Access Change Requested', { requestId: id, enable: true }],
      ['Provisioned Product Properties Update Requested', { requestId: id, provisionedProductId: 'pp-sameid000001', properties: { OWNER: 'arn:aws:iam::000000000000:user/bob' } }],
      ['Program Management Account Update Requested', { requestId: id, catalog: 'AWS', identifier: 'pma-sameid0000001', displayName: 'New' }],
    ];
    kinds.forEach(([detailType, detail], i) => stack.inject(envelopeOf(`evt-kind-${i}`, detail, detailType)));
    await stack.settle();
    expect(stack.stepFunctions.executions.size).toBe(1);
    const terminals = stack.emitted.filter((e) => e['detail-type'] !== 'Request Rejected' && (e.detail as { requestId?: string }).requestId === id);
    expect(terminals).toHaveLength(1);
    expect(rejections(stack).map((r) => r.errors[0].code)).toEqual(['conflict', 'conflict', 'conflict', 'conflict']);
  });
});

describe('cancels that come before their request', () => {
  it('waits for the request instead of rejecting the cancel, then cancels it', async () => {
    stack = await startStack(bucketWorld({ cloudControl: { resourceTypes: { 'AWS::S3::Bucket': { primaryIdentifier: 'BucketName', durationSeconds: 600 } } } }));
    stack.inject(envelopeOf('evt-cancel-early', { requestId: 'early-1' }, 'Resource Operation Cancel Requested'));
    stack.clock.setTimeout(() => stack.inject(envelopeOf('evt-early', bucket('early-1'))), 60_000);
    await stack.settle();
    expect(rejections(stack)).toEqual([]);
    expect(completions(stack).map((c) => [c.requestId, c.status])).toEqual([['early-1', 'CANCELLED']]);
  });

  it('rejects a cancel for a request nobody sends, once its patience runs out', async () => {
    stack = await startStack(bucketWorld());
    stack.inject(envelopeOf('evt-cancel-ghost', { requestId: 'ghost-1' }, 'Resource Operation Cancel Requested'));
    await stack.settle();
    expect(rejections(stack).map((r) => [r.eventId, r.errors[0].code])).toEqual([['evt-cancel-ghost', 'not_found']]);
    // It waited about five minutes (virtual) for the request to turn up.
    const rejectedAt = stack.events.find((e) => e['detail-type'] === 'Request Rejected')!.time;
    expect(Date.parse(rejectedAt) - T0.getTime()).toBeGreaterThanOrEqual(5 * 60 * 1000);
  });

  it('answers two early cancels of the same request each once, and a resent one too', async () => {
    stack = await startStack(bucketWorld());
    stack.inject(envelopeOf('evt-c1', { requestId: 'ghost-2' }, 'Resource Operation Cancel Requested'));
    stack.clock.setTimeout(() => stack.inject(envelopeOf('evt-c2', { requestId: 'ghost-2' }, 'Resource Operation Cancel Requested')), 10);
    stack.clock.setTimeout(() => stack.inject(envelopeOf('evt-c1', { requestId: 'ghost-2' }, 'Resource Operation Cancel Requested')), 20);
    await stack.settle();
    expect(rejections(stack).map((r) => r.eventId).sort()).toEqual(['evt-c1', 'evt-c2']);
  });
});

describe('what EventBridge takes that the queue does not', () => {
  it('a detail nested 100,000 deep through PutEvents is refused once, by the intake', async () => {
    stack = await startStack(bucketWorld());
    const detail = `{"requestId":"deep-1","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const response = await stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: detail }]);
    expect(response.FailedEntryCount).toBe(0);
    await stack.settle();
    expect(rejections(stack).map((r) => [r.requestId, r.errors[0].field, r.errors[0].code])).toEqual([['deep-1', 'desiredState', 'too_deep']]);
  });

  it('a detail holding U+FFFF reaches no queue: SQS refuses the character, and the local stack says the event is lost', async () => {
    // JSON and EventBridge take U+FFFE/U+FFFF; SQS bodies may not hold them (SendMessage: "Invalid characters
    // found"), nor may the rule's dead-letter queue. A known limit, stated in the README.
    stack = await startStack(bucketWorld());
    const response = await stack.putEvents([{ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: JSON.stringify({ ...bucket('ffff-1'), desiredState: { BucketName: 'b', Note: '\uffff' } }) }]);
    expect(response.FailedEntryCount).toBe(0);
    await stack.settle();
    expect(completions(stack)).toEqual([]);
    expect(stack.deadLetters.map((d) => d.error)).toEqual([expect.stringContaining('the event is lost')]);
  });

  it('a redrive leaves a message that is not an event for a person, and ends', async () => {
    stack = await startStack(bucketWorld());
    stack.sqs.enqueue(REQUEST_QUEUE, JSON.stringify({ ...envelopeOf('x', bucket('x')), id: 12345 }));
    await stack.settle();
    expect(stack.sqs.messagesIn(REQUEST_DLQ)).toHaveLength(1);
    await expect(stack.invoke('redriveDeadLetters', {})).resolves.toMatchObject({ requeued: 0, left: 1, more: false });
    await stack.settle();
    expect(stack.sqs.messagesIn(REQUEST_DLQ)).toHaveLength(1);
  });
});
