/**
 * Partner Central program management account updates end to end on the
 * local stack: request → ingest → the real ASL → UpdateProgramManagementAccount
 * (AWS JSON 1.0) on the emulator → one Program Management Account Updated event.
 */
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { callsTo, emittedOfType, rejections, sendRequests, startStack } from '../support/stack';

const PMA = 'pma-exampleemea01';
const ARN = `arn:aws:partnercentral:us-east-1:000000000000:catalog/AWS/program-management-account/${PMA}`;

const world = (extra: Partial<WorldInput> = {}): WorldInput => ({
  partnerCentral: {
    programManagementAccounts: [
      { catalog: 'AWS', id: PMA, displayName: 'Example Partner EMEA', revision: '4' },
      { catalog: 'AWS', id: 'pma-lockedaccount', displayName: 'Locked', denied: true },
    ],
  },
  ...extra,
});

const rename = (requestId: string, fields: Record<string, unknown> = {}) => ({
  requestId,
  catalog: 'AWS',
  identifier: PMA,
  displayName: 'Example Partner Europe',
  ...fields,
});

const requestRenames = (stack: LocalStack, ...details: Array<Record<string, unknown>>) =>
  sendRequests(stack, 'Program Management Account Update Requested', ...details);

const updatedEvents = (stack: LocalStack) => emittedOfType(stack, 'Program Management Account Updated').map((e) => e.detail as Record<string, any>);
const byRequest = (stack: LocalStack) => Object.fromEntries(updatedEvents(stack).map((e) => [e.requestId, e]));

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

it('updates the display name at the current revision and reports the returned detail', async () => {
  stack = await startStack(world());
  await requestRenames(stack, rename('ok-1', { revision: '4' }));
  expect(updatedEvents(stack)).toEqual([
    expect.objectContaining({
      requestId: 'ok-1', status: 'SUCCEEDED', catalog: 'AWS', identifier: PMA,
      programManagementAccount: { arn: ARN, id: PMA, displayName: 'Example Partner Europe', revision: '5' },
    }),
  ]);
  expect(stack.partnerCentral.accounts.get(PMA)).toMatchObject({ displayName: 'Example Partner Europe', revision: '5' });
});

it('accepts the account ARN as identifier', async () => {
  stack = await startStack(world());
  await requestRenames(stack, rename('arn-1', { identifier: ARN }));
  expect(updatedEvents(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
});

it('ends FAILED naming the conflict when the revision is stale', async () => {
  stack = await startStack(world());
  await requestRenames(stack, rename('stale-1', { revision: '3' }));
  expect(updatedEvents(stack)).toEqual([
    expect.objectContaining({
      status: 'FAILED', errorCode: 'ConflictException', conflict: { resourceId: PMA, resourceType: 'ProgramManagementAccount' },
      statusMessage: expect.stringContaining('at revision 4'),
    }),
  ]);
  expect(stack.partnerCentral.accounts.get(PMA)!.revision).toBe('4');
});

it('passes the ValidationException fieldList on to the event', async () => {
  stack = await startStack(world());
  await requestRenames(
    stack,
    rename('mismatch-1', { identifier: `arn:aws:partnercentral:us-east-1:000000000000:catalog/Sandbox/program-management-account/${PMA}` }),
    rename('catalog-1', { catalog: 'Marketplace' }),
  );
  const events = byRequest(stack);
  expect(events['mismatch-1']).toMatchObject({
    status: 'FAILED', errorCode: 'ValidationException',
    validation: { reason: 'BUSINESS_VALIDATION_FAILED', fieldList: [expect.objectContaining({ name: 'identifier', code: 'INVALID_VALUE' })] },
  });
  // A catalog the stage does not list never reaches the API: refused at ingest, naming the field.
  expect(events['catalog-1']).toBeUndefined();
  expect(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)])).toEqual([['catalog-1', ['catalog:not_allowed']]]);
});

