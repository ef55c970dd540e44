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
 */
import fc from 'fast-check';
import { MAX_DESIRED_STATE_LENGTH, MAX_PATCH_DOCUMENT_LENGTH, MAX_PROPERTY_VALUE_LENGTH } from '../../shared/contracts/constraints';
import { contracts, REQUEST_CONTRACTS, type EventContract, type FieldError } from '../../shared/contracts/events';
import { MAX_JSON_DEPTH, MAX_REPORTED_ERRORS, validateDetail } from '../../shared/contracts/validate';
import { hasKeyAnywhere, nested, objectOf, runs, viaJson } from './support';

type Detail = Record<string, unknown>;
type Path = Array<string | number>;

// ---- Text ----

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const LETTERS = LOWER + UPPER;
const ALNUM = LETTERS + DIGITS;
const ROLE_NAME = `${ALNUM}_+=,.@/-`;
const SESSION_NAME = `${ALNUM}_+=,.@-`;

/** A length in [min, max], its bounds often. */
const lengthIn = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
/** `length` characters of `alphabet`, the length in [min, max] and often at a bound. */
const text = (alphabet: string, min: number, max: number) =>
  lengthIn(min, max).chain((n) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: n, maxLength: n }));
/** One UTF-16 code unit that is not a control character: lone surrogates included (the regexes allow them). */
const printableUnit = fc.integer({ min: 0x20, max: 0xffff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c));
const printable = (min: number, max: number) => lengthIn(min, max).chain((n) => fc.string({ unit: printableUnit, minLength: n, maxLength: n }));
const CONTROL = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f)).map((c) => String.fromCharCode(c));

/** `text` with one character replaced by (or, when empty, set to) `bad`. */
const spoil = (value: string, bad: fc.Arbitrary<string>) =>
  fc.tuple(fc.nat(), bad).map(([at, c]) => (value.length === 0 ? c : value.slice(0, at % value.length) + c + value.slice((at % value.length) + 1)));

// ---- Valid fields, within the documented limits ----

const typeName = fc.tuple(text(ALNUM, 2, 64), text(ALNUM, 2, 64), text(ALNUM, 2, 64)).map((parts) => parts.join('::'));
const typeVersionId = text(`${ALNUM}-`, 1, 128);
const account = text(DIGITS, 12, 12);
const partition = text(`${LOWER}-`, 0, 12).map((suffix) => `aws${suffix}`);
const roleArn = fc.tuple(partition, account, text(ROLE_NAME, 1, 512)).map(([p, a, name]) => `arn:${p}:iam::${a}:role/${name}`);
const userArn = fc.tuple(partition, account, text(ROLE_NAME, 1, 512)).map(([p, a, name]) => `arn:${p}:iam::${a}:user/${name}`);
const assumedRoleArn = fc
  .tuple(partition, account, text(SESSION_NAME, 1, 64), text(SESSION_NAME, 2, 64))
  .map(([p, a, role, session]) => `arn:${p}:sts::${a}:assumed-role/${role}/${session}`);
const requestId = fc.tuple(text(ALNUM, 1, 1), text(`${ALNUM}_-`, 0, 79)).map(([first, rest]) => first + rest);
const identifier = printable(1, 1024);

/** JSON values as a resource model holds them: no `__proto__` key (refused by design), at most a few levels deep. */
const jsonMember = fc.jsonValue({ maxDepth: 3 }).filter((v) => !hasKeyAnywhere(v, '__proto__'));
const jsonKey = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');

/** An object of `members` whose JSON text is exactly `length` characters (a string member pads it). */
function padded(members: Detail, key: string, length: number): Detail {
  const base = JSON.stringify({ ...members, [key]: '' }).length;
  return { ...members, [key]: 'x'.repeat(length - base) };
}

