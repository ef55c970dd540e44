import { z } from 'zod';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

export const organizationsAccessChangeRequestedDetail = z.strictObject({
  enable: z.boolean().describe('true: EnableAWSOrganizationsAccess; false: DisableAWSOrganizationsAccess'),
  requestId: requestIdField,
});
export type OrganizationsAccessChangeRequest = z.infer<typeof organizationsAccessChangeRequestedDetail>;

export const organizationsAccessChangeRequested = defineEvent({
  detailType: 'Organizations Access Change Requested',
  direction: 'request',
  detail: organizationsAccessChangeRequestedDetail,
});
