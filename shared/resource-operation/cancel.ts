import { createHash } from 'node:crypto';
import { CancelResourceRequestCommand, GetResourceRequestStatusCommand } from '@aws-sdk/client-cloudcontrol';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { validateDetail } from '../contracts/validate';
import { claimedRequestId, rejectRequest, type IncomingEvent } from '../events/reject';
import { asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { RetryLater } from '../runtime/retry-later';
import { requestOwnerKey, type RequestOwner } from '../workflow/ingest';
import { executionArnFor, stateMachineArnFor } from '../workflow/names';
import { guardrailsFor } from '../guardrails';
import { cloudControlAllowlist } from './allowlist';
import type { WorkflowState } from './model';
import { resourceOperationCancelRequested } from './events/resource-operation-cancel-requested';
import { resourceOperationFollowRequested } from './events/resource-operation-follow-requested';

export type CancelResult =
  | { outcome: 'CANCEL_REQUESTED'; requestId: string; requestToken: string }
  | { outcome: 'REJECTED'; requestId: string; reason: string };

/** History pages read looking for the request token; the newest events come first. */
const MAX_HISTORY_PAGES = 5;
/** How long a cancel waits for a requestId nobody has asked for yet (its request may be behind it in the queue). */
export const UNKNOWN_REQUEST_PATIENCE_MS = 5 * 60 * 1000;
/** How long a cancel waits for a running request to reach Cloud Control. */
export const NOT_STARTED_PATIENCE_MS = 15 * 60 * 1000;

/**
 * The Cloud Control request token an execution is tracking: the newest
 * state output that carries one. The execution history is the record of
 * the workflow's state, so no side table is needed.
 */
async function latestRequestToken(executionArn: string, ports: Uses<'sfn'>): Promise<string | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const history = await ports.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, includeExecutionData: true, maxResults: 100, nextToken }),
    );
    for (const event of history.events ?? []) {
      const token = requestTokenIn(event);
      if (token) return token;
    }
    nextToken = history.nextToken;
    if (!nextToken) return undefined;
  }
  return undefined;
}

function requestTokenIn(event: HistoryEvent): string | undefined {
  const output = event.stateExitedEventDetails?.output;
  if (!output) return undefined;
  try {
    return (JSON.parse(output) as Partial<WorkflowState>).operation?.requestToken;
  } catch {
    return undefined;
  }
}

/**
 * Handles `Resource Operation Cancel Requested`: finds the running
 * execution of the request and cancels its Cloud Control request. The
 * workflow then sees CANCEL_IN_PROGRESS → CANCEL_COMPLETE and emits the
 * request's completion event (CANCELLED). A cancel that comes early waits
 * (RetryLater: the intake keeps it): while its request is accepted but not
 * started, for as long as that takes; while the request is not known, or
 * has not reached Cloud Control, for a few minutes. A cancel that cannot
 * apply gets a `Request Rejected` event saying why.
 */