const desiredState = fc.oneof(
  { weight: 20, arbitrary: fc.dictionary(jsonKey, jsonMember, { maxKeys: 5, noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.dictionary(jsonKey, jsonMember, { maxKeys: 2, noNullPrototype: true }).map((m) => padded(m, 'Padding', MAX_DESIRED_STATE_LENGTH)) },
);

/** JSON Pointer tokens: any text, "~" and "/" written ~0 and ~1. */
const pointerToken = fc.array(fc.oneof(fc.constantFrom('~0', '~1'), printableUnit.filter((c) => c !== '~' && c !== '/')), { maxLength: 8 }).map((t) => t.join(''));
const pointer = fc.oneof(
  { weight: 10, arbitrary: fc.array(pointerToken, { maxLength: 4 }).map((tokens) => tokens.map((t) => `/${t}`).join('')) },
  { weight: 1, arbitrary: fc.constant(`/${'p'.repeat(1023)}`) }, // 1,024 characters: the longest
);
const patchOperation = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'test'), path: pointer, value: jsonMember }),
  fc.record({ op: fc.constant('remove'), path: pointer }),
  fc.record({ op: fc.constantFrom('move', 'copy'), from: pointer, path: pointer }),
);
const patchDocument = fc.oneof(
  { weight: 20, arbitrary: fc.array(patchOperation, { minLength: 1, maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.array(patchOperation, { maxLength: 2 }).map((ops) => {
      const base = JSON.stringify([...ops, { op: 'add', path: '/Padding', value: '' }]).length;
      return [...ops, { op: 'add', path: '/Padding', value: 'x'.repeat(MAX_PATCH_DOCUMENT_LENGTH - base) }];
    }),
  },
);

const portfolioId = text(LOWER + DIGITS, 13, 13).map((s) => `port-${s}`);
const organizationNode = fc.oneof(
  text(LOWER + DIGITS, 10, 32).map((s) => ({ type: 'ORGANIZATION', value: `o-${s}` })),
  fc.tuple(text(DIGITS + LOWER, 4, 32), text(LOWER + DIGITS, 8, 32)).map(([a, b]) => ({ type: 'ORGANIZATIONAL_UNIT', value: `ou-${a}-${b}` })),
  account.map((value) => ({ type: 'ACCOUNT', value })),
);
const acceptLanguage = fc.constantFrom('en', 'jp', 'zh');
const provisionedProductId = text(`${ALNUM}_-`, 1, 100);
const pma = text(LOWER + DIGITS, 13, 13).map((s) => `pma-${s}`);
/** The ARN form; its fixed parts (with the pma- id) take 87 of the 1,011 characters. */
const pmaArn = (partitionLength?: number) =>
  fc
    .tuple(text(`${LOWER}-`, 1, 40), text(`${LOWER + DIGITS}-`, 1, 300), account, text(LETTERS, 1, 300), pma)
    .map(([p, region, a, catalog, id]) => {
      const part = partitionLength === undefined ? p : 'a'.repeat(partitionLength - 87 - region.length - catalog.length);
      return `arn:${part}:partnercentral:${region}:${a}:catalog/${catalog}/program-management-account/${id}`;
    });
const pmaIdentifier = fc.oneof(pma, pmaArn(), pmaArn(1011));

// ---- Valid requests, one generator per kind ----

const record = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: Array<keyof T & string>) =>
  fc.record(model, { requiredKeys: required, noNullPrototype: true }) as fc.Arbitrary<Detail>;

const resourceCommon = { typeName, typeVersionId, roleArn, requestId };
const resourceOperation = fc.oneof(
  record({ operation: fc.constant('CREATE'), ...resourceCommon, desiredState }, ['operation', 'typeName', 'desiredState']),
  record({ operation: fc.constant('UPDATE'), ...resourceCommon, identifier, patchDocument }, ['operation', 'typeName', 'identifier', 'patchDocument']),
  record({ operation: fc.constant('DELETE'), ...resourceCommon, identifier }, ['operation', 'typeName', 'identifier']),
);

const cancel = record({ requestId }, ['requestId']);

const portfolioShare = fc
  .tuple(
    fc.constantFrom('CREATE', 'UPDATE', 'DELETE'),
    fc.oneof(account.map((accountId) => ({ accountId })), organizationNode.map((node) => ({ organizationNode: node }))),
    record({ portfolioId, acceptLanguage, requestId }, ['portfolioId']),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom('tags', 'principals', 'both'),
  )
  .map(([operation, target, rest, tags, principals, which]) => {
    const orgShare = 'organizationNode' in target && target.organizationNode.type !== 'ACCOUNT';
    const flags: Detail = {};
    if (operation === 'CREATE') {
      if (which !== 'principals') flags.shareTagOptions = tags;
      if (orgShare && which !== 'tags') flags.sharePrincipals = principals;
    } else if (operation === 'UPDATE') {
      if (!orgShare || which !== 'principals') flags.shareTagOptions = tags;
      if (orgShare && which !== 'tags') flags.sharePrincipals = principals;
    }
    return { operation, ...rest, ...target, ...flags } as Detail;
  });

const organizationsAccess = record({ enable: fc.boolean(), requestId }, ['enable']);

const provisionedProduct = record(
  {
    provisionedProductId,
    properties: fc.oneof(
      record({ LAUNCH_ROLE: roleArn }, ['LAUNCH_ROLE']),
      record({ OWNER: fc.oneof(userArn, roleArn, assumedRoleArn) }, ['OWNER']),
      record({ LAUNCH_ROLE: roleArn, OWNER: fc.oneof(userArn, roleArn, assumedRoleArn) }, ['LAUNCH_ROLE', 'OWNER']),
    ),
    acceptLanguage,
    requestId,
  },
  ['provisionedProductId', 'properties'],
);

const programManagementAccount = record(
  { catalog: text(LETTERS, 1, 64), identifier: pmaIdentifier, displayName: printable(1, 30), revision: text(DIGITS, 1, 10), requestId },
  ['catalog', 'identifier'],
);

// ---- Breaking one field ----

/** How a problem names a field: `patchDocument[0].op`, `organizationNode.value`; an empty key as `[""]`. */
function fieldName(path: Path): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : key === '' ? '[""]' : `${i === 0 ? '' : '.'}${key}`)).join('');
}

