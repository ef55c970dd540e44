/**
 * Round 3 — the Cloud Control execution role (promise 1): the default role, roles that do not exist or are
 * look-alikes of the default, roles that may not manage the type, names at IAM's length limit, and the guardrails
 * rules for a stage's default role.
 *
 * FAILURES (the emulator wrong, kept failing on purpose):
 * - "a DELETE of an absent resource, by a role that may not manage the type": ends SUCCEEDED alreadyAbsent.
 *   Expected FAILED AccessDenied: the role's handler could not have looked (the promise: "the role ... must be
 *   allowed to manage the type"). Cause: local/emulators/cloud-control.ts `submit()` decides NotFound
 *   (`if (!current) outcome = NotFound`) before the `matchesAllowed(typeName, acting.manages)` check, which only
 *   applies while the outcome is still SUCCESS; so any role, even one that manages nothing, gets a DELETE
 *   "succeeded, already absent" (and an UPDATE NotFound, a CREATE AlreadyExists) instead of AccessDenied.
 */
import type { LocalStack } from '../../local/harness/stack';
import { guardrailsFor } from '../../shared/guardrails';
import { authorizeResourceOperation, cloudControlAllowlist, executionRoleArn } from '../../shared/resource-operation/allowlist';
import { guardrailsFileProblems } from '../../shared/workflow/stage-allowlists';
import {
  DEFAULT_ROLE, WIDGET, callsTo, create, del, rejections, roleArn, send, submissions, startStack, terminalsFor, update, widgetWorld, widgets,
  onlyCompletionOf,
} from './round3-support';

let stack: LocalStack;
afterEach(async () => stack?.stop());

const onlyCompletion = (requestId: string) => onlyCompletionOf(stack, requestId);

const roles = (r: Record<string, { manages: string[] }>) => ({ iam: { roles: r } });

describe('the default role', () => {
  it('a request without roleArn is sent with the default role\'s ARN, and a world role keyed by that full ARN is found', async () => {
    stack = await startStack(widgetWorld({}, roles({ [roleArn(DEFAULT_ROLE)]: { manages: [WIDGET] } })));
    await send(stack, create('a', 'w1'));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'SUCCEEDED' });
    expect(callsTo(stack, 'CreateResource').map((c) => c.input.RoleArn)).toEqual([roleArn(DEFAULT_ROLE)]);
  });

  it.each([
    ['no roles at all', {}],
    ['only a role whose name extends the default\'s (prefix trick)', { [`${DEFAULT_ROLE}-admin`]: { manages: ['*'] } }],
    ['only a role named like the default in another account', { [roleArn(DEFAULT_ROLE, '111122223333')]: { manages: ['*'] } }],
    ['only a role named like the default in another partition', { [roleArn(DEFAULT_ROLE, '000000000000', 'aws-cn')]: { manages: ['*'] } }],
    ['only the default\'s name in upper case', { [DEFAULT_ROLE.toUpperCase()]: { manages: ['*'] } }],
    ['only a role one character shorter', { [DEFAULT_ROLE.slice(0, -1)]: { manages: ['*'] } }],
  ])('default role missing (%s): FAILED with a clear reason at once, nothing submitted, no retry storm', async (_label, r) => {
    stack = await startStack(widgetWorld({}, roles(r)));
    await send(stack, create('a', 'w1'), del('d', 'w9'));
    await stack.settle();
    for (const id of ['a', 'd']) {
      const done = onlyCompletion(id);
      expect(done).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequestException' });
      expect(done.statusMessage).toContain(roleArn(DEFAULT_ROLE));
    }
    expect(submissions(stack)).toHaveLength(0);
    expect(callsTo(stack, 'CreateResource')).toHaveLength(1);
    expect(callsTo(stack, 'DeleteResource')).toHaveLength(1);
    expect(widgets(stack).size).toBe(0);
  });

  it('a role that may manage other types only: CREATE ends FAILED AccessDenied, nothing created; UPDATE of an existing one FAILED, unchanged', async () => {
    stack = await startStack(widgetWorld({ existing: { w0: { Name: 'w0', Size: 1 } } }, roles({ [DEFAULT_ROLE]: { manages: ['AWS::S3::*', 'Test::Thing::Gadget'] } })));
    await send(stack, create('a', 'w1'), update('u', 'w0', [{ op: 'replace', path: '/Size', value: 2 }]));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect(onlyCompletion('u')).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect([...widgets(stack).entries()]).toEqual([['w0', { Name: 'w0', Size: 1 }]]);
  });

  it('a DELETE of an absent resource, by a role that may not manage the type, is not reported as done (alreadyAbsent)', async () => {
    stack = await startStack(widgetWorld({}, roles({ [DEFAULT_ROLE]: { manages: ['AWS::S3::*'] } })));
    await send(stack, del('d', 'nothere'));
    await stack.settle();
    const done = onlyCompletion('d');
    // Observed: SUCCEEDED, alreadyAbsent: true.
    expect({ status: done.status, errorCode: done.errorCode, alreadyAbsent: done.alreadyAbsent }).toEqual({ status: 'FAILED', errorCode: 'AccessDenied', alreadyAbsent: undefined });
  });
});

