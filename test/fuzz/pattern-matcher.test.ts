/**
 * Fuzz tier: the local EventBridge pattern matcher (local/emulators/pattern-matcher.ts, event-ruler semantics).
 *
 * The local stack routes every event through `matchesPattern`, and checks serverless.yml's rule patterns with
 * `assertValidPattern` the way PutRule would. What is claimed, for generated events and patterns:
 *   - a pattern made of the event's own leaf values (exact match on all or some of its paths, taken
 *     consistently from one element of each array) matches that event, written flat ("a.b") or nested;
 *   - `prefix` and `suffix` of a string value, a one-star `wildcard` made from it, and numeric ranges that
 *     contain a number value, match; ranges that do not contain it, do not;
 *   - `anything-but` of a field's only value flips a single-field pattern; of another value, it matches;
 *   - `$or` of two patterns matches exactly when one of them does;
 *   - matching does not depend on the order of keys in the event or in the pattern;
 *   - `assertValidPattern` on any value either accepts it or throws InvalidEventPatternException, never another
 *     error; and a pattern it accepts never throws when matched, whatever the event (non-JSON values, deep
 *     nesting, `__proto__` keys).
 * The matcher decides which Lambda sees which event; a wrong "no match" loses a request silently, and a
 * crash in it takes the whole local stack down. In the spirit of Middy's fuzz tests (github.com/middyjs/middy,
 * packages/<name>/index.fuzz.js: fc.assert over fc.anything() for every middleware), with fast-check
 * (https://fast-check.dev).
 */
import fc from 'fast-check';
import { assertValidPattern, InvalidEventPatternException, matchesPattern, type EventPattern } from '../../local/emulators/pattern-matcher';
import { hasKeyAnywhere, nested, objectOf, runs, viaJson } from './support';

type Leaf = string | number | boolean | null;
type Segments = string[];

// ---- Events ----

/** Keys that collide on purpose: with each other ("a.b" is a → b), with operators, with Object.prototype. */
const KEYS = ['a', 'b', 'c', 'detail', 'source', 'a.b', '', 'prefix', 'numeric', 'constructor', '__proto__', 'toString'];
const keyArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const leafArb: fc.Arbitrary<Leaf> = fc.oneof(
  fc.constantFrom('x', 'xy', 'Xy', 'yx', '', '10.0.0.1', '*', 'a\\b'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** A JSON event: own keys only (as JSON.parse makes them), `__proto__` included. */
const jsonEventArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, tie('object'), fc.array(tie('value'), { maxLength: 3 })),
  object: fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }).map((entries) => objectOf(entries)),
})).object;

/** The leaves of one "slice" of the event: in every array, the scalars and one chosen element (object or array). */
function sliceLeaves(event: Record<string, unknown>, choose: (length: number) => number): Array<[Segments, Leaf]> {
  const leaves: Array<[Segments, Leaf]> = [];
  const stack: Array<{ value: unknown; path: Segments }> = Object.entries(event).map(([key, value]) => ({ value, path: [key] }));
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      const elements = value.filter((v) => typeof v === 'object' && v !== null);
      for (const v of value) if (!(typeof v === 'object' && v !== null)) stack.push({ value: v, path });
      if (elements.length > 0) stack.push({ value: elements[choose(elements.length)], path });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, key] });
    } else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      leaves.push([path, value as Leaf]);
    }
  }
  return leaves;
}

/** Every leaf of the event under its dotted path (all elements of all arrays). */
function allLeaves(event: Record<string, unknown>): Map<string, Leaf[]> {
  const byPath = new Map<string, Leaf[]>();
  for (const [path, leaf] of everyLeaf(event)) byPath.set(path.join('.'), [...(byPath.get(path.join('.')) ?? []), leaf]);
  return byPath;
}

function everyLeaf(event: Record<string, unknown>): Array<[Segments, Leaf]> {
  const leaves: Array<[Segments, Leaf]> = [];
  const stack: Array<{ value: unknown; path: Segments }> = Object.entries(event).map(([key, value]) => ({ value, path: [key] }));
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) for (const v of value) stack.push({ value: v, path });
    else if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, key] });
    else leaves.push([path, value as Leaf]);
  }
  return leaves;
}

