import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

/**
 * Follow a Cloud Control operation Shepherd did not start (a console user's, another pipeline's) to its end, with
 * the same waiting, polling and terminal event as one it started. The type and operation are stated, not only
 * read: the stage's allowlist holds them as it holds a request's, and a token that names another type or
 * operation ends FAILED instead of being followed.
 */
export const resourceOperationFollowRequestedDetail = z.strictObject({
  /** The RequestToken Cloud Control answered the operation with (GetResourceRequestStatus's RequestToken: 1-128 of [-A-Za-z0-9+/=]). */
  requestToken: z.string().min(1).max(128).regex(/^[-A-Za-z0-9+/=]+$/, { message: 'must be a Cloud Control RequestToken (1-128 of letters, digits and -+/=)' }),
  typeName: c.typeName,
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  requestId: requestIdField,
});
export type ResourceOperationFollowRequest = z.infer<typeof resourceOperationFollowRequestedDetail>;

export const resourceOperationFollowRequested = defineEvent({
  detailType: 'Resource Operation Follow Requested',
  direction: 'request',
  detail: resourceOperationFollowRequestedDetail,
});