function getAt(detail: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], detail);
}

/** A deep copy with the value at `path` replaced (`__proto__` kept as an own key), or removed. */
function withAt(detail: Detail, path: Path, value: unknown): Detail {
  const copy = structuredClone(detail);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
function withoutAt(detail: Detail, path: Path): Detail {
  const copy = structuredClone(detail);
  delete (getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]!];
  return copy;
}

interface Break {
  field: string;
  what: string;
  detail: fc.Arbitrary<unknown>;
}

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const typeOf = (v: unknown): JsonType => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));

const isPlainObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Values of every type but `expected`: hostile numbers (NaN, -0, ±1e308, ±Infinity) among them. */
const wrongType = (...expected: JsonType[]) =>
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

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** A value of exactly `length` characters that breaks only the length limit (where the pattern allows one). */
  ofLength?: (length: number) => string;
  /** Values within the limits that break the pattern. */
  bad?: fc.Arbitrary<string>;
}

/** The breaks of one string field: missing (when required), wrong type, one under/over its limits, bad pattern. */
function stringBreaks(request: Detail, path: Path, rule: StringRule): Break[] {
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
function unknownKeyBreak(request: Detail, at: Path, known: string[]): Break[] {
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
function structureBreaks(request: Detail, at: Path, member: string): Break[] {
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

const roleArnOfLength = (suffix: string) => (n: number) => {
  const tail = `:iam::123456789012:${suffix}`;
  return `arn:aws${'a'.repeat(Math.max(0, n - 7 - tail.length))}${tail}`.slice(0, n);
};

const requestIdRule: StringRule = { min: 1, max: 80, bad: fc.constantFrom('-a', '_a', 'a b', 'a.b', 'a/b', 'é', '\u{1F600}') };
const acceptLanguageBreaks = (request: Detail) => stringBreaks(request, ['acceptLanguage'], { bad: fc.constantFrom('fr', 'EN', '', 'en-US') });

function resourceOperationBreaks(request: Detail): Break[] {
  const operation = request.operation as string;
  const known = ['operation', 'typeName', 'typeVersionId', 'roleArn', 'requestId', ...(operation === 'CREATE' ? ['desiredState'] : ['identifier']), ...(operation === 'UPDATE' ? ['patchDocument'] : [])];
  const breaks: Break[] = [
    ...stringBreaks(request, ['operation'], { required: true, bad: fc.constantFrom('create', 'READ', '', 'UPSERT') }),
    ...stringBreaks(request, ['typeName'], {
      required: true,
      min: 10,
      max: 196,
      bad: fc.oneof(
        fc.constantFrom('AWS::S3', 'AWS::S3::Bucket::Extra', 'AWS::S-3::Bucket', 'A::S3::Bucket', 'AWS:S3:Bucket', 'AWS::S3::Bucket '),
        text(ALNUM, 65, 65).map((long) => `AWS::${long}::Bucket`),
      ),
    }),
    ...stringBreaks(request, ['typeVersionId'], { min: 1, max: 128, bad: fc.constantFrom('v1.0', 'a_b', 'a b', '0000/1') }),
    ...stringBreaks(request, ['roleArn'], {
      min: 20,
      max: 2048,
      ofLength: roleArnOfLength('role/r'),
      bad: fc.oneof(
        fc.constantFrom('arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::12345678901:role/r', 'arn:aws:iam::123456789012:role/', 'arn:aws:sts::123456789012:role/r'),
        fc.constant(`arn:aws:iam::123456789012:role/${'r'.repeat(513)}`),
      ),
    }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], known),
    ...structureBreaks(request, [], 'requestId'),
  ];
  if (operation === 'CREATE') {
    breaks.push(
      { field: 'desiredState', what: 'missing', detail: fc.constant(withoutAt(request, ['desiredState'])) },
      { field: 'desiredState', what: 'wrong type (arrays too)', detail: wrongType('object').map((v) => withAt(request, ['desiredState'], v)) },
      { field: 'desiredState', what: `over ${MAX_DESIRED_STATE_LENGTH} characters`, detail: fc.constant(withAt(request, ['desiredState'], padded({}, 'Blob', MAX_DESIRED_STATE_LENGTH + 1))) },
      { field: 'identifier', what: 'a field of another operation', detail: identifier.map((v) => withAt(request, ['identifier'], v)) },
      ...structureBreaks(request, ['desiredState'], 'Tags'),
    );
  } else {
    breaks.push(
      ...stringBreaks(request, ['identifier'], { required: true, min: 1, max: 1024, bad: spoil(request.identifier as string, CONTROL) }),
      { field: 'desiredState', what: 'a field of another operation', detail: fc.constant(withAt(request, ['desiredState'], {})) },
    );
  }
  if (operation === 'UPDATE') {
    const ops = request.patchDocument as Detail[];
    breaks.push(
      { field: 'patchDocument', what: 'missing', detail: fc.constant(withoutAt(request, ['patchDocument'])) },
      { field: 'patchDocument', what: 'wrong type (objects too)', detail: wrongType('array').map((v) => withAt(request, ['patchDocument'], v)) },
      { field: 'patchDocument', what: 'empty', detail: fc.constant(withAt(request, ['patchDocument'], [])) },
      {
        field: 'patchDocument',
        what: `over ${MAX_PATCH_DOCUMENT_LENGTH} characters`,
        detail: fc.constant(
          withAt(request, ['patchDocument'], [{ op: 'add', path: '/Blob', value: 'x'.repeat(MAX_PATCH_DOCUMENT_LENGTH + 1 - JSON.stringify([{ op: 'add', path: '/Blob', value: '' }]).length) }]),
        ),
      },
    );
    ops.forEach((op, i) => {
      const at: Path = ['patchDocument', i];
      breaks.push(
        { field: fieldName([...at, 'op']), what: 'unknown op', detail: fc.constantFrom('merge', 'ADD', '', 7).map((v) => withAt(request, [...at, 'op'], v)) },
        { field: fieldName([...at, 'path']), what: 'not a JSON Pointer', detail: fc.constantFrom('a', '/~2', '~', 'a/b', `/${'p'.repeat(1024)}`, 5).map((v) => withAt(request, [...at, 'path'], v)) },
        { field: fieldName([...at, 'path']), what: 'missing', detail: fc.constant(withoutAt(request, [...at, 'path'])) },
        { field: fieldName([...at, 'extra']), what: 'a member RFC 6902 does not define', detail: fc.constant(withAt(request, [...at, 'extra'], 1)) },
        { field: fieldName(at), what: 'not an object', detail: fc.constantFrom<unknown>('add', null, [], 3).map((v) => withAt(request, at, v)) },
      );
      if ('value' in op) breaks.push({ field: fieldName([...at, 'value']), what: 'missing', detail: fc.constant(withoutAt(request, [...at, 'value'])) });
      if ('from' in op) breaks.push({ field: fieldName([...at, 'from']), what: 'missing', detail: fc.constant(withoutAt(request, [...at, 'from'])) });
    });
  }
  return breaks;
}

function portfolioShareBreaks(request: Detail): Break[] {
  const operation = request.operation as string;
  const node = request.organizationNode as { type: string; value: string } | undefined;
  const orgShare = node !== undefined && node.type !== 'ACCOUNT';
  const known = ['operation', 'portfolioId', 'accountId', 'organizationNode', 'acceptLanguage', 'requestId', ...(operation === 'DELETE' ? [] : ['shareTagOptions', 'sharePrincipals'])];
  const breaks: Break[] = [
    ...stringBreaks(request, ['operation'], { required: true, bad: fc.constantFrom('create', 'MOVE', '') }),
    ...stringBreaks(request, ['portfolioId'], {
      required: true,
      max: 100,
      ofLength: (n) => `port-${'a'.repeat(n - 5)}`,
      bad: fc.oneof(text(LOWER + DIGITS, 12, 12).map((s) => `port-${s}`), text(LOWER, 14, 14).map((s) => `port-${s}`), fc.constantFrom('port-ABCDEFGHIJKLM', 'prod-2abcdext3y5fk')),
    }),
    ...acceptLanguageBreaks(request),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], known),
    ...structureBreaks(request, [], 'requestId'),
    // "Exactly one of accountId or organizationNode" is reported at accountId (crossFieldIssue in events.ts).
    { field: 'accountId', what: 'no target', detail: fc.constant(withoutAt(withoutAt(request, ['accountId']), ['organizationNode'])) },
    {
      field: 'accountId',
      what: 'both targets',
      detail: node ? account.map((a) => withAt(request, ['accountId'], a)) : organizationNode.map((n) => withAt(request, ['organizationNode'], n)),
    },
  ];
  if (node) {
    const other = node.type === 'ACCOUNT' ? 'o-a1b2c3d4e5' : '123456789012';
    breaks.push(
      { field: 'organizationNode', what: 'wrong type (arrays too)', detail: wrongType('object').map((v) => withAt(request, ['organizationNode'], v)) },
      { field: 'organizationNode.type', what: 'unknown type', detail: fc.constantFrom('ROOT', 'account', '', 'constructor').map((t) => withAt(request, ['organizationNode', 'type'], t)) },
      { field: 'organizationNode.value', what: 'the id of another type', detail: fc.constant(withAt(request, ['organizationNode', 'value'], other)) },
      ...stringBreaks(request, ['organizationNode', 'value'], { required: true, max: 100 }),
      ...unknownKeyBreak(request, ['organizationNode'], ['type', 'value']),
      ...structureBreaks(request, ['organizationNode'], 'value'),
    );
  } else {
    breaks.push(
      ...stringBreaks(request, ['accountId'], { bad: fc.oneof(text(DIGITS, 11, 11), text(DIGITS, 13, 13), text(LOWER, 12, 12)) }),
    );
  }
  if (operation === 'DELETE') {
    breaks.push({ field: 'shareTagOptions', what: 'a flag on DELETE', detail: fc.boolean().map((b) => withAt(request, ['shareTagOptions'], b)) });
  } else {
    breaks.push(
      { field: 'shareTagOptions', what: 'wrong type', detail: wrongType('boolean').map((v) => withAt(request, ['shareTagOptions'], v)) },
      { field: 'sharePrincipals', what: 'wrong type', detail: wrongType('boolean').map((v) => withAt(request, ['sharePrincipals'], v)) },
    );
    if (!orgShare) breaks.push({ field: 'sharePrincipals', what: 'principal sharing with an account', detail: fc.boolean().map((b) => withAt(request, ['sharePrincipals'], b)) });
  }
  if (operation === 'UPDATE') {
    breaks.push({ field: 'shareTagOptions', what: 'UPDATE without a flag', detail: fc.constant(withoutAt(withoutAt(request, ['shareTagOptions']), ['sharePrincipals'])) });
  }
  return breaks;
}

