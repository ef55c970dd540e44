/**
 * Lints every workflow in workflows/: asl-validator (the ASL schema, paths
 * and ARNs) plus Shepherd's own rules — an execution timeout, and on every
 * Task an explicit timeout, a Retry and a Catch, so no fault hangs or ends an
 * execution without its terminal event; and Retry that outlasts outages:
 * every transient fault, Lambda service error and way Lambda reports a
 * function that died or hung retried for as long as the execution may run
 * (expected, full jitter halving each wait), so a step never reports an
 * outage as the operation's outcome. And no Choice rule with
 * `IsTimestamp: false`, whose AWS behaviour is not what it reads as.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { visitStates, type AslDefinition } from './serverless-config';

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (
  definition: unknown,
  options: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

export interface LintResult {
  file: string;
  errors: string[];
}

/** Fn::GetAtt Lambda references become placeholder ARNs, as CloudFormation would make them ARNs. */
export function withPlaceholderArns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withPlaceholderArns);
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  if ('Fn::GetAtt' in obj) {
    const [logicalId] = obj['Fn::GetAtt'] as [string];
    return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, withPlaceholderArns(v)]));
}

export function workflowFiles(root: string): string[] {
  return readdirSync(join(root, 'workflows'))
    .filter((f) => f.endsWith('.asl.json'))
    .map((f) => join('workflows', f));
}

/** Errors a Task must retry for hours: transient faults classified by the handlers, and the Lambda service's own. */
export const OUTAGE_ERRORS = [
  'TransientServiceError',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];
/** How Lambda reports a function that timed out, crashed or ran out of memory (Step Functions best practices; Sandbox.Timedout on current runtimes). */
export const FUNCTION_DIED_ERRORS = ['Sandbox.Timedout', 'Runtime.ExitError', 'Lambda.Unknown', 'States.Timeout'];

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

/** The expected total wait of a retrier's retries (ASL defaults: 1 s, ×2, 3 attempts); full jitter waits half on average. */
export function expectedRetryWindowSeconds(retrier: Retrier): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let attempt = 0; attempt < (retrier.MaxAttempts ?? 3); attempt++) total += Math.min(cap, interval * rate ** attempt);
  return retrier.JitterStrategy === 'FULL' ? total / 2 : total;
}

/** Every Choice rule in a state, nested And/Or/Not ones included. */
function choiceRules(state: Record<string, unknown>): Array<Record<string, unknown>> {
  const rules: Array<Record<string, unknown>> = [];
  const walk = (rule: unknown) => {
    if (!rule || typeof rule !== 'object') return;
    const r = rule as Record<string, unknown>;
    rules.push(r);
    for (const nested of [...((r.And as unknown[]) ?? []), ...((r.Or as unknown[]) ?? []), r.Not]) walk(nested);
  };
  for (const rule of (state.Choices as unknown[]) ?? []) walk(rule);
  return rules;
}

export function lintWorkflow(definition: AslDefinition): string[] {
  const errors: string[] = [];
  const resolved = withPlaceholderArns(definition) as AslDefinition;
  const result = aslValidator(resolved, { checkPaths: true, checkArn: true });
  if (!result.isValid) errors.push(...result.errorsText('\n').split('\n'));
  if (typeof definition.TimeoutSeconds !== 'number') errors.push('the workflow has no TimeoutSeconds');
  visitStates(definition, (name, state) => {
    // On AWS `IsTimestamp: false` is false for a value that is not a string, so it is not the negation of
    // `IsTimestamp: true`; that was recorded once (LocalStack, 2023) and LocalStack never reproduced it.
    // `Not: {IsTimestamp: true}` says what is meant without depending on it.
    if (state.Type === 'Choice' && choiceRules(state).some((rule) => rule.IsTimestamp === false)) {
      errors.push(`Choice "${name}" uses IsTimestamp: false (false on AWS for any non-string): write Not: {IsTimestamp: true}`);
    }
    if (state.Type !== 'Task') return;
    if (typeof state.TimeoutSeconds !== 'number') errors.push(`Task "${name}" has no TimeoutSeconds`);
    if (!Array.isArray(state.Retry) || state.Retry.length === 0) errors.push(`Task "${name}" has no Retry`);
    const retriers = (Array.isArray(state.Retry) ? state.Retry : []) as Retrier[];
    // The first retrier naming an error is the one Step Functions uses for it.
    const retrierOf = (error: string) => retriers.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
    const runs = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : 0;
    for (const error of [...OUTAGE_ERRORS, ...FUNCTION_DIED_ERRORS]) {
      const retrier = retrierOf(error);
      if (!retrier) errors.push(`Task "${name}" does not retry ${error}`);
      else if (expectedRetryWindowSeconds(retrier) < runs) {
        errors.push(`Task "${name}" retries ${error} for about ${Math.round(expectedRetryWindowSeconds(retrier))} s, less than the execution may run (${runs} s)`);
      }
    }
    if (!Array.isArray(state.Catch) || !(state.Catch as Array<{ ErrorEquals: string[] }>).some((c) => c.ErrorEquals.includes('States.ALL'))) {
      errors.push(`Task "${name}" has no Catch for States.ALL`);
    }
  });
  return errors;
}

export function lintWorkflows(root: string): LintResult[] {
  return workflowFiles(root).map((file) => ({
    file,
    errors: lintWorkflow(JSON.parse(readFileSync(join(root, file), 'utf8')) as AslDefinition),
  }));
}

if (require.main === module) {
  const results = lintWorkflows(join(__dirname, '..'));
  for (const { file, errors } of results) {
    console.log(errors.length === 0 ? `ok    ${file}` : `FAIL  ${file}\n${errors.map((e) => `      ${e}`).join('\n')}`);
  }
  process.exitCode = results.some((r) => r.errors.length > 0) ? 1 : 0;
}