/** A pattern with one flat key per path ("a.b": [...]); `$or` as a whole key would be an operator, so it is left out. */
function flatPattern(conditions: Array<[Segments, unknown[]]>): EventPattern {
  return objectOf(conditions.filter(([path]) => path.join('.') !== '$or').map(([path, values]) => [path.join('.'), values] as const));
}

/** The same conditions as nested objects (a → b → [...]); a path that cannot nest (it ends where another goes on) stays flat. */
function nestedPattern(conditions: Array<[Segments, unknown[]]>): EventPattern {
  const root: Record<string, unknown> = {};
  for (const [path, values] of conditions) {
    if (path.includes('$or')) continue;
    let node = root;
    let placed = true;
    for (const key of path.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
      if (Array.isArray(next)) {
        placed = false;
        break;
      }
      if (next === undefined) Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
      node = node[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (placed && !Object.prototype.hasOwnProperty.call(node, last)) Object.defineProperty(node, last, { value: values, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** Deterministic shuffles from one generated seed (mulberry32), so a failure replays. */
function shuffler(seed: number): <T>(items: T[]) => T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return <T>(items: T[]) => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
}

/** The same value with every object's keys in another order (arrays keep theirs: their order is data). */
function reorderKeys(value: unknown, shuffle: <T>(items: T[]) => T[]): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, shuffle));
  if (typeof value !== 'object' || value === null) return value;
  return objectOf(shuffle(Object.entries(value)).map(([k, v]) => [k, reorderKeys(v, shuffle)] as const));
}

function isValid(pattern: unknown): boolean {
  try {
    assertValidPattern(pattern);
    return true;
  } catch (error) {
    if (error instanceof InvalidEventPatternException) return false;
    throw error;
  }
}

// ---- Patterns ----

const smallString = fc.oneof(fc.constantFrom('x', 'xy', 'X', 'y', '', '10.0.0.1'), fc.string({ maxLength: 4 }));
const smallNumber = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -10, max: 10, noNaN: true }));
/** Wildcards: "*" any run, "\\*" a star; never "**" (refused: consecutive wildcard characters). */
const wildcardText = fc.string({ unit: fc.constantFrom('x', 'y', '*', '\\*'), maxLength: 5 }).map((s) => s.replace(/(?<!\\)\*{2,}/g, '*'));

/** A numeric range [low, high] with low < high (Range.ensureValidRange refuses the others). */
const rangeArb = fc.tuple(smallNumber, smallNumber).map(([p, q]) => (p < q ? [p, q] : p > q ? [q, p] : [p, p + 1]));

/** One element of a value array that PutRule takes (but for a rare "too complex" wildcard). */
const validConditionArb: fc.Arbitrary<unknown> = fc.oneof(
  smallString,
  smallNumber,
  fc.boolean(),
  fc.constant(null),
  fc.record({ prefix: fc.oneof(smallString, fc.record({ 'equals-ignore-case': smallString })) }),
  fc.record({ suffix: fc.oneof(smallString, fc.record({ 'equals-ignore-case': smallString })) }),
  fc.record({ 'equals-ignore-case': smallString }),
  fc.record({ wildcard: wildcardText }),
  fc.record({
    numeric: fc.oneof(
      fc.tuple(fc.constantFrom('=', '<', '<=', '>', '>='), smallNumber),
      fc.tuple(fc.constantFrom('>', '>='), fc.constantFrom('<', '<='), rangeArb).map(([lo, hi, [low, high]]) => [lo, low, hi, high]),
    ),
  }),
  fc.record({
    'anything-but': fc.oneof(
      smallString,
      smallNumber,
      fc.array(smallString, { minLength: 1, maxLength: 3 }),
      fc.array(smallNumber, { minLength: 1, maxLength: 3 }),
      fc.record({ prefix: smallString.filter((s) => s !== '') }),
      fc.record({ suffix: smallString.filter((s) => s !== '') }),
      fc.record({ 'equals-ignore-case': fc.oneof(smallString, fc.array(smallString, { minLength: 1, maxLength: 2 })) }),
      fc.record({ wildcard: fc.oneof(wildcardText, fc.array(wildcardText, { minLength: 1, maxLength: 2 })) }),
    ),
  }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ cidr: fc.constantFrom('10.0.0.0/8', '10.0.0.0/24', '2001:db8::/32', '0.0.0.0/0') }),
);

