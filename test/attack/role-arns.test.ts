/**
 * Promise 4: role ARNs (Cloud Control roleArn, LAUNCH_ROLE, OWNER) are checked
 * as IAM PassRole would: the deployment's partition and account (local: aws /
 * 000000000000), no role path, a name matching the stage's patterns
 * (local: shepherd-cloudcontrol-*, servicecatalog-launch-*).
 */
import type { LocalStack } from '../../local/harness/stack';
import { PP, PPU, RO, entry, rejections, start, terminalsFor } from './support';

const CC = 'shepherd-cloudcontrol-';
const LR = 'servicecatalog-launch-';

/** Role ARNs that must never be passed, as [label, ARN-with-NAME-placeholder]; NAME is replaced by an allowed name. */
const BAD: Array<[string, string]> = [
  ['another account', 'arn:aws:iam::111122223333:role/NAME'],
  ['partition aws-cn', 'arn:aws-cn:iam::000000000000:role/NAME'],
  ['partition aws-us-gov', 'arn:aws-us-gov:iam::000000000000:role/NAME'],
  ['partition aws-iso-b', 'arn:aws-iso-b:iam::000000000000:role/NAME'],
  ['partition "awsx"', 'arn:awsx:iam::000000000000:role/NAME'],
  ['a path before the name', 'arn:aws:iam::000000000000:role/team/NAME'],
  ['a path made of the allowed name', 'arn:aws:iam::000000000000:role/NAME/admin'],
  ['an empty path segment', 'arn:aws:iam::000000000000:role//NAME'],
  ['a trailing slash', 'arn:aws:iam::000000000000:role/NAME/'],
  ['a trailing space', 'arn:aws:iam::000000000000:role/NAME '],
  ['a leading space', ' arn:aws:iam::000000000000:role/NAME'],
  ['a trailing newline', 'arn:aws:iam::000000000000:role/NAME\n'],
  ['a trailing tab', 'arn:aws:iam::000000000000:role/NAME\t'],
  ['a NUL byte', 'arn:aws:iam::000000000000:role/NAME\u0000x'],
  ['a zero-width space', 'arn:aws:iam::000000000000:role/NAME\u200b'],
  ['a Cyrillic lookalike letter', 'arn:aws:iam::000000000000:role/LOOK'],
  ['a Unicode hyphen', 'arn:aws:iam::000000000000:role/NAME\u2010x'],
  ['fullwidth letters', 'arn:aws:iam::000000000000:role/\uff53NAME'],
  ['upper-case partition', 'arn:AWS:iam::000000000000:role/NAME'],
  ['upper-case ARN prefix', 'ARN:aws:iam::000000000000:role/NAME'],
  ['upper-case service', 'arn:aws:IAM::000000000000:role/NAME'],
  ['"Role/" resource type', 'arn:aws:iam::000000000000:Role/NAME'],
  ['an account with a region', 'arn:aws:iam:us-east-1:000000000000:role/NAME'],
  ['an 11-digit account', 'arn:aws:iam::00000000000:role/NAME'],
  ['a user, not a role', 'arn:aws:iam::000000000000:user/NAME'],
  ['an STS assumed role', 'arn:aws:sts::000000000000:assumed-role/NAME/session'],
  ['a wildcard name', 'arn:aws:iam::000000000000:role/*'],
  ['a name outside the pattern', 'arn:aws:iam::000000000000:role/admin'],
  ['the pattern in upper case', 'arn:aws:iam::000000000000:role/UPPER'],
  ['a name longer than IAM allows (65 characters)', 'arn:aws:iam::000000000000:role/LONG65'],
  ['a 480-character name', 'arn:aws:iam::000000000000:role/LONG480'],
];

function arn(template: string, prefix: string): string {
  const name = `${prefix}app`;
  return template
    .replace('UPPER', name.toUpperCase())
    .replace('LOOK', `\u0455${name.slice(1)}`)
    .replace('LONG65', prefix + 'a'.repeat(65 - prefix.length))
    .replace('LONG480', prefix + 'a'.repeat(480 - prefix.length))
    .replace('NAME', name);
}

