import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { completionTimings } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

const productProperties = z.object({ LAUNCH_ROLE: z.string().optional(), OWNER: z.string().optional() });

export const provisionedProductPropertiesUpdatedDetail = z.object({
  requestId: c.requestId,
  provisionedProductId: z.string(),
  recordId: z.string().optional(),
  status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT']),
  /** DescribeRecord's status as last seen. */
  recordStatus: z.string().optional(),
  recordErrors: z.array(z.object({ code: z.string().optional(), description: z.string().optional() })),
  /** DescribeRecord's RecordType: what the record did (a followed one may be a provisioning or a termination). */
  recordType: z.string().optional(),
  /** The properties as Service Catalog applied them (on success). */
  properties: productProperties.optional(),
  requestedProperties: productProperties,
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  ...completionTimings,
});
export type ProvisionedProductPropertiesUpdated = z.infer<typeof provisionedProductPropertiesUpdatedDetail>;

export const provisionedProductPropertiesUpdated = defineEvent({
  detailType: 'Provisioned Product Properties Updated',
  direction: 'emitted',
  terminal: true,
  detail: provisionedProductPropertiesUpdatedDetail,
});