/** Mostly invalid: wrong argument types, unknown or wrongly cased operators, two keys in one expression. */
const invalidishConditionArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.constantFrom('prefix', 'numeric', 'anything-but', 'exists', 'EXISTS', 'cidr', 'wildcard', 'regex'), fc.jsonValue({ maxDepth: 2 }), {
    minKeys: 1,
    maxKeys: 2,
  }),
  fc.record({ numeric: fc.array(fc.oneof(fc.constantFrom('>', '<', '=', '>=', '<=', 'x'), smallNumber, fc.jsonValue({ maxDepth: 1 })), { maxLength: 5 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One element of a value array: mostly valid, sometimes not. */
const conditionArb = fc.oneof({ weight: 30, arbitrary: validConditionArb }, { weight: 1, arbitrary: invalidishConditionArb });
const valueArrayArb = fc.array(conditionArb, { minLength: 1, maxLength: 3 });
const FIELD_KEYS = ['a', 'b', 'c', 'detail', 'source'];
const OR_KEYS = ['x', 'y', 'z'];

/** A pattern over FIELD_KEYS, nested up to three levels; no path is written twice. */
function patternOver(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
    node: fc
      .uniqueArray(fc.tuple(fc.constantFrom(...keys), fc.oneof({ depthSize: 'small', maxDepth: 2 }, valueArrayArb, tie('node'))), {
        minLength: 1,
        maxLength: 3,
        selector: ([key]) => key,
      })
      .map((entries) => objectOf(entries)),
  })).node;
}

/** A pattern, with a top-level `$or` of patterns over keys of their own sometimes. */
const patternArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(patternOver(FIELD_KEYS), fc.option(fc.array(patternOver(OR_KEYS), { minLength: 2, maxLength: 3 }), { nil: undefined }))
  .map(([base, or]) => (or ? objectOf([...Object.entries(base), ['$or', or]]) : base));

/** Events shaped like the patterns (their keys, small values), so that many match. */
const matchingShapedEventArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { weight: 3, arbitrary: fc.oneof(smallString, smallNumber, fc.boolean(), fc.constant(null)) },
    { weight: 1, arbitrary: leafArb },
    { weight: 2, arbitrary: tie('object') },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
  ),
  object: fc.array(fc.tuple(fc.constantFrom(...FIELD_KEYS, ...OR_KEYS), tie('value')), { maxLength: 6 }).map((entries) => objectOf(entries)),
})).object;

/**
 * An event the pattern should match: for every field, a value meeting the first condition of its array (the
 * first choice of a `$or`). Written from event-ruler's README, independently of the matcher.
 */
function witness(pattern: Record<string, unknown>): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') entries.push(...Object.entries(witness((value as Array<Record<string, unknown>>)[0]!)));
    else if (Array.isArray(value)) {
      const leaf = meets(value[0]);
      if (leaf !== ABSENT) entries.push([key, leaf]);
    } else entries.push([key, witness(value as Record<string, unknown>)]);
  }
  return objectOf(entries);
}

const ABSENT = Symbol('absent');
/** A condition no JSON value meets, such as [">", 1.7976931348623157e308]. */
class NoWitness extends Error {}
const compares = (op: string, leaf: number, bound: number) => (op === '>' ? leaf > bound : op === '>=' ? leaf >= bound : op === '<' ? leaf < bound : leaf <= bound);
const witnessOrNothing = (pattern: Record<string, unknown>) => {
  try {
    return witness(pattern);
  } catch (error) {
    if (error instanceof NoWitness) return undefined;
    throw error;
  }
};
const unescapeWildcard = (w: string) => w.replace(/\\(.)|\*/g, (_m, c: string | undefined) => c ?? '');

