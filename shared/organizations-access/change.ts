import {
  DisableAWSOrganizationsAccessCommand,
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
} from '@aws-sdk/client-service-catalog';
import { InvalidWorkflowState, asTransient, isTransient } from '../runtime/errors';
import type { Uses } from '../runtime/ports';
import { refusal } from '../workflow/failure';
import { adaptiveCheckAt, nextAttempt, refusedStart } from '../workflow/progress';
import type { AccessProgress, AccessWorkflowState } from './model';

const wanted = (enable: boolean) => (enable ? 'ENABLED' : 'DISABLED');

/**
 * Calls Enable/DisableAWSOrganizationsAccess. A change already under way
 * (InvalidStateException) is waited out and the call made again, so
 * "enable" then "disable" sent back to back both take effect, in order.
 */
export async function requestAccessChange(state: AccessWorkflowState, ports: Uses<'serviceCatalog'>): Promise<AccessProgress> {
  const now = ports.clock.now();
  if (state.access && state.access.outcome !== 'BUSY') {
    throw new InvalidWorkflowState(`cannot change access for ${state.requestId}: its outcome is ${state.access.outcome}`);
  }
  const base = nextAttempt(state.access, now, ports.config.operationTimeoutSeconds);
  let changedAt: number;
  try {
    ({ value: changedAt } = await ports.ledger.once(`started#organizations-access#${state.requestId}#${base.attempt}`, async () => {
      await ports.serviceCatalog.send(state.request.enable ? new EnableAWSOrganizationsAccessCommand({}) : new DisableAWSOrganizationsAccessCommand({}));
      return ports.clock.now().getTime();
    }));
    // Best effort: failing here would make the Task retry a change that was made (and perhaps not recorded).
    await ports.ledger.mark(LATEST_CHANGE_KEY, { requestId: state.requestId, enable: state.request.enable }, changedAt).catch((error: unknown) =>
      ports.logger.warn('Could not note this change as the latest: a race with another change may be misreported', { error: (error as Error).name }),
    );
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    return refusedStart(error, base, now, ports.random);
  }
  ports.logger.info('Organizations access change requested', { enable: state.request.enable });
  const progress: AccessProgress = { ...base, changedAt, outcome: 'IN_PROGRESS' };
  return { ...progress, nextCheckAt: adaptiveCheckAt(progress, now, ports.random) };
}

/** Polls GetAWSOrganizationsAccessStatus once: UNDER_CHANGE waits; a settled status ends the request. */
export async function checkAccessStatus({ requestId, request, access }: Pick<AccessWorkflowState, 'requestId' | 'request' | 'access'>, ports: Uses<'serviceCatalog'>): Promise<AccessProgress> {
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
  // Settled the other way. Service Catalog takes one change at a time (InvalidStateException while one is
  // under way), so a change started after this one means this one had completed, and was then superseded.
  const latest = await ports.ledger.lookup<{ requestId: string; enable: boolean }>(LATEST_CHANGE_KEY);
  if (latest.done && latest.value.requestId !== requestId && access.changedAt !== undefined) {
    return { ...seen, outcome: 'SUCCEEDED', statusMessage: `applied, then superseded by request ${latest.value.requestId} (${wanted(latest.value.enable)})` };
  }
  return {
    ...seen,
    outcome: 'FAILED',
    errorCode: 'AccessNotChanged',
    statusMessage: `access settled as ${accessStatus ?? 'unknown'}, not ${wanted(request.enable)}`,
  };
}

/** The ledger's note of the Organizations-access change started last, whoever asked. */
const LATEST_CHANGE_KEY = 'organizations-access#latest-change';
