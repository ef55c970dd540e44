/** JSON with object keys sorted, so equal values always serialise equally. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Lone UTF-16 surrogates: not text, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A value echoed from untrusted input into an event or a log line: strings
 * only (anything else is named by its type, never walked: a hostile value can
 * be nested thousands deep), at most `max` characters, cut between code
 * points, with lone surrogates replaced so the result is valid UTF-8.
 */
export function boundedText(value: unknown, max = 256): string {
  if (typeof value !== 'string') return value === undefined ? '' : `(${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
  let clipped = value;
  if (value.length > max) {
    clipped = '';
    for (const codePoint of value) {
      if (clipped.length + codePoint.length > max) break;
      clipped += codePoint;
    }
  }
  return clipped.replace(LONE_SURROGATE, '\uFFFD');
}
