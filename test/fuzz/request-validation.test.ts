/**
 * Fuzz tier: request validation (shared/contracts/validate.ts `validateDetail`, over the zod contracts of
 * shared/contracts/events.ts and the AWS limits of shared/contracts/constraints.ts).
 *
 * `validateDetail(contract.detail, event.detail)` is the pure function the intake (shared/workflow/ingest.ts)
 * and the cancel path run on every request event: a valid request, or the list of field problems that the
 * one Request Rejected event carries. What is claimed, for every request kind (REQUEST_CONTRACTS):
 *   - for ANY input — fc.jsonValue, fc.anything, and hostile shapes: `__proto__` / `constructor` /
 *     `prototype` keys, nesting tens of thousands deep, strings of 300,000 characters, lone surrogates,
 *     NaN / -0 / ±1e308 / ±Infinity, arrays where objects are expected, hundreds of unknown keys —
 *     validation never throws, and either accepts or returns 1–MAX_REPORTED_ERRORS problems, each naming a
 *     field ("" only for the detail itself, when it is not an object, and for the "more errors" line), each
 *     clipped, the whole small enough for one PutEvents entry, and no malformed UTF-16 made from well-formed input;
 *   - a request built from arbitraries that respect the documented AWS limits (lengths at their bounds,
 *     documents serialised to exactly the limit) is accepted, and comes back unchanged;
 *   - breaking exactly one field of a valid request (one past a limit, wrong type, missing when required,
 *     a pattern violation, an unknown key, too deep, `__proto__`) yields a problem naming that field.
 * A validator that throws leaves an event neither started nor rejected (the intake retries it until it is
 * dead-lettered), and one that names the wrong field sends a user looking in the wrong place. In the spirit of
 * Middy's fuzz tests (github.com/middyjs/middy, packages/<name>/index.fuzz.js: fc.assert over fc.anything()
 * for every middleware: it must never throw unexpectedly), with fast-check (https://fast-check.dev).
 *
 * The request kinds live in test/fuzz/kinds/, one file per workflow (kinds/<workflow>.ts, after its
 * shared/<workflow>/ folder), each exporting `kinds`: for every request contract of that workflow its arbitrary of
 * valid requests and its ways of breaking one field. kinds/support.ts holds what several kinds share. This file
 * loads every other .ts file of that folder, so a new workflow adds its own file there and edits none; the first
 * test fails until every request contract has exactly one kind.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { contracts, REQUEST_CONTRACTS, type EventContract, type FieldError } from '../../shared/contracts/events';
import { MAX_JSON_DEPTH, MAX_REPORTED_ERRORS, validateDetail } from '../../shared/contracts/validate';
import { type Detail, fieldName, getAt, isPlainObject, type Kind, type Path, withAt } from './kinds/support';
import { nested, objectOf, runs, viaJson } from './support';

// ---- The request kinds: every file of test/fuzz/kinds/ but support.ts ----

const KINDS_DIR = join(__dirname, 'kinds');
const KIND_FILE_OF_WORKFLOW = 'add test/fuzz/kinds/<workflow>.ts exporting kinds';

/** Every kind of every kind file, with the file it comes from (for the messages of the first test). */
const LOADED: Array<{ file: string; kind: Kind }> = readdirSync(KINDS_DIR)
  .filter((file) => file.endsWith('.ts') && file !== 'support.ts')
  .sort()
  .flatMap((file) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the kind files are found by listing the folder at run time (a new workflow adds one and edits no list), so no static import can name them
    const { kinds } = require(join(KINDS_DIR, file)) as { kinds?: Kind[] };
    if (!Array.isArray(kinds)) throw new Error(`test/fuzz/kinds/${file} exports no \`kinds\` array: ${KIND_FILE_OF_WORKFLOW}`);
    return kinds.map((kind) => ({ file: `test/fuzz/kinds/${file}`, kind }));
  });

/** Where a kind's contract sits in REQUEST_CONTRACTS (after them all when it is not a request contract). */
const requestIndex = (kind: Kind) => {
  const at = REQUEST_CONTRACTS.findIndex((c) => c.detailType === kind.contract.detailType);
  return at === -1 ? REQUEST_CONTRACTS.length : at;
};

/** Every request kind, in the order of REQUEST_CONTRACTS (not of the files), each request made as JSON would. */
const KINDS: Kind[] = LOADED.map(({ kind }) => kind)
  .sort((a, b) => requestIndex(a) - requestIndex(b))
  .map((kind) => ({ ...kind, valid: kind.valid.map(viaJson) }));
const BY_DETAIL_TYPE: Array<[string, Kind]> = KINDS.map((kind) => [kind.contract.detailType, kind]);

// ---- Hostile input ----

