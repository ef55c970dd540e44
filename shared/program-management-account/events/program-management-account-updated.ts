import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { timestamp } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

export const programManagementAccountUpdatedDetail = z.object({
  requestId: c.requestId,
  catalog: z.string(),
  identifier: z.string(),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  programManagementAccount: z.object({ arn: z.string().optional(), id: z.string().optional(), displayName: z.string().optional(), revision: z.string().optional() }).optional(),
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  /** ConflictException: the resource whose revision moved on. */
  conflict: z.object({ resourceId: z.string().optional(), resourceType: z.string().optional() }).optional(),
  /** ResourceNotFoundException: the resource the API did not find (its resourceId and resourceType members). */
  notFound: z.object({ resourceId: z.string().optional(), resourceType: z.string().optional() }).optional(),
  /** AccessDeniedException: why the API refused the caller (its reason member). */
  accessDenied: z.object({ reason: z.string().optional() }).optional(),
  /** ValidationException: the fields the API refused, and why. */
  validation: z
    .object({ reason: z.string().optional(), fieldList: z.array(z.object({ name: z.string().optional(), code: z.string().optional(), message: z.string().optional() })) })
    .optional(),
  requestedAt: timestamp,
  completedAt: timestamp,
});
export type ProgramManagementAccountUpdated = z.infer<typeof programManagementAccountUpdatedDetail>;

export const programManagementAccountUpdated = defineEvent({
  detailType: 'Program Management Account Updated',
  direction: 'emitted',
  terminal: true,
  detail: programManagementAccountUpdatedDetail,
});
