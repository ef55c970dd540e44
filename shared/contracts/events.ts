/**
 * Every event Shepherd accepts or emits, defined once: source, detail-type
 * and the zod schema of its detail. Runtime validation, the JSON Schemas in
 * `schemas/` and the EventBridge rule patterns in serverless.yml all derive
 * from these definitions (test/unit/contracts.test.ts keeps them equal).
 */
import { z } from 'zod';
import * as c from './constraints';

/** The source of every event Shepherd emits. Requests must come from any other source. */
export const SHEPHERD_SOURCE = 'shepherd';

const requestIdField = c.requestId.optional().describe(
  'Idempotency key; defaults to the EventBridge event id. Names the execution and derives every client token.',
);

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

export const resourceOperationCancelRequestedDetail = z.strictObject({ requestId: c.requestId });

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

const timestamp = z.iso.datetime();

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
  requestedAt: timestamp,
  startedAt: timestamp.optional(),
  completedAt: timestamp,
  polls: z.int().nonnegative(),
  attempts: z.int().nonnegative(),
});
export type ResourceOperationCompleted = z.infer<typeof resourceOperationCompletedDetail>;

export const fieldError = z.object({
  field: z.string().describe('Dotted path of the offending field in the request detail ("" for the detail itself)'),
  code: z.string().describe('Machine-readable rule that failed'),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldError>;

export const requestRejectedDetail = z.object({
  requestId: z.string().optional(),
  eventId: z.string(),
  source: z.string(),
  detailType: z.string(),
  reason: z.string(),
  errors: z.array(fieldError),
});
export type RequestRejected = z.infer<typeof requestRejectedDetail>;

export interface EventContract<S extends z.ZodType = z.ZodType> {
  detailType: string;
  /** `request`: published by users, matched by a rule. `emitted`: published by Shepherd. */
  direction: 'request' | 'emitted';
  detail: S;
}

export const contracts = {
  resourceOperationRequested: {
    detailType: 'Resource Operation Requested',
    direction: 'request',
    detail: resourceOperationRequestedDetail,
  },
  resourceOperationCancelRequested: {
    detailType: 'Resource Operation Cancel Requested',
    direction: 'request',
    detail: resourceOperationCancelRequestedDetail,
  },
  resourceOperationCompleted: {
    detailType: 'Resource Operation Completed',
    direction: 'emitted',
    detail: resourceOperationCompletedDetail,
  },
  requestRejected: {
    detailType: 'Request Rejected',
    direction: 'emitted',
    detail: requestRejectedDetail,
  },
} as const satisfies Record<string, EventContract>;

export type ContractName = keyof typeof contracts;

/** The EventBridge pattern that routes a request contract to its function. */
export function requestRulePattern(contract: EventContract): Record<string, unknown> {
  return {
    source: [{ 'anything-but': [SHEPHERD_SOURCE] }],
    'detail-type': [contract.detailType],
  };
}
