/**
 * The data a provisioned-product property update carries from state to
 * state: ingest starts it with the request, the Start and Check Lambdas
 * write `record`, a Catch writes `failure`.
 */
import type { CaughtFailure } from '../workflow/failure';
import type { RequestBody, WorkflowInput } from '../workflow/ingest';
import type { ProgressClock } from '../workflow/progress';
import type { ProvisionedProductPropertiesUpdateRequest } from './events/provisioned-product-properties-update-requested';
import type { ProvisionedProductRecordFollowRequest } from './events/provisioned-product-record-follow-requested';

export type PropertiesUpdateBody = RequestBody<ProvisionedProductPropertiesUpdateRequest>;
/** A record Shepherd did not start, followed by its RecordId. */
export type FollowedRecordBody = RequestBody<ProvisionedProductRecordFollowRequest>;

/** Whether the execution follows a record Shepherd did not start. */
export const isFollowedRecord = (request: PropertiesUpdateBody | FollowedRecordBody): request is FollowedRecordBody => 'recordId' in request;

/** IN_PROGRESS: poll the record again. BUSY: the product has another operation in progress. */
export type RecordOutcome = 'IN_PROGRESS' | 'BUSY' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface RecordProgress extends ProgressClock {
  recordId?: string;
  /** DescribeRecord Status as last seen: CREATED, IN_PROGRESS, IN_PROGRESS_IN_ERROR, SUCCEEDED, FAILED. */
  recordStatus?: string;
  recordErrors: Array<{ code?: string; description?: string }>;
  /** DescribeRecord's RecordType (what a followed record does: PROVISION_PRODUCT, UPDATE_PROVISIONED_PRODUCT, …). */
  recordType?: string;
  /** The properties as UpdateProvisionedProductProperties reported them. */
  properties?: { LAUNCH_ROLE?: string; OWNER?: string };
  errorCode?: string;
  statusMessage?: string;
  outcome: RecordOutcome;
  nextCheckAt?: string;
}

export interface PropertiesUpdateState extends WorkflowInput<PropertiesUpdateBody | FollowedRecordBody> {
  record?: RecordProgress;
  failure?: CaughtFailure;
}