describe('named roles', () => {
  const name64 = `shepherd-cloudcontrol-${'x'.repeat(64 - 'shepherd-cloudcontrol-'.length)}`;
  const name65 = `${name64}y`;

  it('a 64-character role name that exists: passed and used', async () => {
    expect(name64).toHaveLength(64);
    stack = await startStack(widgetWorld({}, roles({ [name64]: { manages: ['Test::*'] } })));
    await send(stack, create('a', 'w1', { roleArn: roleArn(name64) }));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'SUCCEEDED' });
    expect(callsTo(stack, 'CreateResource').map((c) => c.input.RoleArn)).toEqual([roleArn(name64)]);
  });

  it('a 64-character role name that does not exist: FAILED InvalidRequestException naming it, nothing submitted', async () => {
    stack = await startStack(widgetWorld({}, roles({ [DEFAULT_ROLE]: { manages: ['*'] } })));
    await send(stack, create('a', 'w1', { roleArn: roleArn(name64) }));
    await stack.settle();
    const done = onlyCompletion('a');
    expect(done).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequestException' });
    expect(done.statusMessage).toContain(name64);
    expect(submissions(stack)).toHaveLength(0);
  });

  it('a 65-character role name: one Request Rejected owning the requestId, no Cloud Control call, even if the world has it', async () => {
    stack = await startStack(widgetWorld({}, roles({ [name65]: { manages: ['*'] } })));
    await send(stack, create('a', 'w1', { roleArn: roleArn(name65) }));
    await stack.settle();
    const all = terminalsFor(stack, 'a');
    expect(all.map((t) => t.kind)).toEqual(['Request Rejected']);
    expect(all[0]!.errors.map((e: any) => e.field)).toEqual(['roleArn']);
    expect(stack.server.calls.filter((c) => c.service === 'CloudApiService')).toHaveLength(0);
  });

  it('the default role named explicitly behaves as the default', async () => {
    stack = await startStack(widgetWorld());
    await send(stack, create('a', 'w1', { roleArn: roleArn(DEFAULT_ROLE) }), create('b', 'w2'));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'SUCCEEDED' });
    expect(onlyCompletion('b')).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('the leftover read-back acts as the request\'s own role: a role that may manage only this type reads its leftover back', async () => {
    stack = await startStack(widgetWorld({ failure: { errorCode: 'ServiceInternalError', times: 1 }, partialCreates: true }, roles({
      [DEFAULT_ROLE]: { manages: ['AWS::S3::*'] },
      'shepherd-cloudcontrol-widgets': { manages: ['Test::Thing::*'] },
    })));
    await send(stack, create('a', 'w1', { roleArn: roleArn('shepherd-cloudcontrol-widgets') }));
    await stack.settle();
    expect(onlyCompletion('a')).toMatchObject({ status: 'FAILED', resourceExists: true, identifier: 'w1' });
    expect(callsTo(stack, 'GetResource').map((c) => c.input.RoleArn)).toEqual([roleArn('shepherd-cloudcontrol-widgets')]);
    expect(submissions(stack)).toHaveLength(1);
  });

  it('20 requests at once naming 4 roles (2 missing, 1 not managing the type, 1 fine): each ends once, with its own reason', async () => {
    stack = await startStack(widgetWorld({}, roles({
      [DEFAULT_ROLE]: { manages: ['*'] },
      'shepherd-cloudcontrol-fine': { manages: ['Test::*'] },
      'shepherd-cloudcontrol-s3only': { manages: ['AWS::S3::*'] },
    })));
    const names = ['shepherd-cloudcontrol-fine', 'shepherd-cloudcontrol-s3only', 'shepherd-cloudcontrol-missing', 'shepherd-cloudcontrol-fine2'];
    const details = Array.from({ length: 20 }, (_, i) => create(`r${i}`, `w${i}`, { roleArn: roleArn(names[i % 4]!) }));
    await send(stack, ...details);
    await stack.settle();
    const byRole = new Map<string, string[]>();
    details.forEach((d, i) => {
      const done = onlyCompletion(String(d.requestId));
      byRole.set(names[i % 4]!, [...(byRole.get(names[i % 4]!) ?? []), `${done.status}/${done.errorCode ?? ''}`]);
    });
    expect(Object.fromEntries(byRole)).toEqual({
      'shepherd-cloudcontrol-fine': Array(5).fill('SUCCEEDED/'),
      'shepherd-cloudcontrol-s3only': Array(5).fill('FAILED/AccessDenied'),
      'shepherd-cloudcontrol-missing': Array(5).fill('FAILED/InvalidRequestException'),
      'shepherd-cloudcontrol-fine2': Array(5).fill('FAILED/InvalidRequestException'),
    });
    expect(widgets(stack).size).toBe(5);
    expect(rejections(stack)).toHaveLength(0);
  });
});

