/**
 * The provisioned-product and program-management-account handlers through
 * their middy wrappers, with the SDK clients mocked (aws-sdk-client-mock).
 */
import {
  ConflictException,
  PartnerCentralChannelClient,
  UpdateProgramManagementAccountCommand,
  ValidationException,
} from '@aws-sdk/client-partnercentral-channel';
import { DescribeRecordCommand, ServiceCatalogClient, UpdateProvisionedProductPropertiesCommand } from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { build as buildCheck } from '../../shared/provisioned-product/handlers/check-provisioned-product-update';
import { build as buildStart } from '../../shared/provisioned-product/handlers/start-provisioned-product-update';
import { build as buildUpdate } from '../../shared/program-management-account/handlers/update-program-management-account';
import type { PropertiesUpdateState, RecordProgress } from '../../shared/provisioned-product/model';
import { idempotencyToken } from '../../shared/provisioned-product/update';
import type { AccountUpdateState } from '../../shared/program-management-account/update';
import { NOW, lambdaContext, testPorts } from '../support/ports';

const serviceCatalog = mockClient(ServiceCatalogClient);
const partnerCentral = mockClient(PartnerCentralChannelClient);
beforeEach(() => {
  serviceCatalog.reset();
  partnerCentral.reset();
});

const OWNER = 'arn:aws:iam::123456789012:user/bob';
const updateState = (record?: RecordProgress): PropertiesUpdateState => ({
  requestId: 'pp-req-1', eventId: 'evt-1', requestedAt: NOW.toISOString(),
  request: { provisionedProductId: 'pp-abcdefghijklm', properties: { OWNER } }, record,
});
const record = (fields: Partial<RecordProgress> = {}): RecordProgress => ({
  attempt: 1, polls: 0, startedAt: NOW.toISOString(), deadline: '2026-11-26T09:00:00.000Z', recordErrors: [], recordId: 'rec-1', outcome: 'IN_PROGRESS', ...fields,
});

describe('provisioned product property update', () => {
  it('sends the IdempotencyToken derived from the request id and follows the record', async () => {
    serviceCatalog.on(UpdateProvisionedProductPropertiesCommand).resolves({ RecordId: 'rec-1', Status: 'CREATED', ProvisionedProductProperties: { OWNER } });
    const started = await buildStart(testPorts())(updateState(), lambdaContext);
    expect(started).toMatchObject({ outcome: 'IN_PROGRESS', recordId: 'rec-1', recordStatus: 'CREATED', properties: { OWNER } });
    expect(serviceCatalog.commandCalls(UpdateProvisionedProductPropertiesCommand)[0]!.args[0].input).toEqual({
      ProvisionedProductId: 'pp-abcdefghijklm', ProvisionedProductProperties: { OWNER }, IdempotencyToken: idempotencyToken('pp-req-1'),
    });
    expect(idempotencyToken('pp-req-1')).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/);
  });

  it('waits on InvalidStateException and ends on other refusals', async () => {
    const start = buildStart(testPorts());
    serviceCatalog
      .on(UpdateProvisionedProductPropertiesCommand)
      .rejectsOnce(Object.assign(new Error('busy'), { name: 'InvalidStateException' }))
      .rejectsOnce(Object.assign(new Error('no such product'), { name: 'ResourceNotFoundException' }));
    expect(await start(updateState(), lambdaContext)).toMatchObject({ outcome: 'BUSY', nextCheckAt: expect.any(String) });
    expect(await start(updateState(), lambdaContext)).toMatchObject({ outcome: 'FAILED', errorCode: 'ResourceNotFoundException', statusMessage: 'no such product' });
  });

  it.each([
    ['CREATED', 'IN_PROGRESS'],
    ['IN_PROGRESS', 'IN_PROGRESS'],
    ['IN_PROGRESS_IN_ERROR', 'IN_PROGRESS'],
    ['SUCCEEDED', 'SUCCEEDED'],
    ['FAILED', 'FAILED'],
  ] as const)('reads record status %s as %s', async (Status, outcome) => {
    const errors = Status.includes('ERROR') || Status === 'FAILED' ? [{ Code: 'E1', Description: 'broken' }] : [];
    serviceCatalog.on(DescribeRecordCommand).resolves({ RecordDetail: { RecordId: 'rec-1', Status, RecordErrors: errors } });
    const result = await buildCheck(testPorts())({ ...updateState(record()) }, lambdaContext);
    expect(result).toMatchObject({ outcome, recordStatus: Status, polls: 1, recordErrors: errors.map((e) => ({ code: e.Code, description: e.Description })) });
    if (outcome === 'FAILED') expect(result).toMatchObject({ errorCode: 'E1', statusMessage: 'broken' });
  });
});

describe('program management account update', () => {
  const state: AccountUpdateState = {
    requestId: 'pma-1', eventId: 'evt-1', requestedAt: NOW.toISOString(),
    request: { catalog: 'AWS', identifier: 'pma-abcdefghij123', displayName: 'New name', revision: '4' },
  };

  it('returns the detail Partner Central answers with', async () => {
    partnerCentral.on(UpdateProgramManagementAccountCommand).resolves({ programManagementAccountDetail: { id: 'pma-abcdefghij123', revision: '5', displayName: 'New name' } });
    expect(await buildUpdate(testPorts())(state, lambdaContext)).toEqual({
      status: 'SUCCEEDED', programManagementAccount: { id: 'pma-abcdefghij123', revision: '5', displayName: 'New name' },
    });
  });

  it('names the conflict and passes the validation field list on', async () => {
    const update = buildUpdate(testPorts());
    partnerCentral
      .on(UpdateProgramManagementAccountCommand)
      .rejectsOnce(new ConflictException({ message: 'stale revision', $metadata: {}, resourceId: 'pma-abcdefghij123', resourceType: 'ProgramManagementAccount' }))
      .rejectsOnce(
        new ValidationException({ message: 'bad', $metadata: {}, reason: 'REQUEST_VALIDATION_FAILED', fieldList: [{ name: 'displayName', code: 'X', message: 'no' }] }),
      );
    expect(await update(state, lambdaContext)).toMatchObject({
      status: 'FAILED', errorCode: 'ConflictException', conflict: { resourceId: 'pma-abcdefghij123', resourceType: 'ProgramManagementAccount' },
    });
    expect(await update(state, lambdaContext)).toMatchObject({
      status: 'FAILED', errorCode: 'ValidationException', validation: { reason: 'REQUEST_VALIDATION_FAILED', fieldList: [{ name: 'displayName', code: 'X', message: 'no' }] },
    });
  });

  it('rethrows throttling and internal errors for the workflow to retry', async () => {
    partnerCentral.on(UpdateProgramManagementAccountCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(buildUpdate(testPorts())(state, lambdaContext)).rejects.toMatchObject({ name: 'TransientServiceError' });
    partnerCentral.on(UpdateProgramManagementAccountCommand).rejects(Object.assign(new Error('oops'), { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }));
    await expect(buildUpdate(testPorts())(state, lambdaContext)).rejects.toMatchObject({ name: 'TransientServiceError' });
  });
});