function organizationsAccessBreaks(request: Detail): Break[] {
  return [
    { field: 'enable', what: 'missing', detail: fc.constant(withoutAt(request, ['enable'])) },
    { field: 'enable', what: 'wrong type', detail: wrongType('boolean').map((v) => withAt(request, ['enable'], v)) },
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['enable', 'requestId']),
    ...structureBreaks(request, [], 'enable'),
  ];
}

function cancelBreaks(request: Detail): Break[] {
  return [...stringBreaks(request, ['requestId'], { ...requestIdRule, required: true }), ...unknownKeyBreak(request, [], ['requestId']), ...structureBreaks(request, [], 'requestId')];
}

function provisionedProductBreaks(request: Detail): Break[] {
  const arnRule = (suffix: string, bad: string[]): StringRule => ({ max: MAX_PROPERTY_VALUE_LENGTH, ofLength: roleArnOfLength(suffix), bad: fc.constantFrom(...bad) });
  return [
    ...stringBreaks(request, ['provisionedProductId'], { required: true, min: 1, max: 100, bad: fc.constantFrom('pp!', 'pp 1', 'pp/1', 'pp.1') }),
    { field: 'properties', what: 'missing', detail: fc.constant(withoutAt(request, ['properties'])) },
    { field: 'properties', what: 'wrong type (arrays too)', detail: wrongType('object').map((v) => withAt(request, ['properties'], v)) },
    { field: 'properties', what: 'empty', detail: fc.constant(withAt(request, ['properties'], {})) },
    ...stringBreaks(request, ['properties', 'LAUNCH_ROLE'], arnRule('role/r', ['arn:aws:iam::123456789012:user/alice', 'arn:aws:sts::123456789012:assumed-role/Admin/x', 'role/r'])),
    ...stringBreaks(request, ['properties', 'OWNER'], arnRule('user/u', ['arn:aws:iam::123456789012:group/admins', 'alice', 'arn:aws:sts::123456789012:assumed-role/Admin/x'])),
    ...unknownKeyBreak(request, ['properties'], ['LAUNCH_ROLE', 'OWNER']),
    ...structureBreaks(request, ['properties'], 'OWNER'),
    ...acceptLanguageBreaks(request),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['provisionedProductId', 'properties', 'acceptLanguage', 'requestId']),
  ];
}

