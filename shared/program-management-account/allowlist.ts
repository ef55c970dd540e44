/**
 * The `partnerCentral` section of a stage's guardrails (config/guardrails.json):
 * which Partner Central catalogs and program management accounts may be updated.
 */
import { z } from 'zod';
import { defineAllowlist, matchesAllowed, notAllowed, type Deployment } from '../allowlists';
import type { FieldError } from '../contracts/common';
import type { ProgramManagementAccountUpdateRequest } from './events/program-management-account-update-requested';

export const partnerCentralAllowlist = defineAllowlist({
  section: 'partnerCentral',
  schema: z.strictObject({
    catalogs: z.array(z.string()),
    /** Program management account ids (`pma-…`) that may be updated. */
    accounts: z.array(z.string()),
  }),
  denyAll: { catalogs: [], accounts: [] },
});
export type PartnerCentralAllowlist = ReturnType<typeof partnerCentralAllowlist.of>;

export function authorizeProgramManagementAccountUpdate(request: Omit<ProgramManagementAccountUpdateRequest, 'requestId'>, allowed: PartnerCentralAllowlist, where: Deployment): FieldError[] {
  const errors: FieldError[] = [];
  if (!allowed.catalogs.includes(request.catalog)) {
    errors.push(notAllowed('catalog', `catalog ${request.catalog} may not be changed on this stage`));
  }
  // An identifier given as an ARN names its own catalog, account and partition: each is held to the same rules.
  const arn = /^arn:([^:]+):partnercentral:[^:]*:([^:]*):catalog\/([^/]+)\/program-management-account\/(.+)$/.exec(request.identifier);
  const id = arn ? arn[4]! : request.identifier;
  if (arn && (arn[1] !== where.partition || arn[2] !== where.accountId)) {
    errors.push(notAllowed('identifier', `the account must be Shepherd's own (${where.partition}, ${where.accountId})`));
  } else if (arn && !allowed.catalogs.includes(arn[3]!)) {
    errors.push(notAllowed('identifier', `catalog ${arn[3]} may not be changed on this stage`));
  } else if (!matchesAllowed(id, allowed.accounts)) {
    errors.push(notAllowed('identifier', `program management account ${id} may not be updated on this stage`));
  }
  return errors;
}
