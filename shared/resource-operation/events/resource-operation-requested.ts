import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { requestIdField } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

const common = {
  typeName: c.typeName,
  typeVersionId: c.typeVersionId.optional(),
  roleArn: c.roleArn.optional(),
  requestId: requestIdField,
};

export const resourceOperationRequestedDetail = z.discriminatedUnion('operation', [
  z.strictObject({ operation: z.literal('CREATE'), ...common, desiredState: c.desiredState }),
  z.strictObject({
    operation: z.literal('UPDATE'),
    ...common,
    identifier: c.identifier,
    patchDocument: c.patchDocument,
  }),
  z.strictObject({ operation: z.literal('DELETE'), ...common, identifier: c.identifier }),
]);
export type ResourceOperationRequest = z.infer<typeof resourceOperationRequestedDetail>;

export const resourceOperationRequested = defineEvent({
  detailType: 'Resource Operation Requested',
  direction: 'request',
  detail: resourceOperationRequestedDetail,
});