function programManagementAccountBreaks(request: Detail): Break[] {
  return [
    ...stringBreaks(request, ['catalog'], { required: true, min: 1, max: 64, bad: fc.constantFrom('AWS1', 'A B', 'Sand-box', 'é') }),
    ...stringBreaks(request, ['identifier'], {
      required: true,
      min: 17,
      max: 1011,
      ofLength: (n) => (n < 17 ? 'pma-abcdefghij1234'.slice(0, n) : `arn:${'a'.repeat(n - 87 - 2)}:partnercentral:r:123456789012:catalog/A/program-management-account/pma-abcdefghij123`),
      bad: fc.oneof(
        fc.constantFrom('pma-ABCDEFGHIJ123', 'pmx-abcdefghij123', 'pma-abcdefghij12', 'pma-abcdefghij1234'),
        fc.constant('arn:aws:iam::123456789012:catalog/AWS/program-management-account/pma-abcdefghij123'),
      ),
    }),
    ...stringBreaks(request, ['displayName'], { min: 1, max: 30, bad: spoil(typeof request.displayName === 'string' ? request.displayName : 'Partner', CONTROL) }),
    ...stringBreaks(request, ['revision'], { min: 1, max: 10, ofLength: (n) => '7'.repeat(n), bad: fc.constantFrom('4a', '-1', '1.0', ' 1') }),
    ...stringBreaks(request, ['requestId'], requestIdRule),
    ...unknownKeyBreak(request, [], ['catalog', 'identifier', 'displayName', 'revision', 'requestId']),
    ...structureBreaks(request, [], 'catalog'),
  ];
}

