import {
  CreateResourceCommand,
  DeleteResourceCommand,
  UpdateResourceCommand,
  type ProgressEvent,
} from '@aws-sdk/client-cloudcontrol';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { loadDocument } from '../runtime/documents';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Ports } from '../runtime/ports';
import type { OperationState, WorkflowState } from './model';
import { truncate } from '../workflow/failure';
import { observe } from './progress';
import { clientToken } from './tokens';

/** Sends the request's Cloud Control call and returns the ProgressEvent it answers with. */
async function submit(state: WorkflowState, token: string, ports: Ports): Promise<ProgressEvent> {
  const { request } = state;
  const common = { TypeName: request.typeName, TypeVersionId: request.typeVersionId, RoleArn: request.roleArn, ClientToken: token };
  const client = ports.cloudControl;
  switch (request.operation) {
    case 'CREATE':
      return (await client.send(new CreateResourceCommand({ ...common, DesiredState: await loadDocument(request.desiredStateRef, ports) })))
        .ProgressEvent ?? {};
    case 'UPDATE':
      return (
        await client.send(
          new UpdateResourceCommand({ ...common, Identifier: request.identifier, PatchDocument: await loadDocument(request.patchDocumentRef, ports) }),
        )
      ).ProgressEvent ?? {};
    case 'DELETE':
      return (await client.send(new DeleteResourceCommand({ ...common, Identifier: request.identifier }))).ProgressEvent ?? {};
  }
}

/**
 * Submits the request to Cloud Control: the first time, or again after a
 * transient FAILED (`operation.outcome === 'RESUBMIT'`) with the next
 * attempt's ClientToken. Transient exceptions are rethrown for the ASL
 * Retry; any other refusal ends the request as FAILED with the API's reason.
 */
export async function startResourceOperation(state: WorkflowState, ports: Ports): Promise<OperationState> {
  const now = ports.clock.now();
  const previous = state.operation;
  if (previous && previous.outcome !== 'RESUBMIT') {
    throw new InvalidWorkflowState(`cannot submit request ${state.requestId}: its outcome is ${previous.outcome}`);
  }
  const base = {
    attempt: (previous?.attempt ?? 0) + 1,
    polls: previous?.polls ?? 0,
    startedAt: previous?.startedAt ?? toTimestamp(now),
    deadline: previous?.deadline ?? toTimestamp(addSeconds(now, ports.config.operationTimeoutSeconds)),
  };
  const token = clientToken(state.requestId, base.attempt);
  let progress: ProgressEvent;
  try {
    progress = await submit(state, token, ports);
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    const e = error as Error;
    ports.logger.warn('Cloud Control refused the request', { errorName: e.name, attempt: base.attempt });
    return { ...base, operationStatus: 'FAILED', errorCode: e.name, statusMessage: truncate(e.message), hooks: [], outcome: 'FAILED' };
  }
  ports.logger.info('Resource operation submitted', {
    requestToken: progress.RequestToken,
    operationStatus: progress.OperationStatus,
    attempt: base.attempt,
  });
  return observe({
    previous: base,
    requestedOperation: state.request.operation,
    progress,
    now,
    random: ports.random,
    maxAttempts: ports.config.maxAttempts,
  });
}
