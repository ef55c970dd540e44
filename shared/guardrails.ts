/**
 * Who may ask, and what may be done, per stage: config/guardrails.json,
 * bundled with every function (the stage comes from STAGE). A stage holds:
 *
 * - `sources` and `extraAccounts`, read here: who may send requests at all.
 *   config/stage.js hands serverless.yml the rule's sources and the bus
 *   policy that ties each source to the principals allowed to send it
 *   (`busPolicyStatements`), from the same entries;
 * - one section per workflow that changes anything, which that workflow
 *   declares and reads in its own folder (`shared/<workflow>/allowlist.ts`,
 *   shared/allowlists.ts): ingest refuses a request outside it, naming the
 *   field, before any AWS call, and config/stage.js writes the iam:PassRole
 *   statements from it (shared/workflow/stage-allowlists.ts), so what ingest
 *   checks and what IAM enforces cannot drift apart.
 *
 * A stage the file does not list gets `default`, which allows no AWS change
 * of any kind; a stage that leaves a workflow's section out allows that
 * workflow nothing.
 */
import { z } from 'zod';
import file from '../config/guardrails.json';
import { SHEPHERD_SOURCE } from './contracts/common';

/** A principal ARN pattern an event source may be sent by: `arn:<partition>:iam::<account>:(role|user)/<name>`, `*` anywhere. */
const principalArnPattern = z
  .string()
  .regex(/^arn:(aws[a-z-]*|\*):iam::([0-9]{12}|\*):(role|user)\/[\w+=,.@*/-]+$/, 'an IAM role or user ARN (patterns with * allowed), e.g. arn:aws:iam::111122223333:role/provisioning-pipeline');

/**
 * A stage: who may send, and the workflows' sections (each an object, validated by the allowlist that owns it
 * when read; config/stage.js refuses a section no workflow owns).
 */
const stageGuardrails = z
  .object({
    /** Each source this stage takes requests from, and the principals allowed to send it (the bus policy enforces this). */
    sources: z
      .record(z.string().min(1).max(256), z.array(principalArnPattern).min(1))
      .refine((sources) => Object.keys(sources).length > 0, 'at least one source')
      .refine((sources) => !Object.hasOwn(sources, SHEPHERD_SOURCE), `"${SHEPHERD_SOURCE}" is Shepherd's own source: nobody else may send it`),
    extraAccounts: z.string().regex(/^([0-9]{12}(,[0-9]{12})*)?$/, 'comma-separated 12-digit account ids'),
    /**
     * How Shepherd acts in other accounts: the role it assumes there (spoke/shepherd-spoke-role.json, deployed to
     * them with StackSets) and the ExternalId that role's trust requires. A stage without it acts in no other account.
     */
    spoke: z
      .strictObject({
        roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (no path, no *)'),
        // STS AssumeRole ExternalId: 2-1224 of [\w+=,.@:/-] (botocore sts, externalIdType).
        externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'an ExternalId: 2 to 1224 of letters, digits and +=,.@:/-'),
      })
      .optional(),
  })
  .catchall(z.record(z.string(), z.unknown()));
/** A stage's guardrails: its senders, and each workflow's section as the file has it (read it with `allowlist.of`). */
export type Guardrails = Pick<z.output<typeof stageGuardrails>, 'sources' | 'extraAccounts' | 'spoke'> & { readonly [section: string]: unknown };

/** The keys of a stage that are Shepherd's own, not a workflow's allowlist section. */
export const PLATFORM_KEYS: ReadonlySet<string> = new Set(['sources', 'extraAccounts', 'spoke']);

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

/** Every stage the file lists, `default` included. */
export function stageNames(source: unknown = file): string[] {
  return Object.keys((source === file ? (bundled ??= parse(file)) : parse(source)).stages);
}

/** The guardrails of a stage (or `default`); the file is validated so a typo fails loudly, not open. */
export function guardrailsFor(stage: string | undefined, source: unknown = file): Guardrails {
  const stages = (source === file ? (bundled ??= parse(file)) : parse(source)).stages;
  const chosen = stage !== undefined && Object.hasOwn(stages, stage) ? stages[stage] : stages.default;
  if (!chosen) throw new Error('config/guardrails.json has no `default` stage');
  return chosen;
}

// ---- What the same definition writes into serverless.yml (through config/stage.js) ----

type Intrinsic = Record<string, unknown>;

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
