import { contracts, type OrganizationsAccessChanged } from '../contracts/events';
import { publishEvents } from '../events/publish';
import { toTimestamp } from '../runtime/clock';
import type { Ports } from '../runtime/ports';
import { caughtFailure } from '../workflow/failure';
import type { AccessWorkflowState } from './model';

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT']);

export function accessChangedDetail(state: AccessWorkflowState, now: Date): OrganizationsAccessChanged {
  const access = state.access;
  const base = {
    requestId: state.requestId,
    enable: state.request.enable,
    accessStatus: access?.accessStatus,
    requestedAt: state.requestedAt,
    startedAt: access?.startedAt,
    completedAt: toTimestamp(now),
    polls: access?.polls ?? 0,
  };
  if (state.failure) return { ...base, ...caughtFailure(state.failure) };
  if (!access || !FINAL.has(access.outcome)) {
    return { ...base, status: 'FAILED', errorCode: 'InvalidWorkflowState', statusMessage: `access outcome is ${access?.outcome ?? 'missing'}` };
  }
  const status = access.outcome as OrganizationsAccessChanged['status'];
  return { ...base, status, errorCode: access.errorCode, statusMessage: access.statusMessage };
}

/** Emits the one `Organizations Access Changed` event of a request. */
export async function emitOrganizationsAccessChanged(state: AccessWorkflowState, ports: Ports) {
  const detail = accessChangedDetail(state, ports.clock.now());
  const { eventIds } = await publishEvents([{ detailType: contracts.organizationsAccessChanged.detailType, detail }], ports);
  const summary = `${detail.enable ? 'enable' : 'disable'} Organizations access: ${detail.status} (${detail.accessStatus ?? 'status unknown'})`;
  ports.logger.info('Access change event emitted', { status: detail.status, eventId: eventIds[0] });
  return { status: detail.status, eventId: eventIds[0] ?? '', summary };
}
