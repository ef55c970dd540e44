/**
 * Hostile requests, through the local stack as a user of a shared account
 * would send them (real PutEvents, signed as a principal the bus policy
 * judges): every request kind on an unlisted and on a restrictive stage,
 * forged sources and forged Shepherd events, roles in other accounts,
 * partitions, names and paths, prototype keys, and attempts to end someone
 * else's request. Each is refused — by the bus policy, or with one
 * rejection naming the field and no AWS call — and an honest request in the
 * same run still runs to its end.
 */
import type { ApiCall } from '../../local/emulators/aws-server';
import { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { T0, callsTo, completions, emittedOfType, rejections } from '../support/stack';

const PRODUCER = 'arn:aws:iam::000000000000:role/platform-automation';
const INTRUDER = 'arn:aws:iam::000000000000:role/intruder';
const FOREIGN = 'arn:aws:iam::999999999999:role/platform-automation';
const PRODUCT = 'pp-workload00001';
const PMA = 'pma-exampleemea01';

const world: WorldInput = {
  clock: { start: T0.toISOString(), speed: 'max' },
  cloudControl: { resourceTypes: { '*': { durationSeconds: 10 } } },
  // The stage's default execution role, and the role the honest request names.
  iam: { roles: { 'shepherd-cloudcontrol-default': { manages: ['*'] }, 'shepherd-cloudcontrol-s3': { manages: ['AWS::S3::*'] } } },
  serviceCatalog: {
    organization: { units: [{ id: 'ou-wk01-workloads', accounts: 2 }, { id: 'ou-wk01-sandboxes', accounts: 2 }] },
    portfolios: ['port-2abcdext3y5fk', 'port-9zyxwvut8s7rq'],
    provisionedProducts: { [PRODUCT]: { owner: 'arn:aws:iam::000000000000:user/alice', history: 1, updateSeconds: 30 } },
  },
  partnerCentral: { programManagementAccounts: [{ catalog: 'Sandbox', id: PMA, displayName: 'Example', revision: '1' }] },
};

/** One request of each kind, each within what the `local` stage allows. */
const honest = {
  cloudControl: { requestId: 'cc-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'b1' } },
  share: { requestId: 'share-1', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' } },
  access: { requestId: 'access-1', enable: true },
  product: { requestId: 'product-1', provisionedProductId: PRODUCT, properties: { OWNER: 'arn:aws:iam::000000000000:role/team-network' } },
  partner: { requestId: 'partner-1', catalog: 'Sandbox', identifier: PMA, displayName: 'Renamed', revision: '1' },
};
const KINDS: Array<[keyof typeof honest, string, string]> = [
  ['cloudControl', 'Resource Operation Requested', 'platform.provisioning'],
  ['share', 'Portfolio Share Requested', 'platform.catalog'],
  ['access', 'Organizations Access Change Requested', 'platform.catalog'],
  ['product', 'Provisioned Product Properties Update Requested', 'platform.catalog'],
  ['partner', 'Program Management Account Update Requested', 'platform.partners'],
];

const entry = (source: string, detailType: string, detail: unknown) => ({ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) });

/** The AWS calls a run made besides publishing events and the ledger: what a refused request must not cause. */
const serviceCalls = (stack: LocalStack) =>
  stack.server.calls.filter((c: ApiCall) => !['AWSEvents', 'DynamoDB_20120810', 'AmazonSQS'].includes(c.service));
const fieldsOf = (rejection: Record<string, any>) => rejection.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`);

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('an unlisted stage allows no AWS change of any kind', () => {
  it('rejects one request of every kind, naming the field, and calls no AWS API', async () => {
    stack = await LocalStack.start({ world, environment: { STAGE: 'dev' } });
    const sent = await stack.putEvents(KINDS.map(([kind, detailType, source]) => entry(source, detailType, honest[kind])));
    expect(sent.FailedEntryCount).toBe(0);
    await stack.settle();

    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, fieldsOf(r)]));
    expect(byId).toEqual({
      'cc-1': ['typeName:not_allowed'],
      'share-1': ['portfolioId:not_allowed', 'organizationNode.value:not_allowed'],
      'access-1': ['enable:not_allowed'],
      'product-1': ['provisionedProductId:not_allowed', 'properties.OWNER:not_allowed'],
      'partner-1': ['catalog:not_allowed', 'identifier:not_allowed'],
    });
    expect(serviceCalls(stack).map((c) => c.operation)).toEqual([]);
    expect(stack.stepFunctions.executions.size).toBe(0);
  });
});

describe('a listed stage allows only what it lists', () => {
  it('rejects each kind outside the allowlists, runs each kind inside them', async () => {
    stack = await LocalStack.start({ world, environment: { STAGE: 'example-restricted' } });
    const outside: Array<[string, string, string, Record<string, unknown>]> = [
      ['platform.provisioning', 'Resource Operation Requested', 'cc-table', { operation: 'CREATE', typeName: 'AWS::DynamoDB::Table', desiredState: {} }],
      ['platform.catalog', 'Portfolio Share Requested', 'share-sandboxes', { operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-sandboxes' } }],
      ['platform.catalog', 'Organizations Access Change Requested', 'access-off', { enable: false }],
      ['platform.catalog', 'Provisioned Product Properties Update Requested', 'product-other', { provisionedProductId: 'pp-someoneelse01', properties: { OWNER: 'arn:aws:iam::000000000000:role/team-network' } }],
      ['platform.catalog', 'Provisioned Product Properties Update Requested', 'product-owner', { provisionedProductId: PRODUCT, properties: { OWNER: 'arn:aws:iam::000000000000:user/mallory' } }],
      ['platform.catalog', 'Provisioned Product Properties Update Requested', 'product-launch', { provisionedProductId: PRODUCT, properties: { LAUNCH_ROLE: 'arn:aws:iam::000000000000:role/Admin' } }],
    ];
    await stack.putEvents(outside.map(([source, type, requestId, detail]) => entry(source, type, { requestId, ...detail })));
    // Inside: what example-restricted lists (its platform.partners source is not accepted at all: no rule matches it).
    await stack.putEvents([
      entry('platform.provisioning', 'Resource Operation Requested', honest.cloudControl),
      entry('platform.catalog', 'Portfolio Share Requested', honest.share),
      entry('platform.catalog', 'Organizations Access Change Requested', honest.access),
      entry('platform.catalog', 'Provisioned Product Properties Update Requested', honest.product),
    ]);
    await stack.settle();

    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, fieldsOf(r)]));
    expect(byId).toEqual({
      'cc-table': ['typeName:not_allowed'],
      'share-sandboxes': ['organizationNode.value:not_allowed'],
      'access-off': ['enable:not_allowed'],
      'product-other': ['provisionedProductId:not_allowed'],
      'product-owner': ['properties.OWNER:not_allowed'],
      'product-launch': ['properties.LAUNCH_ROLE:not_allowed'],
    });
    expect([...stack.stepFunctions.executions.values()].map((e) => `${e.name}:${e.status}`).sort()).toEqual([
      'access-1:SUCCEEDED', 'cc-1:SUCCEEDED', 'product-1:SUCCEEDED', 'share-1:SUCCEEDED',
    ]);
    expect(callsTo(stack, 'DisableAWSOrganizationsAccess')).toEqual([]);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties').map((c) => c.input.ProvisionedProductId)).toEqual([PRODUCT]);
  });
});

describe('roles are checked as iam:PassRole will check them', () => {
  it('refuses roles in another account, another partition, with another name or behind a path — before any call', async () => {
    stack = await LocalStack.start({ world });
    const bucket = (requestId: string, roleArn: string) => ({ requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId }, roleArn });
    const launch = (requestId: string, LAUNCH_ROLE: string) => ({ requestId, provisionedProductId: PRODUCT, properties: { LAUNCH_ROLE } });
    await stack.putEvents([
      entry('platform.provisioning', 'Resource Operation Requested', bucket('other-account', 'arn:aws:iam::999999999999:role/shepherd-cloudcontrol-s3')),
      entry('platform.provisioning', 'Resource Operation Requested', bucket('other-partition', 'arn:aws-cn:iam::000000000000:role/shepherd-cloudcontrol-s3')),
      entry('platform.provisioning', 'Resource Operation Requested', bucket('other-name', 'arn:aws:iam::000000000000:role/Administrator')),
      entry('platform.provisioning', 'Resource Operation Requested', bucket('path-trick', 'arn:aws:iam::000000000000:role/shepherd-cloudcontrol-x/Administrator')),
      entry('platform.provisioning', 'Resource Operation Requested', bucket('prefix-lookalike', 'arn:aws:iam::000000000000:role/shepherd-cloudcontro1-s3')),
      entry('platform.catalog', 'Provisioned Product Properties Update Requested', launch('launch-foreign', 'arn:aws:iam::999999999999:role/servicecatalog-launch-x')),
      entry('platform.catalog', 'Provisioned Product Properties Update Requested', launch('launch-path', 'arn:aws:iam::000000000000:role/servicecatalog-launch-x/Admin')),
      entry('platform.catalog', 'Provisioned Product Properties Update Requested', launch('launch-gov', 'arn:aws-us-gov:iam::000000000000:role/servicecatalog-launch-x')),
      // The honest one: a role the local stage lists, in this account.
      entry('platform.provisioning', 'Resource Operation Requested', bucket('honest', 'arn:aws:iam::000000000000:role/shepherd-cloudcontrol-s3')),
    ]);
    await stack.settle();

    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, fieldsOf(r)]));
    expect(byId).toEqual({
      'other-account': ['roleArn:not_allowed'],
      'other-partition': ['roleArn:not_allowed'],
      'other-name': ['roleArn:not_allowed'],
      'path-trick': ['roleArn:not_allowed'],
      'prefix-lookalike': ['roleArn:not_allowed'],
      'launch-foreign': ['properties.LAUNCH_ROLE:not_allowed'],
      'launch-path': ['properties.LAUNCH_ROLE:not_allowed'],
      'launch-gov': ['properties.LAUNCH_ROLE:not_allowed'],
    });
    expect(rejections(stack).find((r) => r.requestId === 'path-trick')!.errors[0].message).toMatch(/path/);
    expect(callsTo(stack, 'CreateResource').map((c) => c.input.RoleArn)).toEqual(['arn:aws:iam::000000000000:role/shepherd-cloudcontrol-s3']);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties')).toEqual([]);
    expect(completions(stack).map((c) => `${c.requestId}:${c.status}`)).toEqual(['honest:SUCCEEDED']);
  });
});

describe('events nobody can forge', () => {
  it('refuses a request source from a principal not listed for it, and from an unconfigured account', async () => {
    stack = await LocalStack.start({ world });
    const forged = await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', honest.cloudControl)], { as: INTRUDER });
    const foreign = await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', { ...honest.cloudControl, requestId: 'cc-2' })], { as: FOREIGN });
    const honestSend = await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', { ...honest.cloudControl, requestId: 'cc-3' })], { as: PRODUCER });
    await stack.settle();

    expect(forged.Entries).toEqual([{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: expect.any(String) }]);
    expect(foreign.Entries).toEqual([{ ErrorCode: 'AccessDeniedException', ErrorMessage: expect.stringContaining(FOREIGN) }]);
    expect(honestSend.FailedEntryCount).toBe(0);
    expect([...stack.stepFunctions.executions.keys()].map((arn) => arn.split(':').pop())).toEqual(['cc-3']);
    expect(rejections(stack)).toEqual([]);
  });

  it("refuses `shepherd` events from anyone but Shepherd's own roles: no forged completion reaches a subscriber", async () => {
    stack = await LocalStack.start({ world });
    const fake = { requestId: 'cc-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', status: 'SUCCEEDED', hooks: [], requestedAt: T0.toISOString(), completedAt: T0.toISOString(), polls: 0, attempts: 1 };
    const fromProducer = await stack.putEvents([entry('shepherd', 'Resource Operation Completed', fake)], { as: PRODUCER });
    const fromIntruder = await stack.putEvents([entry('shepherd', 'Request Rejected', { requestId: 'cc-1', eventId: 'x', source: 'x', detailType: 'x', reason: 'x', errors: [] })], { as: INTRUDER });
    // A role named like Shepherd's, but not one of the function roles the policy lists.
    const lookalike = await stack.putEvents([entry('shepherd', 'Resource Operation Completed', fake)], { as: 'arn:aws:iam::000000000000:role/shepherd-local-evil-us-east-1-lambdaRole' });
    await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', honest.cloudControl)]);
    await stack.settle();

    for (const answer of [fromProducer, fromIntruder, lookalike]) expect(answer.Entries).toEqual([{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: expect.any(String) }]);
    // The only `shepherd` event on the bus is the real completion, sent by emitResourceOperationCompleted's role.
    expect(stack.emitted.map((e) => `${e['detail-type']}:${(e.detail as { requestId: string }).requestId}`)).toEqual(['Resource Operation Completed:cc-1']);
    expect(completions(stack)[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 1, polls: expect.any(Number) });
  });
});

describe("nobody can end someone else's request", () => {
  it('a conflicting request, a cancel from another source or account, and an invalid copy never produce the victim\'s terminal event', async () => {
    stack = await LocalStack.start({
      world: { ...world, cloudControl: { resourceTypes: { '*': { durationSeconds: 600 } } } },
    });
    const victim = { requestId: 'victim-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'victim' } };
    await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', victim)]);
    // While it runs: the same id for another request, a bad request with the id, and a cancel from another source.
    stack.clock.setTimeout(() => {
      void stack.putEvents([
        entry('platform.catalog', 'Portfolio Share Requested', { ...honest.share, requestId: 'victim-1' }),
        entry('platform.provisioning', 'Resource Operation Requested', { ...victim, typeName: 'Not::A::Type!' }),
        entry('platform.catalog', 'Resource Operation Cancel Requested', { requestId: 'victim-1' }),
      ]);
    }, 60_000);
    await stack.settle();

    const terminal = stack.emitted.filter((e) => ['Resource Operation Completed', 'Request Rejected'].includes(e['detail-type']) && (e.detail as { requestId?: string }).requestId === 'victim-1');
    expect(terminal.map((e) => `${e['detail-type']}:${(e.detail as { status?: string }).status}`)).toEqual(['Resource Operation Completed:SUCCEEDED']);
    expect(rejections(stack).map((r) => [r.namedRequestId, fieldsOf(r)[0]]).sort()).toEqual([
      ['victim-1', 'requestId:conflict'],
      ['victim-1', 'requestId:not_owner'],
      ['victim-1', 'typeName:invalid_format'],
    ]);
    expect(callsTo(stack, 'CancelResourceRequest')).toEqual([]);
  });

  it('lets the sender cancel its own request', async () => {
    stack = await LocalStack.start({ world: { ...world, cloudControl: { resourceTypes: { '*': { durationSeconds: 600 } } } } });
    await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', { ...honest.cloudControl, requestId: 'mine-1' })]);
    stack.clock.setTimeout(() => void stack.putEvents([entry('platform.provisioning', 'Resource Operation Cancel Requested', { requestId: 'mine-1' })]), 60_000);
    await stack.settle();
    expect(completions(stack).map((c) => `${c.requestId}:${c.status}`)).toEqual(['mine-1:CANCELLED']);
    expect(rejections(stack)).toEqual([]);
  });

  it('a rejection that ends a request uses its id up: the request sent again with the id is refused without a second terminal event', async () => {
    stack = await LocalStack.start({ world });
    await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', { ...honest.cloudControl, typeName: 'Not::A::Type!' })]);
    await stack.settle();
    await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', honest.cloudControl)]);
    await stack.settle();
    const ending = emittedOfType(stack, 'Request Rejected').concat(emittedOfType(stack, 'Resource Operation Completed')).filter((e) => (e.detail as { requestId?: string }).requestId === 'cc-1');
    expect(ending).toHaveLength(1);
    expect(rejections(stack).map((r) => [r.requestId, r.namedRequestId, fieldsOf(r)[0]])).toEqual([
      ['cc-1', undefined, 'typeName:invalid_format'],
      [undefined, 'cc-1', 'requestId:conflict'],
    ]);
    expect(stack.stepFunctions.executions.size).toBe(0);
  });
});

describe('prototype keys', () => {
  it('refuses __proto__ keys naming them, keeps constructor and prototype as data, and a /__proto__ patch pollutes nothing', async () => {
    stack = await LocalStack.start({ world: { ...world, cloudControl: { resourceTypes: { '*': { durationSeconds: 10, existing: { 'b-existing': { BucketName: 'b-existing' } } } } } } });
    const raw = (requestId: string, desiredState: string) =>
      ({ Source: 'platform.provisioning', DetailType: 'Resource Operation Requested', Detail: `{"requestId":"${requestId}","operation":"CREATE","typeName":"AWS::S3::Bucket","desiredState":${desiredState}}` });
    await stack.putEvents([
      raw('proto-top', '{"BucketName":"p1","__proto__":{"isAdmin":true}}'),
      raw('proto-deep', '{"BucketName":"p2","Tags":[{"Key":"a","Value":"b","__proto__":{"x":1}}]}'),
      raw('ctor', '{"BucketName":"p3","constructor":{"prototype":{"polluted":true}},"prototype":"kept"}'),
      entry('platform.provisioning', 'Resource Operation Requested', {
        requestId: 'patch-proto', operation: 'UPDATE', typeName: 'AWS::S3::Bucket', identifier: 'b-existing',
        patchDocument: [{ op: 'add', path: '/__proto__/polluted', value: true }, { op: 'add', path: '/constructor/prototype/polluted', value: true }],
      }),
    ]);
    await stack.settle();

    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, fieldsOf(r)]));
    expect(byId).toEqual({ 'proto-top': ['desiredState.__proto__:unsafe_key'], 'proto-deep': ['desiredState.Tags[0].__proto__:unsafe_key'] });
    // constructor and prototype reach Cloud Control as the data they are.
    const created = callsTo(stack, 'CreateResource').map((c) => JSON.parse(String(c.input.DesiredState)));
    expect(created).toEqual([{ BucketName: 'p3', constructor: { prototype: { polluted: true } }, prototype: 'kept' }]);
    // The patch addresses nothing that is not in the model: it fails, and nothing is polluted.
    expect(completions(stack).find((c) => c.requestId === 'patch-proto')).toMatchObject({ status: 'FAILED' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // Nothing else in the run is affected: a later request still runs.
    await stack.putEvents([entry('platform.provisioning', 'Resource Operation Requested', honest.cloudControl)]);
    await stack.settle();
    expect(completions(stack).find((c) => c.requestId === 'cc-1')).toMatchObject({ status: 'SUCCEEDED' });
  });
});
