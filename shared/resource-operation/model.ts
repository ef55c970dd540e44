/**
 * The data a resource-operation execution carries from state to state.
 * `WorkflowInput` is what ingest starts the execution with; the Start and
 * Check Lambdas write `operation` (ResultPath $.operation); a Catch writes
 * `failure`; the emit Lambda writes `completion`.
 */
import type { DocumentRef } from '../runtime/documents';
import type { CaughtFailure } from '../workflow/failure';
import type { RequestBody, WorkflowInput as GenericInput } from '../workflow/ingest';
import type { HookInvocation, OperationStatus } from './events/resource-operation-completed';
import type { ResourceOperationFollowRequest } from './events/resource-operation-follow-requested';
import type { ResourceOperationRequest } from './events/resource-operation-requested';

/** The request as validated, documents included. */
export type ResourceOperationRequestBody = RequestBody<ResourceOperationRequest>;
type Of<O extends ResourceOperationRequestBody['operation']> = Extract<ResourceOperationRequestBody, { operation: O }>;

/**
 * The request as the workflow carries it: the desired state and the patch
 * document by reference (shared/runtime/documents.ts), never in the
 * execution's input, state or history.
 */
export type ResourceOperationBody =
  | (Omit<Of<'CREATE'>, 'desiredState'> & { desiredStateRef: DocumentRef })
  | (Omit<Of<'UPDATE'>, 'patchDocument'> & { patchDocumentRef: DocumentRef })
  | Of<'DELETE'>
  /** An operation Shepherd did not start, followed by its RequestToken: nothing is submitted. */
  | RequestBody<ResourceOperationFollowRequest>;
export type WorkflowInput = GenericInput<ResourceOperationBody>;

/** Whether the execution follows an operation Shepherd did not start. */
export const isFollowed = (request: ResourceOperationBody): request is RequestBody<ResourceOperationFollowRequest> => 'requestToken' in request;

/**
 * What the workflow does next, read by the `Is The Operation Finished?`
 * Choice. Deciding it in code keeps the Choice readable and the rules tested.
 */
export type Outcome = 'IN_PROGRESS' | 'RESUBMIT' | 'READ_BACK' | 'BLOCKED' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

export interface OperationState {
  /** Submissions so far, the first included; each gets its own ClientToken. 0 for an operation Shepherd follows. */
  attempt: number;
  /** Shepherd follows it (it did not start it): it is never submitted again, whatever its end. */
  followed?: true;
  polls: number;
  startedAt: string;
  deadline: string;
  requestToken?: string;
  identifier?: string;
  /** Cloud Control's OperationStatus as last seen. */
  operationStatus?: string;
  errorCode?: string;
  statusMessage?: string;
  hooks: HookInvocation[];
  retryAfter?: string;
  /** After a CREATE that did not succeed, a resource exists under its identifier (found by GetResource). */
  resourceExists?: true;
  /**
   * BLOCKED: Cloud Control refused the submission (ConcurrentOperationException) because another operation holds
   * the resource; the one ListResourceRequests names, which the workflow waits for before submitting again.
   */
  blockedBy?: { requestToken: string; operation?: string; operationStatus?: string };
  /** Every operation it waited for that way (RequestTokens, at most MAX_LISTED_ITEMS): the completion names them. */
  waitedFor?: string[];
  /** READ_BACK: how the CREATE ended (FAILED or CANCELLED), reported once what it left has been read back. */
  finalOutcome?: 'FAILED' | 'CANCELLED';
  outcome: Outcome;
  /** RFC 3339: when the Wait state lets the next step run. */
  nextCheckAt?: string;
}

export interface WorkflowState extends WorkflowInput {
  operation?: OperationState;
  failure?: CaughtFailure;
}

export interface CompletionResult {
  status: OperationStatus;
  eventId: string;
  summary: string;
}
