/**
 * Round 2 — Request Rejected and the requestId it may carry.
 *
 * Promised: a rejection carries `requestId` only when it ends that request (the
 * rejected event claimed the id); otherwise `namedRequestId`. One rejection per
 * event id; a resend (new event id) is answered too.
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { CANCEL, OTHER_PRODUCER, PRODUCER, RO, at, entry, rejections, start, terminalsFor } from './support';

const ID = 'contested-id';
const invalidA = () => entry('platform.provisioning', RO, { requestId: ID, operation: 'EXPLODE' });
const invalidB = () => entry('platform.catalog', RO, { requestId: ID, operation: 'CREATE', typeName: 'AWS::S3::Bucket' }); // no desiredState
const refusedRole = () =>
  entry('platform.catalog', RO, { requestId: ID, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: {}, roleArn: 'arn:aws:iam::000000000000:role/admin' });

const FAULTS: Array<[string, WorldInput['faults']]> = [
  ['no faults', []],
  ['the first PutItem throttled', [{ operation: 'PutItem', error: 'ThrottlingException', status: 400, times: 1 }]],
  ['the first two PutItems hang', [{ operation: 'PutItem', error: 'x', status: 500, times: 2, hang: true }]],
  ['GetItem 500 twice', [{ operation: 'GetItem', error: 'InternalServerError', status: 500, times: 2 }]],
  ['the publishing PutEvents 500 twice', [{ operation: 'PutEvents', error: 'InternalFailure', status: 500, times: 2 }]],
  ['DynamoDB 40 % 500s for a minute', [
    { operation: 'PutItem', error: 'InternalServerError', status: 500, untilSeconds: 60, rate: 0.4 },
    { operation: 'GetItem', error: 'InternalServerError', status: 500, untilSeconds: 60, rate: 0.4 },
  ]],
];

describe('two rejections racing for one requestId', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  const pairs: Array<[string, () => ReturnType<typeof entry>, () => ReturnType<typeof entry>]> = [
    ['two invalid requests', invalidA, invalidB],
    ['an invalid request and a refused role', invalidA, refusedRole],
  ];
  const cases = pairs.flatMap(([p, a, b]) => FAULTS.map(([f, faults]) => [`${p}, ${f}`, a, b, faults] as const));

  it.each(cases)('%s: exactly one carries requestId, the other names it', async (_name, a, b, faults) => {
    stack = await start({ world: { faults } as Partial<WorldInput> });
    await Promise.all([stack.putEvents([a()], { as: PRODUCER }), stack.putEvents([b()], { as: OTHER_PRODUCER })]);
    await stack.settle();
    const refused = rejections(stack);
    expect(refused).toHaveLength(2);
    expect(refused.filter((r) => r.requestId === ID)).toHaveLength(1);
    expect(refused.filter((r) => r.requestId === undefined && r.namedRequestId === ID)).toHaveLength(1);
    expect(terminalsFor(stack, ID)).toHaveLength(1);
  });

  it('both in ONE PutEvents batch from one sender: exactly one carries requestId', async () => {
    stack = await start();
    await stack.putEvents([invalidA(), { ...invalidB(), Source: 'platform.provisioning' }]);
    await stack.settle();
    expect(rejections(stack).filter((r) => r.requestId === ID)).toHaveLength(1);
    expect(rejections(stack)).toHaveLength(2);
  });

  it('ten invalid events from two senders in the same instant: exactly one carries requestId', async () => {
    stack = await start({ world: { faults: [{ operation: 'PutItem', error: 'ThrottlingException', status: 400, untilSeconds: 5, rate: 0.5 }] } as Partial<WorldInput> });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stack.putEvents([entry(i % 2 ? 'platform.catalog' : 'platform.provisioning', RO, { requestId: ID, operation: `X${i}` })], { as: i % 2 ? OTHER_PRODUCER : PRODUCER }),
      ),
    );
    await stack.settle();
    expect(rejections(stack)).toHaveLength(10);
    expect(rejections(stack).filter((r) => r.requestId === ID)).toHaveLength(1);
  });
});

describe('the same invalid event redelivered', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it.each(FAULTS.filter(([name]) => !name.includes('PutEvents')))('redelivered at once, after 5 s and after 10 min (%s): one rejection, carrying requestId', async (_name, faults) => {
    stack = await start({ world: { faults } as Partial<WorldInput> });
    await stack.putEvents([invalidA()]);
    const original = structuredClone(stack.events.find((e) => e['detail-type'] === RO)!) as EventEnvelope;
    stack.inject(structuredClone(original));
    stack.inject(structuredClone(original));
    at(stack, 5, async () => stack.inject(structuredClone(original)));
    at(stack, 600, async () => stack.inject(structuredClone(original)));
    await stack.settle();
    expect(rejections(stack)).toHaveLength(1);
    expect(rejections(stack)[0]).toMatchObject({ requestId: ID, eventId: original.id });
  });

  it('a redelivery of the losing event of a race stays "names"', async () => {
    stack = await start();
    await stack.putEvents([invalidA()]);
    at(stack, 2, () => stack.putEvents([invalidB()], { as: OTHER_PRODUCER }));
    at(stack, 30, async () => stack.inject(structuredClone(stack.events.find((e) => e.source === 'platform.catalog')!) as EventEnvelope));
    await stack.settle();
    expect(rejections(stack).map((r) => [r.source, r.requestId ?? null])).toEqual([['platform.provisioning', ID], ['platform.catalog', null]]);
  });

  it('a resend of the same invalid request (new event id) is answered again, naming the id only', async () => {
    stack = await start();
    await stack.putEvents([invalidA()]);
    at(stack, 10, () => stack.putEvents([invalidA()]));
    await stack.settle();
    expect(rejections(stack).map((r) => r.requestId ?? `names:${r.namedRequestId}`)).toEqual([ID, `names:${ID}`]);
  });
});

describe('rejections that must never claim an id', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it('an invalid cancel naming an unclaimed id does not use the id up: a later request under it runs', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.provisioning', CANCEL, { requestId: ID, extra: true })]);
    at(stack, 5, () => stack.putEvents([entry('platform.provisioning', RO, { requestId: ID, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'x' } })]));
    await stack.settle();
    expect(rejections(stack).map((r) => [r.requestId ?? null, r.namedRequestId])).toEqual([[null, ID]]);
    expect(terminalsFor(stack, ID).map((t) => `${t.kind}:${t.status}`)).toEqual(['Resource Operation Completed:SUCCEEDED']);
  });

  it('a cancel that waited 5 minutes for an unknown id (not_found) does not use the id up', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.catalog', CANCEL, { requestId: ID })], { as: OTHER_PRODUCER });
    at(stack, 1_200, () => stack.putEvents([entry('platform.provisioning', RO, { requestId: ID, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'x' } })]));
    await stack.settle();
    expect(rejections(stack).map((r) => [r.requestId ?? null, r.errors[0].code])).toEqual([[null, 'not_found']]);
    expect(terminalsFor(stack, ID).map((t) => `${t.kind}:${t.status}`)).toEqual(['Resource Operation Completed:SUCCEEDED']);
  });

  it('an event with an unusable requestId (invalid characters) never carries it', async () => {
    stack = await start();
    for (const bad of ['has space', 'a'.repeat(81), '-leading', 'ünïcode', '']) {
      await stack.putEvents([entry('platform.provisioning', RO, { requestId: bad, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: {} })]);
    }
    await stack.settle();
    expect(rejections(stack)).toHaveLength(5);
    expect(rejections(stack).every((r) => r.requestId === undefined)).toBe(true);
  });
});
