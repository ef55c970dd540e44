/**
 * Promise 5: keys named __proto__, constructor, prototype anywhere in request
 * details: nothing is dropped silently, nothing pollutes Object.prototype for
 * the rest of the run, and a later normal request still succeeds.
 */
import type { LocalStack } from '../../local/harness/stack';
import { CANCEL, at, PP, PPU, RO, SHARE, PORTFOLIO, entry, polluted, rejections, start, terminalsFor } from './support';

/** Raw Detail texts (JSON.stringify would drop a literal __proto__ key). */
const refusedWithField: Array<[string, string, string, string, string]> = [
  ['__proto__ in desiredState', 'platform.provisioning', RO, '{"requestId":"p1","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{"BucketName":"p1","__proto__":{"polluted":"yes"}}}', 'desiredState.__proto__'],
  ['__proto__ nested in a desiredState array', 'platform.provisioning', RO, '{"requestId":"p1","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{"Tags":[{"Key":"a","Value":"b","__proto__":{"polluted":"yes"}}]}}', 'desiredState.Tags[0].__proto__'],
  ['__proto__ written with JSON escapes', 'platform.provisioning', RO, '{"requestId":"p1","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}}}', 'desiredState.__proto__'],
  ['__proto__ whose value is null', 'platform.provisioning', RO, '{"requestId":"p1","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{"__proto__":null}}', 'desiredState.__proto__'],
  ['__proto__ in a patch value', 'platform.provisioning', RO, '{"requestId":"p1","operation":"UPDATE","typeName":"AWS::Logs::LogGroup","identifier":"/audit","patchDocument":[{"op":"add","path":"/Tags","value":{"__proto__":{"polluted":"yes"}}}]}', 'patchDocument[0].value.__proto__'],
  ['__proto__ as a patch operation member', 'platform.provisioning', RO, '{"requestId":"p1","operation":"UPDATE","typeName":"AWS::Logs::LogGroup","identifier":"/audit","patchDocument":[{"op":"add","path":"/x","value":1,"__proto__":{"op":"remove"}}]}', 'patchDocument[0].__proto__'],
  ['__proto__ at the top of the detail', 'platform.provisioning', RO, '{"requestId":"p1","__proto__":{"operation":"DELETE"},"operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":{}}', '__proto__'],
  ['__proto__ in provisioned product properties', 'platform.catalog', PPU, `{"requestId":"p1","provisionedProductId":"${PP}","properties":{"OWNER":"arn:aws:iam::000000000000:user/bob","__proto__":{"LAUNCH_ROLE":"arn:aws:iam::000000000000:role/admin"}}}`, 'properties.__proto__'],
  ['__proto__ in an organization node', 'platform.catalog', SHARE, `{"requestId":"p1","operation":"CREATE","portfolioId":"${PORTFOLIO}","organizationNode":{"type":"ACCOUNT","value":"444455556666","__proto__":{"type":"ORGANIZATION"}}}`, 'organizationNode.__proto__'],
];

describe('__proto__ keys are refused by name, never dropped', () => {
  let stack: LocalStack;
  afterEach(async () => {
    await stack?.stop();
    expect(polluted()).toEqual([]);
  });

  it.each(refusedWithField)('%s: one Request Rejected naming it, nothing sent to AWS', async (_name, source, kind, detail, field) => {
    stack = await start();
    const out = await stack.putEvents([entry(source, kind, detail)]);
    expect(out.FailedEntryCount).toBe(0);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain(field);
    expect(stack.stepFunctions.executions.size).toBe(0);
    expect(polluted()).toEqual([]);
  });

  it('a cancel with a __proto__ key is refused, naming it', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.provisioning', CANCEL, '{"requestId":"p1","__proto__":{"requestId":"other"}}')]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain('__proto__');
  });
});

