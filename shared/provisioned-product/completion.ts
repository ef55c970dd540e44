import { contracts, type ProvisionedProductPropertiesUpdated } from '../contracts/events';
import { publishEvents } from '../events/publish';
import type { Ports } from '../runtime/ports';
import { caughtFailure } from '../workflow/failure';
import { completionTimings } from '../workflow/progress';
import type { PropertiesUpdateState } from './model';

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT']);

export function propertiesUpdatedDetail(state: PropertiesUpdateState, now: Date): ProvisionedProductPropertiesUpdated {
  const record = state.record;
  const base = {
    requestId: state.requestId,
    provisionedProductId: state.request.provisionedProductId,
    recordId: record?.recordId,
    recordStatus: record?.recordStatus,
    recordErrors: record?.recordErrors ?? [],
    requestedProperties: state.request.properties,
    ...completionTimings(state.requestedAt, record, now),
  };
  if (state.failure) return { ...base, ...caughtFailure(state.failure) };
  if (!record || !FINAL.has(record.outcome)) {
    return { ...base, status: 'FAILED', errorCode: 'InvalidWorkflowState', statusMessage: `record outcome is ${record?.outcome ?? 'missing'}` };
  }
  const status = record.outcome as ProvisionedProductPropertiesUpdated['status'];
  if (status === 'SUCCEEDED') return { ...base, status, properties: record.properties ?? state.request.properties };
  return { ...base, status, errorCode: record.errorCode, statusMessage: record.statusMessage };
}

/** Emits the request's one `Provisioned Product Properties Updated` event. */
export async function emitPropertiesUpdated(state: PropertiesUpdateState, ports: Ports) {
  const detail = propertiesUpdatedDetail(state, ports.clock.now());
  const { eventIds } = await publishEvents([{ detailType: contracts.provisionedProductPropertiesUpdated.detailType, detail }], ports);
  const reason = detail.errorCode ? ` (${detail.errorCode}${detail.statusMessage ? `: ${detail.statusMessage}` : ''})` : '';
  ports.logger.info('Properties updated event emitted', { status: detail.status, eventId: eventIds[0] });
  return { status: detail.status, eventId: eventIds[0] ?? '', summary: `update of ${detail.provisionedProductId}: ${detail.status}${reason}` };
}
