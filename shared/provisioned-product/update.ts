import { createHash } from 'node:crypto';
import { DescribeRecordCommand, UpdateProvisionedProductPropertiesCommand } from '@aws-sdk/client-service-catalog';
import { addSeconds, toTimestamp } from '../runtime/clock';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { ADAPTIVE_POLL_POLICY } from '../polling';
import { firstListed, refusal, truncate } from '../workflow/failure';
import { adaptiveCheckAt, nextAttempt, refusedStart } from '../workflow/progress';
import { isFollowedRecord, type FollowedRecordBody, type PropertiesUpdateState, type RecordProgress } from './model';

/**
 * The IdempotencyToken of a request: the same request always gets the same
 * record, however often the event is delivered or the Lambda retried. Hex
 * fits the API's `[a-zA-Z0-9][a-zA-Z0-9_-]*`, 1–128.
 */
export function idempotencyToken(requestId: string): string {
  return createHash('sha256').update(`shepherd:provisioned-product-properties:${requestId}`).digest('hex');
}

const FINAL_RECORD_STATUSES = new Set(['SUCCEEDED', 'FAILED']);

/**
 * Calls UpdateProvisionedProductProperties: the first time, or again after
 * the product was busy with another operation (InvalidStateException).
 * Throttling and 5xx are rethrown for the ASL Retry; other refusals
 * (InvalidParametersException, ResourceNotFoundException) end the request.
 */
export async function startPropertiesUpdate(state: PropertiesUpdateState, ports: Uses<'serviceCatalog'>): Promise<RecordProgress> {
  const now = ports.clock.now();
  const request = state.request;
  if (isFollowedRecord(request)) throw new InvalidWorkflowState(`update ${state.requestId} follows record ${request.recordId}: it starts nothing`);
  if (state.record && state.record.outcome !== 'BUSY') {
    throw new InvalidWorkflowState(`cannot start update ${state.requestId}: its outcome is ${state.record.outcome}`);
  }
  const clock = nextAttempt(state.record, now, ports.config.operationTimeoutSeconds);
  const base = { ...clock, recordErrors: [] };
  let response;
  try {
    response = await ports.serviceCatalog.send(
      new UpdateProvisionedProductPropertiesCommand({
        AcceptLanguage: request.acceptLanguage,
        ProvisionedProductId: request.provisionedProductId,
        ProvisionedProductProperties: request.properties,
        IdempotencyToken: idempotencyToken(state.requestId),
      }),
    );
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    ports.logger.warn('Service Catalog refused the property update', { errorName: (error as Error).name });
    return refusedStart(error, base, now, ports.random);
  }
  ports.logger.info('Property update started', { recordId: response.RecordId, status: response.Status });
  // A retried request finds its record already finished: look at once.
  const wait = FINAL_RECORD_STATUSES.has(response.Status ?? '') ? 0 : ADAPTIVE_POLL_POLICY.firstWaitSeconds;
  return {
    ...base,
    recordId: response.RecordId,
    recordStatus: response.Status,
    properties: response.ProvisionedProductProperties,
    outcome: 'IN_PROGRESS',
    nextCheckAt: toTimestamp(addSeconds(now, wait)),
  };
}

/** Polls DescribeRecord once: CREATED / IN_PROGRESS / IN_PROGRESS_IN_ERROR wait; SUCCEEDED and FAILED end. */
export async function checkPropertiesUpdate(
  { requestId, record, expectedProduct }: Pick<PropertiesUpdateState, 'requestId' | 'record'> & { expectedProduct?: string },
  ports: Uses<'serviceCatalog'>,
): Promise<RecordProgress> {
  if (!record?.recordId) throw new InvalidWorkflowState(`update ${requestId} has no record to poll`);
  const polled: RecordProgress = { ...record, polls: record.polls + 1, nextCheckAt: undefined };
  let detail;
  try {
    detail = (await ports.serviceCatalog.send(new DescribeRecordCommand({ Id: record.recordId }))).RecordDetail;
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    return { ...polled, outcome: 'FAILED', ...refusal(error) };
  }
  const now = ports.clock.now();
  if (expectedProduct !== undefined && detail?.ProvisionedProductId !== expectedProduct) {
    return {
      ...polled, recordId: undefined, outcome: 'FAILED', errorCode: 'NotTheStatedRecord',
      statusMessage: truncate(`record ${record.recordId} is of ${detail?.ProvisionedProductId ?? '?'}, not of ${expectedProduct}: not followed`),
    };
  }
  const recordErrors = firstListed(detail?.RecordErrors).map((e) => ({ code: truncate(e.Code), description: truncate(e.Description) }));
  const seen: RecordProgress = { ...polled, recordStatus: detail?.Status, recordErrors, ...(detail?.RecordType ? { recordType: detail.RecordType } : {}) };
  switch (detail?.Status) {
    case 'SUCCEEDED':
      return { ...seen, outcome: 'SUCCEEDED' };
    case 'FAILED':
      return { ...seen, outcome: 'FAILED', errorCode: recordErrors[0]?.code ?? 'RecordFailed', statusMessage: recordErrors[0]?.description };
    default:
      if (now >= new Date(record.deadline)) return { ...seen, outcome: 'TIMED_OUT', statusMessage: `record still ${detail?.Status} at the deadline` };
      return { ...seen, outcome: 'IN_PROGRESS', nextCheckAt: adaptiveCheckAt(seen, now, ports.random) };
  }
}

/** The first look at a record Shepherd did not start (Task "Follow The Record"). */
export interface FollowRecordInput {
  requestId: string;
  follow: FollowedRecordBody;
}

/**
 * Adopts a record Shepherd did not start, by its RecordId: the same
 * DescribeRecord polling and terminal event as for a property update it
 * started, `attempt` 0. A record the service does not show the caller ends
 * FAILED with its words; one of another provisioned product, NotTheStatedRecord.
 */
export function followRecord({ requestId, follow }: FollowRecordInput, ports: Uses<'serviceCatalog'>): Promise<RecordProgress> {
  const now = ports.clock.now();
  const record: RecordProgress = {
    attempt: 0, polls: 0, startedAt: toTimestamp(now), deadline: toTimestamp(addSeconds(now, ports.config.operationTimeoutSeconds)),
    recordId: follow.recordId, recordErrors: [], outcome: 'IN_PROGRESS',
  };
  return checkPropertiesUpdate({ requestId, record, expectedProduct: follow.provisionedProductId }, ports);
}
