/**
 * The `organizationsAccess` section of a stage's guardrails
 * (config/guardrails.json): whether Service Catalog's access to AWS
 * Organizations may be enabled, disabled, both or neither.
 */
import { z } from 'zod';
import { defineAllowlist, notAllowed } from '../allowlists';
import type { FieldError } from '../contracts/common';
import type { OrganizationsAccessChangeRequest } from './events/organizations-access-change-requested';

export const organizationsAccessAllowlist = defineAllowlist({
  section: 'organizationsAccess',
  schema: z.strictObject({ enable: z.boolean(), disable: z.boolean() }),
  denyAll: { enable: false, disable: false },
  // AWS allows these changes only from the organization's management account
  // (API reference: EnableAWSOrganizationsAccess, DisableAWSOrganizationsAccess).
  accountNeeds: (allowed) => ({ managementOnly: allowed.enable || allowed.disable ? ['Organizations access changes (organizationsAccess)'] : [] }),
});
export type OrganizationsAccessAllowlist = ReturnType<typeof organizationsAccessAllowlist.of>;

export function authorizeOrganizationsAccessChange(request: Omit<OrganizationsAccessChangeRequest, 'requestId'>, allowed: OrganizationsAccessAllowlist): FieldError[] {
  const permitted = request.enable ? allowed.enable : allowed.disable;
  return permitted ? [] : [notAllowed('enable', `${request.enable ? 'enabling' : 'disabling'} Organizations access is not allowed on this stage`)];
}
