/**
 * What may be done, per stage: the allowlists in config/guardrails.json
 * (bundled with every function; the stage comes from STAGE). A request
 * outside them is rejected with the reason and never reaches an AWS API.
 * The same file gives serverless.yml the sources and accounts its rules
 * accept (who may ask).
 */
import { z } from 'zod';
import file from '../config/guardrails.json';
import type { FieldError, PortfolioShareRequest, ResourceOperationRequest } from './contracts/events';
import { SHEPHERD_SOURCE } from './contracts/events';

const stageGuardrails = z.strictObject({
  sources: z.array(z.string().min(1).refine((s) => s !== SHEPHERD_SOURCE, `"${SHEPHERD_SOURCE}" is Shepherd's own source`)).min(1),
  extraAccounts: z.string().regex(/^([0-9]{12}(,[0-9]{12})*)?$/, 'comma-separated 12-digit account ids'),
  cloudControl: z.strictObject({
    resourceTypes: z.record(z.string(), z.array(z.enum(['CREATE', 'UPDATE', 'DELETE']))),
    roleArns: z.array(z.string()),
  }),
  serviceCatalog: z.strictObject({ portfolios: z.array(z.string()), shareTargets: z.array(z.string()) }),
});
export type Guardrails = z.infer<typeof stageGuardrails>;

const guardrailsFile = z.object({ $comment: z.string().optional(), stages: z.record(z.string(), stageGuardrails) });

/** The bundled file, validated once per container (ingest asks on every request). */
let bundled: z.infer<typeof guardrailsFile> | undefined;

function parse(source: unknown): z.infer<typeof guardrailsFile> {
  const parsed = guardrailsFile.safeParse(source);
  if (!parsed.success) throw new Error(`config/guardrails.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The guardrails of a stage (or `default`); the file is validated so a typo fails loudly, not open. */
export function guardrailsFor(stage: string | undefined, source: unknown = file): Guardrails {
  const stages = (source === file ? (bundled ??= parse(file)) : parse(source)).stages;
  const chosen = (stage && stages[stage]) || stages.default;
  if (!chosen) throw new Error('config/guardrails.json has no `default` stage');
  return chosen;
}

/** `*` matches any run of characters; everything else literally. */
export function matchesAllowed(value: string, allowed: string[]): boolean {
  return allowed.some((pattern) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value));
}

const notAllowed = (field: string, message: string): FieldError => ({ field, code: 'not_allowed', message });

export function authorizeResourceOperation(request: Omit<ResourceOperationRequest, 'requestId'>, g: Guardrails): FieldError[] {
  const errors: FieldError[] = [];
  const operations = g.cloudControl.resourceTypes[request.typeName] ?? g.cloudControl.resourceTypes['*'] ?? [];
  if (!operations.includes(request.operation)) {
    errors.push(
      operations.length === 0
        ? notAllowed('typeName', `resource type ${request.typeName} is not on this stage's allowlist`)
        : notAllowed('operation', `${request.operation} of ${request.typeName} is not allowed on this stage (allowed: ${operations.join(', ')})`),
    );
  }
  if (request.roleArn && !matchesAllowed(request.roleArn, g.cloudControl.roleArns)) {
    errors.push(notAllowed('roleArn', 'this role may not be passed to Cloud Control on this stage'));
  }
  return errors;
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
