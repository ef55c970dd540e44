import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

export const programManagementAccountUpdateRequestedDetail = z.strictObject({
  catalog: c.catalog,
  identifier: c.programManagementAccountIdentifier,
  displayName: c.displayName.optional(),
  revision: c.revision.optional().describe('The revision you last read: a stale one ends FAILED with ConflictException'),
  requestId: requestIdField,
});
export type ProgramManagementAccountUpdateRequest = z.infer<typeof programManagementAccountUpdateRequestedDetail>;

export const programManagementAccountUpdateRequested = defineEvent({
  detailType: 'Program Management Account Update Requested',
  direction: 'request',
  detail: programManagementAccountUpdateRequestedDetail,
});