function meets(condition: unknown): unknown {
  if (typeof condition !== 'object' || condition === null) return condition;
  const [[operator, argument]] = Object.entries(condition) as [[string, unknown]];
  // {"prefix": {"equals-ignore-case": "p"}} and the like: met by the upper-cased text.
  const affix = (a: unknown) => (typeof a === 'string' ? a : String(Object.values(a as object)[0]).toUpperCase());
  switch (operator) {
    case 'prefix':
      return `${affix(argument)}w`;
    case 'suffix':
      return `w${affix(argument)}`;
    case 'equals-ignore-case':
      return (argument as string).toUpperCase();
    case 'wildcard':
      return unescapeWildcard(argument as string);
    case 'numeric': {
      const [op, n, topOp, top] = argument as [string, number, string?, number?];
      if (op === '=') return n;
      const value = top !== undefined ? n / 2 + top / 2 : op.startsWith('<') ? n - Math.max(1, Math.abs(n)) : n + Math.max(1, Math.abs(n));
      // Doubles run out: no finite number above 1.7976931348623157e308, none strictly between neighbours.
      if (!Number.isFinite(value) || !compares(op, value, n) || (top !== undefined && !compares(topOp!, value, top))) throw new NoWitness();
      return value;
    }
    case 'anything-but': {
      // A list of numbers excludes numbers only; every other form excludes strings only.
      const numbers = typeof argument === 'number' || (Array.isArray(argument) && typeof argument[0] === 'number');
      return numbers ? '\u2603w' : 987.25;
    }
    case 'exists':
      return argument ? 'w' : ABSENT;
    case 'cidr':
      return { '10.0.0.0/8': '10.1.2.3', '10.0.0.0/24': '10.0.0.9', '2001:db8::/32': '2001:db8::1', '0.0.0.0/0': '1.2.3.4' }[argument as string];
    default:
      throw new Error(`no witness for ${operator}`);
  }
}

/** A pattern, and an event that either meets it (its witness, when it is valid) or is merely shaped like it. */
const patternAndEventArb = fc
  .tuple(patternArb, fc.boolean(), matchingShapedEventArb)
  .map(([pattern, meet, other]) => [pattern, (meet && isValid(pattern) && witnessOrNothing(pattern)) || other] as const);

