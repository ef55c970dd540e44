/**
 * Who may ask, and what may be done, per stage: config/guardrails.json,
 * bundled with every function (the stage comes from STAGE). This module is
 * the one definition the rest derives from:
 *
 * - ingest refuses a request outside the stage's allowlists, naming the
 *   field, before any AWS call (`authorize*` below, one per request kind);
 * - config/stage.js hands serverless.yml the rule's sources, the bus policy
 *   that ties each source to the principals allowed to send it, and the
 *   iam:PassRole statements — all computed here (`busPolicyStatements`,
 *   `passRoleStatements`), so what ingest checks and what IAM enforces
 *   cannot drift apart.
 *
 * A stage the file does not list gets `default`, which allows no AWS change
 * of any kind.
 */
import { z } from 'zod';
import file from '../config/guardrails.json';
import { type FieldError, SHEPHERD_SOURCE } from './contracts/common';
import type { OrganizationsAccessChangeRequest } from './organizations-access/events/organizations-access-change-requested';
import type { PortfolioShareRequest } from './portfolio-share/events/portfolio-share-requested';
import type { ProgramManagementAccountUpdateRequest } from './program-management-account/events/program-management-account-update-requested';
import type { ProvisionedProductPropertiesUpdateRequest } from './provisioned-product/events/provisioned-product-properties-update-requested';
import type { ResourceOperationRequest } from './resource-operation/events/resource-operation-requested';

/** An IAM role name or a `*` pattern of them: the characters IAM allows in a name, never a path. */
const roleNamePattern = z.string().min(1).max(64).regex(/^[\w+=,.@*-]+$/, 'a role name or a pattern with * (no path: "/" is refused)');
/** A principal ARN pattern an event source may be sent by: `arn:<partition>:iam::<account>:(role|user)/<name>`, `*` anywhere. */
const principalArnPattern = z
  .string()
  .regex(/^arn:(aws[a-z-]*|\*):iam::([0-9]{12}|\*):(role|user)\/[\w+=,.@*/-]+$/, 'an IAM role or user ARN (patterns with * allowed), e.g. arn:aws:iam::111122223333:role/provisioning-pipeline');

const stageGuardrails = z.strictObject({
  /** Each source this stage takes requests from, and the principals allowed to send it (the bus policy enforces this). */
  sources: z
    .record(z.string().min(1).max(256), z.array(principalArnPattern).min(1))
    .refine((sources) => Object.keys(sources).length > 0, 'at least one source')
    .refine((sources) => !Object.hasOwn(sources, SHEPHERD_SOURCE), `"${SHEPHERD_SOURCE}" is Shepherd's own source: nobody else may send it`),
  extraAccounts: z.string().regex(/^([0-9]{12}(,[0-9]{12})*)?$/, 'comma-separated 12-digit account ids'),
  cloudControl: z.strictObject({
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
  }).refine((c) => c.defaultRoleName === undefined || matchesAllowed(c.defaultRoleName, c.roleNames), {
    message: 'defaultRoleName must be one of roleNames: it is passed like any named role',
    path: ['defaultRoleName'],
  }),
  serviceCatalog: z.strictObject({ portfolios: z.array(z.string()), shareTargets: z.array(z.string()) }),
  organizationsAccess: z.strictObject({ enable: z.boolean(), disable: z.boolean() }),
  provisionedProducts: z.strictObject({
    /** Provisioned product ids whose OWNER or LAUNCH_ROLE may be changed. */
    products: z.array(z.string()),
    /** Principal ARNs (patterns; `*` does not cross a `/`) that may be made OWNER; they must be in the deploying account. */
    owners: z.array(z.string()),
    /** Roles (in the deploying account, by name) that may be made LAUNCH_ROLE. */
    launchRoleNames: z.array(roleNamePattern),
  }),
  partnerCentral: z.strictObject({
    catalogs: z.array(z.string()),
    /** Program management account ids (`pma-…`) that may be updated. */
    accounts: z.array(z.string()),
  }),
});
export type Guardrails = z.infer<typeof stageGuardrails>;

