import { UpdateProgramManagementAccountCommand } from '@aws-sdk/client-partnercentral-channel';
import { emitTerminalEvent } from '../events/terminal';
import { toTimestamp } from '../runtime/clock';
import { asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { caughtFailure, firstListed, reasonSuffix, refusal, truncate, type CaughtFailure } from '../workflow/failure';
import type { RequestBody, WorkflowInput } from '../workflow/ingest';
import type { ProgramManagementAccountUpdateRequest } from './events/program-management-account-update-requested';
import { type ProgramManagementAccountUpdated, programManagementAccountUpdated } from './events/program-management-account-updated';

export type AccountUpdateBody = RequestBody<ProgramManagementAccountUpdateRequest>;

/** What the update Lambda found out: the event detail without the request's own fields. */
export type AccountUpdateResult = Pick<
  ProgramManagementAccountUpdated,
  'status' | 'programManagementAccount' | 'errorCode' | 'statusMessage' | 'conflict' | 'notFound' | 'accessDenied' | 'validation'
>;

export interface AccountUpdateState extends WorkflowInput<AccountUpdateBody> {
  update?: AccountUpdateResult;
  failure?: CaughtFailure;
}

interface PartnerCentralError extends Error {
  resourceId?: string;
  resourceType?: string;
  reason?: string;
  fieldList?: Array<{ name?: string; code?: string; message?: string }>;
}

/**
 * UpdateProgramManagementAccount, once. It answers at once, so there is
 * nothing to poll: throttling and internal errors are rethrown for the ASL
 * Retry (backoff with jitter); a stale revision (ConflictException), a
 * refused field (ValidationException, with its fieldList), a missing
 * account or a denied caller end the request with the API's own words.
 */
export async function updateProgramManagementAccount(state: AccountUpdateState, ports: Uses<'partnerCentral'>): Promise<AccountUpdateResult> {
  const { catalog, identifier, displayName, revision } = state.request;
  try {
    // No idempotency token here either: a retried Lambda gets the first answer instead of bumping the revision twice.
    const { value: response } = await ports.ledger.once(`started#program-management-account#${state.requestId}`, () =>
      ports.partnerCentral.send(new UpdateProgramManagementAccountCommand({ catalog, identifier, displayName, revision })),
    );
    ports.logger.info('Program management account updated', { revision: response.programManagementAccountDetail?.revision });
    return { status: 'SUCCEEDED', programManagementAccount: response.programManagementAccountDetail };
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    const e = error as PartnerCentralError;
    ports.logger.warn('Partner Central refused the update', { errorName: e.name });
    const result: AccountUpdateResult = { status: 'FAILED', ...refusal(error) };
    // The members each exception carries (botocore partnercentral-channel model) reach the event, not only its message.
    if (e.name === 'ConflictException') result.conflict = { resourceId: truncate(e.resourceId), resourceType: truncate(e.resourceType) };
    if (e.name === 'ResourceNotFoundException') result.notFound = { resourceId: truncate(e.resourceId), resourceType: truncate(e.resourceType) };
    if (e.name === 'AccessDeniedException') result.accessDenied = { reason: truncate(e.reason) };
    if (e.name === 'ValidationException') {
      const fieldList = firstListed(e.fieldList).map((f) => ({ name: truncate(f.name), code: truncate(f.code), message: truncate(f.message) }));
      result.validation = { reason: truncate(e.reason), fieldList };
    }
    return result;
  }
}

export function accountUpdatedDetail(state: AccountUpdateState, now: Date): ProgramManagementAccountUpdated {
  const base = { requestId: state.requestId, catalog: state.request.catalog, identifier: state.request.identifier, requestedAt: state.requestedAt, completedAt: toTimestamp(now) };
  if (state.failure) return { ...base, ...caughtFailure(state.failure) };
  if (!state.update) return { ...base, status: 'FAILED', errorCode: 'InvalidWorkflowState', statusMessage: 'the update did not run' };
  return { ...base, ...state.update };
}

/** Emits the request's one `Program Management Account Updated` event. */
export async function emitAccountUpdated(state: AccountUpdateState, ports: Uses<'eventBridge'>) {
  const detail = accountUpdatedDetail(state, ports.clock.now());
  const { eventId } = await emitTerminalEvent({ workflow: 'program-management-account', requestId: state.requestId, contract: programManagementAccountUpdated, detail }, ports);
  return { status: detail.status, eventId: eventId, summary: `update of ${detail.identifier}: ${detail.status}${reasonSuffix(detail)}` };
}
