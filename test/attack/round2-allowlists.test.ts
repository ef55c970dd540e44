/**
 * Round 2 — owner patterns by path segment, STS assumed-role owners, Partner
 * Central identifiers given as odd ARNs.
 */
import type { LocalStack } from '../../local/harness/stack';
import { matchesAllowedSegments } from '../../shared/allowlists';
import { guardrailsFor } from '../../shared/guardrails';
import { authorizeProgramManagementAccountUpdate, partnerCentralAllowlist } from '../../shared/program-management-account/allowlist';
import { authorizeProvisionedProductUpdate, provisionedProductsAllowlist, type ProvisionedProductsAllowlist } from '../../shared/provisioned-product/allowlist';
import { PMA, PMAU, PP, PPU, entry, forbiddenCalls, rejections, start, terminalsFor } from './support';

const WHERE = { partition: 'aws', accountId: '000000000000' };

/** The local stage's provisioned-products allowlist with other owner patterns. */
function withOwners(owners: string[]): ProvisionedProductsAllowlist {
  return { ...provisionedProductsAllowlist.of(guardrailsFor('local')), owners };
}
const ownerErrors = (owner: string, owners: string[]) =>
  authorizeProvisionedProductUpdate({ provisionedProductId: PP, properties: { OWNER: owner } } as never, withOwners(owners), WHERE).map((e) => e.field);

describe('owner patterns with * at segment ends (shared/guardrails.ts, unit)', () => {
  const cases: Array<[string, string, string[], boolean]> = [
    ['role/* admits a role without a path', 'arn:aws:iam::000000000000:role/team-a', ['arn:aws:iam::000000000000:role/*'], true],
    ['role/* does not admit a role with a path', 'arn:aws:iam::000000000000:role/team/a', ['arn:aws:iam::000000000000:role/*'], false],
    ['role/* does not admit a trailing slash', 'arn:aws:iam::000000000000:role/team-a/', ['arn:aws:iam::000000000000:role/*'], false],
    ['role/team-* does not admit role/team-/x', 'arn:aws:iam::000000000000:role/team-/x', ['arn:aws:iam::000000000000:role/team-*'], false],
    ['role/*/admin admits exactly one segment before admin', 'arn:aws:iam::000000000000:role/x/admin', ['arn:aws:iam::000000000000:role/*/admin'], true],
    ['role/*/admin does not admit two segments', 'arn:aws:iam::000000000000:role/x/y/admin', ['arn:aws:iam::000000000000:role/*/admin'], false],
    ['role/*/admin does not admit an empty segment plus more', 'arn:aws:iam::000000000000:role//y/admin', ['arn:aws:iam::000000000000:role/*/admin'], false],
    ['"...:*" (any principal) admits nothing with a slash', 'arn:aws:iam::000000000000:role/admin', ['arn:aws:iam::000000000000:*'], false],
    ['a role pattern does not admit an assumed-role session of that role', 'arn:aws:sts::000000000000:assumed-role/team-a/s1', ['arn:aws:iam::000000000000:role/team-*'], false],
    ['a user pattern does not admit a role of the same name', 'arn:aws:iam::000000000000:role/bob', ['arn:aws:iam::000000000000:user/bob'], false],
    ['assumed-role/team-*/* admits any session of team roles', 'arn:aws:sts::000000000000:assumed-role/team-a/anything', ['arn:aws:sts::000000000000:assumed-role/team-*/*'], true],
    ['assumed-role/team-*/* does not admit admin sessions named team-', 'arn:aws:sts::000000000000:assumed-role/admin/team-x', ['arn:aws:sts::000000000000:assumed-role/team-*/*'], false],
    ['assumed-role/*/alice does not admit alice2', 'arn:aws:sts::000000000000:assumed-role/r/alice2', ['arn:aws:sts::000000000000:assumed-role/*/alice'], false],
    ['a * in the service part does not turn iam into sts', 'arn:aws:sts::000000000000:assumed-role/team-a/s', ['arn:aws:*::000000000000:role/team-*'], false],
    ['a * in the account part: the account is still checked on its own', 'arn:aws:iam::111122223333:role/team-a', ['arn:aws:iam::*:role/team-*'], false],
    ['a * in the partition part: the partition is still checked on its own', 'arn:aws-cn:iam::000000000000:role/team-a', ['arn:*:iam::000000000000:role/team-*'], false],
    ['regex characters in a pattern are literal', 'arn:aws:iam::000000000000:role/teamXa', ['arn:aws:iam::000000000000:role/team.a'], false],
    ['a pattern ending in * admits "user/" + name but not "user/name/"', 'arn:aws:iam::000000000000:user/bob/', ['arn:aws:iam::000000000000:user/*'], false],
  ];
  it.each(cases)('%s', (_name, owner, owners, allowed) => {
    expect(ownerErrors(owner, owners)).toEqual(allowed ? [] : ['properties.OWNER']);
  });

  it('matchesAllowedSegments: * never matches a newline-joined path either', () => {
    expect(matchesAllowedSegments('arn:aws:iam::000000000000:role/a\n/b', ['arn:aws:iam::000000000000:role/*'])).toBe(false);
  });
});

