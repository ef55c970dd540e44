import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

export const provisionedProductPropertiesUpdateRequestedDetail = z.strictObject({
  provisionedProductId: c.provisionedProductId,
  properties: z
    .strictObject({ LAUNCH_ROLE: c.launchRoleArn.optional(), OWNER: c.ownerArn.optional() })
    .refine((p) => p.LAUNCH_ROLE !== undefined || p.OWNER !== undefined, { message: 'give LAUNCH_ROLE, OWNER or both', params: { rule: 'property_required' } }),
  acceptLanguage: c.acceptLanguage.optional(),
  requestId: requestIdField,
});
export type ProvisionedProductPropertiesUpdateRequest = z.infer<typeof provisionedProductPropertiesUpdateRequestedDetail>;

export const provisionedProductPropertiesUpdateRequested = defineEvent({
  detailType: 'Provisioned Product Properties Update Requested',
  direction: 'request',
  detail: provisionedProductPropertiesUpdateRequestedDetail,
});
