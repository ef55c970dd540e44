/**
 * What the fuzz tier shares: how many runs a property gets, and how to replay one.
 *
 * Every property runs a fixed number of times (chosen per property by its cost, so the whole tier stays
 * well under 30 s on two cores). On a failure fast-check prints the seed and the path of the shrunk
 * counterexample; replay it with
 *
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest test/fuzz/<file> -t '<the failing test>'
 *
 * (fast-check's `seed` and `path` parameters of fc.assert, https://fast-check.dev: a failure report prints
 * both, and together they rebuild the shrunk counterexample at once).
 * FUZZ_RUNS_FACTOR (default 1) multiplies every numRuns for a longer local hunt.
 */
import fc from 'fast-check';

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/** fc.assert parameters: `numRuns` runs, or the replay of FUZZ_SEED (and FUZZ_PATH) when set. */
export function runs<T>(numRuns: number): fc.Parameters<T> {
  const seed = envNumber('FUZZ_SEED');
  const path = process.env.FUZZ_PATH;
  const factor = envNumber('FUZZ_RUNS_FACTOR') ?? 1;
  return {
    numRuns: Math.max(1, Math.round(numRuns * factor)),
    ...(seed === undefined ? {} : { seed }),
    ...(path ? { path } : {}),
  };
}

/** A JSON value as it arrives from EventBridge (through JSON text): no undefined, NaN, -0 or prototype tricks. */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * An object whose keys are all own data properties, as JSON.parse makes them: `__proto__` included (an
 * assignment or an object literal would set the prototype instead).
 */
export function objectOf(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** True when `key` is an own key anywhere in the value (walked without recursion). */
export function hasKeyAnywhere(value: unknown, key: string): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === null || typeof next !== 'object') continue;
    if (!Array.isArray(next) && Object.prototype.hasOwnProperty.call(next, key)) return true;
    stack.push(...Object.values(next));
  }
  return false;
}

/** `depth` levels of nesting around `leaf`, built without recursion: [[[leaf]]] or {"k":{"k":leaf}}. */
export function nested(depth: number, leaf: unknown, shape: 'array' | 'object', key = 'k'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = shape === 'array' ? [value] : objectOf([[key, value]]);
  return value;
}
