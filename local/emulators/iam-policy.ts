/**
 * Resource-policy evaluation for the emulators, as IAM documents it
 * ("Policy evaluation logic", "IAM JSON policy elements: Condition
 * operators"): an explicit Deny wins; across accounts a request needs an
 * Allow in the resource policy; within the account the caller's identity
 * policy is assumed to allow (the local stack has no identity policies).
 *
 * Only what Shepherd's policies use is implemented — the String and Arn
 * operators and their negations, Principal `*` or account/ARN lists — and
 * anything else throws, so a policy the evaluator does not understand fails
 * the run instead of being read as "allow".
 */
import type { PolicyStatement } from '../../tooling/serverless-config';

/** A principal the local stack knows, by the access key its clients sign with. */
export interface Identity {
  principalArn: string;
  account: string;
  /** Its identity policy (a function role's statements); none for the producers the harness plays. */
  policy?: PolicyStatement[];
}

/** Who is asking, and the request's condition keys (aws:PrincipalArn, events:source, ...). */
export interface RequestContext {
  principalArn: string;
  principalAccount: string;
  action: string;
  resource: string;
  /** Service-specific condition keys for this request. */
  keys: Record<string, string>;
}

export type Decision = { allowed: true } | { allowed: false; reason: 'explicit-deny' | 'no-allow'; statement?: PolicyStatement };

/** IAM wildcards: `*` any run of characters, `?` one character; case-sensitive. */
function wildcard(pattern: string, value: string): boolean {
  const regex = pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/** ArnLike: each of the six colon-separated parts matched on its own (a `*` does not cross a colon). */
function arnLike(pattern: string, value: string): boolean {
  const p = pattern.split(':');
  const v = value.split(':');
  if (p.length < 6 || v.length < 6) return false;
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const [hp, hv] = [head(p), head(v)];
  return hp.every((part, i) => wildcard(part, hv[i]!));
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringLike: wildcard,
  ArnEquals: (p, v) => p === v,
  ArnLike: arnLike,
};

function conditionHolds(operator: string, key: string, expected: string | string[], context: RequestContext): boolean {
  const negated = operator.includes('Not');
  const base = operator.replace('Not', '');
  const test = OPERATORS[base];
  if (!test) throw new Error(`iam-policy: condition operator ${operator} is not emulated`);
  const value = key === 'aws:PrincipalArn' ? context.principalArn : key === 'aws:PrincipalAccount' ? context.principalAccount : context.keys[key];
  if (!key.startsWith('aws:Principal') && !Object.hasOwn(context.keys, key)) throw new Error(`iam-policy: condition key ${key} is not emulated for ${context.action}`);
  const patterns = [expected].flat();
  // A negated operator holds when the value matches none of the patterns; a missing key matches nothing.
  const matched = value !== undefined && patterns.some((p) => test(p, value));
  return negated ? !matched : matched;
}

function principalMatches(principal: PolicyStatement['Principal'], context: RequestContext): boolean {
  if (principal === undefined) return false;
  if (principal === '*') return true;
  return [principal.AWS].flat().some((p) => p === '*' || p === context.principalAccount || p === `arn:aws:iam::${context.principalAccount}:root` || p === context.principalArn);
}

function applies(statement: PolicyStatement, context: RequestContext, kind: 'resource' | 'identity' = 'resource'): boolean {
  if (![statement.Action].flat().some((a) => wildcard(a, context.action))) return false;
  // A role's trust policy names no Resource (IAM refuses one there: the role is the resource); every other policy must.
  const resourceless = kind === 'resource' && statement.Resource === undefined;
  if (!resourceless && ![statement.Resource ?? []].flat().some((r) => wildcard(r, context.resource))) return false;
  if (kind === 'resource' && !principalMatches(statement.Principal, context)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) => conditionHolds(operator, key, expected, context)),
  );
}

/**
 * The decision of a principal's identity policy (its role's statements) for
 * one request within its own account: an explicit Deny wins, then an Allow is
 * needed; nothing allows by default.
 */
export function evaluateIdentityPolicy(statements: readonly PolicyStatement[], context: RequestContext): Decision {
  const deny = statements.find((s) => s.Effect === 'Deny' && applies(s, context, 'identity'));
  if (deny) return { allowed: false, reason: 'explicit-deny', statement: deny };
  return statements.some((s) => s.Effect === 'Allow' && applies(s, context, 'identity')) ? { allowed: true } : { allowed: false, reason: 'no-allow' };
}

/** The decision of a resource policy for one request, from the resource owner's account. */
export function evaluateResourcePolicy(statements: readonly PolicyStatement[], ownerAccount: string, context: RequestContext): Decision {
  const deny = statements.find((s) => s.Effect === 'Deny' && applies(s, context));
  if (deny) return { allowed: false, reason: 'explicit-deny', statement: deny };
  if (context.principalAccount === ownerAccount) return { allowed: true };
  return statements.some((s) => s.Effect === 'Allow' && applies(s, context)) ? { allowed: true } : { allowed: false, reason: 'no-allow' };
}