export async function cancelResourceOperation(event: IncomingEvent, ports: Uses<'cloudControl' | 'eventBridge' | 'sfn'>, waitedMs = Number.POSITIVE_INFINITY): Promise<CancelResult> {
  // A cancel names the request it is about; its rejection never ends that request (only the request's owner can).
  const reject = async (reason: string, field = 'requestId', code = 'not_cancellable', requestId = claimedRequestId(event)) => {
    await rejectRequest(event, reason, [{ field, code, message: reason }], { names: requestId }, ports);
    return { outcome: 'REJECTED' as const, requestId, reason };
  };
  const validation = validateDetail(resourceOperationCancelRequested.detail, event.detail);
  if (!validation.ok) {
    await rejectRequest(event, 'the cancel request detail is invalid', validation.errors, { names: claimedRequestId(event) }, ports);
    return { outcome: 'REJECTED', requestId: claimedRequestId(event), reason: 'invalid detail' };
  }
  const { requestId } = validation.value;
  // A stage that allows no Cloud Control operation has nothing a cancel could apply to: no call, no wait.
  const allowed = cloudControlAllowlist.of(guardrailsFor(ports.config.stage));
  if (!Object.values(allowed.resourceTypes).some((operations) => operations.length > 0)) {
    return reject('this stage allows no Cloud Control operation, so none can be cancelled', 'requestId', 'not_allowed');
  }
  // A cancel that applied stays applied: the same event delivered again (a crashed batch, EventBridge's
  // at-least-once) must not be answered "already finished" about the very operation it cancelled.
  const applied = await ports.ledger.lookup<CancelResult | { outcome: 'REFUSED' }>(cancelKey(event.id));
  if (applied.done && applied.value.outcome === 'REFUSED') return reject(`request "${requestId}" can no longer be cancelled`);
  if (applied.done) return applied.value as CancelResult;
  const executionArn = executionArnFor(stateMachineArnFor('resource-operation', ports.config.stateMachineArns), requestId);

  // Only whoever sent a request may cancel it: the same source from the same account (the bus policy
  // ties each source to its principals). An owner recorded without a sender cannot be vouched for.
  const refusal = (owner: RequestOwner) => {
    if (owner.workflow !== 'resource-operation') {
      return reject(`request "${requestId}" is ${owner.workflow === 'rejected' ? 'a rejected request' : `a ${owner.workflow} request`}, not a resource operation`);
    }
    if (owner.source !== event.source || owner.account !== event.account) {
      return reject(`only the sender of request "${requestId}" may cancel it`, 'requestId', 'not_owner');
    }
    // A followed operation is not Shepherd's to end: whoever started it may be someone else (another pipeline,
    // or another sender's request whose token was followed), and following grants no more than reading.
    if (owner.detailType === resourceOperationFollowRequested.detailType) {
      return reject(`request "${requestId}" follows an operation Shepherd did not start; cancel it where it was started`, 'requestId', 'not_cancellable');
    }
    return undefined;
  };
  let owner = await ports.ledger.lookup<RequestOwner>(requestOwnerKey(requestId));
  const refusedEarly = owner.done ? refusal(owner.value) : undefined;
  if (refusedEarly) return refusedEarly;

  let status: string | undefined;
  try {
    status = (await ports.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
  } catch (error) {
    if ((error as Error).name !== 'ExecutionDoesNotExist') throw asTransient(error);
    if (owner.done) throw new RetryLater(`request "${requestId}" is accepted and about to start`, { cause: error });
    if (waitedMs < UNKNOWN_REQUEST_PATIENCE_MS) throw new RetryLater(`no request "${requestId}" yet; it may be behind this cancel`, { cause: error });
    return reject(`no request "${requestId}" is known`, 'requestId', 'not_found');
  }
  // The request may have been accepted while this cancel was being looked at: its owner is recorded before
  // its execution starts, so now it is known — and must be this cancel's sender.
  if (!owner.done) {
    owner = await ports.ledger.lookup<RequestOwner>(requestOwnerKey(requestId));
    // Never the case for a request Shepherd accepted (the owner comes first); a sender nobody recorded cannot be vouched for.
    if (!owner.done) return reject(`request "${requestId}" has no recorded sender, so nobody may cancel it`, 'requestId', 'not_owner');
    const refusedLate = refusal(owner.value);
    if (refusedLate) return refusedLate;
  }
  if (status !== 'RUNNING') return reject(`request "${requestId}" has already finished (${status})`);

  const requestToken = await latestRequestToken(executionArn, ports);
  if (!requestToken) {
    if (waitedMs < NOT_STARTED_PATIENCE_MS) throw new RetryLater(`request "${requestId}" has not reached Cloud Control yet`);
    return reject(`request "${requestId}" has not reached Cloud Control yet; send the cancel again shortly`, 'requestId', 'not_started');
  }
  let refused: Error | undefined;
  const { value } = await ports.ledger.once<CancelResult | { outcome: 'REFUSED' }>(cancelKey(event.id), async () => {
    try {
      await ports.cloudControl.send(new CancelResourceRequestCommand({ RequestToken: requestToken }));
    } catch (error) {
      const name = (error as Error).name;
      // A request that has ended is refused with ValidationException "Request … is already in status …" (LocalStack's
      // AWS-validated test_cancel_edge_cases); ConcurrentModificationException is the API reference's word for it.
      const refusedForItsState = name === 'ValidationException' || name === 'ConcurrentModificationException';
      if (!refusedForItsState && name !== 'RequestTokenNotFoundException') throw asTransient(error);
      const tracked = refusedForItsState ? await operationStatusOf(requestToken, ports) : undefined;
      // Refused because it is being cancelled already? That is this cancel, its first answer lost on the way back.
      if (tracked === 'CANCEL_IN_PROGRESS' || tracked === 'CANCEL_COMPLETE') return { outcome: 'CANCEL_REQUESTED', requestId, requestToken };
      // Refused because the request it tracks has ended while the execution runs on: it is between attempts (a
      // transient FAILED is sent again after a back-off) or about to emit its completion. Ask again shortly (the
      // ledger keeps nothing of a failed attempt), when the next attempt can be cancelled or the request has
      // finished; refusing now would tell the sender it is over while it goes on.
      if ((tracked === 'FAILED' || tracked === 'SUCCESS') && waitedMs < NOT_STARTED_PATIENCE_MS) {
        throw new RetryLater(`request "${requestId}" is between attempts or finishing`, { cause: error });
      }
      refused = error as Error;
      return { outcome: 'REFUSED' };
    }
    return { outcome: 'CANCEL_REQUESTED', requestId, requestToken };
  });
  if (value.outcome === 'REFUSED') return reject(`request "${requestId}" can no longer be cancelled${refused ? `: ${refused.message}` : ''}`);
  ports.logger.info('Cancel requested', { requestToken });
  return value;
}

/** The request's OperationStatus now (undefined once Cloud Control has forgotten it). */
async function operationStatusOf(requestToken: string, ports: Uses<'cloudControl'>): Promise<string | undefined> {
  try {
    return (await ports.cloudControl.send(new GetResourceRequestStatusCommand({ RequestToken: requestToken }))).ProgressEvent?.OperationStatus;
  } catch (error) {
    if ((error as Error).name === 'RequestTokenNotFoundException') return undefined;
    throw asTransient(error);
  }
}

/** The ledger key of a cancel event's one application. */
function cancelKey(eventId: string): string {
  return `cancel#${createHash('sha256').update(eventId).digest('hex')}`;
}
