import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

/**
 * Follow a provisioned-product record Shepherd did not start (a provisioning, an update, a termination someone
 * else asked for) to its end, by its RecordId, with the same polling and terminal event as a property update it
 * started. The provisioned product is stated: the stage's allowlist holds it, and a record of another product
 * ends FAILED instead of being followed.
 */
export const provisionedProductRecordFollowRequestedDetail = z.strictObject({
  /** The RecordId (DescribeRecord's Id: 1-100 of [a-zA-Z0-9_-]). */
  recordId: z.string().min(1).max(100).regex(/^[a-zA-Z0-9_-]+$/, { message: 'must be a RecordId (1-100 of letters, digits, "_" and "-")' }),
  provisionedProductId: c.provisionedProductId,
  requestId: requestIdField,
});
export type ProvisionedProductRecordFollowRequest = z.infer<typeof provisionedProductRecordFollowRequestedDetail>;

export const provisionedProductRecordFollowRequested = defineEvent({
  detailType: 'Provisioned Product Record Follow Requested',
  direction: 'request',
  detail: provisionedProductRecordFollowRequestedDetail,
});
