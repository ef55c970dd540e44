/**
 * What the request kinds of the request-validation fuzz tier (../request-validation.test.ts) share: the `Kind`
 * each test/fuzz/kinds/<workflow>.ts exports, the text and field arbitraries several kinds use, and the ways of
 * breaking one field of a valid request (`stringBreaks`, `unknownKeyBreak`, `structureBreaks`, …).
 *
 * Not a kind file: the test loads every other .ts file of this folder, and skips this one.
 */
import fc from 'fast-check';
import type { EventContract } from '../../../shared/contracts/events';
import { MAX_JSON_DEPTH } from '../../../shared/contracts/validate';
import { hasKeyAnywhere, nested } from '../support';

export type Detail = Record<string, unknown>;
export type Path = Array<string | number>;

// ---- Text ----

export const DIGITS = '0123456789';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
export const LETTERS = LOWER + UPPER;
export const ALNUM = LETTERS + DIGITS;
export const ROLE_NAME = `${ALNUM}_+=,.@/-`;

/** A length in [min, max], its bounds often. */
const lengthIn = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
/** `length` characters of `alphabet`, the length in [min, max] and often at a bound. */
export const text = (alphabet: string, min: number, max: number) =>
  lengthIn(min, max).chain((n) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: n, maxLength: n }));
/** One UTF-16 code unit that is not a control character: lone surrogates included (the regexes allow them). */
export const printableUnit = fc.integer({ min: 0x20, max: 0xffff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c));
export const printable = (min: number, max: number) => lengthIn(min, max).chain((n) => fc.string({ unit: printableUnit, minLength: n, maxLength: n }));
export const CONTROL = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f)).map((c) => String.fromCharCode(c));

/** `text` with one character replaced by (or, when empty, set to) `bad`. */
export const spoil = (value: string, bad: fc.Arbitrary<string>) =>
  fc.tuple(fc.nat(), bad).map(([at, c]) => (value.length === 0 ? c : value.slice(0, at % value.length) + c + value.slice((at % value.length) + 1)));

// ---- Valid fields that several kinds share, within the documented limits ----

export const account = text(DIGITS, 12, 12);
export const partition = text(`${LOWER}-`, 0, 12).map((suffix) => `aws${suffix}`);
export const roleArn = fc.tuple(partition, account, text(ROLE_NAME, 1, 512)).map(([p, a, name]) => `arn:${p}:iam::${a}:role/${name}`);
export const requestId = fc.tuple(text(ALNUM, 1, 1), text(`${ALNUM}_-`, 0, 79)).map(([first, rest]) => first + rest);
export const acceptLanguage = fc.constantFrom('en', 'jp', 'zh');

/** JSON values as a resource model holds them: no `__proto__` key (refused by design), at most a few levels deep. */
export const jsonMember = fc.jsonValue({ maxDepth: 3 }).filter((v) => !hasKeyAnywhere(v, '__proto__'));
export const jsonKey = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');

// ---- Valid requests ----

export const record = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: Array<keyof T & string>) =>
  fc.record(model, { requiredKeys: required, noNullPrototype: true }) as fc.Arbitrary<Detail>;

// ---- Breaking one field ----

/** How a problem names a field: `patchDocument[0].op`, `organizationNode.value`; an empty key as `[""]`. */
export function fieldName(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : key === '' ? '[""]' : `${i === 0 ? '' : '.'}${key}`)).join('');
}

export function getAt(detail: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], detail);
}

/** A deep copy with the value at `path` replaced (`__proto__` kept as an own key), or removed. */
export function withAt(detail: Detail, path: Path, value: unknown): Detail {
  const copy = structuredClone(detail);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
export function withoutAt(detail: Detail, path: Path): Detail {
  const copy = structuredClone(detail);
  delete (getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]!];
  return copy;
}

export interface Break {
  field: string;
  what: string;
  detail: fc.Arbitrary<unknown>;
}

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const typeOf = (v: unknown): JsonType => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));

