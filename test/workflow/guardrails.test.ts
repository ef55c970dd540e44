/**
 * Security guardrails on the local stack. Who may ask: requests from
 * sources or accounts the stage does not accept match no rule, start
 * nothing, and are logged. What may be done: requests outside the stage's
 * allowlists (config/guardrails.json) are rejected with the reason and never
 * reach an AWS API.
 */
import { LocalStack } from '../../local/harness/stack';
import { matchesAllowed } from '../../shared/allowlists';
import { guardrailsFor, isListedStage } from '../../shared/guardrails';
import { cloudControlAllowlist } from '../../shared/resource-operation/allowlist';
import { ALLOWLISTS, guardrailsFileProblems } from '../../shared/workflow/stage-allowlists';
import { WORKFLOWS } from '../../shared/workflows';
import { T0, callsTo, rejections } from '../support/stack';
import type { EventEnvelope } from '../../local/emulators/event-bridge';

const envelope = (id: string, detailType: string, detail: Record<string, unknown>, from: { source?: string; account?: string } = {}): EventEnvelope => ({
  version: '0', id, 'detail-type': detailType, source: from.source ?? 'platform.provisioning', account: from.account ?? '000000000000',
  time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail,
});
const bucket = (requestId: string, extra: Record<string, unknown> = {}) => ({
  requestId, operation: 'CREATE', typeName: 'AWS::S3::Bucket', desiredState: { BucketName: requestId }, ...extra,
});

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

const world = {
  clock: { start: T0.toISOString(), speed: 'max' as const },
  cloudControl: { resourceTypes: { '*': { durationSeconds: 10 } } },
  serviceCatalog: { organization: { units: [{ id: 'ou-wk01-workloads', accounts: 3 }, { id: 'ou-wk01-sandboxes', accounts: 3 }] }, portfolios: ['port-2abcdext3y5fk', 'port-9zyxwvut8s7rq'] },
};

describe('who may ask', () => {
  it('matches no rule for a source the stage does not accept, starts nothing, and logs the request', async () => {
    stack = await LocalStack.start({ world });
    stack.inject(envelope('from-stranger', 'Resource Operation Requested', bucket('stranger-1'), { source: 'evil.corp' }));
    // An account the stage does not accept cannot put events on the bus at all (its policy; hostile-requests.test.ts);
    // were one to arrive, it would match no rule.
    stack.inject(envelope('from-other-account', 'Resource Operation Requested', bucket('foreign-1'), { account: '999999999999' }));
    stack.inject(envelope('from-shepherd', 'Resource Operation Requested', bucket('spoof-1'), { source: 'shepherd' }));
    stack.inject(envelope('accepted', 'Resource Operation Requested', bucket('accepted-1')));
    await stack.settle();

    expect([...stack.stepFunctions.executions.values()].map((e) => e.name)).toEqual(['accepted-1']);
    expect(rejections(stack)).toEqual([]);
    expect(stack.invocations.get('ingestRequests')).toBe(1);
    // Logged without their detail (it can hold secrets): who sent what, and when.
    const logged = stack.logGroups.get('/aws/events/shepherd-local-unaccepted-requests') as Array<{ timestamp: string; message: string }>;
    expect(logged.map((e) => e.message).sort()).toEqual([
      'Resource Operation Requested from evil.corp in account 000000000000, event from-stranger',
      'Resource Operation Requested from shepherd in account 000000000000, event from-shepherd',
    ]);
    expect(logged.every((e) => e.timestamp === '2026-11-25T09:00:00Z')).toBe(true);
    expect(JSON.stringify(logged)).not.toContain('stranger-1'); // the detail (here its requestId) is never logged
  });
});

