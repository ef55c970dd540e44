/**
 * The `provisionedProducts` section of a stage's guardrails
 * (config/guardrails.json): which provisioned products may have their OWNER
 * or LAUNCH_ROLE changed, to whom, and which launch roles may be passed.
 */
import { z } from 'zod';
import { checkPassableRole, defineAllowlist, matchesAllowed, matchesAllowedSegments, notAllowed, roleNamePattern, type Deployment } from '../allowlists';
import type { FieldError } from '../contracts/common';
import type { ProvisionedProductPropertiesUpdateRequest } from './events/provisioned-product-properties-update-requested';
import type { ProvisionedProductRecordFollowRequest } from './events/provisioned-product-record-follow-requested';

export const provisionedProductsAllowlist = defineAllowlist({
  section: 'provisionedProducts',
  schema: z.strictObject({
    /** Provisioned product ids whose OWNER or LAUNCH_ROLE may be changed. */
    products: z.array(z.string()),
    /** Principal ARNs (patterns; `*` does not cross a `/`) that may be made OWNER; they must be in the deploying account. */
    owners: z.array(z.string()),
    /** Roles (in the deploying account, by name) that may be made LAUNCH_ROLE. */
    launchRoleNames: z.array(roleNamePattern),
  }),
  denyAll: { products: [], owners: [], launchRoleNames: [] },
  // A launch role is used by Service Catalog: iam:PassedToService is servicecatalog.
  passedRole: { service: 'servicecatalog.amazonaws.com', names: (allowed) => allowed.launchRoleNames },
});
export type ProvisionedProductsAllowlist = ReturnType<typeof provisionedProductsAllowlist.of>;

export function authorizeProvisionedProductUpdate(request: Omit<ProvisionedProductPropertiesUpdateRequest, 'requestId'>, allowed: ProvisionedProductsAllowlist, where: Deployment): FieldError[] {
  const errors: FieldError[] = [];
  if (!matchesAllowed(request.provisionedProductId, allowed.products)) {
    errors.push(notAllowed('provisionedProductId', `provisioned product ${request.provisionedProductId} may not be changed on this stage`));
  }
  const { OWNER: owner, LAUNCH_ROLE: launchRole } = request.properties;
  if (owner !== undefined) {
    const [, partition, , account] = /^arn:([^:]+):(iam|sts)::([^:]*):/.exec(owner) ?? [];
    if (partition !== where.partition || account !== where.accountId) {
      errors.push(notAllowed('properties.OWNER', `the owner must be a principal of Shepherd's own account ${where.accountId} in partition ${where.partition}`));
    } else if (!matchesAllowedSegments(owner, allowed.owners)) {
      // `*` does not cross a path: an allowlist of role/team-* does not admit a role named anything under /team-x/.
      errors.push(notAllowed('properties.OWNER', 'this principal may not be made owner on this stage'));
    }
  }
  if (launchRole !== undefined) errors.push(...checkPassableRole('properties.LAUNCH_ROLE', launchRole, allowed.launchRoleNames, where));
  return errors;
}

/** Following a record Shepherd did not start: allowed for the provisioned products the stage lets Shepherd change. */
export function authorizeProvisionedProductRecordFollow(request: Omit<ProvisionedProductRecordFollowRequest, 'requestId'>, allowed: ProvisionedProductsAllowlist): FieldError[] {
  return matchesAllowed(request.provisionedProductId, allowed.products)
    ? []
    : [notAllowed('provisionedProductId', `provisioned product ${request.provisionedProductId} may not be changed on this stage`)];
}
