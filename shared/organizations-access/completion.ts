import { emitTerminalEvent } from '../events/terminal';
import { toTimestamp } from '../runtime/clock';
import type { Uses } from '../runtime/ports';
import { endingOf } from '../workflow/ending';
import type { AccessWorkflowState } from './model';
import { type OrganizationsAccessChanged, organizationsAccessChanged } from './events/organizations-access-changed';

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
  return { ...base, ...endingOf(state.failure, access, ['SUCCEEDED', 'FAILED', 'TIMED_OUT'] as const) };
}

/** Emits the one `Organizations Access Changed` event of a request. */
export async function emitOrganizationsAccessChanged(state: AccessWorkflowState, ports: Uses<'eventBridge'>) {
  const detail = accessChangedDetail(state, ports.clock.now());
  const { eventId } = await emitTerminalEvent({ workflow: 'organizations-access', requestId: state.requestId, contract: organizationsAccessChanged, detail }, ports);
  const summary = `${detail.enable ? 'enable' : 'disable'} Organizations access: ${detail.status} (${detail.accessStatus ?? 'status unknown'})`;
  ports.logger.info('Access change event emitted', { status: detail.status, eventId });
  return { status: detail.status, eventId: eventId, summary };
}
