import { GetResourceRequestStatusCommand } from '@aws-sdk/client-cloudcontrol';
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
    maxAttempts: ports.config.maxAttempts,
  });
  ports.logger.debug('Resource operation polled', { operationStatus: state.operationStatus, polls: state.polls, outcome: state.outcome });
  return state;
}