/** A string is well-formed UTF-16 when it has no lone surrogate. */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** Hostile values: deep, huge, lone surrogates, odd numbers, objects with prototype keys, non-JSON values. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: MAX_JSON_DEPTH - 2, max: 30_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'), fc.constantFrom('k', '__proto__', '')).map(([depth, shape, key]) =>
      nested(depth, 'leaf', shape, key),
    ),
  },
  fc.tuple(fc.integer({ min: 1_000, max: 300_000 }), fc.constantFrom('x', '\u{1F600}', '\uD800', ' ', '\u0000')).map(([n, c]) => c.repeat(n).slice(0, n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\uD800', 'a\uDC00b', '\uDBFF\uDBFF', '\u{1F600}'.slice(0, 1)),
  fc.constantFrom(Number.NaN, -0, 1e308, -1e308, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE, 2 ** 53 + 1),
  fc.constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '[{"__proto__":null}]', '{"prototype":[]}').map((text) => JSON.parse(text) as unknown),
  fc.anything({ maxDepth: 3, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true }),
);

/** Keys every kind knows, Object.prototype's names, `__proto__`, "" and long keys of astral characters. */
const hostileKey = fc.oneof(
  fc.constantFrom('operation', 'typeName', 'desiredState', 'patchDocument', 'identifier', 'requestId', 'portfolioId', 'organizationNode', 'properties', 'enable', 'catalog'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', ''),
  fc.string({ maxLength: 10 }),
  fc.integer({ min: 100, max: 400 }).map((n) => '\u{1F600}'.repeat(n)),
);

/** All paths (to objects' keys and arrays' elements) of a JSON value. */
function pathsOf(value: unknown): Path[] {
  const paths: Path[] = [];
  const stack: Array<[unknown, Path]> = [[value, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) {
      const childPath = [...path, Array.isArray(node) ? Number(key) : key];
      paths.push(childPath);
      stack.push([child, childPath]);
    }
  }
  return paths;
}

/** A valid request with one value replaced by a hostile one, or a hostile member added to one of its objects. */
function mutated(valid: fc.Arbitrary<Detail>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostileValue, hostileKey, fc.boolean()).map(([request, which, value, key, replace]) => {
    const paths = pathsOf(request);
    if (replace && paths.length > 0) return withAt(request, paths[which % paths.length]!, value);
    const objects = [[], ...paths.filter((path) => isPlainObject(getAt(request, path)))] as Path[];
    return withAt(request, [...objects[which % objects.length]!, key], value);
  });
}

/** A detail of hostile keys and values, hundreds of them sometimes (more problems than a rejection lists). */
const hostileDetail = fc.oneof(
  fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 6 }).map(objectOf),
  fc.integer({ min: MAX_REPORTED_ERRORS - 2, max: 400 }).map((n) => objectOf(Array.from({ length: n }, (_, i) => [`unknown${i}`, i] as const))),
  fc.array(hostileValue, { maxLength: 4 }),
);

function anyInput(kind: Kind): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue(),
    fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true }),
    hostileDetail,
    mutated(kind.valid),
    mutated(kind.valid),
  );
}

/** Strings in the input (keys and values), to tell whether all of it was well-formed UTF-16. */
function allText(value: unknown): string[] {
  const texts: string[] = [];
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') texts.push(node);
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        texts.push(key);
        stack.push(child);
      }
    }
  }
  return texts;
}

/** validate.ts clips every field and message to this many characters (its MAX_TEXT, not exported). */
const MAX_TEXT = 256;

/** What every answer must be: accepted, or 1–MAX_REPORTED_ERRORS bounded problems that each name a field. */
function expectWellFormedAnswer(detail: unknown, result: ReturnType<typeof validateDetail>): void {
  expect(typeof result.ok).toBe('boolean');
  if (result.ok) {
    expect(isPlainObject(result.value)).toBe(true);
    return;
  }
  const { errors } = result;
  expect(errors.length).toBeGreaterThanOrEqual(1);
  expect(errors.length).toBeLessThanOrEqual(MAX_REPORTED_ERRORS);
  for (const error of errors as FieldError[]) {
    expect(typeof error.field).toBe('string');
    expect(error.code).toMatch(/^[a-z_]+$/);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.field.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(error.message.length).toBeLessThanOrEqual(MAX_TEXT);
    // "" is the detail itself: only when it is not an object at all, and for the "more errors" line.
    if (error.field === '' && !(error.code === 'too_many_errors' || (!isPlainObject(detail) && error.code === 'invalid_type'))) {
      throw new Error(`a problem names no field: ${JSON.stringify(error)}`);
    }
  }
  // The Request Rejected event carries them: one PutEvents entry is at most 256 KB with its envelope.
  expect(Buffer.byteLength(JSON.stringify(errors))).toBeLessThan(200_000);
  // Clipping never cuts a character in two: well-formed input gives well-formed text.
  if (allText(detail).every(wellFormed)) {
    for (const error of errors) if (!wellFormed(error.field) || !wellFormed(error.message)) throw new Error(`a lone surrogate in ${JSON.stringify(error)}`);
  }
}

