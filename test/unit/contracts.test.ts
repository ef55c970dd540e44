/**
 * One source of truth: the zod contracts decide validation, and the JSON
 * Schemas in schemas/ and the rule patterns in serverless.yml must be what
 * the contracts derive. Also: each validation rule the issue names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { contracts, requestRulePattern, type EventContract } from '../../shared/contracts/events';
import { allJsonSchemas, eventJsonSchema } from '../../shared/contracts/json-schemas';
import { validateDetail } from '../../shared/contracts/validate';
import { loadServiceModel } from '../../tooling/serverless-config';
import { guardrailsFor } from '../../shared/guardrails';
import createBucket from '../fixtures/events/create-bucket.json';
import updateLogGroup from '../fixtures/events/update-log-group.json';
import deleteLogGroup from '../fixtures/events/delete-log-group.json';

const root = join(__dirname, '..', '..');
const requested = contracts.resourceOperationRequested;

describe('derived artefacts', () => {
  it.each(Object.entries(allJsonSchemas()))('schemas/%s is what the contract generates (npm run schemas)', (file, schema) => {
    expect(JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'))).toEqual(schema);
  });

  it('routes every request contract with one rule to the request queue, whose pattern the contracts derive', () => {
    const { rules, functions } = loadServiceModel(root);
    const requests = Object.values(contracts).filter((c: EventContract) => c.direction === 'request');
    const queued = rules.filter((rule) => rule.queueName);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.pattern).toEqual(requestRulePattern({ sources: Object.keys(guardrailsFor('local').sources), accounts: ['000000000000'] }));
    expect(queued[0]!.pattern['detail-type']).toEqual(requests.map((c) => c.detailType));
    // The queue's one consumer is the intake, with partial batch responses.
    const consumers = Object.values(functions).filter((fn) => fn.queueSources.some((s) => s.queueName === queued[0]!.queueName));
    expect(consumers.map((fn) => [fn.key, fn.queueSources[0]!.reportBatchItemFailures])).toEqual([['ingestRequests', true]]);
    // Besides it: the rescue's rule on Step Functions status changes, and the two that log unaccepted requests.
    expect(rules.filter((rule) => rule.functionKey).map((rule) => rule.pattern.source)).toEqual([['aws.states']]);
    const logged = rules.filter((rule) => rule.logGroupName);
    expect(logged).toHaveLength(1); // requests from sources the stage does not take (other accounts never reach the bus)
    for (const rule of logged) expect(rule.pattern['detail-type']).toEqual(requests.map((c) => c.detailType));
  });

  it('the JSON Schema accepts the fixtures and rejects what zod rejects for shape', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(eventJsonSchema(requested));
    const event = (detail: unknown) => ({ source: 'platform.provisioning', 'detail-type': requested.detailType, detail });
    for (const detail of [createBucket, updateLogGroup, deleteLogGroup]) {
      expect(validate(event(detail))).toBe(true);
      expect(validateDetail(requested.detail, detail).ok).toBe(true);
    }
    const shapeErrors = [
      { ...updateLogGroup, patchDocument: undefined },
      { ...createBucket, operation: 'UPSERT' },
      { ...createBucket, typeName: 'S3Bucket' },
      { ...createBucket, roleArn: 'arn:aws:iam::123456789012:user/alice' },
      { ...deleteLogGroup, extra: true },
    ];
    for (const detail of shapeErrors) {
      expect(validate(event(detail))).toBe(false);
      expect(validateDetail(requested.detail, detail).ok).toBe(false);
    }
    expect(validate({ ...event(createBucket), source: 'shepherd' })).toBe(false);
  });
});

describe('Resource Operation Requested validation', () => {
  const fieldsOf = (detail: unknown) => {
    const result = validateDetail(requested.detail, detail);
    return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
  };

  it.each([
    ['UPDATE without patchDocument', { ...updateLogGroup, patchDocument: undefined }, 'patchDocument:invalid_type'],
    ['an empty patch', { ...updateLogGroup, patchDocument: [] }, 'patchDocument:too_small'],
    ['a patch op RFC 6902 does not define', { ...updateLogGroup, patchDocument: [{ op: 'merge', path: '/a', value: 1 }] }, 'patchDocument[0].op:invalid_union'],
    ['a patch path that is not a JSON Pointer', { ...updateLogGroup, patchDocument: [{ op: 'remove', path: 'RetentionInDays' }] }, 'patchDocument[0].path:invalid_format'],
    ['a replace without value', { ...updateLogGroup, patchDocument: [{ op: 'replace', path: '/a' }] }, 'patchDocument[0].value:invalid_union'],
    ['a move without from', { ...updateLogGroup, patchDocument: [{ op: 'move', path: '/a' }] }, 'patchDocument[0].from:invalid_type'],
    ['a patch document that is an object', { ...updateLogGroup, patchDocument: { op: 'remove', path: '/a' } }, 'patchDocument:invalid_type'],
    ['an unknown operation', { ...createBucket, operation: 'UPSERT' }, 'operation:invalid_union'],
    ['a typeName not of the Org::Service::Type shape', { ...createBucket, typeName: 'AWS::S3' }, 'typeName:invalid_format'],
    ['a user ARN as role', { ...createBucket, roleArn: 'arn:aws:iam::123456789012:user/alice' }, 'roleArn:invalid_format'],
    ['a role ARN with a short account', { ...createBucket, roleArn: 'arn:aws:iam::1234:role/x-role-name' }, 'roleArn:invalid_format'],
    ['CREATE without desiredState', { ...createBucket, desiredState: undefined }, 'desiredState:invalid_type'],
    ['a desiredState that is a string', { ...createBucket, desiredState: '{"BucketName":"x"}' }, 'desiredState:invalid_type'],
    ['DELETE without identifier', { ...deleteLogGroup, identifier: undefined }, 'identifier:invalid_type'],
    ['an identifier with a control character', { ...deleteLogGroup, identifier: 'a\u0000b' }, 'identifier:invalid_format'],
    ['a requestId with spaces', { ...deleteLogGroup, requestId: 'my request' }, 'requestId:invalid_format'],
    ['a requestId over 80 characters', { ...deleteLogGroup, requestId: 'r'.repeat(81) }, 'requestId:too_big'],
    ['a typeVersionId with a slash', { ...deleteLogGroup, typeVersionId: '0000/1' }, 'typeVersionId:invalid_format'],
    ['an unknown field', { ...deleteLogGroup, desiredstate: {} }, 'desiredstate:unrecognized_key'],
    ['a field of another operation', { ...deleteLogGroup, desiredState: {} }, 'desiredState:unrecognized_key'],
  ])('rejects %s', (_why, detail, expected) => {
    expect(fieldsOf(detail)).toContain(expected);
  });

  it('rejects a desired state over the API limit of 262,144 characters', () => {
    expect(fieldsOf({ ...createBucket, desiredState: { Blob: 'x'.repeat(262_144) } })).toContain('desiredState:custom');
  });

  it('accepts every RFC 6902 operation', () => {
    const patchDocument = [
      { op: 'add', path: '/Tags/-', value: { Key: 'a', Value: 'b' } },
      { op: 'remove', path: '/Description' },
      { op: 'replace', path: '/RetentionInDays', value: 30 },
      { op: 'move', from: '/A', path: '/B' },
      { op: 'copy', from: '/B', path: '/C' },
      { op: 'test', path: '/C', value: null },
      { op: 'add', path: '/a~1b/~0c', value: 1 },
    ];
    expect(fieldsOf({ ...updateLogGroup, patchDocument })).toEqual([]);
  });
});

describe('Portfolio Share Requested validation', () => {
  const shareRequested = contracts.portfolioShareRequested;
  const fieldsOf = (detail: unknown) => {
    const result = validateDetail(shareRequested.detail, detail);
    return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
  };
  const toAccount = { operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', accountId: '123456789012' };
  const toNode = (type: string, value: string, extra: Record<string, unknown> = {}) => ({
    operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk', organizationNode: { type, value }, ...extra,
  });

  it.each([
    ['an account share', toAccount],
    ['an organization share with both flags', toNode('ORGANIZATION', 'o-a1b2c3d4e5', { shareTagOptions: true, sharePrincipals: true })],
    ['an OU share', toNode('ORGANIZATIONAL_UNIT', 'ou-ab12-cd34ef56')],
    ['an account node share', toNode('ACCOUNT', '123456789012')],
    ['an UPDATE with one flag', { ...toAccount, operation: 'UPDATE', shareTagOptions: false }],
    ['a DELETE', { ...toAccount, operation: 'DELETE', acceptLanguage: 'jp' }],
  ])('accepts %s', (_why, detail) => {
    expect(fieldsOf(detail)).toEqual([]);
  });

  it.each([
    ['an account id of 11 digits', { ...toAccount, accountId: '12345678901' }, 'accountId:invalid_format'],
    ['an account id with letters', { ...toAccount, accountId: '12345678901a' }, 'accountId:invalid_format'],
    ['a portfolio id without port-', { ...toAccount, portfolioId: 'prod-2abcdext3y5fk' }, 'portfolioId:invalid_format'],
    ['a portfolio id of the wrong length', { ...toAccount, portfolioId: 'port-2abc' }, 'portfolioId:invalid_format'],
    ['both accountId and organizationNode', { ...toAccount, organizationNode: { type: 'ACCOUNT', value: '123456789012' } }, 'accountId:exactly_one_target'],
    ['neither accountId nor organizationNode', { operation: 'CREATE', portfolioId: 'port-2abcdext3y5fk' }, 'accountId:exactly_one_target'],
    ['an organization value that is an OU id', toNode('ORGANIZATION', 'ou-ab12-cd34ef56'), 'organizationNode.value:invalid_format'],
    ['an OU value that is an organization id', toNode('ORGANIZATIONAL_UNIT', 'o-a1b2c3d4e5'), 'organizationNode.value:invalid_format'],
    ['an ACCOUNT node value that is not 12 digits', toNode('ACCOUNT', 'o-a1b2c3d4e5'), 'organizationNode.value:invalid_format'],
    ['an unknown node type', toNode('ROOT', 'r-ab12'), 'organizationNode.type:invalid_value'],
    ['an UPDATE without either flag', { ...toAccount, operation: 'UPDATE' }, 'shareTagOptions:flag_required'],
    ['a DELETE with a flag', { ...toAccount, operation: 'DELETE', sharePrincipals: true }, 'sharePrincipals:unrecognized_key'],
    ['principal sharing with an account', { ...toAccount, sharePrincipals: true }, 'sharePrincipals:org_share_only'],
    ['a flag that is a string', { ...toAccount, shareTagOptions: 'yes' }, 'shareTagOptions:invalid_type'],
    ['an unknown language', { ...toAccount, acceptLanguage: 'fr' }, 'acceptLanguage:invalid_value'],
    ['an unknown operation', { ...toAccount, operation: 'MOVE' }, 'operation:invalid_union'],
  ])('rejects %s', (_why, detail, expected) => {
    expect(fieldsOf(detail)).toContain(expected);
  });

  it('validates Organizations Access Change Requested: enable is a boolean, nothing else is accepted', () => {
    const access = contracts.organizationsAccessChangeRequested;
    expect(validateDetail(access.detail, { enable: true, requestId: 'a-1' }).ok).toBe(true);
    const errors = validateDetail(access.detail, { enable: 'true', scope: 'all' });
    expect(errors.ok ? [] : errors.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['enable:invalid_type', 'scope:unrecognized_key']);
  });
});

describe('Provisioned Product Properties Update Requested validation', () => {
  const fieldsOf = (detail: unknown) => {
    const result = validateDetail(contracts.provisionedProductPropertiesUpdateRequested.detail, detail);
    return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
  };
  const base = { provisionedProductId: 'pp-abcdefghijklm' };

  it.each([
    ['a role as LAUNCH_ROLE', { LAUNCH_ROLE: 'arn:aws:iam::123456789012:role/sc-launch' }],
    ['a user as OWNER', { OWNER: 'arn:aws:iam::123456789012:user/alice' }],
    ['a role as OWNER', { OWNER: 'arn:aws:iam::123456789012:role/team/owner' }],
    ['an assumed role as OWNER', { OWNER: 'arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com' }],
    ['both', { LAUNCH_ROLE: 'arn:aws-us-gov:iam::123456789012:role/l', OWNER: 'arn:aws:iam::123456789012:user/a' }],
  ])('accepts %s', (_why, properties) => {
    expect(fieldsOf({ ...base, properties })).toEqual([]);
  });

  it.each([
    ['a user ARN as LAUNCH_ROLE', { LAUNCH_ROLE: 'arn:aws:iam::123456789012:user/alice' }, 'properties.LAUNCH_ROLE:invalid_format'],
    ['an assumed-role ARN as LAUNCH_ROLE', { LAUNCH_ROLE: 'arn:aws:sts::123456789012:assumed-role/Admin/x' }, 'properties.LAUNCH_ROLE:invalid_format'],
    ['a group ARN as OWNER', { OWNER: 'arn:aws:iam::123456789012:group/admins' }, 'properties.OWNER:invalid_format'],
    ['a bare name as OWNER', { OWNER: 'alice' }, 'properties.OWNER:invalid_format'],
    ['another key', { LAUNCH_ROLE: 'arn:aws:iam::123456789012:role/x', TAGS: 'a' }, 'properties.TAGS:unrecognized_key'],
    ['no properties', {}, 'properties:property_required'],
  ])('rejects %s', (_why, properties, expected) => {
    expect(fieldsOf({ ...base, properties })).toContain(expected);
  });

  it('rejects a bad product id and an unknown language', () => {
    expect(fieldsOf({ provisionedProductId: 'pp/1', properties: { OWNER: 'arn:aws:iam::123456789012:user/a' }, acceptLanguage: 'de' })).toEqual([
      'provisionedProductId:invalid_format',
      'acceptLanguage:invalid_value',
    ]);
  });
});

describe('Program Management Account Update Requested validation', () => {
  const fieldsOf = (detail: unknown) => {
    const result = validateDetail(contracts.programManagementAccountUpdateRequested.detail, detail);
    return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
  };
  const base = { catalog: 'AWS', identifier: 'pma-abcdefghij123' };

  it('accepts the documented shapes', () => {
    expect(fieldsOf({ ...base, displayName: 'Example Partner', revision: '4' })).toEqual([]);
    expect(fieldsOf({ ...base, identifier: 'arn:aws:partnercentral:us-east-1:123456789012:catalog/AWS/program-management-account/pma-abcdefghij123' })).toEqual([]);
  });

  it.each([
    ['a catalog with digits', { catalog: 'AWS2' }, 'catalog:invalid_format'],
    ['a catalog over 64 letters', { catalog: 'A'.repeat(65) }, 'catalog:too_big'],
    ['an identifier of the wrong prefix', { identifier: 'pmx-abcdefghij123' }, 'identifier:invalid_format'],
    ['an identifier with uppercase', { identifier: 'pma-ABCDEFGHIJ123' }, 'identifier:invalid_format'],
    ['an ARN of another service', { identifier: 'arn:aws:iam::123456789012:catalog/AWS/program-management-account/pma-abcdefghij123' }, 'identifier:invalid_format'],
    ['an empty displayName', { displayName: '' }, 'displayName:too_small'],
    ['a displayName over 30 characters', { displayName: 'd'.repeat(31) }, 'displayName:too_big'],
    ['a displayName with DEL', { displayName: 'a\u007fb' }, 'displayName:invalid_format'],
    ['a revision with letters', { revision: '4a' }, 'revision:invalid_format'],
    ['a revision over 10 digits', { revision: '12345678901' }, 'revision:too_big'],
    ['an unknown field', { name: 'x' }, 'name:unrecognized_key'],
  ])('rejects %s', (_why, fields, expected) => {
    expect(fieldsOf({ ...base, ...fields })).toContain(expected);
  });
});
