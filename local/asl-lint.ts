/**
 * Lints every workflow in workflows/: asl-validator (the ASL schema, paths
 * and ARNs) plus Shepherd's own rules — an execution timeout, and on every
 * Task an explicit timeout, a Retry and a Catch, so no fault hangs or ends an
 * execution without its terminal event.
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

export function lintWorkflow(definition: AslDefinition): string[] {
  const errors: string[] = [];
  const resolved = withPlaceholderArns(definition) as AslDefinition;
  const result = aslValidator(resolved, { checkPaths: true, checkArn: true });
  if (!result.isValid) errors.push(...result.errorsText('\n').split('\n'));
  if (typeof definition.TimeoutSeconds !== 'number') errors.push('the workflow has no TimeoutSeconds');
  visitStates(definition, (name, state) => {
    if (state.Type !== 'Task') return;
    if (typeof state.TimeoutSeconds !== 'number') errors.push(`Task "${name}" has no TimeoutSeconds`);
    if (!Array.isArray(state.Retry) || state.Retry.length === 0) errors.push(`Task "${name}" has no Retry`);
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
