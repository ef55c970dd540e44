import type { z } from 'zod';
import type { FieldError } from './common';

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Deeper JSON than any resource model needs; far below where recursive parsing exhausts the stack. */
export const MAX_JSON_DEPTH = 64;
/** A rejection names at most this many fields: the Request Rejected event must fit in one PutEvents entry. */
export const MAX_REPORTED_ERRORS = 50;
const MAX_TEXT = 256;

/**
 * Render a zod issue path as `patchDocument[0].op`. An empty key renders as `[""]`: a bare "" would read as
 * the detail itself (found by test/fuzz/request-validation.test.ts).
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : key === '' ? '[""]' : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/**
 * The one key JSON can carry that JavaScript objects cannot hold as data:
 * `__proto__`. JSON.parse keeps it as an own property, but every copy made
 * by assignment (zod's parse among them) turns it into a prototype change
 * and drops it, silently. No AWS property is named so; such a request is
 * refused, naming the key, instead of being sent without it. (`constructor`
 * and `prototype` are ordinary data keys and are kept.)
 */
export const UNSAFE_KEY = '__proto__';

/** Values nested deeper than MAX_JSON_DEPTH (by top-level field) and `__proto__` keys (by path), found without recursion. */
function unsafeShape(detail: unknown): FieldError[] {
  const deep = new Set<string>();
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; depth: number; field: string; path: PropertyKey[] }> = [{ value: detail, depth: 0, field: '', path: [] }];
  while (stack.length > 0 && errors.length <= MAX_REPORTED_ERRORS) {
    const { value, depth, field, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      deep.add(field);
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, Array.isArray(value) ? Number(key) : key];
      if (key === UNSAFE_KEY) {
        errors.push({ field: fieldPath(childPath), code: 'unsafe_key', message: `the key "${UNSAFE_KEY}" cannot be carried (no AWS property has that name)` });
        continue;
      }
      stack.push({ value: child, depth: depth + 1, field: depth === 0 ? fieldPath(childPath) : field, path: childPath });
    }
  }
  return [...[...deep].map((field) => ({ field, code: 'too_deep', message: `nests deeper than ${MAX_JSON_DEPTH} levels` })), ...errors];
}

/** Cut between characters, never inside a surrogate pair: half of one is not text (found by test/fuzz). */
const clip = (text: string) => {
  if (text.length <= MAX_TEXT) return text;
  const end = /[\uD800-\uDBFF]/.test(text[MAX_TEXT - 2]!) ? MAX_TEXT - 2 : MAX_TEXT - 1;
  return `${text.slice(0, end)}…`;
};

/** At most MAX_REPORTED_ERRORS errors, each clipped: hostile input must not make the rejection itself undeliverable. */
function bounded(errors: FieldError[]): FieldError[] {
  const clipped = errors.map((e) => ({ field: clip(e.field), code: e.code, message: clip(e.message) }));
  if (clipped.length <= MAX_REPORTED_ERRORS) return clipped;
  const shown = clipped.slice(0, MAX_REPORTED_ERRORS - 1);
  return [...shown, { field: '', code: 'too_many_errors', message: `${clipped.length - shown.length} more errors not listed` }];
}

/**
 * Validates an event detail and reports every offending field with the rule
 * it broke. Unknown keys are reported one by one so a typo names itself.
 * JSON nested deeper than MAX_JSON_DEPTH, and `__proto__` keys, are refused
 * before parsing.
 */
export function validateDetail<S extends z.ZodType>(schema: S, detail: unknown): Validation<z.infer<S>> {
  const unsafe = unsafeShape(detail);
  if (unsafe.length > 0) return { ok: false, errors: bounded(unsafe) };
  const result = schema.safeParse(detail);
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ field: fieldPath([...issue.path, key]), code: 'unrecognized_key', message: 'is not a recognised field' });
      }
      continue;
    }
    // Cross-field rules carry their own name (contracts' crossFieldIssue); the rest use zod's code.
    const rule = issue.code === 'custom' ? (issue.params as { rule?: string } | undefined)?.rule : undefined;
    errors.push({ field: fieldPath(issue.path), code: rule ?? issue.code, message: issue.message });
  }
  return { ok: false, errors: bounded(errors) };
}