describe('Cloud Control roleArn', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it('control: an allowed role is passed', async () => {
    // The role must exist too (the Cloud Control emulator refuses one that does not).
    stack = await start({ world: { iam: { roles: { [`${CC}app`]: { manages: ['*'] } } } } });
    await stack.putEvents([entry('platform.provisioning', RO, { requestId: 'ok', operation: 'CREATE', typeName: 'AWS::S3::Bucket', roleArn: `arn:aws:iam::000000000000:role/${CC}app`, desiredState: {} })]);
    await stack.settle();
    expect(terminalsFor(stack, 'ok').map((t) => t.status)).toEqual(['SUCCEEDED']);
  });

  it.each(BAD)('%s is refused naming roleArn, and never reaches Cloud Control', async (_label, template) => {
    stack = await start();
    const roleArn = arn(template, CC);
    await stack.putEvents([entry('platform.provisioning', RO, { requestId: 'r1', operation: 'CREATE', typeName: 'AWS::S3::Bucket', roleArn, desiredState: {} })]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain('roleArn');
    expect(stack.server.calls.filter((c) => c.service === 'CloudApiService')).toHaveLength(0);
  });

  it('refused roles for UPDATE and DELETE too', async () => {
    stack = await start();
    const roleArn = `arn:aws:iam::111122223333:role/${CC}app`;
    await stack.putEvents([
      entry('platform.provisioning', RO, { requestId: 'u1', operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit', roleArn, patchDocument: [{ op: 'replace', path: '/RetentionInDays', value: 1 }] }),
      entry('platform.provisioning', RO, { requestId: 'd1', operation: 'DELETE', typeName: 'AWS::Logs::LogGroup', identifier: '/audit', roleArn: `arn:aws:iam::000000000000:role/x/${CC}app` }),
    ]);
    await stack.settle();
    expect(rejections(stack)).toHaveLength(2);
    expect(stack.server.calls.filter((c) => c.service === 'CloudApiService')).toHaveLength(0);
  });
});

describe('LAUNCH_ROLE', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it('control: an allowed launch role is set', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'ok', provisionedProductId: PP, properties: { LAUNCH_ROLE: `arn:aws:iam::000000000000:role/${LR}app` } })]);
    await stack.settle();
    expect(terminalsFor(stack, 'ok').map((t) => t.status)).toEqual(['SUCCEEDED']);
  });

  it.each(BAD)('%s is refused naming properties.LAUNCH_ROLE, and never reaches Service Catalog', async (_label, template) => {
    stack = await start();
    const launchRole = arn(template, LR);
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'r1', provisionedProductId: PP, properties: { LAUNCH_ROLE: launchRole } })]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain('properties.LAUNCH_ROLE');
    expect(stack.server.calls.filter((c) => c.service === 'AWS242ServiceCatalogService')).toHaveLength(0);
  });
});

describe('OWNER', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  const BAD_OWNERS: Array<[string, string]> = [
    ['a user of another account', 'arn:aws:iam::111122223333:user/bob'],
    ['a role of another account', 'arn:aws:iam::111122223333:role/team-a'],
    ['an assumed role of another account', 'arn:aws:sts::111122223333:assumed-role/team-a/session'],
    ['a user in aws-cn', 'arn:aws-cn:iam::000000000000:user/bob'],
    ['a role in aws-us-gov', 'arn:aws-us-gov:iam::000000000000:role/team-a'],
    ['an assumed role in aws-us-gov', 'arn:aws-us-gov:sts::000000000000:assumed-role/team-a/session'],
    ['a trailing space', 'arn:aws:iam::000000000000:user/bob '],
    ['Cyrillic lookalike', 'arn:aws:iam::000000000000:user/b\u043eb'],
    ['upper-case partition', 'arn:AWS:iam::000000000000:user/bob'],
    ['a role with a path (brief: "no role path")', 'arn:aws:iam::000000000000:role/team/admin'],
  ];

  it('control: an owner of the account is set', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'ok', provisionedProductId: PP, properties: { OWNER: 'arn:aws:iam::000000000000:user/bob' } })]);
    await stack.settle();
    expect(terminalsFor(stack, 'ok').map((t) => t.status)).toEqual(['SUCCEEDED']);
  });

  it.each(BAD_OWNERS)('%s is refused naming properties.OWNER, and never reaches Service Catalog', async (_label, owner) => {
    stack = await start();
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'r1', provisionedProductId: PP, properties: { OWNER: owner } })]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain('properties.OWNER');
    expect(stack.server.calls.filter((c) => c.service === 'AWS242ServiceCatalogService')).toHaveLength(0);
  });

  it('example-restricted: an owner pattern role/team-* does not admit a role under a /team-x/ path', async () => {
    stack = await start({ stage: 'example-restricted' });
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'r1', provisionedProductId: 'pp-workload1', properties: { OWNER: 'arn:aws:iam::000000000000:role/team-x/admin' } })]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain('properties.OWNER');
  });
});