/** Anything at all, as an event: non-JSON values, boxed values, Maps, sparse arrays, null prototypes. */
const hostileEventArb = fc.oneof(
  matchingShapedEventArb,
  jsonEventArb,
  fc.anything({
    key: fc.oneof(fc.constantFrom(...FIELD_KEYS, ...OR_KEYS, '__proto__'), fc.string()),
    maxDepth: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
  // Deep along a path a pattern may name, as deep as PutEvents takes (1100 levels).
  fc.tuple(fc.constantFrom(...FIELD_KEYS), fc.integer({ min: 100, max: 1100 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([key, depth, shape]) =>
    objectOf([[key, nested(depth, 'x', shape, key)]]),
  ),
);

/** Choices, used in turn (and cycled): which element of an array, whether to keep a path. */
const picks = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 1, maxLength: 32 }).map((list) => {
  let i = 0;
  return () => list[i++ % list.length]!;
});

describe('matchesPattern: patterns made from the event', () => {
  it('exact values of some or all of its paths, taken from one element of each array, match (flat and nested)', () => {
    fc.assert(
      fc.property(jsonEventArb, picks(fc.nat()), picks(fc.boolean()), (event, pick, keep) => {
        const leaves = sliceLeaves(event, (length) => pick() % length);
        const chosen = leaves.filter(() => keep());
        const conditions: Array<[Segments, unknown[]]> = (chosen.length > 0 ? chosen : leaves.slice(0, 1)).map(([path, leaf]) => [path, [leaf]]);
        fc.pre(conditions.length > 0 && conditions.every(([path]) => path.join('.') !== '$or'));
        const flat = flatPattern(conditions);
        assertValidPattern(flat);
        expect(matchesPattern(flat, event)).toBe(true);
        // The event as it arrives over the wire (JSON text) matches too.
        expect(matchesPattern(flat, JSON.parse(JSON.stringify(event)))).toBe(true);
        const deep = nestedPattern(conditions);
        if (Object.keys(deep).length > 0) {
          assertValidPattern(deep);
          expect(matchesPattern(deep, event)).toBe(true);
        }
      }),
      runs(1500),
    );
  });

  it('prefix, suffix and a one-star wildcard of a string value match it', () => {
    const escapeWildcard = (s: string) => s.replace(/[\\*]/g, (c) => `\\${c}`);
    fc.assert(
      fc.property(jsonEventArb, fc.nat(), fc.nat(), fc.nat(), (event, which, cut, cutEnd) => {
        const strings = everyLeaf(event).filter((leaf): leaf is [Segments, string] => typeof leaf[1] === 'string');
        fc.pre(strings.length > 0);
        const [path, value] = strings[which % strings.length]!;
        fc.pre(path.join('.') !== '$or');
        const at = cut % (value.length + 1);
        const to = at + (cutEnd % (value.length - at + 1));
        const key = path.join('.');
        const flat = (condition: unknown) => objectOf([[key, [condition]]]);
        expect(matchesPattern(flat({ prefix: value.slice(0, at) }), event)).toBe(true);
        expect(matchesPattern(flat({ suffix: value.slice(at) }), event)).toBe(true);
        expect(matchesPattern(flat({ 'equals-ignore-case': value }), event)).toBe(true);
        const wildcard = flat({ wildcard: `${escapeWildcard(value.slice(0, at))}*${escapeWildcard(value.slice(to))}` });
        // A star followed by repeats can be "too complex" for AWS (and so here); a pattern it takes must match.
        if (isValid(wildcard)) expect(matchesPattern(wildcard, event)).toBe(true);
      }),
      runs(1000),
    );
  });

  it('numeric ranges containing a number value match it, bounds included as written; others do not', () => {
    const number = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e15, max: 1e15, noNaN: true }));
    const holds = compares;
    fc.assert(
      fc.property(jsonEventArb, fc.constantFrom('a', 'detail.n', 'x.y.z'), number, number, number, (base, field, p, q, r) => {
        const [low, value, high] = [p, q, r].sort((x, y) => x - y) as [number, number, number];
        // The one leaf at `field` is `value` (set over whatever was there).
        const event = { ...viaJson(base), ...objectOf([[field, value]]) };
        fc.pre(allLeaves(event).get(field)?.length === 1);
        const range = (terms: unknown[]) => objectOf([[field, [{ numeric: terms }]]]);
        expect(matchesPattern(range(['=', value]), event)).toBe(true);
        // Every range over the three numbers (bounds on the value itself too), with every pair of operators.
        for (const [bottom, top] of [[low, high], [low, value], [value, high]] as const) {
          if (!(bottom < top)) continue;
          for (const above of ['>', '>=']) {
            for (const below of ['<', '<=']) {
              const expected = holds(above, value, bottom) && holds(below, value, top);
              expect([above, bottom, below, top, matchesPattern(range([above, bottom, below, top]), event)]).toEqual([above, bottom, below, top, expected]);
            }
          }
        }
        for (const op of ['<', '<=', '>', '>=']) {
          for (const bound of [low, value, high]) expect(matchesPattern(range([op, bound]), event)).toBe(holds(op, value, bound));
        }
      }),
      runs(600),
    );
  });

  it('anything-but the only value of a field flips a single-field pattern; anything-but another value matches', () => {
    fc.assert(
      fc.property(jsonEventArb, fc.nat(), fc.oneof(smallString, smallNumber, fc.string()), (event, which, other) => {
        const single = [...allLeaves(event)].filter(
          ([path, leaves]) => path !== '$or' && leaves.length === 1 && (typeof leaves[0] === 'string' || typeof leaves[0] === 'number'),
        );
        fc.pre(single.length > 0);
        const [path, [value]] = single[which % single.length]! as [string, [string | number]];
        const pattern = (condition: unknown) => objectOf([[path, [condition]]]);
        expect(matchesPattern(pattern(value), event)).toBe(true);
        expect(matchesPattern(pattern({ 'anything-but': value }), event)).toBe(false);
        expect(matchesPattern(pattern({ 'anything-but': [value] }), event)).toBe(false);
        if (typeof other === typeof value && other !== value) {
          expect(matchesPattern(pattern({ 'anything-but': other }), event)).toBe(true);
        }
      }),
      runs(1000),
    );
  });
});

