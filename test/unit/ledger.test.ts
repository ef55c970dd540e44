/**
 * The ledger's contract through the real SDK client, against two DynamoDBs:
 * the in-house emulator the local stack runs (local/emulators/dynamodb.ts)
 * and dynalite, a second implementation, with the table's key schema taken
 * from serverless.yml. Once means once across retries and concurrent
 * callers; a failed attempt frees the key; a crashed caller's claim is taken
 * over when its lease runs out; a claim stays its first claimant's.
 *
 * Below the ledger, the condition expressions and keys it relies on are
 * checked one by one on both; where either differs from DynamoDB, the
 * difference is listed with the reason.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DeleteItemCommandInput,
  type GetItemCommandInput,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { evaluateCondition } from '../../local/emulators/dynamodb';
import { LocalStack } from '../../local/harness/stack';
import { DynamoLedger, LEASE_SECONDS } from '../../shared/runtime/dynamo-ledger';
import { startDynalite, tableDefinition } from '../support/dynalite';

type BackendName = 'in-house emulator' | 'dynalite';
interface Backend {
  client: DynamoDBClient;
  table: string;
  stop(): Promise<void>;
}

const backends: Array<[BackendName, () => Promise<Backend>]> = [
  [
    'in-house emulator',
    async () => {
      const stack = await LocalStack.start();
      const client = new DynamoDBClient({ endpoint: stack.server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      return {
        client,
        table: stack.model.tableNames[0]!,
        stop: async () => {
          client.destroy();
          await stack.stop();
        },
      };
    },
  ],
  [
    'dynalite',
    async () => {
      const table = 'shepherd-test-ledger';
      const server = await startDynalite([tableDefinition('LedgerTable', table)]);
      return { client: server.client, table, stop: server.stop };
    },
  ],
];

const T0 = Date.parse('2026-11-25T09:00:00Z');

/** Resolves when the work starts, which is only after the claim is written. */
function signal(): { started: Promise<void>; start: () => void } {
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  return { started, start };
}

