import type { z } from 'zod';
import type { FieldError } from './events';

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Render a zod issue path as `patchDocument[0].op`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/**
 * Validates an event detail and reports every offending field with the rule
 * it broke. Unknown keys are reported one by one so a typo names itself.
 */
export function validateDetail<S extends z.ZodType>(schema: S, detail: unknown): Validation<z.infer<S>> {
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
  return { ok: false, errors };
}