describe('what may be done', () => {
  it('rejects resource types, operations, roles, portfolios and share targets outside the allowlists, before any AWS call', async () => {
    stack = await LocalStack.start({ world, environment: { STAGE: 'example-restricted' } });
    const requests: Array<[string, string, Record<string, unknown>]> = [
      ['table', 'Resource Operation Requested', { requestId: 'table', operation: 'CREATE', typeName: 'AWS::DynamoDB::Table', desiredState: {} }],
      ['delete-bucket', 'Resource Operation Requested', { requestId: 'delete-bucket', operation: 'DELETE', typeName: 'AWS::S3::Bucket', identifier: 'b' }],
      ['admin-role', 'Resource Operation Requested', bucket('admin-role', { roleArn: 'arn:aws:iam::000000000000:role/Administrator' })],
      ['other-portfolio', 'Portfolio Share Requested', { requestId: 'other-portfolio', operation: 'CREATE', portfolioId: 'port-9zyxwvut8s7rq', accountId: '444455556666' }],
      ['sandboxes', 'Portfolio Share Requested', { requestId: 'sandboxes', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-sandboxes' } }],
    ];
    requests.forEach(([id, type, detail]) => stack.inject(envelope(id, type, detail, { source: 'platform.catalog' })));
    // Allowed: an S3 bucket with a configured role, and a share to the configured OU.
    stack.inject(envelope('ok-bucket', 'Resource Operation Requested', bucket('ok-bucket', { roleArn: 'arn:aws:iam::000000000000:role/shepherd-cloudcontrol-s3' })));
    stack.inject(envelope('ok-share', 'Portfolio Share Requested', { requestId: 'ok-share', operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type: 'ORGANIZATIONAL_UNIT', value: 'ou-wk01-workloads' } }, { source: 'platform.catalog' }));
    await stack.settle();

    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)]));
    expect(byId).toEqual({
      table: ['typeName:not_allowed'],
      'delete-bucket': ['operation:not_allowed'],
      'admin-role': ['roleArn:not_allowed'],
      'other-portfolio': ['portfolioId:not_allowed'], // the account itself is an allowed target
      sandboxes: ['organizationNode.value:not_allowed'],
    });
    expect(rejections(stack).every((r) => r.reason === 'the request is outside what this stage allows')).toBe(true);
    expect([...stack.stepFunctions.executions.values()].map((e) => e.name).sort()).toEqual(['ok-bucket', 'ok-share']);
    expect(callsTo(stack, 'CreateResource').map((c) => c.input.TypeName)).toEqual(['AWS::S3::Bucket']);
    expect(callsTo(stack, 'CreatePortfolioShare')).toHaveLength(1);
  });
});

