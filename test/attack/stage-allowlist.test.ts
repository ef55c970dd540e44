/**
 * Promise 1: every request kind is checked against the stage's allowlist;
 * an unlisted stage (dev) allows no AWS change of any kind; a refused request
 * gets exactly one Request Rejected naming the field, and no AWS call but
 * PutEvents and DynamoDB is made for it; nothing else in the run is affected.
 */
import type { LocalStack } from '../../local/harness/stack';
import { CANCEL, ORG, PMA, PMAU, PORTFOLIO, PP, PPU, RO, SHARE, entry, forbiddenCalls, rejections, start, terminalsFor } from './support';

const VALID: Array<{ kind: string; source: string; detail: Record<string, unknown> }> = [
  { kind: RO, source: 'platform.provisioning', detail: { requestId: 'dev-ro', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'b' } } },
  { kind: SHARE, source: 'platform.catalog', detail: { requestId: 'dev-share', operation: 'CREATE', portfolioId: PORTFOLIO, accountId: '444455556666' } },
  { kind: ORG, source: 'platform.catalog', detail: { requestId: 'dev-org', enable: false } },
  { kind: PPU, source: 'platform.catalog', detail: { requestId: 'dev-ppu', provisionedProductId: PP, properties: { OWNER: 'arn:aws:iam::000000000000:user/bob' } } },
  { kind: PMAU, source: 'platform.partners', detail: { requestId: 'dev-pma', catalog: 'AWS', identifier: PMA, displayName: 'Renamed' } },
];

describe('unlisted stage (STAGE=dev) allows no AWS change of any kind', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it.each(VALID.map((v) => [v.kind, v] as const))('%s is refused with one Request Rejected and no AWS call', async (_kind, v) => {
    stack = await start({ stage: 'dev' });
    const sent = await stack.putEvents([entry(v.source, v.kind, v.detail)]);
    expect(sent.FailedEntryCount).toBe(0);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.requestId).toBe(v.detail.requestId);
    expect(rejected[0]!.errors.length).toBeGreaterThan(0);
    expect(rejected[0]!.errors.every((e: any) => e.code === 'not_allowed' && e.field !== '')).toBe(true);
    expect(forbiddenCalls(stack)).toEqual([]);
    expect(stack.stepFunctions.executions.size).toBe(0);
  });

  it('Resource Operation Cancel Requested is refused with one Request Rejected and no AWS call', async () => {
    stack = await start({ stage: 'dev' });
    await stack.putEvents([entry('platform.provisioning', CANCEL, { requestId: 'dev-anything' })]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors[0].field).toBe('requestId');
    // Promised: a refused request causes no AWS call but PutEvents and DynamoDB.
    expect(forbiddenCalls(stack)).toEqual([]);
  });

  it('all kinds at once, plus a resend of each: one rejection per event and no AWS call', async () => {
    stack = await start({ stage: 'dev' });
    const entries = VALID.map((v) => entry(v.source, v.kind, v.detail));
    await stack.putEvents(entries.slice(0, 5));
    await stack.putEvents(entries.slice(0, 5));
    await stack.settle();
    expect(rejections(stack)).toHaveLength(10);
    // The first rejection of each ends the request; the resend only names it.
    for (const v of VALID) expect(terminalsFor(stack, v.detail.requestId as string)).toHaveLength(1);
    expect(forbiddenCalls(stack)).toEqual([]);
  });
});

describe('stage names that are Object.prototype members fall back to default', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it.each([['constructor'], ['__proto__'], ['toString'], ['hasOwnProperty'], ['default']])('STAGE=%s refuses a resource operation', async (stage) => {
    stack = await start({ stage });
    await stack.putEvents([entry(VALID[0]!.source, VALID[0]!.kind, VALID[0]!.detail)]);
    await stack.settle();
    expect(rejections(stack)).toHaveLength(1);
    expect(forbiddenCalls(stack)).toEqual([]);
  });
});

