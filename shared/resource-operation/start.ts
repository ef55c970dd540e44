import {
  CreateResourceCommand,
  DeleteResourceCommand,
  GetResourceCommand,
  GetResourceRequestStatusCommand,
  ListResourceRequestsCommand,
  UpdateResourceCommand,
  type ProgressEvent,
} from '@aws-sdk/client-cloudcontrol';
import { nextCheckAt } from '../polling';
import { RESOURCE_POLL_POLICY } from './policy';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { loadDocument } from '../runtime/documents';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { isFollowed, type OperationState, type WorkflowState } from './model';
import { firstListed, truncate } from '../workflow/failure';
import { observe } from './progress';
import { clientToken } from './tokens';

/** Sends the request's Cloud Control call and returns the ProgressEvent it answers with. */
async function submit(state: WorkflowState, token: string, ports: Uses<'cloudControl' | 'dynamodb'>): Promise<ProgressEvent> {
  const { request } = state;
  if (isFollowed(request)) throw new InvalidWorkflowState(`request ${state.requestId} follows ${request.requestToken}: it submits nothing`);
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

/**
 * The in-flight operation that holds the request's resource: ListResourceRequests (every page, PENDING,
 * IN_PROGRESS and CANCEL_IN_PROGRESS ones) by type and identifier. A CREATE names no identifier Shepherd knows
 * before Cloud Control answers, so it is matched by type only, and only when one operation of that type is in flight.
 */
async function blockingOperation(state: WorkflowState, ports: Uses<'cloudControl'>): Promise<ProgressEvent | undefined> {
  const { typeName } = state.request;
  const identifier = 'identifier' in state.request ? state.request.identifier : undefined;
  const candidates: ProgressEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ports.cloudControl.send(
      new ListResourceRequestsCommand({ MaxResults: 100, NextToken: nextToken, ResourceRequestStatusFilter: { OperationStatuses: ['PENDING', 'IN_PROGRESS', 'CANCEL_IN_PROGRESS'] } }),
    );
    candidates.push(...(page.ResourceRequestStatusSummaries ?? []).filter((e) => e.TypeName === typeName && (identifier === undefined || e.Identifier === identifier)));
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return identifier !== undefined || candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Cloud Control refused the submission because another operation holds the resource
 * (ConcurrentOperationException). Not a fault to back off from blindly: the workflow names the operation it
 * waits for (ListResourceRequests), waits as that operation's RetryAfter says (or backs off without one), and
 * submits again with the same attempt's token (the refused call started nothing). Until the deadline.
 */
async function blocked(
  state: WorkflowState,
  base: Pick<OperationState, 'attempt' | 'polls' | 'startedAt' | 'deadline' | 'waitedFor'>,
  refused: Error,
  ports: Uses<'cloudControl'>,
): Promise<OperationState> {
  const now = ports.clock.now();
  let blocker: ProgressEvent | undefined;
  try {
    blocker = await blockingOperation(state, ports);
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    // Not allowed to list, or the list refused: wait all the same, without a name.
    ports.logger.warn('ListResourceRequests refused: waiting without naming the blocking operation', { errorName: (error as Error).name });
  }
  const blockedBy = blocker?.RequestToken ? { requestToken: blocker.RequestToken, operation: blocker.Operation, operationStatus: blocker.OperationStatus } : undefined;
  const waiting = blockedBy ? `waiting for ${blockedBy.operation ?? 'an operation'} ${blockedBy.requestToken} (${blockedBy.operationStatus}), which holds the resource` : 'waiting for the operation that holds the resource';
  const polls = base.polls + 1;
  const waitedFor = blockedBy && !(base.waitedFor ?? []).includes(blockedBy.requestToken) ? firstListed([...(base.waitedFor ?? []), blockedBy.requestToken]) : base.waitedFor;
  const common = {
    ...base, polls, hooks: [], errorCode: refused.name, statusMessage: truncate(`${refused.message}; ${waiting}`),
    ...(blockedBy ? { blockedBy } : {}), ...(waitedFor ? { waitedFor } : {}),
  };
  if (now >= new Date(base.deadline)) return { ...common, outcome: 'TIMED_OUT', statusMessage: truncate(`still blocked at the deadline: ${waiting}`) };
  const timing = { now, startedAt: new Date(base.startedAt), deadline: new Date(base.deadline), polls, random: ports.random, retryAfter: blocker?.RetryAfter };
  ports.logger.info('Submission blocked by another operation', { blockedBy: blockedBy?.requestToken });
  return { ...common, outcome: 'BLOCKED', nextCheckAt: toTimestamp(nextCheckAt(timing, RESOURCE_POLL_POLICY)) };
}

type Existence = 'EXISTS' | 'ABSENT' | { unknown: string };

/**
 * Whether a resource exists under the identifier a failed CREATE named (a
 * handler can fail after creating it; pulumi-aws-native reads the resource
 * back for this reason). Read as the same role.
 */
async function existingResource(state: WorkflowState, identifier: string, ports: Uses<'cloudControl'>): Promise<Existence> {
  try {
    const roleArn = isFollowed(state.request) ? undefined : state.request.roleArn;
    await ports.cloudControl.send(new GetResourceCommand({ TypeName: state.request.typeName, Identifier: identifier, RoleArn: roleArn }));
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
  if (previous && previous.outcome !== 'RESUBMIT' && previous.outcome !== 'BLOCKED') {
    throw new InvalidWorkflowState(`cannot submit request ${state.requestId}: its outcome is ${previous.outcome}`);
  }
  // After a refusal for a busy resource the same attempt is sent again: the refused call started nothing.
  const againAfterBlock = previous?.outcome === 'BLOCKED';
  const base = {
    attempt: againAfterBlock ? previous.attempt : (previous?.attempt ?? 0) + 1,
    polls: previous?.polls ?? 0,
    startedAt: previous?.startedAt ?? toTimestamp(now),
    deadline: previous?.deadline ?? toTimestamp(addSeconds(now, ports.config.operationTimeoutSeconds)),
    ...(previous?.waitedFor ? { waitedFor: previous.waitedFor } : {}),
  };
  // Before a CREATE is sent again, whether a resource now exists under the identifier the failed one named:
  // resubmitting over it would fail AlreadyExists, or make a second resource when the type names its own.
  // Read once per attempt (the ledger keeps the answer): a retried Lambda that had already sent this attempt
  // must not find that attempt's own resource and take it for a leftover; it goes on to follow its token.
  if (previous && !againAfterBlock && state.request.operation === 'CREATE' && previous.identifier !== undefined) {
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
    if ((error as Error).name === 'ConcurrentOperationException') return blocked(state, base, error as Error, ports);
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
