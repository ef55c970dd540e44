import type { HookProgressEvent, ProgressEvent } from '@aws-sdk/client-cloudcontrol';
import { toTimestamp, addSeconds } from '../runtime/clock';
import { nextCheckAt } from '../polling';
import { firstListed, truncate } from '../workflow/failure';
import type { OperationState, Outcome } from './model';
import { RESOURCE_POLL_POLICY, TRANSIENT_ERROR_CODES, resubmitDelaySeconds } from './policy';
import type { HookInvocation } from './events/resource-operation-completed';

/** The hooks that ran, failed ones first, at most MAX_LISTED_ITEMS of them. */
export function toHooks(events: HookProgressEvent[] | undefined): HookInvocation[] {
  const failed = (hook: HookProgressEvent) => hook.HookStatus === 'HOOK_COMPLETE_FAILED' || hook.HookStatus === 'HOOK_FAILED';
  const ordered = [...(events ?? []).filter(failed), ...(events ?? []).filter((hook) => !failed(hook))];
  return firstListed(ordered).map((hook) => ({
    typeName: truncate(hook.HookTypeName),
    invocationPoint: truncate(hook.InvocationPoint),
    status: truncate(hook.HookStatus),
    failureMode: truncate(hook.FailureMode),
    message: truncate(hook.HookStatusMessage),
  }));
}

export function failedHook(hooks: HookInvocation[]): HookInvocation | undefined {
  return hooks.find((hook) => hook.status === 'HOOK_COMPLETE_FAILED' || hook.status === 'HOOK_FAILED');
}

export type ResourceOperation = 'CREATE' | 'UPDATE' | 'DELETE';

interface Observation {
  previous: Pick<OperationState, 'attempt' | 'polls' | 'startedAt' | 'deadline'>;
  /** What was asked for: a DELETE that finds nothing to delete is done (see `alreadyAbsent`). */
  requestedOperation?: ResourceOperation;
  progress: ProgressEvent;
  hooks?: HookProgressEvent[];
  now: Date;
  random: () => number;
  maxAttempts: number;
}

/**
 * Folds what Cloud Control reported into the operation state and decides
 * what the workflow does next: wait and poll, resubmit after a transient
 * failure, or finish.
 */
export function observe({ previous, requestedOperation, progress, hooks, now, random, maxAttempts }: Observation): OperationState {
  const state: OperationState = {
    ...previous,
    requestToken: progress.RequestToken,
    identifier: progress.Identifier,
    operationStatus: progress.OperationStatus,
    errorCode: progress.ErrorCode,
    statusMessage: truncate(progress.StatusMessage),
    hooks: toHooks(hooks),
    retryAfter: progress.RetryAfter ? toTimestamp(progress.RetryAfter) : undefined,
    outcome: 'IN_PROGRESS',
  };
  return readBackIfLeft({ ...state, ...decide(state, now, random, maxAttempts, requestedOperation) }, requestedOperation);
}

/**
 * A CREATE that ends FAILED or CANCELLED once Cloud Control named its
 * identifier may have left the resource (a handler can fail, or be
 * cancelled, after creating it): the workflow reads it back (READ_BACK)
 * before it reports the end, so the completion says whether it exists.
 */
function readBackIfLeft(state: OperationState, requestedOperation: ResourceOperation | undefined): OperationState {
  if (requestedOperation !== 'CREATE' || state.identifier === undefined) return state;
  if (state.outcome !== 'FAILED' && state.outcome !== 'CANCELLED') return state;
  // AlreadyExists: the resource was there before this CREATE, which made nothing.
  if (state.errorCode === 'AlreadyExists') return state;
  return { ...state, outcome: 'READ_BACK', finalOutcome: state.outcome, nextCheckAt: undefined };
}

/**
 * A DELETE that Cloud Control answers NotFound: the resource is not there,
 * which is what was asked — it was never there, someone removed it, or an
 * earlier attempt of this very request deleted it before its answer was
 * lost and the request was resubmitted. Done, as terraform-provider-awscc
 * treats it; the completion says `alreadyAbsent`.
 */
export function alreadyAbsent(state: Pick<OperationState, 'operationStatus' | 'errorCode'>, requestedOperation: ResourceOperation | undefined): boolean {
  return requestedOperation === 'DELETE' && state.operationStatus === 'FAILED' && state.errorCode === 'NotFound';
}

function decide(
  state: OperationState,
  now: Date,
  random: () => number,
  maxAttempts: number,
  requestedOperation: ResourceOperation | undefined,
): { outcome: Outcome; nextCheckAt?: string } {
  const deadline = new Date(state.deadline);
  if (alreadyAbsent(state, requestedOperation)) return { outcome: 'SUCCEEDED' };
  switch (state.operationStatus) {
    case 'SUCCESS':
      return { outcome: 'SUCCEEDED' };
    case 'CANCEL_COMPLETE':
      return { outcome: 'CANCELLED' };
    case 'FAILED': {
      if (!TRANSIENT_ERROR_CODES.has(state.errorCode ?? '') || state.attempt >= maxAttempts) return { outcome: 'FAILED' };
      const resubmitAt = addSeconds(now, resubmitDelaySeconds(state.attempt, random));
      if (resubmitAt >= deadline) return { outcome: 'FAILED' };
      return { outcome: 'RESUBMIT', nextCheckAt: toTimestamp(resubmitAt) };
    }
    default: {
      // PENDING, IN_PROGRESS, CANCEL_IN_PROGRESS: the service is still working.
      if (now >= deadline) return { outcome: 'TIMED_OUT' };
      const next = nextCheckAt(
        {
          now,
          startedAt: new Date(state.startedAt),
          deadline,
          polls: state.polls,
          retryAfter: state.retryAfter ? new Date(state.retryAfter) : undefined,
          random,
        },
        RESOURCE_POLL_POLICY,
      );
      return { outcome: 'IN_PROGRESS', nextCheckAt: toTimestamp(next) };
    }
  }
}
