/**
 * EventBridge's input transformer, as its user guide describes it
 * ("Amazon EventBridge input transformation"): InputPathsMap names values
 * of the event by dot-notation JSON paths; InputTemplate places them as
 * `<name>`. A placeholder used as a JSON value becomes that value as JSON;
 * inside a string it becomes the text unescaped (as EventBridge does). The
 * predefined `aws.events.event` is the event without `detail`,
 * `aws.events.event.json` the whole event. A path the event lacks creates no
 * variable, and a placeholder without a variable stays as written.
 */
import type { InputTransformer } from '../../tooling/serverless-config';
import type { EventEnvelope } from './event-bridge';

export type { InputTransformer };

function valueAt(envelope: EventEnvelope, path: string): { found: boolean; value?: unknown } {
  if (path === '$') return { found: true, value: envelope };
  if (!path.startsWith('$.')) throw new Error(`input transformer: "${path}" is not a dot-notation JSON path`);
  let node: unknown = envelope;
  for (const key of path.slice(2).split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return { found: false };
    node = (node as Record<string, unknown>)[key];
  }
  return { found: true, value: node };
}

/** The text EventBridge hands the target. */
export function transformInput(transformer: InputTransformer, envelope: EventEnvelope, rule: { name: string; arn: string }): string {
  const { detail: _detail, ...withoutDetail } = envelope;
  const variables = new Map<string, unknown>([
    ['aws.events.rule-arn', rule.arn],
    ['aws.events.rule-name', rule.name],
    ['aws.events.event', withoutDetail],
    ['aws.events.event.json', envelope],
  ]);
  for (const [name, path] of Object.entries(transformer.pathsMap)) {
    const { found, value } = valueAt(envelope, path);
    if (found) variables.set(name, value);
  }
  let out = '';
  let inString = false;
  const template = transformer.template;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\' && inString) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    const placeholder = ch === '<' ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && variables.has(placeholder[1]!)) {
      const value = variables.get(placeholder[1]!);
      out += inString ? (typeof value === 'string' ? value : JSON.stringify(value)) : JSON.stringify(value);
      i += placeholder[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}
