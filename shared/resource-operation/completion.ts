import { emitTerminalEvent } from '../events/terminal';
import type { Uses } from '../runtime/ports';
import { endingOf } from '../workflow/ending';
import { reasonSuffix } from '../workflow/failure';
import { completionTimings } from '../workflow/progress';
import type { CompletionResult, WorkflowState } from './model';
import { alreadyAbsent, failedHook } from './progress';
import { type ResourceOperationCompleted, operationStatus, resourceOperationCompleted } from './events/resource-operation-completed';

/**
 * The `Resource Operation Completed` detail for a finished execution. The
 * resource model and desired state are deliberately absent: they may hold
 * secrets, and subscribers can read the resource with GetResource.
 */
export function completionDetail(state: WorkflowState, now: Date): ResourceOperationCompleted {
  // Ended while reading back what a CREATE left (its retries spent, or rescued): the CREATE's own end stands,
  // and the read-back's failure is not the request's.
  const readingBack = state.operation?.outcome === 'READ_BACK';
  const op = readingBack ? { ...state.operation!, outcome: state.operation!.finalOutcome ?? 'FAILED' } : state.operation;
  const hooks = op?.hooks ?? [];
  const base = {
    requestId: state.requestId,
    operation: state.request.operation,
    typeName: state.request.typeName,
    identifier: op?.identifier ?? ('identifier' in state.request ? state.request.identifier : undefined),
    requestToken: op?.requestToken,
    hooks,
    failedHook: failedHook(hooks),
    ...completionTimings(state.requestedAt, op, now),
  };
  const ending = endingOf(readingBack ? undefined : state.failure, op, operationStatus.options);
  // A DELETE of a resource that was not there ends SUCCEEDED, and says so.
  const absent = ending.status === 'SUCCEEDED' && op !== undefined && alreadyAbsent(op, state.request.operation);
  const waited = op?.waitedFor?.length ? { waitedFor: op.waitedFor } : {};
  return { ...base, ...ending, ...(absent ? { alreadyAbsent: true } : {}), ...(op?.resourceExists ? { resourceExists: true } : {}), ...waited };
}

function summarise(detail: ResourceOperationCompleted): string {
  const target = detail.identifier ? `${detail.typeName} ${detail.identifier}` : detail.typeName;
  return `${detail.operation} ${target}: ${detail.status}${reasonSuffix(detail)}`;
}

/** Emits the one terminal event of a request. */
export async function emitResourceOperationCompleted(state: WorkflowState, ports: Uses<'eventBridge'>): Promise<CompletionResult> {
  const detail = completionDetail(state, ports.clock.now());
  const { eventId } = await emitTerminalEvent({ workflow: 'resource-operation', requestId: state.requestId, contract: resourceOperationCompleted, detail }, ports);
  ports.logger.info('Completion event emitted', { status: detail.status, eventId });
  return { status: detail.status, eventId: eventId, summary: summarise(detail) };
}