interface Kind {
  contract: EventContract;
  valid: fc.Arbitrary<Detail>;
  breaks: (request: Detail) => Break[];
}

/** Every request kind; a new one must be added here (the first test checks it is). */
const KINDS: Kind[] = [
  { contract: contracts.resourceOperationRequested, valid: resourceOperation, breaks: resourceOperationBreaks },
  { contract: contracts.resourceOperationCancelRequested, valid: cancel, breaks: cancelBreaks },
  { contract: contracts.portfolioShareRequested, valid: portfolioShare, breaks: portfolioShareBreaks },
  { contract: contracts.organizationsAccessChangeRequested, valid: organizationsAccess, breaks: organizationsAccessBreaks },
  { contract: contracts.provisionedProductPropertiesUpdateRequested, valid: provisionedProduct, breaks: provisionedProductBreaks },
  { contract: contracts.programManagementAccountUpdateRequested, valid: programManagementAccount, breaks: programManagementAccountBreaks },
].map((kind) => ({ ...kind, valid: kind.valid.map(viaJson) }));
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
    expect(KINDS.map((kind) => kind.contract.detailType).sort()).toEqual(REQUEST_CONTRACTS.map((c) => c.detailType).sort());
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
        if (!fields.includes(field)) throw new Error(`${what}: expected a problem naming "${field}", got ${JSON.stringify(fields).slice(0, 300)}`);
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