describe('a stage\'s default role (guardrails rules, offline)', () => {
  const stageWith = (cloudControl: Record<string, unknown>) => ({
    stages: {
      default: {
        sources: { 'platform.provisioning': ['arn:aws:iam::000000000000:role/platform-automation'] },
        extraAccounts: '',
        cloudControl: { resourceTypes: {}, roleNames: [] },
        serviceCatalog: { portfolios: [], shareTargets: [] },
        organizationsAccess: { enable: false, disable: false },
        provisionedProducts: { products: [], owners: [], launchRoleNames: [] },
        partnerCentral: { catalogs: [], accounts: [] },
      },
      s: {
        sources: { 'platform.provisioning': ['arn:aws:iam::000000000000:role/platform-automation'] },
        extraAccounts: '',
        cloudControl: { resourceTypes: { '*': ['CREATE'] }, ...cloudControl },
        serviceCatalog: { portfolios: [], shareTargets: [] },
        organizationsAccess: { enable: false, disable: false },
        provisionedProducts: { products: [], owners: [], launchRoleNames: [] },
        partnerCentral: { catalogs: [], accounts: [] },
      },
    },
  });
  const where = { partition: 'aws', accountId: '000000000000' };
  const request = { operation: 'CREATE', typeName: WIDGET, desiredState: {} } as never;

  it('a stage without a default refuses a role-less request (field roleArn, code required)', () => {
    const g = cloudControlAllowlist.of(guardrailsFor('s', stageWith({ roleNames: ['cc-*'] })));
    expect(authorizeResourceOperation(request, g, where)).toEqual([expect.objectContaining({ field: 'roleArn', code: 'required' })]);
    expect(executionRoleArn(undefined, g, where)).toBeUndefined();
  });

  it.each([
    ['a default that extends an exact listed name', ['cc-deploy'], 'cc-deploy-admin'],
    ['a default that is a prefix of an exact listed name', ['cc-deploy'], 'cc-de'],
    ['a default in another case than its pattern', ['cc-*'], 'CC-deploy'],
    ['a default with a path', ['cc-*'], 'cc-x/admin'],
    ['a default with a wildcard', ['cc-*'], 'cc-*'],
    ['a default of 65 characters', ['cc-*'], `cc-${'a'.repeat(62)}`],
  ])('the file is refused: %s', (_label, roleNames, defaultRoleName) => {
    const file = stageWith({ roleNames, defaultRoleName });
    expect(() => cloudControlAllowlist.of(guardrailsFor('s', file))).toThrow(/cloudControl\.defaultRoleName/);
    expect(guardrailsFileProblems(file)).toEqual([expect.stringMatching(/^stages\.s\.cloudControl\.defaultRoleName: /)]);
  });

  it('the default role is built in the deployment\'s own partition and account, whatever a role-less request comes with', () => {
    const g = cloudControlAllowlist.of(guardrailsFor('s', stageWith({ roleNames: ['cc-*'], defaultRoleName: 'cc-default' })));
    expect(executionRoleArn(undefined, g, { partition: 'aws-us-gov', accountId: '123456789012' })).toBe('arn:aws-us-gov:iam::123456789012:role/cc-default');
    expect(authorizeResourceOperation(request, g, where)).toEqual([]);
  });
});
