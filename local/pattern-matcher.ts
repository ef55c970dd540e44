/**
 * EventBridge event pattern matching for the operators Shepherd's rules use
 * (and the common content filters): exact values, prefix, suffix,
 * anything-but, exists, numeric, equals-ignore-case, wildcard and $or.
 * No maintained npm package does this, so it is in-house.
 */
export type EventPattern = Record<string, unknown>;

type Matcher = unknown;

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function wildcard(pattern: string, value: string): boolean {
  const regex = pattern.split(/(?<!\\)\*/).map((part) => part.replace(/\\\*/g, '*').replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${regex}$`).test(value);
}

function matchOperator(op: Record<string, unknown>, value: unknown, present: boolean): boolean {
  const [name, arg] = Object.entries(op)[0] ?? [];
  switch (name) {
    case 'exists':
      return arg ? present : !present;
    case 'prefix':
      if (typeof value !== 'string') return false;
      if (isObject(arg)) return value.toLowerCase().startsWith(String(arg['equals-ignore-case']).toLowerCase());
      return value.startsWith(String(arg));
    case 'suffix':
      if (typeof value !== 'string') return false;
      if (isObject(arg)) return value.toLowerCase().endsWith(String(arg['equals-ignore-case']).toLowerCase());
      return value.endsWith(String(arg));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcard(String(arg), value);
    case 'anything-but': {
      if (!present) return false;
      if (isObject(arg)) return !matchOperator(arg, value, present);
      const excluded = Array.isArray(arg) ? arg : [arg];
      return !excluded.some((x) => x === value);
    }
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const ops = arg as Array<string | number>;
      for (let i = 0; i < ops.length; i += 2) {
        const bound = Number(ops[i + 1]);
        const ok = { '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound, '=': value === bound }[String(ops[i])];
        if (!ok) return false;
      }
      return true;
    }
    default:
      throw new Error(`unsupported pattern operator "${name}"`);
  }
}

function matchLeaf(matchers: Matcher[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  return matchers.some((m) => {
    if (isObject(m)) {
      if ('exists' in m || 'anything-but' in m) return Array.isArray(value) && value.length ? values.some((v) => matchOperator(m, v, present)) : matchOperator(m, value, present);
      return present && values.some((v) => matchOperator(m, v, present));
    }
    return present && values.some((v) => v === m);
  });
}

/** True when the event (a full EventBridge envelope) matches the pattern. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rule as EventPattern[]).some((sub) => matchesPattern(sub, event))) return false;
      continue;
    }
    const present = isObject(event) && key in event;
    const value = present ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(rule)) {
      if (!matchLeaf(rule, value, present)) return false;
    } else if (isObject(rule)) {
      if (!matchesPattern(rule, isObject(value) ? value : {})) return false;
    } else {
      throw new Error(`pattern field "${key}" must be an array or an object`);
    }
  }
  return true;
}

/** Throws when a pattern has a leaf that is neither an array nor a nested object. */
export function assertValidPattern(pattern: EventPattern): void {
  matchesPattern(pattern, {});
}
