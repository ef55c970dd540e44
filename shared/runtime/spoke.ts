/**
 * Acting in another account: one STS AssumeRole into the stage's spoke role
 * there (config/guardrails.json `spoke`: the role's name and the ExternalId
 * its trust requires), a short session (900 s, STS's minimum) named after
 * the request, and a Service Catalog client that signs with it. The
 * credentials stay in the function: they are never returned to the state
 * machine, logged or put in an event; each Task assumes its own session.
 *
 * The SDK's fromTemporaryCredentials provider would do the call too; it is
 * called here directly so that a refusal is reported as what it is (the role
 * cannot be assumed) instead of surfacing inside the first Service Catalog call.
 */
import { createHash } from 'node:crypto';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { guardrailsFor } from '../guardrails';
import { asTransient, isTransient, ShepherdError } from './errors';
import type { Uses } from './ports';

/** STS AssumeRole's shortest session: every call Shepherd makes with it takes seconds. */
export const SPOKE_SESSION_SECONDS = 900;

/** The role could not be assumed (no such role, a trust that does not name Shepherd, a wrong ExternalId): the request ends FAILED with STS's words. */
export class SpokeRoleNotAssumable extends ShepherdError {
  override readonly name = 'SpokeRoleNotAssumable';
}

/** The stage names no spoke role: it may act in no other account (ingest refuses such requests; this is the backstop). */
export class SpokeNotConfigured extends ShepherdError {
  override readonly name = 'SpokeNotConfigured';
}

/**
 * The session name: the request id, which fits STS's rule (2-64 of [\w+=,.@-]) unless it is one character
 * (`r-` is put before it) or longer than 64 (its first 51 characters, `-` and 12 hex digits of its sha256).
 */
export function sessionName(requestId: string): string {
  if (requestId.length < 2) return `r-${requestId}`;
  if (requestId.length <= 64) return requestId;
  return `${requestId.slice(0, 51)}-${createHash('sha256').update(requestId).digest('hex').slice(0, 12)}`;
}

/** A Service Catalog client acting in `accountId` as the stage's spoke role, for one request. */
export async function serviceCatalogIn(accountId: string, requestId: string, ports: Uses<'sts' | 'serviceCatalogWith'>): Promise<ServiceCatalogClient> {
  const spoke = guardrailsFor(ports.config.stage).spoke;
  if (!spoke) throw new SpokeNotConfigured(`stage ${ports.config.stage} names no spoke role (config/guardrails.json "spoke"): Shepherd acts in no other account`);
  const roleArn = `arn:${ports.config.partition}:iam::${accountId}:role/${spoke.roleName}`;
  try {
    const { Credentials } = await ports.sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName(requestId), ExternalId: spoke.externalId, DurationSeconds: SPOKE_SESSION_SECONDS }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new SpokeRoleNotAssumable(`STS answered AssumeRole of ${roleArn} without credentials`);
    return ports.serviceCatalogWith({
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    });
  } catch (error) {
    if (isTransient(error)) throw asTransient(error);
    if (error instanceof ShepherdError) throw error;
    const e = error as Error;
    throw new SpokeRoleNotAssumable(
      `role ${roleArn} cannot be assumed (${e.name}: ${e.message}); deploy spoke/shepherd-spoke-role.json in account ${accountId} with this stage's ExternalId and Shepherd's role ARNs (README "Acting in other accounts")`,
      { cause: error },
    );
  }
}
