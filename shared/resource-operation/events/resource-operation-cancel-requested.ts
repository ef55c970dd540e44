import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { defineEvent } from '../../contracts/contract';

export const resourceOperationCancelRequestedDetail = z.strictObject({ requestId: c.requestId });

export const resourceOperationCancelRequested = defineEvent({
  detailType: 'Resource Operation Cancel Requested',
  direction: 'request',
  detail: resourceOperationCancelRequestedDetail,
});