export const isPlainObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Values of every type but `expected`: hostile numbers (NaN, -0, ±1e308, ±Infinity) among them. */
export const wrongType = (...expected: JsonType[]) =>
  fc
    .oneof(
      fc.string({ maxLength: 5 }),
      fc.double(),
      fc.constantFrom(Number.NaN, -0, 1e308, -1e308, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
      fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2, noNullPrototype: true }),
    )
    .filter((v) => !expected.includes(typeOf(v)));

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** A value of exactly `length` characters that breaks only the length limit (where the pattern allows one). */
  ofLength?: (length: number) => string;
  /** Values within the limits that break the pattern. */
  bad?: fc.Arbitrary<string>;
}

/** The breaks of one string field: missing (when required), wrong type, one under/over its limits, bad pattern. */
export function stringBreaks(request: Detail, path: Path, rule: StringRule): Break[] {
  const field = fieldName(path);
  const set = (values: fc.Arbitrary<unknown>) => values.map((v) => withAt(request, path, v));
  const breaks: Break[] = [{ field, what: 'wrong type', detail: set(wrongType('string')) }];
  if (rule.required) breaks.push({ field, what: 'missing', detail: fc.constant(withoutAt(request, path)) });
  const ofLength = rule.ofLength ?? ((n: number) => 'a'.repeat(n));
  if (rule.min) breaks.push({ field, what: `shorter than ${rule.min}`, detail: set(fc.constant(ofLength(rule.min - 1))) });
  if (rule.max !== undefined) breaks.push({ field, what: `longer than ${rule.max}`, detail: set(fc.constant(ofLength(rule.max + 1))) });
  if (rule.bad) breaks.push({ field, what: 'bad pattern', detail: set(rule.bad) });
  return breaks;
}

/** An unknown key in the object at `at` (the detail itself when empty): Object.prototype's names and "" included. */
export function unknownKeyBreak(request: Detail, at: Path, known: string[]): Break[] {
  const key = fc
    .oneof(fc.constantFrom('constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'extra', 'Operation'), fc.string({ maxLength: 20 }))
    .filter((k) => !known.includes(k) && k !== '__proto__');
  return [
    {
      field: '(the unknown key)',
      what: 'unknown key',
      // Its value breaks nothing else (a `__proto__` inside it would be refused first, by its own path).
      detail: fc.tuple(key, jsonMember).map(([k, v]) => ({ key: k, at, detail: withAt(request, [...at, k], v) })),
    },
  ];
}

/** Hostile structure in the object at `at`: a `__proto__` key, or a member nested past MAX_JSON_DEPTH. */
export function structureBreaks(request: Detail, at: Path, member: string): Break[] {
  return [
    { field: fieldName([...at, '__proto__']), what: '__proto__ key', detail: fc.jsonValue({ maxDepth: 1 }).map((v) => withAt(request, [...at, '__proto__'], v)) },
    {
      // too_deep names the top-level field the deep value sits in.
      field: fieldName([(at[0] as string | undefined) ?? member]),
      what: 'too deep',
      detail: fc.tuple(fc.integer({ min: MAX_JSON_DEPTH + 1, max: 5000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, shape]) =>
        withAt(request, [...at, member], nested(depth, 1, shape)),
      ),
    },
  ];
}

export const roleArnOfLength = (suffix: string) => (n: number) => {
  const tail = `:iam::123456789012:${suffix}`;
  return `arn:aws${'a'.repeat(Math.max(0, n - 7 - tail.length))}${tail}`.slice(0, n);
};

export const requestIdRule: StringRule = { min: 1, max: 80, bad: fc.constantFrom('-a', '_a', 'a b', 'a.b', 'a/b', 'é', '\u{1F600}') };
export const acceptLanguageBreaks = (request: Detail) => stringBreaks(request, ['acceptLanguage'], { bad: fc.constantFrom('fr', 'EN', '', 'en-US') });

// ---- A kind ----

/**
 * One request kind: its contract, an arbitrary of valid requests (within the documented AWS limits), and the
 * ways of breaking exactly one field of such a request, each with the field the problem must name.
 */
export interface Kind {
  contract: EventContract;
  valid: fc.Arbitrary<Detail>;
  breaks: (request: Detail) => Break[];
}
