import {
  DisableAWSOrganizationsAccessCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
} from '@aws-sdk/client-service-catalog';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Ports } from '../runtime/ports';
import { refusal } from '../workflow/failure';
import { adaptiveCheckAt, nextAttempt, refusedStart } from '../workflow/progress';
import type { AccessProgress, AccessWorkflowState } from './model';

const wanted = (enable: boolean) => (enable ? 'ENABLED' : 'DISABLED');

/**
 * Calls Enable/DisableAWSOrganizationsAccess. A change already under way
 * (InvalidStateException) is waited out and the call made again, so
 * "enable" then "disable" sent back to back both take effect, in order.
 */
export async function requestAccessChange(state: AccessWorkflowState, ports: Ports): Promise<AccessProgress> {
  const now = ports.clock.now();
  if (state.access && state.access.outcome !== 'BUSY') {
    throw new InvalidWorkflowState(`cannot change access for ${state.requestId}: its outcome is ${state.access.outcome}`);
  }
  const base = nextAttempt(state.access, now, ports.config.operationTimeoutSeconds);
  try {
    await ports.ledger.once(`started#organizations-access#${state.requestId}#${base.attempt}`, async () => {
      await ports.serviceCatalog.send(state.request.enable ? new EnableAWSOrganizationsAccessCommand({}) : new DisableAWSOrganizationsAccessCommand({}));
      return true;
    });
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    return refusedStart(error, base, now, ports.random);
  }
  ports.logger.info('Organizations access change requested', { enable: state.request.enable });
  const progress: AccessProgress = { ...base, outcome: 'IN_PROGRESS' };
  return { ...progress, nextCheckAt: adaptiveCheckAt(progress, now, ports.random) };
}

/** Polls GetAWSOrganizationsAccessStatus once: UNDER_CHANGE waits; a settled status ends the request. */
export async function checkAccessStatus({ requestId, request, access }: Pick<AccessWorkflowState, 'requestId' | 'request' | 'access'>, ports: Ports): Promise<AccessProgress> {
  if (!access) throw new InvalidWorkflowState(`access change ${requestId} has not been requested yet`);
  let accessStatus: string | undefined;
  try {
    accessStatus = (await ports.serviceCatalog.send(new GetAWSOrganizationsAccessStatusCommand({}))).AccessStatus;
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    return { ...access, polls: access.polls + 1, outcome: 'FAILED', nextCheckAt: undefined, ...refusal(error) };
  }
  const now = ports.clock.now();
  const seen: AccessProgress = { ...access, polls: access.polls + 1, accessStatus, errorCode: undefined, statusMessage: undefined, nextCheckAt: undefined };
  if (accessStatus === wanted(request.enable)) return { ...seen, outcome: 'SUCCEEDED' };
  if (accessStatus === 'UNDER_CHANGE') {
    if (now >= new Date(access.deadline)) return { ...seen, outcome: 'TIMED_OUT', statusMessage: 'still UNDER_CHANGE at the deadline' };
    return { ...seen, outcome: 'IN_PROGRESS', nextCheckAt: adaptiveCheckAt(seen, now, ports.random) };
  }
  return {
    ...seen,
    outcome: 'FAILED',
    errorCode: 'AccessNotChanged',
    statusMessage: `access settled as ${accessStatus ?? 'unknown'}, not ${wanted(request.enable)}`,
  };
}