describe('listed restricted stage (STAGE=example-restricted) refuses what it does not list', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  const REFUSED: Array<[string, string, string, Record<string, unknown>, string]> = [
    ['DELETE of an S3 bucket (type allows CREATE, UPDATE)', 'platform.provisioning', RO, { requestId: 'r-del', operation: 'DELETE', typeName: 'AWS::S3::Bucket', identifier: 'b' }, 'operation'],
    ['an unlisted type', 'platform.provisioning', RO, { requestId: 'r-vpc', operation: 'CREATE', typeName: 'AWS::EC2::VPC', desiredState: {} }, 'typeName'],
    ['a type with different case', 'platform.provisioning', RO, { requestId: 'r-case', operation: 'CREATE', typeName: 'aws::s3::bucket', desiredState: {} }, 'typeName'],
    ['disabling Organizations access', 'platform.catalog', ORG, { requestId: 'r-org', enable: false }, 'enable'],
    ['a share with the whole organization', 'platform.catalog', SHARE, { requestId: 'r-org-share', operation: 'CREATE', portfolioId: PORTFOLIO, organizationNode: { type: 'ORGANIZATION', value: 'o-exampleorg1' } }, 'organizationNode.value'],
    ['a share of another portfolio', 'platform.catalog', SHARE, { requestId: 'r-port', operation: 'CREATE', portfolioId: 'port-aaaaaaaaaaaaa', accountId: '444455556666' }, 'portfolioId'],
    ['a provisioned product not on the list', 'platform.catalog', PPU, { requestId: 'r-pp', provisionedProductId: PP, properties: { OWNER: 'arn:aws:iam::000000000000:role/team-a' } }, 'provisionedProductId'],
    ['an owner not on the list', 'platform.catalog', PPU, { requestId: 'r-owner', provisionedProductId: 'pp-workload1', properties: { OWNER: 'arn:aws:iam::000000000000:user/mallory' } }, 'properties.OWNER'],
    ['the AWS catalog', 'platform.catalog', PMAU, { requestId: 'r-pma', catalog: 'AWS', identifier: PMA, displayName: 'x' }, 'catalog'],
    ['the AWS catalog by ARN, catalog field Sandbox', 'platform.catalog', PMAU, { requestId: 'r-pma-arn', catalog: 'Sandbox', identifier: `arn:aws:partnercentral:us-east-1:000000000000:catalog/AWS/program-management-account/${PMA}`, displayName: 'x' }, 'identifier'],
  ];

  it.each(REFUSED)('%s is refused naming the field, no AWS call', async (_name, source, kind, detail, field) => {
    stack = await start({ stage: 'example-restricted' });
    await stack.putEvents([entry(source, kind, detail)]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain(field);
    expect(forbiddenCalls(stack)).toEqual([]);
  });
});

describe('a refused request affects nothing else in the run (STAGE=local)', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it('a refused role between accepted requests: the others complete, one rejection', async () => {
    stack = await start();
    await stack.putEvents([
      entry('platform.provisioning', RO, { requestId: 'ok-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'one' } }),
      entry('platform.provisioning', RO, { requestId: 'bad-1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', roleArn: 'arn:aws:iam::000000000000:role/admin', desiredState: { BucketName: 'two' } }),
      entry('platform.provisioning', RO, { requestId: 'ok-2', operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: 'three' } }),
    ]);
    await stack.settle();
    expect(terminalsFor(stack, 'ok-1').map((t) => t.status)).toEqual(['SUCCEEDED']);
    expect(terminalsFor(stack, 'ok-2').map((t) => t.status)).toEqual(['SUCCEEDED']);
    expect(terminalsFor(stack, 'bad-1').map((t) => t.kind)).toEqual(['Request Rejected']);
    const creates = stack.server.calls.filter((c) => c.operation === 'CreateResource');
    expect(creates.map((c) => JSON.parse(String(c.input.DesiredState)).BucketName).sort()).toEqual(['one', 'three']);
  });
});
