/**
 * The ledger's contract against the DynamoDB emulator, through the real
 * SDK client: once means once across retries and concurrent callers; a
 * failed attempt frees the key; a crashed caller's claim is taken over
 * when its lease runs out.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalStack } from '../../local/stack';
import { DynamoLedger, LEASE_SECONDS } from '../../shared/runtime/dynamo-ledger';
import { evaluateCondition } from '../../local/emulators/dynamodb';

let stack: LocalStack;
let client: DynamoDBClient;
let now = Date.parse('2026-11-25T09:00:00Z');
const clock = { now: () => new Date(now) };
const ledger = () => new DynamoLedger(client, stack.model.tableNames[0]!, clock);

beforeAll(async () => {
  stack = await LocalStack.start();
  client = new DynamoDBClient({ endpoint: stack.server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  client.destroy();
  await stack.stop();
});

it('runs the work once and hands later callers its result', async () => {
  let runs = 0;
  const work = async () => ++runs;
  expect(await ledger().once('k-once', work)).toEqual({ value: 1, firstTime: true });
  expect(await ledger().once('k-once', work)).toEqual({ value: 1, firstTime: false });
  expect(await ledger().lookup('k-once')).toEqual({ done: true, value: 1 });
  expect(runs).toBe(1);
});

it('tells a concurrent caller to come back later instead of doing the work too', async () => {
  let release!: () => void;
  const slow = ledger().once('k-busy', () => new Promise<string>((resolve) => (release = () => resolve('done'))));
  await new Promise((r) => setTimeout(r, 20));
  await expect(ledger().once('k-busy', async () => 'again')).rejects.toMatchObject({ name: 'TransientServiceError' });
  release();
  expect(await slow).toEqual({ value: 'done', firstTime: true });
});

it('frees the key when the work fails, so a retry runs it', async () => {
  await expect(ledger().once('k-fail', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(await ledger().once('k-fail', async () => 'second try')).toEqual({ value: 'second try', firstTime: true });
});

it("takes over a crashed caller's claim once its lease has run out", async () => {
  void ledger().once('k-crash', () => new Promise<never>(() => undefined)); // claims, then never finishes
  await new Promise((r) => setTimeout(r, 20));
  await expect(ledger().once('k-crash', async () => 'x')).rejects.toMatchObject({ name: 'TransientServiceError' });
  now += (LEASE_SECONDS + 1) * 1000;
  expect(await ledger().once('k-crash', async () => 'taken over')).toEqual({ value: 'taken over', firstTime: true });
});

it('evaluates the condition expressions the ledger writes', () => {
  const names = { '#key': 'key', '#state': 'state', '#leaseUntil': 'leaseUntil' };
  const values = { ':inProgress': { S: 'IN_PROGRESS' }, ':now': { N: '100' } };
  const expression = 'attribute_not_exists(#key) OR (#state = :inProgress AND #leaseUntil < :now)';
  expect(evaluateCondition(expression, { item: undefined, names, values })).toBe(true);
  expect(evaluateCondition(expression, { item: { key: { S: 'k' }, state: { S: 'DONE' } }, names, values })).toBe(false);
  expect(evaluateCondition(expression, { item: { key: { S: 'k' }, state: { S: 'IN_PROGRESS' }, leaseUntil: { N: '99' } }, names, values })).toBe(true);
  expect(evaluateCondition(expression, { item: { key: { S: 'k' }, state: { S: 'IN_PROGRESS' }, leaseUntil: { N: '101' } }, names, values })).toBe(false);
});

it('does not start work it could not finish and record before the invocation ends: the claim goes back', async () => {
  let remaining = 10_000;
  const short = new DynamoLedger(client, stack.model.tableNames[0]!, clock, undefined, () => remaining);
  let runs = 0;
  await expect(short.once('k-late', async () => ++runs)).rejects.toMatchObject({ name: 'TransientServiceError' });
  expect(runs).toBe(0);
  // The key is free at once: a fresh invocation does the work without waiting for a lease.
  remaining = 30_000;
  expect(await short.once('k-late', async () => ++runs)).toEqual({ value: 1, firstTime: true });
});

it('claims a key once: the first value stays, and a repeated claim (an answer lost on the way back) finds its own', async () => {
  const mine = { owner: 'event-1' };
  expect(await ledger().claim('k-claim', mine)).toEqual(mine);
  // The same claim again, as a retry after a lost answer would make it: it finds its own value.
  expect(await ledger().claim('k-claim', mine)).toEqual(mine);
  // Anyone else gets the first claimant's value, with no lease that could run out.
  now += (LEASE_SECONDS + 1) * 1000;
  expect(await ledger().claim('k-claim', { owner: 'event-2' })).toEqual(mine);
  expect(await ledger().lookup('k-claim')).toEqual({ done: true, value: mine });
});
