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

/** When a request was asked for, started and ended, and how often Shepherd polled and (re)started it. */
const completionTimings = {
  requestedAt: timestamp,
  startedAt: timestamp.optional(),
  completedAt: timestamp,
  polls: z.int().nonnegative(),
  attempts: z.int().nonnegative(),
};

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
  ...completionTimings,
});
export type ResourceOperationCompleted = z.infer<typeof resourceOperationCompletedDetail>;

export const fieldError = z.object({
  field: z.string().describe('Dotted path of the offending field in the request detail ("" for the detail itself)'),
  code: z.string().describe('Machine-readable rule that failed'),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldError>;

export const requestRejectedDetail = z.object({
  requestId: z
    .string()
    .optional()
    .describe(
      "Present only when this rejection ends that request: the rejected event owns the requestId (no other request had it). Then it is the request's one terminal event, and the requestId is used up.",
    ),
  namedRequestId: z
    .string()
    .optional()
    .describe(
      'The requestId the rejected event named when it does not own it: another request has it (a conflict), the event was a cancel of it, or it is not a valid id. This rejection does not end that request.',
    ),
  eventId: z.string().describe('The rejected event'),
  source: z.string(),
  detailType: z.string(),
  reason: z.string(),
  errors: z.array(fieldError),
});
export type RequestRejected = z.infer<typeof requestRejectedDetail>;

// ---- Portfolio shares and Organizations access (Service Catalog) ----

/** A validation rule that spans fields; `params.rule` becomes the FieldError code. */
function crossFieldIssue(ctx: z.RefinementCtx, path: string[], rule: string, message: string): void {
  ctx.addIssue({ code: 'custom', path, message, params: { rule } });
}

const shareTarget = {
  portfolioId: c.portfolioId,
  accountId: c.accountId.optional().describe('Share with this account; exactly one of accountId or organizationNode.'),
  organizationNode: c.organizationNode.optional().describe('Share with an organization, OU or member account (needs Organizations access).'),
  acceptLanguage: c.acceptLanguage.optional(),
  requestId: requestIdField,
};
const shareFlags = {
  shareTagOptions: z.boolean().optional(),
  sharePrincipals: z.boolean().optional().describe('Organization and OU shares only.'),
};

export const portfolioShareRequestedDetail = z
  .discriminatedUnion('operation', [
    z.strictObject({ operation: z.literal('CREATE'), ...shareTarget, ...shareFlags }),
    z.strictObject({ operation: z.literal('UPDATE'), ...shareTarget, ...shareFlags }),
    z.strictObject({ operation: z.literal('DELETE'), ...shareTarget }),
  ])
  .superRefine((request, ctx) => {
    if ((request.accountId === undefined) === (request.organizationNode === undefined)) {
      crossFieldIssue(ctx, ['accountId'], 'exactly_one_target', 'give exactly one of accountId or organizationNode');
    }
    if (request.operation === 'UPDATE' && request.shareTagOptions === undefined && request.sharePrincipals === undefined) {
      crossFieldIssue(ctx, ['shareTagOptions'], 'flag_required', 'UPDATE needs shareTagOptions or sharePrincipals (or both)');
    }
    const sharesWithOrgUnit = request.organizationNode && request.organizationNode.type !== 'ACCOUNT';
    if (request.operation !== 'DELETE' && request.sharePrincipals !== undefined && !sharesWithOrgUnit) {
      crossFieldIssue(ctx, ['sharePrincipals'], 'org_share_only', 'principal sharing applies only to ORGANIZATION and ORGANIZATIONAL_UNIT shares');
    }
  });
export type PortfolioShareRequest = z.infer<typeof portfolioShareRequestedDetail>;

export const shareStatus = z.enum(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'TIMED_OUT']);
export type ShareStatus = z.infer<typeof shareStatus>;

const shareTargetOut = z.object({ accountId: z.string().optional(), organizationNode: z.object({ type: z.string(), value: z.string() }).optional() });

export const portfolioShareAccountFailedDetail = z.object({
  requestId: c.requestId,
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  portfolioId: z.string(),
  target: shareTargetOut,
  shareToken: z.string(),
  accountId: z.string(),
  error: z.string().describe('ShareErrors[].Error, the error type Service Catalog reported for the account'),
  message: z.string().optional(),
});
export type PortfolioShareAccountFailed = z.infer<typeof portfolioShareAccountFailedDetail>;

export const failuresByError = z.array(
  z.object({ error: z.string(), accounts: z.int().nonnegative(), message: z.string().optional() }),
);

export const portfolioShareCompletedDetail = z.object({
  requestId: c.requestId,
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE']),
  portfolioId: z.string(),
  target: shareTargetOut,
  shareToken: z.string().optional(),
  status: shareStatus,
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  successfulAccounts: z.int().nonnegative(),
  failedAccounts: z.int().nonnegative(),
  failuresByError,
  /** Failed-account events EventBridge kept refusing (also in the dead-letter record); 0 normally. */
  accountEventsNotDelivered: z.int().nonnegative(),
  ...completionTimings,
});
export type PortfolioShareCompleted = z.infer<typeof portfolioShareCompletedDetail>;

export const organizationsAccessChangeRequestedDetail = z.strictObject({
  enable: z.boolean().describe('true: EnableAWSOrganizationsAccess; false: DisableAWSOrganizationsAccess'),
  requestId: requestIdField,
});
export type OrganizationsAccessChangeRequest = z.infer<typeof organizationsAccessChangeRequestedDetail>;

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

// ---- Provisioned products ----

export const provisionedProductPropertiesUpdateRequestedDetail = z.strictObject({
  provisionedProductId: c.provisionedProductId,
  properties: z
    .strictObject({ LAUNCH_ROLE: c.launchRoleArn.optional(), OWNER: c.ownerArn.optional() })
    .refine((p) => p.LAUNCH_ROLE !== undefined || p.OWNER !== undefined, { message: 'give LAUNCH_ROLE, OWNER or both', params: { rule: 'property_required' } }),
  acceptLanguage: c.acceptLanguage.optional(),
  requestId: requestIdField,
});
export type ProvisionedProductPropertiesUpdateRequest = z.infer<typeof provisionedProductPropertiesUpdateRequestedDetail>;

const productProperties = z.object({ LAUNCH_ROLE: z.string().optional(), OWNER: z.string().optional() });

export const provisionedProductPropertiesUpdatedDetail = z.object({
  requestId: c.requestId,
  provisionedProductId: z.string(),
  recordId: z.string().optional(),
  status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT']),
  /** DescribeRecord's status as last seen. */
  recordStatus: z.string().optional(),
  recordErrors: z.array(z.object({ code: z.string().optional(), description: z.string().optional() })),
  /** The properties as Service Catalog applied them (on success). */
  properties: productProperties.optional(),
  requestedProperties: productProperties,
  errorCode: z.string().optional(),
  statusMessage: z.string().optional(),
  ...completionTimings,
});
export type ProvisionedProductPropertiesUpdated = z.infer<typeof provisionedProductPropertiesUpdatedDetail>;

// ---- Partner Central program management accounts ----

export const programManagementAccountUpdateRequestedDetail = z.strictObject({
  catalog: c.catalog,
  identifier: c.programManagementAccountIdentifier,
  displayName: c.displayName.optional(),
  revision: c.revision.optional().describe('The revision you last read: a stale one ends FAILED with ConflictException'),
  requestId: requestIdField,
});
export type ProgramManagementAccountUpdateRequest = z.infer<typeof programManagementAccountUpdateRequestedDetail>;

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

export interface EventContract<S extends z.ZodType = z.ZodType> {
  detailType: string;
  /** `request`: published by users, matched by a rule. `emitted`: published by Shepherd. */
  direction: 'request' | 'emitted';
  /** Emitted once per request, last: the event that says a request has ended. */
  terminal?: boolean;
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
    terminal: true,
    detail: resourceOperationCompletedDetail,
  },
  portfolioShareRequested: {
    detailType: 'Portfolio Share Requested',
    direction: 'request',
    detail: portfolioShareRequestedDetail,
  },
  portfolioShareAccountFailed: {
    detailType: 'Portfolio Share Account Failed',
    direction: 'emitted',
    detail: portfolioShareAccountFailedDetail,
  },
  portfolioShareCompleted: {
    detailType: 'Portfolio Share Completed',
    direction: 'emitted',
    terminal: true,
    detail: portfolioShareCompletedDetail,
  },
  organizationsAccessChangeRequested: {
    detailType: 'Organizations Access Change Requested',
    direction: 'request',
    detail: organizationsAccessChangeRequestedDetail,
  },
  organizationsAccessChanged: {
    detailType: 'Organizations Access Changed',
    direction: 'emitted',
    terminal: true,
    detail: organizationsAccessChangedDetail,
  },
  provisionedProductPropertiesUpdateRequested: {
    detailType: 'Provisioned Product Properties Update Requested',
    direction: 'request',
    detail: provisionedProductPropertiesUpdateRequestedDetail,
  },
  provisionedProductPropertiesUpdated: {
    detailType: 'Provisioned Product Properties Updated',
    direction: 'emitted',
    terminal: true,
    detail: provisionedProductPropertiesUpdatedDetail,
  },
  programManagementAccountUpdateRequested: {
    detailType: 'Program Management Account Update Requested',
    direction: 'request',
    detail: programManagementAccountUpdateRequestedDetail,
  },
  programManagementAccountUpdated: {
    detailType: 'Program Management Account Updated',
    direction: 'emitted',
    terminal: true,
    detail: programManagementAccountUpdatedDetail,
  },
  requestRejected: {
    detailType: 'Request Rejected',
    direction: 'emitted',
    terminal: true,
    detail: requestRejectedDetail,
  },
} as const satisfies Record<string, EventContract>;

export type ContractName = keyof typeof contracts;

/** Detail-types of the events that end a request (exactly one per request). */
export const TERMINAL_DETAIL_TYPES: ReadonlySet<string> = new Set(
  Object.values(contracts as Record<string, EventContract>)
    .filter((c) => c.terminal)
    .map((c) => c.detailType),
);

/** The contracts of the events users send: the request kinds and cancels. */
export const REQUEST_CONTRACTS: readonly EventContract[] = Object.values(contracts as Record<string, EventContract>).filter((c) => c.direction === 'request');

/**
 * The EventBridge pattern that routes requests to the request queue: every
 * request contract, only from the stage's accepted sources and accounts
 * (config/guardrails.json; `accounts` is whatever serverless.yml writes
 * there, a list or a CloudFormation Fn::Split).
 */
export function requestRulePattern(who: { sources: string[]; accounts: unknown }, requests: readonly EventContract[] = REQUEST_CONTRACTS): Record<string, unknown> {
  return {
    source: who.sources,
    account: who.accounts,
    'detail-type': requests.map((c) => c.detailType),
  };
}
