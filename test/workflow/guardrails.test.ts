/**
 * Security guardrails on the local stack. Who may ask: requests from
 * sources or accounts the stage does not accept match no rule, start
 * nothing, and are logged. What may be done: requests outside the stage's
 * allowlists (config/guardrails.json) are rejected with the reason and never
 * reach an AWS API.
 */
import { LocalStack } from '../../local/harness/stack';
import { guardrailsFor, isListedStage, matchesAllowed } from '../../shared/guardrails';
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
    expect(g.cloudControl).toEqual({ resourceTypes: {}, roleNames: [] });
    expect(g.serviceCatalog).toEqual({ portfolios: [], shareTargets: [] });
    expect(g.organizationsAccess).toEqual({ enable: false, disable: false });
    expect(g.provisionedProducts).toEqual({ products: [], owners: [], launchRoleNames: [] });
    expect(g.partnerCentral).toEqual({ catalogs: [], accounts: [] });
    // Prototype names are not stages.
    expect(guardrailsFor('__proto__')).toEqual(guardrailsFor('default'));
    expect(guardrailsFor('constructor')).toEqual(guardrailsFor('default'));
  });

  it('refuses a file that would let Shepherd accept its own events, a malformed account list, a role path, or a missing kind', () => {
    const stage = {
      sources: { shepherd: ['arn:aws:iam::000000000000:role/x'] }, extraAccounts: '', cloudControl: { resourceTypes: {}, roleNames: [] },
      serviceCatalog: { portfolios: [], shareTargets: [] }, organizationsAccess: { enable: false, disable: false },
      provisionedProducts: { products: [], owners: [], launchRoleNames: [] }, partnerCentral: { catalogs: [], accounts: [] },
    };
    const ok = { ...stage, sources: { a: ['arn:aws:iam::000000000000:role/x'] } };
    expect(() => guardrailsFor('x', { stages: { default: ok } })).not.toThrow();
    expect(() => guardrailsFor('x', { stages: { default: stage } })).toThrow(/own source/);
    expect(() => guardrailsFor('x', { stages: { default: { ...ok, extraAccounts: '1234' } } })).toThrow(/extraAccounts/);
    expect(() => guardrailsFor('x', { stages: { default: { ...ok, sources: { a: [] } } } })).toThrow(/sources\.a/);
    expect(() => guardrailsFor('x', { stages: { default: { ...ok, sources: { a: ['*'] } } } })).toThrow(/IAM role or user ARN/);
    expect(() => guardrailsFor('x', { stages: { default: { ...ok, cloudControl: { resourceTypes: {}, roleNames: ['team/*'] } } } })).toThrow(/no path/);
    const { partnerCentral: _missing, ...withoutPartnerCentral } = ok;
    expect(() => guardrailsFor('x', { stages: { default: withoutPartnerCentral } })).toThrow(/partnerCentral/);
  });

  it('matches `*` as any run of characters and nothing else as a pattern', () => {
    expect(matchesAllowed('arn:aws:iam::000000000000:role/shepherd-cloudcontrol-s3', ['arn:aws:iam::000000000000:role/shepherd-cloudcontrol-*'])).toBe(true);
    expect(matchesAllowed('arn:aws:iam::000000000000:role/Admin', ['arn:aws:iam::000000000000:role/shepherd-cloudcontrol-*'])).toBe(false);
    expect(matchesAllowed('port-2abcdext3y5fk', ['port-2abcdext3y5f.'])).toBe(false);
  });
});
