/**
 * The workflows' allowlist sections taken together, through the registry
 * (shared/workflows.ts): what config/stage.js, the deploy-account check and
 * the tests need of a whole stage. No Lambda function imports this module:
 * each request is checked against its own workflow's section (ingest), and
 * this is where the file as a whole is held to the sections that exist.
 */
import type { AccountNeeds, Allowlist } from '../allowlists';
import { PLATFORM_KEYS, guardrailsFor, stageNames, type Guardrails } from '../guardrails';
import { WORKFLOWS } from '../workflows';


/** Every workflow's allowlist, once each; two workflows may share one, never a section name. */
export const ALLOWLISTS: readonly Allowlist[] = (() => {
  const bySection = new Map<string, Allowlist>();
  for (const { allowlist } of WORKFLOWS.flatMap((workflow) => workflow.requests)) {
    const known = bySection.get(allowlist.section);
    if (known !== undefined && known !== allowlist) throw new Error(`two allowlists declare the section "${allowlist.section}": a section has one definition`);
    if (PLATFORM_KEYS.has(allowlist.section)) throw new Error(`"${allowlist.section}" is not a section name a workflow may take: it is a platform setting`);
    bySection.set(allowlist.section, allowlist);
  }
  return [...bySection.values()];
})();

/**
 * What is wrong with a guardrails file, one line per problem (none: it is
 * valid): a stage's senders, a section no workflow owns (a typo would
 * otherwise silently allow that workflow nothing), a section its schema refuses.
 */
export function guardrailsFileProblems(source?: unknown): string[] {
  let stages: string[];
  try {
    stages = stageNames(source);
  } catch (error) {
    return [(error as Error).message];
  }
  const sections = new Set(ALLOWLISTS.map((allowlist) => allowlist.section));
  return stages.flatMap((stage) => {
    const g = guardrailsFor(stage, source);
    const unknown = Object.keys(g).filter((key) => !PLATFORM_KEYS.has(key) && !sections.has(key));
    return [
      ...unknown.map((key) => `stages.${stage}.${key}: no workflow has this section (the sections: ${[...sections].join(', ')})`),
      ...ALLOWLISTS.flatMap((allowlist) => {
        if (!Object.hasOwn(g, allowlist.section)) return [];
        const parsed = allowlist.schema.safeParse(g[allowlist.section]);
        if (!parsed.success) return parsed.error.issues.map((i) => `stages.${stage}.${[allowlist.section, ...i.path].join('.')}: ${i.message}`);
        // A section that acts in other accounts on a stage that names no role to act as would refuse nothing and do nothing.
        return allowlist.needsSpoke?.(parsed.data) && !g.spoke ? [`stages.${stage}.${allowlist.section}: acts in other accounts, so the stage needs "spoke" (roleName, externalId)`] : [];
      }),
    ];
  });
}

/** Throws when the file has any problem (config/stage.js: every `serverless package` and the local stack's start). */
export function assertGuardrailsFile(source?: unknown): void {
  const problems = guardrailsFileProblems(source);
  if (problems.length > 0) throw new Error(`config/guardrails.json is invalid: ${problems.join('; ')}`);
}

type Intrinsic = Record<string, unknown>;
const sub = (text: string): Intrinsic => ({ 'Fn::Sub': text });

/**
 * The iam:PassRole statements of a function that passes the roles an
 * allowlist names: the stage's role names in the deploying account, to that
 * one service; never a role with a path (`role/*\/*`: IAM's `*` would match a
 * path, the ingest check refuses one). A stage that allows no role denies them all.
 */
export function passRolePolicy(allowlist: Allowlist, g: Guardrails): Intrinsic[] {
  if (!allowlist.passedRole) return [];
  const { service, names } = allowlist.passedRole;
  const roleNames = names(allowlist.of(g));
  const denyPaths = { Effect: 'Deny', Action: ['iam:PassRole'], Resource: [sub('arn:${AWS::Partition}:iam::*:role/*/*')] };
  if (roleNames.length === 0) return [{ Effect: 'Deny', Action: ['iam:PassRole'], Resource: ['*'] }];
  return [
    {
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: roleNames.map((name) => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`)),
      Condition: { StringEquals: { 'iam:PassedToService': service } },
    },
    denyPaths,
  ];
}

/**
 * `passRole.<section>` for serverless.yml (`${self:custom.stageConfig.passRole.<section>}`, which
 * module.ts's passRoleStatements writes): the Allow, or the Deny on all; the Deny on paths is written beside it.
 */
export function passRoleByStage(g: Guardrails): Record<string, Intrinsic | undefined> {
  return Object.fromEntries(ALLOWLISTS.filter((allowlist) => allowlist.passedRole).map((allowlist) => [allowlist.section, passRolePolicy(allowlist, g)[0]]));
}

/** What a stage's allowlists need from the account Shepherd is deployed in, from every section. */
export function accountRequirements(g: Guardrails): Required<AccountNeeds> {
  const needs = ALLOWLISTS.map((allowlist) => allowlist.accountNeeds?.(allowlist.of(g)) ?? {});
  return {
    managementOnly: needs.flatMap((n) => n.managementOnly ?? []),
    managementOrDelegated: needs.flatMap((n) => n.managementOrDelegated ?? []),
    partlyElsewhere: needs.flatMap((n) => n.partlyElsewhere ?? []),
  };
}

/** What the deploying account is, as Organizations and STS report it. */
export interface DeployAccountFacts {
  accountId: string;
  /** The organization's management account; undefined when the account belongs to no organization. */
  managementAccountId?: string;
  /** Whether the account is a delegated administrator for servicecatalog.amazonaws.com. */
  delegatedAdministrator: boolean;
}

/** What a stage can do from this account but only partly: said at deploy time, not refused. */
export function deployAccountWarning(g: Guardrails, facts: DeployAccountFacts): string | undefined {
  const isManagement = facts.managementAccountId === facts.accountId;
  const { partlyElsewhere } = accountRequirements(g);
  if (isManagement || facts.delegatedAdministrator || partlyElsewhere.length === 0) return undefined;
  return `account ${facts.accountId} is neither the organization's management account nor a Service Catalog delegated administrator: ${partlyElsewhere.join('; ')}`;
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
