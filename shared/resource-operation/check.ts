import { GetResourceRequestStatusCommand } from '@aws-sdk/client-cloudcontrol';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import type { OperationState } from './model';
import type { ResourceOperation } from './progress';
import { truncate } from '../workflow/failure';
import { observe } from './progress';

export interface CheckInput {
  requestId: string;
  /** CREATE, UPDATE or DELETE: a DELETE that finds nothing to delete is done. */
  requestedOperation?: ResourceOperation;
  operation: OperationState;
}

/** Polls GetResourceRequestStatus once and decides what comes next. */
export async function checkResourceOperation({ requestId, requestedOperation, operation }: CheckInput, ports: Uses<'cloudControl'>): Promise<OperationState> {
  if (!operation?.requestToken) {
    throw new InvalidWorkflowState(`request ${requestId} has no Cloud Control request token to poll`);
  }
  const polled = { ...operation, polls: operation.polls + 1 };
  let response;
  try {
    response = await ports.cloudControl.send(new GetResourceRequestStatusCommand({ RequestToken: operation.requestToken }));
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    const e = error as Error;
    return { ...polled, operationStatus: 'FAILED', errorCode: e.name, statusMessage: truncate(e.message), outcome: 'FAILED', nextCheckAt: undefined };
  }
  const state = observe({
    previous: polled,
    requestedOperation,
    progress: response.ProgressEvent ?? {},
    hooks: response.HooksProgressEvent,
    now: ports.clock.now(),
    random: ports.random,
    // An operation Shepherd follows is never resubmitted: it has neither its desired state nor its patch.
    maxAttempts: operation.followed ? 0 : ports.config.maxAttempts,
  });
  ports.logger.debug('Resource operation polled', { operationStatus: state.operationStatus, polls: state.polls, outcome: state.outcome });
  return state;
}

/** The first look at an operation Shepherd did not start (Task "Follow The Operation"). */
export interface FollowInput {
  requestId: string;
  follow: { requestToken: string; typeName: string; operation: ResourceOperation };
}

/**
 * Adopts an operation Shepherd did not start: one GetResourceRequestStatus
 * of its RequestToken, then the same waiting and polling as for one it
 * started. It is never submitted again (Shepherd has no desired state or
 * patch for it): a transient FAILED is its end. A token Cloud Control does
 * not know (never issued, or older than its 7 days), or one that names
 * another type or operation than the request states, ends FAILED.
 */
export async function followResourceOperation({ requestId, follow }: FollowInput, ports: Uses<'cloudControl'>): Promise<OperationState> {
  const now = ports.clock.now();
  // No attempt of Shepherd's, and no resubmission: `followed` holds the resubmission rule to 0 attempts.
  const base = { attempt: 0, followed: true as const, polls: 1, startedAt: toTimestamp(now), deadline: toTimestamp(addSeconds(now, ports.config.operationTimeoutSeconds)), hooks: [] };
  // A token that was not verified never enters the state: a cancel reads the token it acts on from there, and must
  // never reach an operation the request did not state (another type, another operation, another sender's).
  const failed = (errorCode: string, statusMessage: string): OperationState => ({ ...base, operationStatus: 'FAILED', errorCode, statusMessage: truncate(statusMessage), outcome: 'FAILED' });
  let response;
  try {
    response = await ports.cloudControl.send(new GetResourceRequestStatusCommand({ RequestToken: follow.requestToken }));
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    const e = error as Error;
    return failed(e.name, e.message);
  }
  const progress = response.ProgressEvent ?? {};
  if (progress.TypeName !== follow.typeName || progress.Operation !== follow.operation) {
    return failed('NotTheStatedOperation', `RequestToken ${follow.requestToken} is a ${progress.Operation ?? '?'} of ${progress.TypeName ?? '?'}, not a ${follow.operation} of ${follow.typeName}: not followed`);
  }
  ports.logger.info('Following an operation Shepherd did not start', { requestId, requestToken: follow.requestToken, operationStatus: progress.OperationStatus });
  return observe({ previous: base, requestedOperation: follow.operation, progress, hooks: response.HooksProgressEvent, now, random: ports.random, maxAttempts: 0 });
}
