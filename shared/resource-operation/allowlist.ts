/**
 * The `cloudControl` section of a stage's guardrails (config/guardrails.json):
 * which resource types and operations requests may ask for, and which roles
 * Cloud Control may be handed. Ingest checks every resource-operation request
 * against it; config/stage.js writes the iam:PassRole statements from it.
 */
import { z } from 'zod';
import { checkPassableRole, defineAllowlist, matchesAllowed, notAllowed, roleNamePattern, type Deployment } from '../allowlists';
import type { FieldError } from '../contracts/common';
import type { ResourceOperationFollowRequest } from './events/resource-operation-follow-requested';
import type { ResourceOperationRequest } from './events/resource-operation-requested';

/** Cloud Control hands the execution role to CloudFormation's resource handlers: the iam:PassedToService it is passed to. */
export const CLOUD_CONTROL_PASSED_TO = 'cloudformation.amazonaws.com';

export const cloudControlAllowlist = defineAllowlist({
  section: 'cloudControl',
  schema: z
    .strictObject({
      resourceTypes: z.record(z.string(), z.array(z.enum(['CREATE', 'UPDATE', 'DELETE']))),
      /** Roles (in the deploying account, by name) that requests may hand to Cloud Control as RoleArn. */
      roleNames: z.array(roleNamePattern),
      /**
       * The role Shepherd hands Cloud Control when a request names none. Without
       * a RoleArn Cloud Control acts with the caller's own credentials (the API
       * reference, RoleArn), and Shepherd's function role may manage no
       * resource: so a stage without a default requires roleArn on every request.
       */
      defaultRoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (no path, no *)').optional(),
    })
    .refine((c) => c.defaultRoleName === undefined || matchesAllowed(c.defaultRoleName, c.roleNames), {
      message: 'defaultRoleName must be one of roleNames: it is passed like any named role',
      path: ['defaultRoleName'],
    }),
  denyAll: { resourceTypes: {}, roleNames: [] },
  passedRole: { service: CLOUD_CONTROL_PASSED_TO, names: (allowed) => allowed.roleNames },
});
export type CloudControlAllowlist = ReturnType<typeof cloudControlAllowlist.of>;

/** The operations the stage allows on a type: its own entry, else `*`'s. */
function operationsFor(allowed: CloudControlAllowlist, typeName: string): string[] {
  const types = allowed.resourceTypes;
  return (Object.hasOwn(types, typeName) ? types[typeName] : Object.hasOwn(types, '*') ? types['*'] : undefined) ?? [];
}

/**
 * Following an operation Shepherd did not start: allowed where the stage would let Shepherd run that operation
 * of that type itself (no role is handed over: Shepherd only reads its status, and may cancel it for its sender).
 */
export function authorizeResourceOperationFollow(request: Omit<ResourceOperationFollowRequest, 'requestId'>, allowed: CloudControlAllowlist): FieldError[] {
  const operations = operationsFor(allowed, request.typeName);
  if (operations.includes(request.operation)) return [];
  return [
    operations.length === 0
      ? notAllowed('typeName', `resource type ${request.typeName} is not on this stage's allowlist`)
      : notAllowed('operation', `${request.operation} of ${request.typeName} is not allowed on this stage (allowed: ${operations.join(', ')})`),
  ];
}

export function authorizeResourceOperation(request: Omit<ResourceOperationRequest, 'requestId'>, allowed: CloudControlAllowlist, where: Deployment): FieldError[] {
  const errors: FieldError[] = [];
  const operations = operationsFor(allowed, request.typeName);
  if (!operations.includes(request.operation)) {
    errors.push(
      operations.length === 0
        ? notAllowed('typeName', `resource type ${request.typeName} is not on this stage's allowlist`)
        : notAllowed('operation', `${request.operation} of ${request.typeName} is not allowed on this stage (allowed: ${operations.join(', ')})`),
    );
  }
  if (request.roleArn !== undefined) errors.push(...checkPassableRole('roleArn', request.roleArn, allowed.roleNames, where));
  // Asked only of a request the stage would otherwise take: on a stage that allows nothing, that is the reason.
  else if (allowed.defaultRoleName === undefined && errors.length === 0) {
    errors.push({
      field: 'roleArn',
      code: 'required',
      message: "give roleArn: this stage has no default Cloud Control execution role, and without one Cloud Control would act as Shepherd's own function role, which may manage no resource",
    });
  }
  return errors;
}

/** The role Cloud Control acts as for a request: the one it names, or the stage's default (ingest refuses a request with neither). */
export function executionRoleArn(roleArn: string | undefined, allowed: CloudControlAllowlist, where: Deployment): string | undefined {
  if (roleArn !== undefined) return roleArn;
  const name = allowed.defaultRoleName;
  return name === undefined ? undefined : `arn:${where.partition}:iam::${where.accountId}:role/${name}`;
}
