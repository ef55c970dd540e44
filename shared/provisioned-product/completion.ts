import { emitTerminalEvent } from '../events/terminal';
import type { Uses } from '../runtime/ports';
import { endingOf } from '../workflow/ending';
import { reasonSuffix } from '../workflow/failure';
import { completionTimings } from '../workflow/progress';
import { isFollowedRecord, type PropertiesUpdateState } from './model';
import { type ProvisionedProductPropertiesUpdated, provisionedProductPropertiesUpdated } from './events/provisioned-product-properties-updated';

export function propertiesUpdatedDetail(state: PropertiesUpdateState, now: Date): ProvisionedProductPropertiesUpdated {
  const record = state.record;
  const base = {
    requestId: state.requestId,
    provisionedProductId: state.request.provisionedProductId,
    recordId: record?.recordId,
    recordStatus: record?.recordStatus,
    recordErrors: record?.recordErrors ?? [],
    // A followed record asked for nothing Shepherd could name: no properties were requested of it.
    requestedProperties: isFollowedRecord(state.request) ? {} : state.request.properties,
    ...(record?.recordType ? { recordType: record.recordType } : {}),
    ...completionTimings(state.requestedAt, record, now),
  };
  const ending = endingOf(state.failure, record, ['SUCCEEDED', 'FAILED', 'TIMED_OUT'] as const);
  const applied = record?.properties ?? (isFollowedRecord(state.request) ? undefined : state.request.properties);
  return ending.status === 'SUCCEEDED' && applied ? { ...base, ...ending, properties: applied } : { ...base, ...ending };
}

/** Emits the request's one `Provisioned Product Properties Updated` event. */
export async function emitPropertiesUpdated(state: PropertiesUpdateState, ports: Uses<'eventBridge'>) {
  const detail = propertiesUpdatedDetail(state, ports.clock.now());
  const { eventId } = await emitTerminalEvent({ workflow: 'provisioned-product-properties', requestId: state.requestId, contract: provisionedProductPropertiesUpdated, detail }, ports);
  ports.logger.info('Properties updated event emitted', { status: detail.status, eventId });
  return { status: detail.status, eventId: eventId, summary: `update of ${detail.provisionedProductId}: ${detail.status}${reasonSuffix(detail)}` };
}
