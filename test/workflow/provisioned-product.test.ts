/**
 * Provisioned-product property updates end to end on the local stack:
 * request → ingest → the real ASL → UpdateProvisionedProductProperties and
 * DescribeRecord on the emulator → one Provisioned Product Properties
 * Updated event. Record visibility is checked through the SDK, signed as
 * the previous and the new owner.
 */
import { DescribeRecordCommand, ListRecordHistoryCommand, ServiceCatalogClient, UpdateProvisionedProductPropertiesCommand } from '@aws-sdk/client-service-catalog';
import type { LocalStack } from '../../local/harness/stack';
import type { WorldInput } from '../../local/emulators/world';
import { idempotencyToken } from '../../shared/provisioned-product/update';
import { callsTo, emittedOfType, rejections, sendRequests, startStack } from '../support/stack';

const PRODUCT = 'pp-teamavpc00001';
const ALICE = 'arn:aws:iam::000000000000:user/alice';
const BOB = 'arn:aws:iam::000000000000:user/bob';
const LAUNCH_ROLE = 'arn:aws:iam::000000000000:role/servicecatalog-launch-network';

type ProductWorld = NonNullable<NonNullable<WorldInput['serviceCatalog']>['provisionedProducts']>[string];

const world = (product: Partial<ProductWorld> = {}): WorldInput => ({
  serviceCatalog: {
    principals: { AKIAALICE: ALICE, AKIABOB: BOB },
    provisionedProducts: { [PRODUCT]: { name: 'team-a-vpc', owner: ALICE, launchRole: LAUNCH_ROLE, history: 2, updateSeconds: 30, ...product } },
  },
});

const update = (requestId: string, properties: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  requestId,
  provisionedProductId: PRODUCT,
  properties,
  ...extra,
});

const requestUpdates = (stack: LocalStack, ...details: Array<Record<string, unknown>>) =>
  sendRequests(stack, 'Provisioned Product Properties Update Requested', ...details);

const updated = (stack: LocalStack) => emittedOfType(stack, 'Provisioned Product Properties Updated').map((e) => e.detail as Record<string, any>);