describe('constructor and prototype keys are data: kept exactly', () => {
  let stack: LocalStack;
  afterEach(async () => {
    await stack?.stop();
    expect(polluted()).toEqual([]);
  });

  it('desiredState with constructor / prototype / hasOwnProperty / toString keys reaches Cloud Control unchanged', async () => {
    stack = await start();
    const desiredState: Record<string, unknown> = {
      BucketName: 'proto-keys',
      constructor: { prototype: { polluted: 'yes' } },
      prototype: { polluted: 'yes' },
      hasOwnProperty: 'x',
      toString: 1,
      valueOf: null,
      Nested: [{ constructor: { name: 'Object' } }, { prototype: [] }],
    };
    await stack.putEvents([entry('platform.provisioning', RO, { requestId: 'keys-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState })]);
    await stack.settle();
    expect(terminalsFor(stack, 'keys-1').map((t) => t.status)).toEqual(['SUCCEEDED']);
    const create = stack.server.calls.find((c) => c.operation === 'CreateResource')!;
    expect(JSON.parse(String(create.input.DesiredState))).toEqual(desiredState);
    expect(polluted()).toEqual([]);
  });

  it('patch values with constructor / prototype keys reach Cloud Control unchanged', async () => {
    stack = await start();
    const patchDocument: unknown[] = [
      { op: 'add', path: '/Meta', value: { constructor: { prototype: { polluted: 'yes' } }, prototype: 1 } },
      { op: 'add', path: '/constructor', value: { prototype: { polluted: 'yes' } } },
    ];
    await stack.putEvents([entry('platform.provisioning', RO, { requestId: 'keys-2', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit', patchDocument })]);
    await stack.settle();
    expect(terminalsFor(stack, 'keys-2').map((t) => t.status)).toEqual(['SUCCEEDED']);
    const update = stack.server.calls.find((c) => c.operation === 'UpdateResource')!;
    expect(JSON.parse(String(update.input.PatchDocument))).toEqual(patchDocument);
    const model = stack.cloudControl.resources.get('AWS::Logs::LogGroup')!.get('/audit')!;
    expect(Object.hasOwn(model, 'constructor')).toBe(true);
    expect(polluted()).toEqual([]);
  });

  it.each([
    ['/__proto__/polluted'],
    ['/constructor/prototype/polluted'],
    ['/__proto__'],
    ['/prototype/polluted'],
  ])('patch path %s: answered exactly once, sent verbatim or refused, nothing polluted', async (path) => {
    stack = await start();
    const patchDocument = [{ op: 'add', path, value: 'yes' }, { op: 'copy', from: '/__proto__', path: '/Copied' }];
    await stack.putEvents([entry('platform.provisioning', RO, { requestId: 'paths-1', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit', patchDocument })]);
    await stack.settle();
    const terminals = terminalsFor(stack, 'paths-1');
    expect(terminals).toHaveLength(1);
    const update = stack.server.calls.find((c) => c.operation === 'UpdateResource');
    if (update) expect(JSON.parse(String(update.input.PatchDocument))).toEqual(patchDocument);
    else expect(terminals[0]!.kind).toBe('Request Rejected');
    expect(polluted()).toEqual([]);
  });
});

describe('prototype names as ids', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it.each([['normal-id'], ['constructor'], ['prototype'], ['toString'], ['hasOwnProperty'], ['valueOf']])('requestId "%s" runs like any other, and its owner can cancel it', async (requestId) => {
    stack = await start({ world: { cloudControl: { resourceTypes: { '*': { durationSeconds: 600 } } } } });
    await stack.putEvents([entry('platform.provisioning', RO, { requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: {} })]);
    at(stack, 30, () => stack.putEvents([entry('platform.provisioning', CANCEL, { requestId })]));
    await stack.settle();
    expect(terminalsFor(stack, requestId).map((t) => `${t.kind}:${t.status}`)).toEqual(['Resource Operation Completed:CANCELLED']);
    expect(polluted()).toEqual([]);
  });

  it('provisioned product id "constructor" and "__proto__"-looking values are plain strings', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'pp-ctor', provisionedProductId: 'constructor', properties: { OWNER: 'arn:aws:iam::000000000000:user/__proto__' } })]);
    await stack.settle();
    expect(terminalsFor(stack, 'pp-ctor')).toHaveLength(1);
    expect(polluted()).toEqual([]);
  });
});

describe('after every hostile request, the run still works', () => {
  it('all of the above in one run, then a normal request succeeds and Object.prototype is clean', async () => {
    const stack = await start();
    try {
      for (const [, source, kind, detail] of refusedWithField) await stack.putEvents([entry(source, kind, detail.replace('"p1"', `"h-${Math.random().toString(36).slice(2, 8)}"`))]);
      await stack.putEvents([
        entry('platform.provisioning', RO, { requestId: 'h-keys', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { constructor: { prototype: { polluted: 'yes' } } } }),
        entry('platform.provisioning', RO, { requestId: 'h-path', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit', patchDocument: [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }] }),
      ]);
      await stack.settle();
      expect(rejections(stack)).toHaveLength(refusedWithField.length);
      expect(polluted()).toEqual([]);
      await stack.putEvents([entry('platform.provisioning', RO, { requestId: 'after', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'after' } })]);
      await stack.settle();
      expect(terminalsFor(stack, 'after').map((t) => t.status)).toEqual(['SUCCEEDED']);
      expect(({} as any).polluted).toBeUndefined();
    } finally {
      await stack.stop();
    }
  });
});
