import {
  CreateResourceCommand,
  DeleteResourceCommand,
  GetResourceCommand,
  GetResourceRequestStatusCommand,
  UpdateResourceCommand,
  type ProgressEvent,
} from '@aws-sdk/client-cloudcontrol';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { loadDocument } from '../runtime/documents';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import type { OperationState, WorkflowState } from './model';
import { truncate } from '../workflow/failure';
import { observe } from './progress';
import { clientToken } from './tokens';

/** Sends the request's Cloud Control call and returns the ProgressEvent it answers with. */
async function submit(state: WorkflowState, token: string, ports: Uses<'cloudControl' | 'dynamodb'>): Promise<ProgressEvent> {
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
 * The RequestToken a ClientTokenConflictException names: Cloud Control
 * answers a ClientToken used again with "Client token [...] is already
 * associated with an existing operation with RequestToken [...]"
 * (carina-rs/carina#1516) instead of replaying the first answer. Shepherd's
 * tokens are its own (one per request and attempt), so the existing
 * operation is this very submission, whose answer was lost.
 */
export function conflictingRequestToken(message: string): string | undefined {
  return /RequestToken\s*\[?([-A-Za-z0-9+/=]{1,128})\]?/.exec(message)?.[1];
}

/** The submission's ProgressEvent, or the one of the operation its ClientToken already started. */
async function submitOrFollow(state: WorkflowState, token: string, ports: Uses<'cloudControl' | 'dynamodb'>): Promise<ProgressEvent> {
  try {
    return await submit(state, token, ports);
  } catch (error) {
    const existing = (error as Error).name === 'ClientTokenConflictException' ? conflictingRequestToken((error as Error).message) : undefined;
    if (existing === undefined) throw error;
    ports.logger.info('ClientToken already used: following the operation it started', { requestToken: existing });
    return (await ports.cloudControl.send(new GetResourceRequestStatusCommand({ RequestToken: existing }))).ProgressEvent ?? {};
  }
}

type Existence = 'EXISTS' | 'ABSENT' | { unknown: string };

/**
 * Whether a resource exists under the identifier a failed CREATE named (a
 * handler can fail after creating it; pulumi-aws-native reads the resource
 * back for this reason). Read as the same role.
 */
async function existingResource(state: WorkflowState, identifier: string, ports: Uses<'cloudControl'>): Promise<Existence> {
  try {
    await ports.cloudControl.send(new GetResourceCommand({ TypeName: state.request.typeName, Identifier: identifier, RoleArn: state.request.roleArn }));
    return 'EXISTS';
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return 'ABSENT';
    if (isTransient(error)) throw asTransient(error);
    return { unknown: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/**
 * The end of a CREATE that did not succeed, once what it may have left is
 * read back (once, through the ledger): FAILED or CANCELLED as it ended,
 * with `resourceExists` when a resource is there under its identifier.
 */
async function readBackFinal(state: WorkflowState, previous: OperationState, ports: Uses<'cloudControl'>): Promise<OperationState> {
  const identifier = previous.identifier!;
  const { value: found } = await ports.ledger.once(`read-back#resource-operation#${state.requestId}#end`, () => existingResource(state, identifier, ports));
  const unreadable = typeof found === 'object' ? `; whether a resource ${identifier} exists could not be read (${found.unknown})` : '';
  if (found === 'EXISTS') ports.logger.warn('A CREATE that did not succeed left a resource', { identifier });
  return {
    ...previous,
    outcome: previous.finalOutcome ?? 'FAILED',
    finalOutcome: undefined,
    nextCheckAt: undefined,
    statusMessage: unreadable ? truncate(`${previous.statusMessage ?? previous.errorCode ?? previous.finalOutcome}${unreadable}`) : previous.statusMessage,
    resourceExists: found === 'EXISTS' ? true : undefined,
  };
}

/**
 * Submits the request to Cloud Control: the first time, or again after a
 * transient FAILED (`operation.outcome === 'RESUBMIT'`) with the next
 * attempt's ClientToken. Transient exceptions are rethrown for the ASL
 * Retry; any other refusal ends the request as FAILED with the API's reason.
 */
export async function startResourceOperation(state: WorkflowState, ports: Uses<'cloudControl' | 'dynamodb'>): Promise<OperationState> {
  const now = ports.clock.now();
  const previous = state.operation;
  if (previous?.outcome === 'READ_BACK') return readBackFinal(state, previous, ports);
  if (previous && previous.outcome !== 'RESUBMIT') {
    throw new InvalidWorkflowState(`cannot submit request ${state.requestId}: its outcome is ${previous.outcome}`);
  }
  const base = {
    attempt: (previous?.attempt ?? 0) + 1,
    polls: previous?.polls ?? 0,
    startedAt: previous?.startedAt ?? toTimestamp(now),
    deadline: previous?.deadline ?? toTimestamp(addSeconds(now, ports.config.operationTimeoutSeconds)),
  };
  // Before a CREATE is sent again, whether a resource now exists under the identifier the failed one named:
  // resubmitting over it would fail AlreadyExists, or make a second resource when the type names its own.
  // Read once per attempt (the ledger keeps the answer): a retried Lambda that had already sent this attempt
  // must not find that attempt's own resource and take it for a leftover; it goes on to follow its token.
  if (previous && state.request.operation === 'CREATE' && previous.identifier !== undefined) {
    const identifier = previous.identifier;
    const { value: found } = await ports.ledger.once(`read-back#resource-operation#${state.requestId}#${base.attempt}`, () => existingResource(state, identifier, ports));
    if (found !== 'ABSENT') {
      // Cloud Control cannot say who made it: most likely the failed CREATE, but another request may have.
      const why =
        found === 'EXISTS'
          ? `a resource ${identifier} now exists (most likely left by the failed attempt; Cloud Control cannot say who made it), so it was not submitted again`
          : `whether a resource ${identifier} exists could not be read (${found.unknown}), so it was not submitted again`;
      ports.logger.warn('A failed CREATE may have left its resource', { identifier, resourceExists: found === 'EXISTS' });
      return {
        ...previous,
        outcome: 'FAILED',
        nextCheckAt: undefined,
        statusMessage: truncate(`${previous.statusMessage ?? previous.errorCode ?? 'FAILED'}; ${why}`),
        resourceExists: found === 'EXISTS' ? true : undefined,
      };
    }
  }
  const token = clientToken(state.requestId, base.attempt);
  let progress: ProgressEvent;
  try {
    progress = await submitOrFollow(state, token, ports);
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