it("ends FAILED with ResourceNotFoundException and AccessDeniedException, carrying each exception's own members", async () => {
  stack = await startStack(world());
  await requestRenames(stack, rename('missing-1', { identifier: 'pma-doesnotexist0' }), rename('denied-1', { identifier: 'pma-lockedaccount' }));
  const events = byRequest(stack);
  expect(events['missing-1']).toMatchObject({
    status: 'FAILED', errorCode: 'ResourceNotFoundException', notFound: { resourceId: 'pma-doesnotexist0', resourceType: 'ProgramManagementAccount' },
  });
  expect(events['denied-1']).toMatchObject({ status: 'FAILED', errorCode: 'AccessDeniedException', accessDenied: { reason: 'INSUFFICIENT_PERMISSIONS' } });
});

it('a throttling error keeps the quota and service it names in the message the Task retries and a Catch would report', async () => {
  const { asTransient } = await import('../../shared/runtime/errors');
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 }, quotaCode: 'L-12AB34CD', serviceCode: 'partnercentral' });
  expect((asTransient(throttled) as Error).message).toBe('ThrottlingException: Rate exceeded (serviceCode partnercentral, quotaCode L-12AB34CD)');
});

it('retries ThrottlingException and InternalServerException with backoff, and updates once', async () => {
  stack = await startStack(
    world({
      faults: [
        { operation: 'UpdateProgramManagementAccount', error: 'ThrottlingException', times: 4 },
        { operation: 'UpdateProgramManagementAccount', error: 'InternalServerException', status: 500, times: 3 },
      ],
    }),
  );
  await requestRenames(stack, rename('throttled-1', { revision: '4' }));
  expect(updatedEvents(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', programManagementAccount: expect.objectContaining({ revision: '5' }) })]);
  const calls = callsTo(stack, 'UpdateProgramManagementAccount');
  expect(calls.filter((c) => c.error).map((c) => c.error)).toEqual([...Array(4).fill('ThrottlingException'), ...Array(3).fill('InternalServerException')]);
  expect(calls.filter((c) => !c.error)).toHaveLength(1);
});

it('updates once for a redelivered event, and rejects a reused requestId with another body', async () => {
  stack = await startStack(world());
  const envelope = {
    version: '0' as const, id: 'evt-pma-1', 'detail-type': 'Program Management Account Update Requested', source: 'platform.partners',
    account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: rename('dup-1'),
  };
  stack.inject(envelope);
  stack.inject(envelope);
  await stack.settle();
  await requestRenames(stack, rename('dup-1', { displayName: 'Something else' }));
  expect(updatedEvents(stack)).toHaveLength(1);
  expect(callsTo(stack, 'UpdateProgramManagementAccount')).toHaveLength(1);
  expect(rejections(stack).map((r) => r.requestId)).toEqual([undefined]);
  expect(rejections(stack)).toEqual([expect.objectContaining({ namedRequestId: 'dup-1', errors: [expect.objectContaining({ code: 'conflict' })] })]);
});

it('rejects each documented constraint before calling Partner Central', async () => {
  stack = await startStack(world());
  await requestRenames(
    stack,
    rename('bad-1', { catalog: 'AWS1' }),
    rename('bad-2', { catalog: '' }),
    rename('bad-3', { identifier: 'pma-short' }),
    rename('bad-4', { identifier: 'acct-exampleemea01' }),
    rename('bad-5', { displayName: 'x'.repeat(31) }),
    rename('bad-6', { displayName: 'tab\there' }),
    rename('bad-7', { revision: 'v4' }),
    rename('bad-8', { revision: '12345678901' }),
  );
  const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)]));
  expect(byId).toEqual({
    'bad-1': ['catalog:invalid_format'],
    'bad-2': ['catalog:too_small', 'catalog:invalid_format'],
    'bad-3': ['identifier:too_small', 'identifier:invalid_format'],
    'bad-4': ['identifier:invalid_format'],
    'bad-5': ['displayName:too_big'],
    'bad-6': ['displayName:invalid_format'],
    'bad-7': ['revision:invalid_format'],
    'bad-8': ['revision:too_big'],
  });
  expect(callsTo(stack, 'UpdateProgramManagementAccount')).toEqual([]);
});
