/**
 * What a workflow's allowlist is made of. Each workflow that changes anything
 * declares its own section of a stage's guardrails in its folder
 * (`shared/<workflow>/allowlist.ts`, with `defineAllowlist`): the section's
 * name in config/guardrails.json, its schema, what a stage without it gets
 * (nothing allowed), the roles it lets Shepherd pass, and what it needs of the
 * deploying account. Its requests are checked against the parsed section
 * (`requestOf({ allowlist, authorize })`), and config/stage.js validates every
 * stage of the file against the registered sections (an unknown section name
 * fails `serverless package`).
 *
 * The helpers below are the checks several allowlists share, written once so
 * every workflow refuses a role, a pattern or an account the same way IAM would.
 */
import { z } from 'zod';
import type { FieldError } from './contracts/common';
import type { Guardrails } from './guardrails';

/** An IAM role name or a `*` pattern of them: the characters IAM allows in a name, never a path. */
export const roleNamePattern = z.string().min(1).max(64).regex(/^[\w+=,.@*-]+$/, 'a role name or a pattern with * (no path: "/" is refused)');

/** IAM's own rule for a role or user name: 1–64 of these characters (CreateRole, CreateUser). */
export const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

/** Allowlist patterns where `*` stands for `star` (a regex); everything else is literal. */
function patternMatcher(star: string): (value: string, allowed: readonly string[]) => boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (value, allowed) => allowed.some((pattern) => new RegExp(`^${pattern.split('*').map(escape).join(star)}$`, 's').test(value));
}

/** `*` matches any run of characters (as in IAM); everything else literally. */
export const matchesAllowed = patternMatcher('.*');

/** Like matchesAllowed, but `*` stays within one path segment: `role/team-*` is not `role/team-x/admin`. */
export const matchesAllowedSegments = patternMatcher('[^/]*');

/** Where Shepherd runs: the partition and account its roles live in (roles are passed only within it). */
export interface Deployment {
  partition: string;
  accountId: string;
}

export const notAllowed = (field: string, message: string): FieldError => ({ field, code: 'not_allowed', message });

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

/**
 * What a stage's allowlist needs from the account Shepherd is deployed in
 * (checked at deploy time by .serverless_plugins/deploy-account-check.js).
 */
export interface AccountNeeds {
  /** What AWS accepts only from the organization's management account: the deploy is refused elsewhere. */
  managementOnly?: string[];
  /** What AWS accepts only from the management account or a Service Catalog delegated administrator. */
  managementOrDelegated?: string[];
  /** What works from any account, but partly outside the management account: said at deploy time, not refused. */
  partlyElsewhere?: string[];
}

/** A workflow's section of a stage's guardrails, declared in its own folder. */
export interface Allowlist<T = unknown> {
  /** Its key in each stage of config/guardrails.json (`cloudControl`, …). */
  section: string;
  schema: z.ZodType<T>;
  /** What a stage that does not list the section gets: nothing allowed (a test holds every request kind to it). */
  denyAll: T;
  /** The section of a stage, parsed (once per stage object); `denyAll` when the stage does not list it. */
  of(guardrails: Guardrails): T;
  /**
   * The roles the stage lets Shepherd hand to an AWS service for this workflow: the service
   * (iam:PassedToService) and the role names. config/stage.js writes the iam:PassRole statements from
   * them under `passRole.<section>`, and the functions that pass one include `passRoleStatements(allowlist)`.
   */
  passedRole?: { service: string; names(section: T): readonly string[] };
  accountNeeds?(section: T): AccountNeeds;
  /** Whether the section lets Shepherd act in other accounts: the stage must then name its spoke role. */
  needsSpoke?(section: T): boolean;
}

/** Declares a workflow's allowlist section (see Allowlist); `of` validates the section the first time a stage is read. */
export function defineAllowlist<S extends z.ZodType>(spec: {
  section: string;
  schema: S;
  denyAll: NoInfer<z.output<S>>;
  passedRole?: { service: string; names(section: NoInfer<z.output<S>>): readonly string[] };
  accountNeeds?(section: NoInfer<z.output<S>>): AccountNeeds;
  needsSpoke?(section: NoInfer<z.output<S>>): boolean;
}): Allowlist<z.output<S>> {
  const parsed = new WeakMap<Guardrails, z.output<S>>();
  return {
    ...spec,
    schema: spec.schema as z.ZodType<z.output<S>>,
    of(guardrails) {
      const known = parsed.get(guardrails);
      if (known !== undefined) return known;
      const raw = Object.hasOwn(guardrails, spec.section) ? guardrails[spec.section] : undefined;
      const result = raw === undefined ? { success: true as const, data: spec.denyAll } : spec.schema.safeParse(raw);
      if (!result.success) {
        const issues = result.error.issues.map((i) => `${[spec.section, ...i.path].join('.')}: ${i.message}`).join('; ');
        throw new Error(`config/guardrails.json is invalid: ${issues}`, { cause: result.error });
      }
      parsed.set(guardrails, result.data);
      return result.data;
    },
  };
}
