import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { timestamp } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

export const organizationsAccessChangedDetail = z.object({
  requestId: c.requestId,
  enable: z.boolean(),
  accessStatus: z.string().optional().describe('GetAWSOrganizationsAccessStatus as last seen: ENABLED, DISABLED or UNDER_CHANGE'),
  status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT']),
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  requestedAt: timestamp,
  startedAt: timestamp.optional(),
  completedAt: timestamp,
  polls: z.int().nonnegative(),
});
export type OrganizationsAccessChanged = z.infer<typeof organizationsAccessChangedDetail>;

export const organizationsAccessChanged = defineEvent({
  detailType: 'Organizations Access Changed',
  direction: 'emitted',
  terminal: true,
  detail: organizationsAccessChangedDetail,
});
