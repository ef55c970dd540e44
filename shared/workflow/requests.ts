/**
 * Every kind of request Shepherd takes, by detail-type, from the workflows'
 * declarations (shared/workflows.ts): its contract, the workflow that runs it
 * and the stage's allowlist for it (every kind has one: an unlisted stage
 * allows no AWS change of any kind); and the cancels, which are requests
 * about another request, not a workflow of their own. The intake routes by
 * these tables.
 */
import { CANCELS as CANCEL_LIST, WORKFLOWS } from '../workflows';
import type { RequestKind } from './ingest';
import type { WorkflowCancel } from './module';

export const REQUEST_KINDS: Readonly<Record<string, RequestKind>> = Object.fromEntries(
  WORKFLOWS.flatMap((workflow) => workflow.requests.map((request) => [request.contract.detailType, { ...request, workflow: workflow.name }])),
);

export const CANCELS: Readonly<Record<string, WorkflowCancel>> = Object.fromEntries(CANCEL_LIST.map((cancel) => [cancel.contract.detailType, cancel]));
