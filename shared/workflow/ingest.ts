import { createHash } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { z } from 'zod';
import { requestId as requestIdConstraint } from '../contracts/constraints';
import type { Allowlist, Deployment } from '../allowlists';
import { guardrailsFor } from '../guardrails';
import { validateDetail } from '../contracts/validate';
import { claimedRequestId, rejectRequest, type IncomingEvent, type RejectionScope } from '../events/reject';
import { stableStringify } from '../json';
import { asTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { executionArnFor, stateMachineArnFor, type WorkflowName } from './names';
import type { FieldError } from '../contracts/common';
import type { EventContract } from '../contracts/contract';

/** Omit that keeps a discriminated union a union. */
export type RequestBody<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/** What ingest starts every execution with: the validated request, without its id (it lives beside it). */
export interface WorkflowInput<R> {
  requestId: string;
  eventId: string;
  requestedAt: string;
  request: R;
}

export type IngestResult =
  | { outcome: 'STARTED'; requestId: string; executionArn: string }
  | { outcome: 'DUPLICATE'; requestId: string; executionArn: string }
  | { outcome: 'REJECTED'; requestId: string; reason: string };

/** A kind of request: its contract, the workflow that runs it, and the stage's allowlist for it. */
export interface RequestKind<S extends z.ZodType<{ requestId?: string }> = z.ZodType<{ requestId?: string }>, A = unknown> {
  contract: EventContract<S>;
  workflow: WorkflowName;
  /** The stage's section this kind is checked against (shared/<workflow>/allowlist.ts). Every kind has one. */
  allowlist: Allowlist<A>;
  /** What is refused is refused here, before any AWS call: checked against the stage's section of the allowlist. */
  authorize: (request: RequestBody<z.infer<S>>, allowed: A, where: Deployment) => FieldError[];
  /** The request as the workflow carries it (large documents stored aside); the validated request itself when absent. */
  carry?: (request: RequestBody<z.infer<S>>, requestId: string, ports: Uses<'dynamodb'>) => Promise<unknown>;
}

/**
 * Step Functions' limit on an execution's input and on every state: 256 KiB
 * of UTF-8. The input is held well under it, since every state adds its own
 * progress to it; what can grow is bounded where it is produced.
 */
export const MAX_STATE_BYTES = 256 * 1024;
export const MAX_EXECUTION_INPUT_BYTES = 64 * 1024;

/**
 * Who owns a requestId: the first event that named it, whatever its kind —
 * an accepted request (its workflow), or a rejected one (`rejected`: the
 * rejection was that request's end, and the id is used up).
 */
export interface RequestOwner {
  workflow: WorkflowName | 'rejected';
  /** sha256 of the request (detail-type and validated body): the same request again has the same digest. */
  digest: string;
  eventId: string;
  requestedAt: string;
  /** Who sent it (the envelope's source and account, which the bus policy vouches for): only they may cancel it. */
  source?: string;
  account?: string;
  /** The request's detail-type (a cancel refuses to end a followed operation); absent in records written before it was kept. */
  detailType?: string;
}

/**
 * The scope of a rejection of `event` naming `requestId`: it ends that
 * request only if the event owns the id — the id is valid and nobody else
 * claimed it first (this claims it, so the id's one terminal event is this
 * rejection). Otherwise it only names it.
 */
export async function rejectionScope(event: IncomingEvent, requestId: string, ports: Uses): Promise<RejectionScope> {
  if (!requestIdConstraint.safeParse(requestId).success) return { names: requestId };
  const owner = await ports.ledger.claim<RequestOwner>(requestOwnerKey(requestId), {
    workflow: 'rejected',
    digest: createHash('sha256').update(String(event.id)).digest('hex'),
    eventId: String(event.id),
    requestedAt: requestedAtOf(event, ports.clock.now()),
    source: String(event.source),
    account: String(event.account),
  });
  return owner.workflow === 'rejected' && owner.eventId === String(event.id) ? { ends: requestId } : { names: requestId };
}

/** The ledger key that gives a requestId to one request, across every kind of request. */
export function requestOwnerKey(requestId: string): string {
  return `request#${requestId}`;
}

/** The envelope's time, or now when it is not a date (an envelope is not ours to trust). */
function requestedAtOf(event: IncomingEvent, now: Date): string {
  const time = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return new Date(Number.isFinite(time) ? time : now.getTime()).toISOString();
}

/**
 * Turns a request event into exactly one execution of its workflow's state
 * machine, named by the requestId. The requestId belongs to the first
 * request that names it, across every kind (the ledger's `request#` entry):
 * the same request again — redelivered, or resent as a new event — starts
 * nothing new; a different request reusing the id is rejected rather than
 * silently merged. Bad input is rejected with one event naming each field;
 * nothing starts. Transient faults are thrown: the intake keeps the event
 * and tries again later.
 */
export async function ingestRequest<S extends z.ZodType<{ requestId?: string }>>(
  kind: RequestKind<S>,
  event: IncomingEvent,
  ports: Uses<'eventBridge' | 'sfn' | 'dynamodb'>,
): Promise<IngestResult> {
  const { contract } = kind;
  const reject = async (reason: string, errors: FieldError[], requestId = claimedRequestId(event), scope?: RejectionScope) => {
    await rejectRequest(event, reason, errors, scope ?? (await rejectionScope(event, requestId, ports)), ports);
    return { outcome: 'REJECTED' as const, requestId, reason };
  };
  if (event['detail-type'] !== contract.detailType) {
    return reject(`expected detail-type "${contract.detailType}"`, [{ field: 'detail-type', code: 'invalid_value', message: `must be "${contract.detailType}"` }]);
  }
  const validation = validateDetail(contract.detail, event.detail);
  if (!validation.ok) return reject('the request detail is invalid', validation.errors);

  const { requestId: explicitId, ...request } = validation.value as { requestId?: string } & Record<string, unknown>;
  const requestId = explicitId ?? event.id;
  if (explicitId === undefined && !requestIdConstraint.safeParse(requestId).success) {
    return reject('the event id cannot name an execution', [{ field: 'requestId', code: 'required', message: 'give a requestId: this event id is not one (1–80 of [A-Za-z0-9_-])' }]);
  }
  const where = { partition: ports.config.partition, accountId: ports.config.accountId };
  const refused = kind.authorize(request as RequestBody<z.infer<S>>, kind.allowlist.of(guardrailsFor(ports.config.stage)), where);
  if (refused.length > 0) return reject('the request is outside what this stage allows', refused, requestId);

  // Documents stored aside before anything else, so a request that cannot be carried is rejected, not half-started.
  const carried = kind.carry ? await kind.carry(request as RequestBody<z.infer<S>>, requestId, ports) : request;
  const inputBytes = Buffer.byteLength(JSON.stringify({ requestId, eventId: event.id, requestedAt: new Date(0).toISOString(), request: carried }));
  if (inputBytes > MAX_EXECUTION_INPUT_BYTES) {
    return reject('the request is too large for a workflow to carry', [
      { field: '', code: 'too_big', message: `carries ${inputBytes} bytes; a workflow's input holds at most ${MAX_EXECUTION_INPUT_BYTES}` },
    ], requestId);
  }

  const digest = createHash('sha256').update(stableStringify([contract.detailType, request])).digest('hex');
  // One conditional write (the ledger's claim): whoever wrote first owns the id, and a lost answer cannot hand it
  // to someone else — the retry finds this event's own record.
  const owner = await ports.ledger.claim<RequestOwner>(requestOwnerKey(requestId), {
    workflow: kind.workflow,
    digest,
    eventId: event.id,
    requestedAt: requestedAtOf(event, ports.clock.now()),
    source: String(event.source),
    account: String(event.account),
    detailType: contract.detailType,
  });
  if (owner.workflow !== kind.workflow || owner.digest !== digest) {
    // Another request's id: this rejection is about this event only, never that request's end.
    return reject(`requestId "${requestId}" is already used by a different request`, [
      { field: 'requestId', code: 'conflict', message: 'already names a different request; use a new requestId' },
    ], requestId, { names: requestId });
  }

  // The input is the owner's, whichever event carries the request: a resend starts the same execution, or finds it.
  const input: WorkflowInput<typeof carried> = { requestId, eventId: owner.eventId, requestedAt: owner.requestedAt, request: carried };
  const stateMachineArn = stateMachineArnFor(kind.workflow, ports.config.stateMachineArns);
  const executionArn = executionArnFor(stateMachineArn, requestId);
  try {
    await ports.sfn.send(new StartExecutionCommand({ stateMachineArn, name: requestId, input: JSON.stringify(input) }));
  } catch (error) {
    if ((error as Error).name !== 'ExecutionAlreadyExists') throw asTransient(error);
    ports.logger.info('Duplicate request ignored', { executionArn });
    return { outcome: 'DUPLICATE', requestId, executionArn };
  }
  ports.logger.info('Execution started', { executionArn, detailType: contract.detailType, operation: request.operation });
  return { outcome: 'STARTED', requestId, executionArn };
}
