import type { CaughtFailure } from '../workflow/failure';
import type { RequestBody, WorkflowInput } from '../workflow/ingest';
import type { ProgressClock } from '../workflow/progress';
import type { OrganizationsAccessChangeRequest } from './events/organizations-access-change-requested';

export type AccessChangeBody = RequestBody<OrganizationsAccessChangeRequest>;

/** IN_PROGRESS: UNDER_CHANGE, poll again. BUSY: a change was already under way, ask again later. */
export type AccessOutcome = 'IN_PROGRESS' | 'BUSY' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface AccessProgress extends ProgressClock {
  /** GetAWSOrganizationsAccessStatus as last seen. */
  accessStatus?: string;
  /** When this request's Enable/Disable call was taken (epoch ms): a change started after it means it completed. */
  changedAt?: number;
  errorCode?: string;
  statusMessage?: string;
  outcome: AccessOutcome;
  nextCheckAt?: string;
}

export interface AccessWorkflowState extends WorkflowInput<AccessChangeBody> {
  access?: AccessProgress;
  failure?: CaughtFailure;
}