// ---- Properties ----

describe('request validation (validateDetail) never fails unexpectedly', () => {
  it('covers every request kind', () => {
    const filesOf = (type: string) => LOADED.filter(({ kind }) => kind.contract.detailType === type).map(({ file }) => file);
    const requests = REQUEST_CONTRACTS.map((c) => c.detailType);
    const listed = [...new Set(LOADED.map(({ kind }) => kind.contract.detailType))];
    const missing = requests.filter((type) => filesOf(type).length === 0);
    if (missing.length > 0) throw new Error(`no kind for the request contract(s) ${missing.join(', ')}: ${KIND_FILE_OF_WORKFLOW} (see test/fuzz/kinds/support.ts)`);
    const twice = listed.filter((type) => filesOf(type).length > 1);
    if (twice.length > 0) throw new Error(`a request kind listed more than once: ${twice.map((type) => `${type} (${filesOf(type).join(', ')})`).join('; ')}`);
    const extra = listed.filter((type) => !requests.includes(type));
    if (extra.length > 0) throw new Error(`a kind whose contract is not a request contract: ${extra.map((type) => `${type} (${filesOf(type).join(', ')})`).join('; ')}`);
    expect(KINDS.map((kind) => kind.contract.detailType).sort()).toEqual(requests.sort());
  });

  it.each(BY_DETAIL_TYPE)('%s: any input is accepted, or refused with problems that each name a field', (_type, kind) => {
    fc.assert(
      fc.property(anyInput(kind), (detail) => {
        expectWellFormedAnswer(detail, validateDetail(kind.contract.detail, detail));
      }),
      runs(300),
    );
  });
});

describe('requests within the documented AWS limits are accepted', () => {
  it.each(BY_DETAIL_TYPE)('%s: accepted, and unchanged', (_type, kind) => {
    fc.assert(
      fc.property(kind.valid, (request) => {
        const result = validateDetail(kind.contract.detail, request);
        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors).slice(0, 500)}`);
        expect(result.value).toEqual(request);
      }),
      runs(150),
    );
  });
});

describe('breaking exactly one field of a valid request names that field', () => {
  it.each(BY_DETAIL_TYPE)('%s', (_type, kind) => {
    const broken = kind.valid.chain((request) =>
      fc.constantFrom(...kind.breaks(request)).chain((b) =>
        b.detail.map((detail) => {
          // An unknown key names itself.
          if (b.what === 'unknown key') {
            const { key, at, detail: withKey } = detail as { key: string; at: Path; detail: unknown };
            return { what: `unknown key ${JSON.stringify(key)}`, field: fieldName([...at, key]), detail: withKey };
          }
          return { what: b.what, field: b.field, detail };
        }),
      ),
    );
    fc.assert(
      fc.property(broken, ({ what, field, detail }) => {
        const result = validateDetail(kind.contract.detail, detail);
        expectWellFormedAnswer(detail, result);
        const fields = result.ok ? [] : result.errors.map((e) => e.field);
        // The field itself, or a path inside it: a wrong-type value that holds a hostile key of its own
        // (`requestId: [{"__proto__": null}]`) is refused at that key (unsafe_key), which is inside the field.
        const named = fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`));
        if (!named) throw new Error(`${what}: expected a problem naming "${field}", got ${JSON.stringify(fields).slice(0, 300)}`);
      }),
      runs(400),
    );
  });
});

describe('regressions found by this tier', () => {
  const fieldsOf = (contract: EventContract, detail: unknown) => {
    const result = validateDetail(contract.detail, detail);
    return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
  };
  const cancelContract = contracts.resourceOperationCancelRequested;

  it('an unknown empty key is named [""], not "" (which means the detail itself)', () => {
    expect(fieldsOf(cancelContract, { requestId: 'r-1', '': 1 })).toEqual(['[""]:unrecognized_key']);
    expect(fieldsOf(contracts.provisionedProductPropertiesUpdateRequested, { provisionedProductId: 'pp-1', properties: { OWNER: 'arn:aws:iam::123456789012:user/a', '': 1 } })).toEqual([
      'properties[""]:unrecognized_key',
    ]);
    expect(fieldsOf(cancelContract, { requestId: 'r-1', '': nested(MAX_JSON_DEPTH + 1, 1, 'array') })).toEqual(['[""]:too_deep']);
  });

  it('a clipped field name is cut between characters, never inside one', () => {
    const key = '\u{1F600}'.repeat(200);
    const [error] = (validateDetail(cancelContract.detail, objectOf([['requestId', 'r-1'], [key, 1]])) as { errors: FieldError[] }).errors;
    expect(error!.field.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(wellFormed(error!.field)).toBe(true);
    expect(error!.field.endsWith('…')).toBe(true);
  });
});
