/**
 * The data a provisioned-product property update carries from state to
 * state: ingest starts it with the request, the Start and Check Lambdas
 * write `record`, a Catch writes `failure`.
 */
import type { CaughtFailure } from '../workflow/failure';
import type { RequestBody, WorkflowInput } from '../workflow/ingest';
import type { ProgressClock } from '../workflow/progress';
import type { ProvisionedProductPropertiesUpdateRequest } from './events/provisioned-product-properties-update-requested';

export type PropertiesUpdateBody = RequestBody<ProvisionedProductPropertiesUpdateRequest>;

/** IN_PROGRESS: poll the record again. BUSY: the product has another operation in progress. */
export type RecordOutcome = 'IN_PROGRESS' | 'BUSY' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface RecordProgress extends ProgressClock {
  recordId?: string;
  /** DescribeRecord Status as last seen: CREATED, IN_PROGRESS, IN_PROGRESS_IN_ERROR, SUCCEEDED, FAILED. */
  recordStatus?: string;
  recordErrors: Array<{ code?: string; description?: string }>;
  /** The properties as UpdateProvisionedProductProperties reported them. */
  properties?: { LAUNCH_ROLE?: string; OWNER?: string };
  errorCode?: string;
  statusMessage?: string;
  outcome: RecordOutcome;
  nextCheckAt?: string;
}

export interface PropertiesUpdateState extends WorkflowInput<PropertiesUpdateBody> {
  record?: RecordProgress;
  failure?: CaughtFailure;
}