const guardrailsFile = z.strictObject({ $comment: z.string().optional(), stages: z.record(z.string(), stageGuardrails) });

/** The bundled file, validated once per container (ingest asks on every request). */
let bundled: z.infer<typeof guardrailsFile> | undefined;

function parse(source: unknown): z.infer<typeof guardrailsFile> {
  const parsed = guardrailsFile.safeParse(source);
  if (!parsed.success) throw new Error(`config/guardrails.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { cause: parsed.error });
  return parsed.data;
}

/** Whether the file lists the stage itself (an unlisted stage falls back to `default`, which allows nothing). */
export function isListedStage(stage: string, source: unknown = file): boolean {
  const stages = (source === file ? (bundled ??= parse(file)) : parse(source)).stages;
  return stage !== 'default' && Object.hasOwn(stages, stage);
}

/** The guardrails of a stage (or `default`); the file is validated so a typo fails loudly, not open. */
export function guardrailsFor(stage: string | undefined, source: unknown = file): Guardrails {
  const stages = (source === file ? (bundled ??= parse(file)) : parse(source)).stages;
  const chosen = stage !== undefined && Object.hasOwn(stages, stage) ? stages[stage] : stages.default;
  if (!chosen) throw new Error('config/guardrails.json has no `default` stage');
  return chosen;
}

/** Allowlist patterns where `*` stands for `star` (a regex); everything else is literal. */
function patternMatcher(star: string): (value: string, allowed: readonly string[]) => boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (value, allowed) => allowed.some((pattern) => new RegExp(`^${pattern.split('*').map(escape).join(star)}$`, 's').test(value));
}

/** `*` matches any run of characters (as in IAM); everything else literally. */
export const matchesAllowed = patternMatcher('.*');

/** Like matchesAllowed, but `*` stays within one path segment: `role/team-*` is not `role/team-x/admin`. */
export const matchesAllowedSegments = patternMatcher('[^/]*');

/** IAM's own rule for a role or user name: 1–64 of these characters (CreateRole, CreateUser). */
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

/** Where Shepherd runs: the partition and account its roles live in (roles are passed only within it). */
export interface Deployment {
  partition: string;
  accountId: string;
}

const notAllowed = (field: string, message: string): FieldError => ({ field, code: 'not_allowed', message });

/**
 * A role handed to an AWS service, checked as the function's iam:PassRole
 * statements (`passRoleStatements`) will check it: this partition and
 * account, no path, a name the stage allows. The same three facts write the
 * IAM policy, so ingest refuses exactly what IAM would — before any call.
 */
export function checkPassableRole(field: string, roleArn: string, roleNames: readonly string[], where: Deployment): FieldError[] {
  const match = /^arn:([^:]+):iam::([^:]*):role\/(.*)$/s.exec(roleArn);
  if (!match) return [notAllowed(field, 'must be an IAM role ARN')];
  const [, partition, account, name] = match as unknown as [string, string, string, string];
  if (partition !== where.partition) return [notAllowed(field, `the role must be in partition ${where.partition}, not ${partition}`)];
  if (account !== where.accountId) return [notAllowed(field, `the role must be in Shepherd's own account ${where.accountId}, not ${account}`)];
  if (name.includes('/')) return [notAllowed(field, 'roles with a path cannot be passed: give arn:<partition>:iam::<account>:role/<name>')];
  if (!IAM_NAME.test(name)) return [notAllowed(field, 'is not an IAM role name (1-64 of letters, digits and +=,.@_-)')];
  if (!matchesAllowed(name, roleNames)) return [notAllowed(field, `role ${name} may not be passed on this stage`)];
  return [];
}

export function authorizeResourceOperation(request: Omit<ResourceOperationRequest, 'requestId'>, g: Guardrails, where: Deployment): FieldError[] {
  const errors: FieldError[] = [];
  const types = g.cloudControl.resourceTypes;
  const operations = (Object.hasOwn(types, request.typeName) ? types[request.typeName] : Object.hasOwn(types, '*') ? types['*'] : undefined) ?? [];
  if (!operations.includes(request.operation)) {
    errors.push(
      operations.length === 0
        ? notAllowed('typeName', `resource type ${request.typeName} is not on this stage's allowlist`)
        : notAllowed('operation', `${request.operation} of ${request.typeName} is not allowed on this stage (allowed: ${operations.join(', ')})`),
    );
  }
  if (request.roleArn !== undefined) errors.push(...checkPassableRole('roleArn', request.roleArn, g.cloudControl.roleNames, where));
  // Asked only of a request the stage would otherwise take: on a stage that allows nothing, that is the reason.
  else if (g.cloudControl.defaultRoleName === undefined && errors.length === 0) {
    errors.push({
      field: 'roleArn',
      code: 'required',
      message: "give roleArn: this stage has no default Cloud Control execution role, and without one Cloud Control would act as Shepherd's own function role, which may manage no resource",
    });
  }
  return errors;
}

/** The role Cloud Control acts as for a request: the one it names, or the stage's default (ingest refuses a request with neither). */
export function executionRoleArn(roleArn: string | undefined, g: Guardrails, where: Deployment): string | undefined {
  if (roleArn !== undefined) return roleArn;
  const name = g.cloudControl.defaultRoleName;
  return name === undefined ? undefined : `arn:${where.partition}:iam::${where.accountId}:role/${name}`;
}

export function authorizePortfolioShare(request: Omit<PortfolioShareRequest, 'requestId'>, g: Guardrails): FieldError[] {
  const errors: FieldError[] = [];
  if (!matchesAllowed(request.portfolioId, g.serviceCatalog.portfolios)) {
    errors.push(notAllowed('portfolioId', `portfolio ${request.portfolioId} may not be shared on this stage`));
  }
  const target = request.accountId ?? request.organizationNode?.value ?? '';
  if (!matchesAllowed(target, g.serviceCatalog.shareTargets)) {
    errors.push(notAllowed(request.accountId ? 'accountId' : 'organizationNode.value', `${target} is not a share target allowed on this stage`));
  }
  return errors;
}

export function authorizeOrganizationsAccessChange(request: Omit<OrganizationsAccessChangeRequest, 'requestId'>, g: Guardrails): FieldError[] {
  const allowed = request.enable ? g.organizationsAccess.enable : g.organizationsAccess.disable;
  return allowed ? [] : [notAllowed('enable', `${request.enable ? 'enabling' : 'disabling'} Organizations access is not allowed on this stage`)];
}

export function authorizeProvisionedProductUpdate(request: Omit<ProvisionedProductPropertiesUpdateRequest, 'requestId'>, g: Guardrails, where: Deployment): FieldError[] {
  const errors: FieldError[] = [];
  const rules = g.provisionedProducts;
  if (!matchesAllowed(request.provisionedProductId, rules.products)) {
    errors.push(notAllowed('provisionedProductId', `provisioned product ${request.provisionedProductId} may not be changed on this stage`));
  }
  const { OWNER: owner, LAUNCH_ROLE: launchRole } = request.properties;
  if (owner !== undefined) {
    const [, partition, , account] = /^arn:([^:]+):(iam|sts)::([^:]*):/.exec(owner) ?? [];
    if (partition !== where.partition || account !== where.accountId) {
      errors.push(notAllowed('properties.OWNER', `the owner must be a principal of Shepherd's own account ${where.accountId} in partition ${where.partition}`));
    } else if (!matchesAllowedSegments(owner, rules.owners)) {
      // `*` does not cross a path: an allowlist of role/team-* does not admit a role named anything under /team-x/.
      errors.push(notAllowed('properties.OWNER', 'this principal may not be made owner on this stage'));
    }
  }
  if (launchRole !== undefined) errors.push(...checkPassableRole('properties.LAUNCH_ROLE', launchRole, rules.launchRoleNames, where));
  return errors;
}

export function authorizeProgramManagementAccountUpdate(request: Omit<ProgramManagementAccountUpdateRequest, 'requestId'>, g: Guardrails, where: Deployment): FieldError[] {
  const errors: FieldError[] = [];
  if (!g.partnerCentral.catalogs.includes(request.catalog)) {
    errors.push(notAllowed('catalog', `catalog ${request.catalog} may not be changed on this stage`));
  }
  // An identifier given as an ARN names its own catalog, account and partition: each is held to the same rules.
  const arn = /^arn:([^:]+):partnercentral:[^:]*:([^:]*):catalog\/([^/]+)\/program-management-account\/(.+)$/.exec(request.identifier);
  const id = arn ? arn[4]! : request.identifier;
  if (arn && (arn[1] !== where.partition || arn[2] !== where.accountId)) {
    errors.push(notAllowed('identifier', `the account must be Shepherd's own (${where.partition}, ${where.accountId})`));
  } else if (arn && !g.partnerCentral.catalogs.includes(arn[3]!)) {
    errors.push(notAllowed('identifier', `catalog ${arn[3]} may not be changed on this stage`));
  } else if (!matchesAllowed(id, g.partnerCentral.accounts)) {
    errors.push(notAllowed('identifier', `program management account ${id} may not be updated on this stage`));
  }
  return errors;
}

// ---- What the same definition writes into serverless.yml (through config/stage.js) ----

type Intrinsic = Record<string, unknown>;
const sub = (text: string): Intrinsic => ({ 'Fn::Sub': text });

/** The services each kind of passed role goes to: the function that passes it, and iam:PassedToService. */
export const PASSED_ROLES = {
  cloudControl: { service: 'cloudformation.amazonaws.com', names: (g: Guardrails) => g.cloudControl.roleNames },
  launchRole: { service: 'servicecatalog.amazonaws.com', names: (g: Guardrails) => g.provisionedProducts.launchRoleNames },
} as const;

/**
 * The iam:PassRole statements of the function that passes a kind of role:
 * the stage's role names in the deploying account, to that one service;
 * never a role with a path (`role/*\/*`: IAM's `*` would match a path, the
 * ingest check refuses one). A stage that allows no role denies them all.
 */
export function passRoleStatements(kind: keyof typeof PASSED_ROLES, g: Guardrails): Intrinsic[] {
  const { service, names } = PASSED_ROLES[kind];
  const denyPaths = { Effect: 'Deny', Action: ['iam:PassRole'], Resource: [sub('arn:${AWS::Partition}:iam::*:role/*/*')] };
  if (names(g).length === 0) return [{ Effect: 'Deny', Action: ['iam:PassRole'], Resource: ['*'] }];
  return [
    {
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: names(g).map((name) => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`)),
      Condition: { StringEquals: { 'iam:PassedToService': service } },
    },
    denyPaths,
  ];
}

/**
 * The bus policy: who may put which events on Shepherd's bus. EventBridge
 * evaluates it on every PutEvents entry, and an explicit Deny binds
 * same-account principals too, so:
 * - only the deploying account and the configured ones may send at all;
 * - each request source may be sent only by the principals listed for it;
 * - source `shepherd` only by Shepherd's own function roles (`shepherdRoleArns`),
 *   so nobody can forge a completion event a subscriber would act on.
 * `busArn` and the role ARNs are CloudFormation values (Fn::Sub, Fn::GetAtt).
 */
export function busPolicyStatements(g: Guardrails, busArn: unknown, shepherdRoleArns: unknown[], accounts: unknown): Array<{ Sid: string } & Intrinsic> {
  const extraAccounts = g.extraAccounts.split(',').filter(Boolean);
  return [
    {
      Sid: 'DenyUnconfiguredAccounts',
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': accounts } },
    },
    ...(extraAccounts.length > 0
      ? [{ Sid: 'AllowConfiguredAccounts', Effect: 'Allow', Principal: { AWS: extraAccounts }, Action: 'events:PutEvents', Resource: busArn }]
      : []),
    {
      Sid: 'DenyForgedShepherd',
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'events:source': SHEPHERD_SOURCE }, ArnNotEquals: { 'aws:PrincipalArn': shepherdRoleArns } },
    },
    ...Object.entries(g.sources).map(([source, principals], i) => ({
      Sid: `DenySource${i}`,
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'events:source': source }, ArnNotLike: { 'aws:PrincipalArn': principals } },
    })),
  ];
}

/**
 * What a stage's allowlist needs from the account Shepherd is deployed in.
 * AWS allows Organizations access changes only from the organization's
 * management account, and organization-node shares (with
 * DescribePortfolioShareStatus and ListOrganizationPortfolioAccess) from it
 * or a Service Catalog delegated administrator (API reference:
 * EnableAWSOrganizationsAccess, CreatePortfolioShare, DescribePortfolioShareStatus).
 */
export function accountRequirements(g: Guardrails): { managementOnly: string[]; managementOrDelegated: string[]; accountNodeShares: boolean } {
  const managementOnly: string[] = [];
  if (g.organizationsAccess.enable || g.organizationsAccess.disable) managementOnly.push('Organizations access changes (organizationsAccess)');
  // A target pattern that can match an organization, root or OU id (o-…, r-…, ou-…): any that does not start
  // with a digit, as account ids do (`o*`, `ou*` and `*` included). Erring this way only asks for the right account.
  const nodeTargets = g.serviceCatalog.shareTargets.filter((t) => !/^[0-9]/.test(t));
  const managementOrDelegated = nodeTargets.length ? [`organization-node shares (serviceCatalog.shareTargets: ${nodeTargets.join(', ')})`] : [];
  // An account can also be shared with as an organization node (organizationNode type ACCOUNT), which needs the
  // management account or a delegated administrator like any node share, while an accountId share does not.
  return { managementOnly, managementOrDelegated, accountNodeShares: g.serviceCatalog.shareTargets.length > 0 };
}

/** What a stage can do from this account but only partly: said at deploy time, not refused. */
export function deployAccountWarning(g: Guardrails, facts: DeployAccountFacts): string | undefined {
  const isManagement = facts.managementAccountId === facts.accountId;
  if (isManagement || facts.delegatedAdministrator || !accountRequirements(g).accountNodeShares) return undefined;
  return (
    `account ${facts.accountId} is neither the organization's management account nor a Service Catalog delegated administrator: ` +
    'account shares (accountId) work from here, shares to an account as an organization node (organizationNode type ACCOUNT) will end FAILED'
  );
}

/** What the deploying account is, as Organizations and STS report it. */
export interface DeployAccountFacts {
  accountId: string;
  /** The organization's management account; undefined when the account belongs to no organization. */
  managementAccountId?: string;
  /** Whether the account is a delegated administrator for servicecatalog.amazonaws.com. */
  delegatedAdministrator: boolean;
}

/** Why a stage cannot work from this account, or undefined when it can. */
export function deployAccountProblem(stage: string, g: Guardrails, facts: DeployAccountFacts): string | undefined {
  const { managementOnly, managementOrDelegated } = accountRequirements(g);
  const isManagement = facts.managementAccountId === facts.accountId;
  const missing = [...(isManagement ? [] : managementOnly), ...(isManagement || facts.delegatedAdministrator ? [] : managementOrDelegated)];
  if (missing.length === 0) return undefined;
  const where = facts.managementAccountId === undefined ? 'which belongs to no AWS Organization' : `whose organization's management account is ${facts.managementAccountId}`;
  return (
    `stage ${stage} allows ${missing.join(' and ')}, which AWS accepts only from the organization's management account` +
    `${managementOrDelegated.length && !managementOnly.some((m) => missing.includes(m)) ? ' or a Service Catalog delegated administrator' : ''}; ` +
    `this is account ${facts.accountId}, ${where}${facts.delegatedAdministrator ? ' (a delegated administrator)' : ''}. ` +
    'Deploy Shepherd there (README "Where to deploy"), or take them off the stage in config/guardrails.json.'
  );
}