describe.each(backends)('the ledger on %s', (_name, startBackend) => {
  let backend: Backend;
  // The virtual clock the ledger's leases run on; the tests move it.
  let now = T0;
  const clock = { now: () => new Date(now) };
  const ledger = () => new DynamoLedger(backend.client, backend.table, clock);

  beforeAll(async () => {
    backend = await startBackend();
    now = T0;
  });
  afterAll(async () => {
    await backend?.stop();
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
    const { started, start } = signal();
    const slow = ledger().once('k-busy', () => {
      start();
      return new Promise<string>((resolve) => (release = () => resolve('done')));
    });
    await started;
    await expect(ledger().once('k-busy', async () => 'again')).rejects.toMatchObject({ name: 'TransientServiceError' });
    release();
    expect(await slow).toEqual({ value: 'done', firstTime: true });
  });

  it('frees the key when the work fails, so a retry runs it', async () => {
    await expect(ledger().once('k-fail', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await ledger().once('k-fail', async () => 'second try')).toEqual({ value: 'second try', firstTime: true });
  });

  it("takes over a crashed caller's claim once its lease has run out, not a second before", async () => {
    const { started, start } = signal();
    void ledger().once('k-crash', () => {
      start();
      return new Promise<never>(() => undefined); // claims, then never finishes
    });
    await started;
    await expect(ledger().once('k-crash', async () => 'x')).rejects.toMatchObject({ name: 'TransientServiceError' });
    // leaseUntil < now: at the lease's last second it still holds.
    now += LEASE_SECONDS * 1000;
    await expect(ledger().once('k-crash', async () => 'x')).rejects.toMatchObject({ name: 'TransientServiceError' });
    now += 1000;
    expect(await ledger().once('k-crash', async () => 'taken over')).toEqual({ value: 'taken over', firstTime: true });
  });

  it('never takes over a finished record, however old', async () => {
    await ledger().once('k-done', async () => 'first');
    now += (LEASE_SECONDS + 1) * 1000;
    expect(await ledger().once('k-done', async () => 'again')).toEqual({ value: 'first', firstTime: false });
  });

  it('does not start work it could not finish and record before the invocation ends: the claim goes back', async () => {
    let remaining = 10_000;
    const short = new DynamoLedger(backend.client, backend.table, clock, undefined, () => remaining);
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

  it('keeps the latest mark, whatever order the marks arrive in', async () => {
    await ledger().mark('k-mark', 'second', 2_000);
    await ledger().mark('k-mark', 'first', 1_000); // older: refused by the condition, silently
    expect(await ledger().lookup('k-mark')).toEqual({ done: true, value: 'second' });
    await ledger().mark('k-mark', 'third', 10_000); // 10000 > 2000 as numbers, not as strings
    expect(await ledger().lookup('k-mark')).toEqual({ done: true, value: 'third' });
  });
});

it('the in-house emulator evaluates the condition expressions the ledger writes', () => {
  const names = { '#key': 'key', '#state': 'state', '#leaseUntil': 'leaseUntil' };
  const values = { ':inProgress': { S: 'IN_PROGRESS' }, ':now': { N: '100' } };
  const expression = 'attribute_not_exists(#key) OR (#state = :inProgress AND #leaseUntil < :now)';
  expect(evaluateCondition(expression, { item: undefined, names, values })).toBe(true);
  expect(evaluateCondition(expression, { item: { key: { S: 'k' }, state: { S: 'DONE' } }, names, values })).toBe(false);
  expect(evaluateCondition(expression, { item: { key: { S: 'k' }, state: { S: 'IN_PROGRESS' }, leaseUntil: { N: '99' } }, names, values })).toBe(true);
  expect(evaluateCondition(expression, { item: { key: { S: 'k' }, state: { S: 'IN_PROGRESS' }, leaseUntil: { N: '101' } }, names, values })).toBe(false);
});

// ---- What the ledger relies on, one request at a time ----

type Outcome = 'ok' | 'ConditionalCheckFailedException' | 'ValidationException' | 'ResourceNotFoundException';
interface Probe {
  name: string;
  /** The item stored under the probe's key first (none: the key is free). */
  item?: Record<string, AttributeValue>;
  /** The request: a conditional PutItem by default. */
  request: { put: Partial<PutItemCommandInput> } | { get: Partial<GetItemCommandInput> } | { delete: Partial<DeleteItemCommandInput> };
  /** What DynamoDB answers, and where that is stated. */
  dynamodb: Outcome;
  source: string;
  /** Backends known to answer otherwise, and why. */
  deviations?: Partial<Record<BackendName, string>>;
}

const PROBE_KEY = { key: { S: 'probe' } };
const inProgress = (leaseUntil: AttributeValue) => ({ ...PROBE_KEY, state: { S: 'IN_PROGRESS' }, leaseUntil });
const ledgerClaim = (now: string): Partial<PutItemCommandInput> => ({
  ConditionExpression: 'attribute_not_exists(#key) OR (#state = :inProgress AND #leaseUntil < :now)',
  ExpressionAttributeNames: { '#key': 'key', '#state': 'state', '#leaseUntil': 'leaseUntil' },
  ExpressionAttributeValues: { ':inProgress': { S: 'IN_PROGRESS' }, ':now': { N: now } },
});
const compare = (expression: string, names: Record<string, string>, values: Record<string, AttributeValue>): Partial<PutItemCommandInput> => ({
  ConditionExpression: expression,
  ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
  ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
});

const API = 'DynamoDB API reference';
const GUIDE = 'DynamoDB Developer Guide';
const probes: Probe[] = [
  { name: "the ledger's claim on a free key", request: { put: ledgerClaim('100') }, dynamodb: 'ok', source: `${API}, ConditionExpression: attribute_not_exists` },
  { name: "the ledger's claim on a DONE record", item: { ...PROBE_KEY, state: { S: 'DONE' } }, request: { put: ledgerClaim('100') }, dynamodb: 'ConditionalCheckFailedException', source: `${API}, PutItem` },
  { name: "the ledger's claim on an expired lease", item: inProgress({ N: '99' }), request: { put: ledgerClaim('100') }, dynamodb: 'ok', source: `${API}, ConditionExpression` },
  { name: "the ledger's claim on a lease ending now", item: inProgress({ N: '100' }), request: { put: ledgerClaim('100') }, dynamodb: 'ConditionalCheckFailedException', source: `${API}, ConditionExpression (a < b)` },
  { name: 'numbers compare as numbers, not strings (99 < 100)', item: inProgress({ N: '99' }), request: { put: compare('#l < :v', { '#l': 'leaseUntil' }, { ':v': { N: '100' } }) }, dynamodb: 'ok', source: `${API}, Condition: "For type Number, value comparisons are numeric"` },
  {
    name: 'a string never compares to a number ({"S":"99"} < {"N":"100"})',
    item: inProgress({ S: '99' }),
    request: { put: ledgerClaim('100') },
    dynamodb: 'ConditionalCheckFailedException',
    source: `${API}, Condition (LT): an AttributeValue of a different type does not match; {"S":"6"} does not equal {"N":"6"}`,
  },
  {
    name: 'numbers compare exactly to 38 digits',
    item: { ...PROBE_KEY, big: { N: '12345678901234567890123' } },
    request: { put: compare('#b = :v', { '#b': 'big' }, { ':v': { N: '12345678901234567890124' } }) },
    dynamodb: 'ConditionalCheckFailedException',
    source: `${GUIDE}, Data types: numbers have up to 38 digits of precision`,
  },
  { name: 'the same number spelled differently is equal (99 = 99.0)', item: inProgress({ N: '99' }), request: { put: compare('#l = :v', { '#l': 'leaseUntil' }, { ':v': { N: '99.0' } }) }, dynamodb: 'ok', source: `${API}, Condition: number comparisons are numeric` },
  { name: 'a comparison with a missing attribute does not hold', request: { put: compare('#m < :v', { '#m': 'missing' }, { ':v': { N: '1' } }) }, dynamodb: 'ConditionalCheckFailedException', source: `${API}, ConditionExpression` },
  {
    name: '<> holds for a missing attribute',
    request: { put: compare('#m <> :v', { '#m': 'missing' }, { ':v': { N: '1' } }) },
    dynamodb: 'ok',
    source: 'observed DynamoDB behaviour (dynalite follows it); not stated in the reference',
  },
  { name: 'NOT', item: PROBE_KEY, request: { put: compare('NOT attribute_not_exists(#key)', { '#key': 'key' }, {}) }, dynamodb: 'ok', source: `${API}, ConditionExpression: logical operators AND | OR | NOT` },
  { name: 'AND and OR in lower case', item: PROBE_KEY, request: { put: compare('attribute_exists(#key) and (attribute_exists(#key) or attribute_not_exists(#key))', { '#key': 'key' }, {}) }, dynamodb: 'ok', source: `${GUIDE}, Reserved words (case-insensitive)` },
  {
    name: 'strings order by their UTF-8 bytes (U+FFFF < U+1F600)',
    request: { put: compare(':a < :b', {}, { ':a': { S: '\uffff' }, ':b': { S: '\u{1f600}' } }) },
    dynamodb: 'ok',
    source: `${GUIDE}, Data types: strings are compared by the bytes of their UTF-8 encoding`,
    deviations: { dynalite: 'compares JavaScript strings (UTF-16 code units), so a character above U+FFFF sorts below U+E000–U+FFFF' },
  },
  { name: 'a placeholder name that is not defined', request: { put: compare('attribute_not_exists(#nope)', {}, {}) }, dynamodb: 'ValidationException', source: 'DynamoDB: "An expression attribute name used in the document path is not defined"' },
  { name: 'a placeholder value that is not defined', item: PROBE_KEY, request: { put: compare('#key = :nope', { '#key': 'key' }, {}) }, dynamodb: 'ValidationException', source: 'DynamoDB: "An expression attribute value used in expression is not defined"' },
  { name: 'an unused attribute name', request: { put: compare('attribute_not_exists(#key)', { '#key': 'key', '#extra': 'x' }, {}) }, dynamodb: 'ValidationException', source: 'DynamoDB: "Value provided in ExpressionAttributeNames unused in expressions"' },
  { name: 'an unused attribute value', request: { put: compare('attribute_not_exists(#key)', { '#key': 'key' }, { ':x': { S: 'y' } }) }, dynamodb: 'ValidationException', source: 'DynamoDB: "Value provided in ExpressionAttributeValues unused in expressions"' },
  { name: 'values without a condition', request: { put: { ExpressionAttributeValues: { ':x': { S: 'y' } } } }, dynamodb: 'ValidationException', source: 'DynamoDB: "ExpressionAttributeValues can only be specified when using expressions"' },
  { name: 'a syntax error', request: { put: compare('attribute_not_exists(#key', { '#key': 'key' }, {}) }, dynamodb: 'ValidationException', source: 'DynamoDB: "Invalid ConditionExpression: Syntax error"' },
  { name: 'trailing tokens', request: { put: compare('attribute_not_exists(#key) #key', { '#key': 'key' }, {}) }, dynamodb: 'ValidationException', source: 'DynamoDB: "Invalid ConditionExpression: Syntax error"' },
  {
    name: 'a BOOL literal with <',
    request: { put: compare(':a < :b', {}, { ':a': { BOOL: false }, ':b': { BOOL: true } }) },
    dynamodb: 'ValidationException',
    source: `${API}, Condition (LT takes String, Number or Binary); the error checked against AWS by ExtendDB/extenddb#216`,
    deviations: { dynalite: 'does not check the operand types of comparisons, only of functions' },
  },
  {
    name: 'a reserved word used as a name (key)',
    request: { put: compare('attribute_not_exists(key)', {}, {}) },
    dynamodb: 'ValidationException',
    source: `${GUIDE}, Reserved words in DynamoDB (KEY is one): "Attribute name is a reserved keyword"`,
    deviations: { 'in-house emulator': 'does not check the 573 reserved words; the ledger writes every name as a #placeholder' },
  },
  { name: 'a delete whose condition fails on a missing item', request: { delete: { ConditionExpression: '#state = :p', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':p': { S: 'IN_PROGRESS' } } } }, dynamodb: 'ConditionalCheckFailedException', source: `${API}, DeleteItem` },
  { name: 'a key with an attribute the schema does not have', request: { get: { Key: { ...PROBE_KEY, other: { S: 'x' } } } }, dynamodb: 'ValidationException', source: `${API}, GetItem: "The provided key element does not match the schema"` },
  { name: 'an item whose key is a number', request: { put: { Item: { key: { N: '1' } } } }, dynamodb: 'ValidationException', source: `${API}, PutItem: key types must match the schema` },
  { name: 'an item without its key', request: { put: { Item: { other: { S: 'x' } } } }, dynamodb: 'ValidationException', source: `${API}, PutItem: "you must provide all of the attributes for the primary key"` },
  { name: 'an empty string key', request: { put: { Item: { key: { S: '' } } } }, dynamodb: 'ValidationException', source: `${GUIDE}, Data types: key attributes cannot be empty strings` },
];

describe.each(backends)('what the ledger relies on, on %s', (name, startBackend) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(async () => {
    await backend?.stop();
  });

  async function outcome(probe: Probe): Promise<Outcome> {
    const TableName = backend.table;
    await backend.client.send(new DeleteItemCommand({ TableName, Key: PROBE_KEY }));
    if (probe.item) await backend.client.send(new PutItemCommand({ TableName, Item: probe.item }));
    try {
      const r = probe.request;
      if ('put' in r) await backend.client.send(new PutItemCommand({ TableName, Item: { ...PROBE_KEY, written: { BOOL: true } }, ...r.put }));
      else if ('get' in r) await backend.client.send(new GetItemCommand({ TableName, Key: PROBE_KEY, ...r.get }));
      else await backend.client.send(new DeleteItemCommand({ TableName, Key: PROBE_KEY, ...r.delete }));
      return 'ok';
    } catch (error) {
      return (error as Error).name as Outcome;
    }
  }

  it.each(probes.map((p) => [p.name, p] as const))('%s', async (_title, probe) => {
    const deviation = probe.deviations?.[name];
    const got = await outcome(probe);
    if (deviation) {
      // Known to differ from DynamoDB (see `deviations`); if this fails, the backend was fixed: drop the entry.
      expect(got).not.toBe(probe.dynamodb);
    } else {
      expect(got).toBe(probe.dynamodb);
    }
  });
});