/** A Service Catalog client signed as a given access key: the emulator maps it to a principal. */
function clientAs(stack: LocalStack, accessKeyId: string): ServiceCatalogClient {
  return new ServiceCatalogClient({ endpoint: stack.server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' } });
}

async function recordHistoryAs(stack: LocalStack, accessKeyId: string): Promise<string[]> {
  const client = clientAs(stack, accessKeyId);
  const ids: string[] = [];
  let PageToken: string | undefined;
  do {
    const page = await client.send(new ListRecordHistoryCommand({ SearchFilter: { Key: 'provisionedproduct', Value: PRODUCT }, PageSize: 2, PageToken }));
    ids.push(...(page.RecordDetails ?? []).map((r) => r.RecordId!));
    PageToken = page.NextPageToken;
  } while (PageToken);
  client.destroy();
  return ids;
}

async function canDescribeAs(stack: LocalStack, accessKeyId: string, recordId: string): Promise<boolean> {
  const client = clientAs(stack, accessKeyId);
  try {
    await client.send(new DescribeRecordCommand({ Id: recordId }));
    return true;
  } catch (error) {
    expect((error as Error).name).toBe('ResourceNotFoundException');
    return false;
  } finally {
    client.destroy();
  }
}

let stack: LocalStack;
afterEach(async () => {
  await stack?.stop();
});

describe('success', () => {
  it('hands the product to a new owner: the new owner describes every record, the previous one only lists its own', async () => {
    stack = await startStack(world());
    const before = await recordHistoryAs(stack, 'AKIAALICE');
    expect(before).toHaveLength(2);

    await requestUpdates(stack, update('owner-1', { OWNER: BOB }));
    const [event, ...others] = updated(stack);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      requestId: 'owner-1', provisionedProductId: PRODUCT, status: 'SUCCEEDED', recordStatus: 'SUCCEEDED', recordErrors: [],
      properties: { OWNER: BOB }, requestedProperties: { OWNER: BOB }, attempts: 1,
    });
    expect(event!.polls).toBeGreaterThan(1);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties')[0]!.input.IdempotencyToken).toBe(idempotencyToken('owner-1'));
    expect(stack.provisionedProducts.products.get(PRODUCT)!.owner).toBe(BOB);

    const all = [...before, event!.recordId];
    // Bob, the new owner, can describe all past records …
    for (const id of all) expect(await canDescribeAs(stack, 'AKIABOB', id)).toBe(true);
    expect((await recordHistoryAs(stack, 'AKIABOB')).sort()).toEqual([...all].sort());
    // … Alice can no longer describe them, but still lists the history from when she was owner.
    for (const id of all) expect(await canDescribeAs(stack, 'AKIAALICE', id)).toBe(false);
    expect((await recordHistoryAs(stack, 'AKIAALICE')).sort()).toEqual([...all].sort());
  });

  it('updates the launch role, and a later owner change hides the later records from the previous owner', async () => {
    stack = await startStack(world());
    await requestUpdates(stack, update('role-1', { LAUNCH_ROLE: `${LAUNCH_ROLE}-v2` }));
    await requestUpdates(stack, update('owner-2', { OWNER: BOB }));
    await requestUpdates(stack, update('role-2', { LAUNCH_ROLE: `${LAUNCH_ROLE}-v3` }));
    expect(updated(stack).map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(stack.provisionedProducts.products.get(PRODUCT)!.launchRole).toBe(`${LAUNCH_ROLE}-v3`);
    const lastRecord = updated(stack)[2]!.recordId;
    expect(await recordHistoryAs(stack, 'AKIAALICE')).not.toContain(lastRecord);
    expect(await recordHistoryAs(stack, 'AKIABOB')).toContain(lastRecord);
  });
});

describe('documented errors', () => {
  it('reports a FAILED record with its record errors', async () => {
    stack = await startStack(world({ failure: { code: 'LaunchRoleNotAssumable', description: 'Service Catalog cannot assume the launch role.' } }));
    await requestUpdates(stack, update('fail-1', { LAUNCH_ROLE: `${LAUNCH_ROLE}-broken` }));
    expect(updated(stack)).toEqual([
      expect.objectContaining({
        status: 'FAILED', recordStatus: 'FAILED', errorCode: 'LaunchRoleNotAssumable',
        recordErrors: [{ code: 'LaunchRoleNotAssumable', description: 'Service Catalog cannot assume the launch role.' }],
      }),
    ]);
    expect(updated(stack)[0]!.properties).toBeUndefined();
    expect(stack.provisionedProducts.products.get(PRODUCT)!.launchRole).toBe(LAUNCH_ROLE);
  });

  it('ends FAILED with ResourceNotFoundException for an unknown product; refuses an owner in another account before any call', async () => {
    stack = await startStack(world());
    await requestUpdates(
      stack,
      update('missing-1', { OWNER: BOB }, { provisionedProductId: 'pp-doesnotexist1' }),
      update('foreign-owner', { OWNER: 'arn:aws:iam::999999999999:user/mallory' }),
    );
    const byId = Object.fromEntries(updated(stack).map((e) => [e.requestId, e]));
    expect(byId['missing-1']).toMatchObject({ status: 'FAILED', errorCode: 'ResourceNotFoundException' });
    expect(byId['foreign-owner']).toBeUndefined();
    expect(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)])).toEqual([
      ['foreign-owner', ['properties.OWNER:not_allowed']],
    ]);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties').map((c) => c.input.ProvisionedProductId)).toEqual(['pp-doesnotexist1']);
    expect(stack.provisionedProducts.products.get(PRODUCT)!.owner).toBe(ALICE);
  });

  it('waits while the product has another operation in progress (InvalidStateException), then applies both in turn', async () => {
    stack = await startStack(world());
    await requestUpdates(stack, update('first', { LAUNCH_ROLE: `${LAUNCH_ROLE}-a` }), update('second', { OWNER: BOB }));
    expect(updated(stack).map((e) => [e.requestId, e.status]).sort()).toEqual([['first', 'SUCCEEDED'], ['second', 'SUCCEEDED']]);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties').filter((c) => c.error === 'InvalidStateException').length).toBeGreaterThan(0);
    expect(stack.provisionedProducts.products.get(PRODUCT)).toMatchObject({ owner: BOB, launchRole: `${LAUNCH_ROLE}-a` });
  });

  it('retries throttling and 5xx, creating one record', async () => {
    stack = await startStack({
      ...world(),
      faults: [
        { operation: 'UpdateProvisionedProductProperties', error: 'ThrottlingException', times: 4 },
        { operation: 'DescribeRecord', error: 'InternalFailure', status: 500, times: 3 },
      ],
    });
    await requestUpdates(stack, update('throttled-1', { OWNER: BOB }));
    expect(updated(stack)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect([...stack.provisionedProducts.records.values()].filter((r) => r.type === 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES')).toHaveLength(1);
  });
});

describe('duplicates and bad input', () => {
  it('starts one update for a redelivered event and a resent request; the API returns the same record for the same token', async () => {
    stack = await startStack(world());
    const envelope = {
      version: '0' as const, id: 'evt-pp-1', 'detail-type': 'Provisioned Product Properties Update Requested', source: 'platform.catalog',
      account: '000000000000', time: '2026-11-25T09:00:00Z', region: 'us-east-1', resources: [], detail: update('dup-1', { OWNER: BOB }),
    };
    stack.inject(envelope);
    stack.inject(envelope);
    await requestUpdates(stack, update('dup-1', { OWNER: BOB }));
    expect(updated(stack)).toHaveLength(1);
    expect(callsTo(stack, 'UpdateProvisionedProductProperties')).toHaveLength(1);

    // A Lambda retried after its call went through sends the same token and gets the same record back.
    const client = clientAs(stack, 'admin');
    const again = await client.send(
      new UpdateProvisionedProductPropertiesCommand({ ProvisionedProductId: PRODUCT, ProvisionedProductProperties: { OWNER: BOB }, IdempotencyToken: idempotencyToken('dup-1') }),
    );
    client.destroy();
    expect(again.RecordId).toBe(updated(stack)[0]!.recordId);
  });

  it('rejects bad requests naming each field, and calls nothing', async () => {
    stack = await startStack(world());
    await requestUpdates(
      stack,
      update('bad-1', { LAUNCH_ROLE: 'arn:aws:iam::000000000000:user/alice' }),
      update('bad-2', { OWNER: 'arn:aws:iam::000000000000:group/admins' }),
      update('bad-3', { REGION: 'eu-west-1' }),
      update('bad-4', {}),
      update('bad-5', { OWNER: BOB }, { provisionedProductId: 'pp teamavpc' }),
    );
    const byId = Object.fromEntries(rejections(stack).map((r) => [r.requestId, r.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)]));
    expect(byId).toEqual({
      'bad-1': ['properties.LAUNCH_ROLE:invalid_format'],
      'bad-2': ['properties.OWNER:invalid_format'],
      'bad-3': ['properties.REGION:unrecognized_key', 'properties:property_required'],
      'bad-4': ['properties:property_required'],
      'bad-5': ['provisionedProductId:invalid_format'],
    });
    expect(stack.server.calls.filter((c) => c.service === 'AWS242ServiceCatalogService')).toEqual([]);
  });
});
