import { z } from 'zod';
import * as c from '../../contracts/constraints';
import { completionTimings } from '../../contracts/common';
import { defineEvent } from '../../contracts/contract';

export const operationStatus = z.enum(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);
export type OperationStatus = z.infer<typeof operationStatus>;

export const hookInvocation = z.object({
  typeName: z.string().optional(),
  invocationPoint: z.string().optional(),
  status: z.string().optional(),
  failureMode: z.string().optional(),
  message: z.string().optional(),
});
export type HookInvocation = z.infer<typeof hookInvocation>;

export const resourceOperationCompletedDetail = z.object({
  requestId: c.requestId,
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  typeName: z.string(),
  identifier: z.string().optional(),
  requestToken: z.string().optional(),
  status: operationStatus,
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  hooks: z.array(hookInvocation),
  failedHook: hookInvocation.optional(),
  alreadyAbsent: z
    .literal(true)
    .optional()
    .describe('A DELETE that found no such resource (Cloud Control answered NotFound): SUCCEEDED, since the resource is gone'),
  resourceExists: z
    .literal(true)
    .optional()
    .describe(
      'A CREATE that did not succeed (FAILED, or CANCELLED) was read back, and a resource existed under `identifier` (after a transient failure no second CREATE was then sent). Most likely the CREATE left it, but Cloud Control cannot say who made it: check before deleting it.',
    ),
  waitedFor: z
    .array(z.string())
    .optional()
    .describe('RequestTokens of operations that held the resource when Cloud Control refused the submission (ConcurrentOperationException), which Shepherd waited for before submitting again'),
  ...completionTimings,
});
export type ResourceOperationCompleted = z.infer<typeof resourceOperationCompletedDetail>;

export const resourceOperationCompleted = defineEvent({
  detailType: 'Resource Operation Completed',
  direction: 'emitted',
  terminal: true,
  detail: resourceOperationCompletedDetail,
});