describe('config/guardrails.json', () => {
  it('falls back to the default stage, which allows no AWS change of any kind', () => {
    const g = guardrailsFor('some-new-stage');
    expect(g).toEqual(guardrailsFor('default'));
    expect(isListedStage('some-new-stage')).toBe(false);
    expect(isListedStage('local')).toBe(true);
    // `default` lists no workflow's section: each reads as its deny-all.
    expect(Object.keys(g).sort()).toEqual(['extraAccounts', 'sources']);
    for (const allowlist of ALLOWLISTS) expect(allowlist.of(g)).toEqual(allowlist.denyAll);
    // Prototype names are not stages.
    expect(guardrailsFor('__proto__')).toEqual(guardrailsFor('default'));
    expect(guardrailsFor('constructor')).toEqual(guardrailsFor('default'));
  });

  it('the file as it is has every section a workflow owns, each valid', () => {
    expect(guardrailsFileProblems()).toEqual([]);
    // Every section is owned by a registered workflow's request kind, and every kind has one.
    expect(ALLOWLISTS.map((a) => a.section).sort()).toEqual([...new Set(WORKFLOWS.flatMap((w) => w.requests.map((r) => r.allowlist.section)))].sort());
  });

  it('refuses a file that would let Shepherd accept its own events, a malformed account list, a role path, or a section no workflow owns', () => {
    const ok = { sources: { a: ['arn:aws:iam::000000000000:role/x'] }, extraAccounts: '', cloudControl: { resourceTypes: {}, roleNames: [] } };
    const file = (stage: Record<string, unknown>) => ({ stages: { default: stage } });
    expect(() => guardrailsFor('x', file(ok))).not.toThrow();
    expect(guardrailsFileProblems(file(ok))).toEqual([]);
    expect(() => guardrailsFor('x', file({ ...ok, sources: { shepherd: ['arn:aws:iam::000000000000:role/x'] } }))).toThrow(/own source/);
    expect(() => guardrailsFor('x', file({ ...ok, extraAccounts: '1234' }))).toThrow(/extraAccounts/);
    expect(() => guardrailsFor('x', file({ ...ok, sources: { a: [] } }))).toThrow(/sources\.a/);
    expect(() => guardrailsFor('x', file({ ...ok, sources: { a: ['*'] } }))).toThrow(/IAM role or user ARN/);
    // A section that is not an object is refused with the stage; what is inside one, by its workflow's schema.
    expect(() => guardrailsFor('x', file({ ...ok, cloudControl: true }))).toThrow(/default\.cloudControl/);
    const rolePath = file({ ...ok, cloudControl: { resourceTypes: {}, roleNames: ['team/*'] } });
    expect(guardrailsFileProblems(rolePath)).toEqual([expect.stringMatching(/^stages\.default\.cloudControl\.roleNames\.0: .*no path/)]);
    expect(() => cloudControlAllowlist.of(guardrailsFor('x', rolePath))).toThrow(/cloudControl\.roleNames\.0: .*no path/);
    const extraKey = file({ ...ok, cloudControl: { resourceTypes: {}, roleNames: [], defaultRole: 'x' } });
    expect(guardrailsFileProblems(extraKey)).toEqual([expect.stringMatching(/^stages\.default\.cloudControl: .*defaultRole/)]);
    // A misspelt section would otherwise allow that workflow nothing without a word: it is named.
    const typo = file({ ...ok, cloudcontrol: { resourceTypes: { '*': ['CREATE'] }, roleNames: [] } });
    expect(guardrailsFileProblems(typo)).toEqual([expect.stringMatching(/^stages\.default\.cloudcontrol: no workflow has this section \(the sections: .*cloudControl/)]);
    // A prototype member is no section either: `constructor` is named, `__proto__` is dropped by the parse
    // (it never becomes the stage's prototype, so no section is inherited through it).
    const hostile = JSON.parse('{"stages":{"default":{"sources":{"a":["arn:aws:iam::000000000000:role/x"]},"extraAccounts":"","constructor":{"x":1},"__proto__":{"cloudControl":{"resourceTypes":{"*":["CREATE"]},"roleNames":["*"]}}}}}');
    expect(guardrailsFileProblems(hostile)).toEqual([expect.stringMatching(/^stages\.default\.constructor: no workflow/)]);
    expect(Object.getPrototypeOf(guardrailsFor('x', hostile))).toBe(Object.prototype);
    expect(cloudControlAllowlist.of(guardrailsFor('x', hostile))).toEqual(cloudControlAllowlist.denyAll);
  });

  it('a stage that leaves a workflow\'s section out allows that workflow nothing', () => {
    const g = guardrailsFor('x', { stages: { default: { sources: { a: ['arn:aws:iam::000000000000:role/x'] }, extraAccounts: '' } } });
    for (const allowlist of ALLOWLISTS) expect(allowlist.of(g)).toEqual(allowlist.denyAll);
  });

  it('matches `*` as any run of characters and nothing else as a pattern', () => {
    expect(matchesAllowed('arn:aws:iam::000000000000:role/shepherd-cloudcontrol-s3', ['arn:aws:iam::000000000000:role/shepherd-cloudcontrol-*'])).toBe(true);
    expect(matchesAllowed('arn:aws:iam::000000000000:role/Admin', ['arn:aws:iam::000000000000:role/shepherd-cloudcontrol-*'])).toBe(false);
    expect(matchesAllowed('port-2abcdext3y5fk', ['port-2abcdext3y5f.'])).toBe(false);
  });
});