describe('matchesPattern: algebra', () => {
  it('an event that meets the first condition of every field (and the first choice of a $or) matches', () => {
    fc.assert(
      fc.property(patternArb, (pattern) => {
        fc.pre(isValid(pattern));
        const event = witnessOrNothing(pattern);
        fc.pre(event !== undefined);
        expect(matchesPattern(pattern, event)).toBe(true);
        expect(matchesPattern(pattern, JSON.parse(JSON.stringify(event)))).toBe(true);
      }),
      runs(800),
    );
  });

  it('$or of two patterns matches exactly when one of them does', () => {
    fc.assert(
      fc.property(patternOver(FIELD_KEYS), patternOver(FIELD_KEYS), fc.constantFrom('left', 'right', 'other'), matchingShapedEventArb, (left, right, which, other) => {
        fc.pre(isValid(left) && isValid(right));
        const either = { $or: [left, right] };
        fc.pre(isValid(either)); // together they may be "too complex"
        const event = (which === 'left' ? witnessOrNothing(left) : which === 'right' ? witnessOrNothing(right) : other) ?? other;
        expect(matchesPattern(either, event)).toBe(matchesPattern(left, event) || matchesPattern(right, event));
      }),
      runs(600),
    );
  });

  it('does not depend on the order of keys, in the event or in the pattern', () => {
    fc.assert(
      fc.property(patternAndEventArb, jsonEventArb, fc.boolean(), fc.integer(), ([pattern, shaped], json, useJson, seed) => {
        fc.pre(isValid(pattern));
        const event = useJson ? json : shaped;
        const shuffle = shuffler(seed);
        const expected = matchesPattern(pattern, event);
        expect(matchesPattern(pattern, reorderKeys(event, shuffle))).toBe(expected);
        const reordered = reorderKeys(pattern, shuffle) as EventPattern;
        expect(isValid(reordered)).toBe(true);
        expect(matchesPattern(reordered, event)).toBe(expected);
      }),
      runs(800),
    );
  });
});

describe('assertValidPattern and matchesPattern never fail unexpectedly', () => {
  const invalidOnly = (pattern: unknown) => {
    try {
      assertValidPattern(pattern);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventPatternException);
      expect((error as InvalidEventPatternException).message).toMatch(/^Event pattern is not valid\. Reason: ./);
    }
  };

  it('on any JSON value or pattern-like object: accepts, or throws InvalidEventPatternException', () => {
    fc.assert(fc.property(fc.oneof(patternArb, fc.jsonValue(), fc.dictionary(keyArb, fc.jsonValue())), invalidOnly), runs(2000));
  });

  it('on anything at all (non-JSON values too): accepts, or throws InvalidEventPatternException', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withDate: true }), invalidOnly), runs(1000));
  });

  it('on patterns nested as deep as the 4096-character pattern limit allows: accepts, or throws InvalidEventPatternException', () => {
    // PutRule's EventPattern is at most 4096 characters (2048 by default): {"a":…} nests at most ~680 levels.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), conditionArb, fc.constantFrom('a', '$or', 'prefix'), (depth, condition, key) => {
        invalidOnly(nested(depth, [condition], 'object', key));
        invalidOnly(nested(depth, { a: [condition] }, 'object', key));
      }),
      runs(50),
    );
  });

  it('a valid pattern never throws when matched, whatever the event', () => {
    fc.assert(
      fc.property(patternArb, hostileEventArb, (pattern, event) => {
        fc.pre(isValid(pattern));
        expect(typeof matchesPattern(pattern, event)).toBe('boolean');
      }),
      runs(1500),
    );
  });

  it('the generated patterns are mostly valid, and match some events (the properties above are not vacuous)', () => {
    const samples = fc.sample(patternAndEventArb, { numRuns: 500, seed: 42 });
    const valid = samples.filter(([pattern]) => isValid(pattern));
    expect(valid.length).toBeGreaterThan(samples.length / 3);
    const matched = valid.filter(([pattern, event]) => matchesPattern(pattern, event)).length;
    expect(matched).toBeGreaterThan(valid.length / 3);
    expect(hasKeyAnywhere(fc.sample(jsonEventArb, { numRuns: 300, seed: 1 }), '__proto__')).toBe(true);
  });
});

describe('regressions found by this tier', () => {
  it('an empty key is a path segment like any other: {"": {"x": 1}} has the path ".x", not "x"', () => {
    const event = { '': { x: 1 } };
    expect(matchesPattern({ '': { x: [1] } }, event)).toBe(true);
    expect(matchesPattern({ '.x': [1] }, event)).toBe(true);
    expect(matchesPattern({ x: [1] }, event)).toBe(false);
    expect(matchesPattern({ '': [1] }, { '': 1 })).toBe(true);
    expect(matchesPattern({ a: { '': { b: [1] } } }, { a: { '': { b: 1 } } })).toBe(true);
  });
});