describe('OWNER on the running stack', () => {
  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  const REFUSED: Array<[string, string, string]> = [
    ['local', 'an assumed-role session (local lists users and roles only)', 'arn:aws:sts::000000000000:assumed-role/admin/session'],
    ['local', 'an assumed-role session whose role is named like a user', 'arn:aws:sts::000000000000:assumed-role/bob/bob'],
    ['local', 'a user with a path', 'arn:aws:iam::000000000000:user/ops/bob'],
    ['local', 'a role with a trailing slash', 'arn:aws:iam::000000000000:role/admin/'],
    ['example-restricted', 'a session of an allowed role', 'arn:aws:sts::000000000000:assumed-role/team-a/session'],
    ['example-restricted', 'role/team-x/ (trailing slash)', 'arn:aws:iam::000000000000:role/team-x/'],
    ['example-restricted', 'role/team-/admin', 'arn:aws:iam::000000000000:role/team-/admin'],
    ['example-restricted', 'a user named team-a', 'arn:aws:iam::000000000000:user/team-a'],
  ];

  it.each(REFUSED)('%s: %s is refused naming properties.OWNER, no Service Catalog call', async (stage, _name, owner) => {
    stack = await start({ stage });
    const pp = stage === 'local' ? PP : 'pp-workload1';
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'r1', provisionedProductId: pp, properties: { OWNER: owner } })]);
    await stack.settle();
    const rejected = rejections(stack);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.errors.map((e: any) => e.field)).toContain('properties.OWNER');
    expect(forbiddenCalls(stack)).toEqual([]);
  });

  it('example-restricted control: role/team-a is admitted (the allowlist itself)', async () => {
    stack = await start({ stage: 'example-restricted' });
    await stack.putEvents([entry('platform.catalog', PPU, { requestId: 'r1', provisionedProductId: 'pp-workload1', properties: { OWNER: 'arn:aws:iam::000000000000:role/team-a' } })]);
    await stack.settle();
    expect(rejections(stack).flatMap((r) => r.errors.map((e: any) => e.field))).not.toContain('properties.OWNER');
  });
});

describe('Partner Central identifiers given as ARNs', () => {
  const arn = (partition: string, region: string, account: string, catalog: string, id = PMA) =>
    `arn:${partition}:partnercentral:${region}:${account}:catalog/${catalog}/program-management-account/${id}`;
  const restricted = partnerCentralAllowlist.of(guardrailsFor('example-restricted')); // catalogs [Sandbox], accounts [pma-*]
  const local = partnerCentralAllowlist.of(guardrailsFor('local')); // catalogs [AWS, Sandbox], accounts [*]
  const errors = (g: typeof local, catalog: string, identifier: string) =>
    authorizeProgramManagementAccountUpdate({ catalog, identifier, displayName: 'x' } as never, g, WHERE).map((e) => `${e.field}:${e.code}`);

  const refused: Array<[string, typeof local, string, string]> = [
    ['restricted: ARN catalog AWS, field Sandbox', restricted, 'Sandbox', arn('aws', 'us-east-1', '000000000000', 'AWS')],
    ['restricted: ARN catalog "sandbox" (case)', restricted, 'Sandbox', arn('aws', 'us-east-1', '000000000000', 'sandbox')],
    ['restricted: ARN catalog SandboxX', restricted, 'Sandbox', arn('aws', 'us-east-1', '000000000000', 'SandboxX')],
    ['restricted: ARN in aws-cn', restricted, 'Sandbox', arn('aws-cn', 'cn-north-1', '000000000000', 'Sandbox')],
    ['restricted: ARN in aws-us-gov', restricted, 'Sandbox', arn('aws-us-gov', 'us-gov-west-1', '000000000000', 'Sandbox')],
    ['restricted: ARN in partition "aws-"', restricted, 'Sandbox', arn('aws-', 'us-east-1', '000000000000', 'Sandbox')],
    ['restricted: ARN of another account', restricted, 'Sandbox', arn('aws', 'us-east-1', '111122223333', 'Sandbox')],
    ['local: ARN of another account', local, 'AWS', arn('aws', 'us-east-1', '111122223333', 'AWS')],
    ['local: ARN in aws-iso', local, 'AWS', arn('aws-iso', 'us-iso-east-1', '000000000000', 'AWS')],
    ['local: ARN catalog not listed anywhere', local, 'AWS', arn('aws', 'us-east-1', '000000000000', 'Evil')],
  ];
  it.each(refused)('%s is refused naming identifier', (_name, g, catalog, identifier) => {
    expect(errors(g, catalog, identifier)).toContain('identifier:not_allowed');
  });

  it('restricted control: an ARN of its own Sandbox account is admitted', () => {
    expect(errors(restricted, 'Sandbox', arn('aws', 'us-east-1', '000000000000', 'Sandbox'))).toEqual([]);
  });

  let stack: LocalStack;
  afterEach(async () => stack?.stop());

  it.each(refused.filter(([name]) => name.startsWith('restricted')))('on the stack, %s: one rejection, no Partner Central call', async (_name, _g, catalog, identifier) => {
    stack = await start({ stage: 'example-restricted' });
    await stack.putEvents([entry('platform.catalog', PMAU, { requestId: 'p1', catalog, identifier, displayName: 'Renamed' })]);
    await stack.settle();
    expect(rejections(stack)).toHaveLength(1);
    expect(forbiddenCalls(stack)).toEqual([]);
  });

  it('local: field AWS with an ARN of the Sandbox catalog (both listed): Partner Central refuses the mismatch, nothing changes', async () => {
    stack = await start();
    await stack.putEvents([entry('platform.partners', PMAU, { requestId: 'p1', catalog: 'AWS', identifier: arn('aws', 'us-east-1', '000000000000', 'Sandbox'), displayName: 'Renamed' })]);
    await stack.settle();
    const ends = terminalsFor(stack, 'p1');
    expect(ends).toHaveLength(1);
    expect(ends[0]!.status ?? 'REJECTED').not.toBe('SUCCEEDED');
  });
});
