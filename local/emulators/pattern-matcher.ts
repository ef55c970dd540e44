/**
 * EventBridge event patterns, as AWS checks and matches them.
 *
 * EventBridge runs AWS's open-source matcher, event-ruler (github.com/aws/event-ruler): PutRule and
 * TestEventPattern reject what its JsonRuleCompiler rejects, with its message after "Event pattern is not valid.
 * Reason: ", and rules match the way its array-consistent finder (ACFinder, `rulesForJSONEvent`) does. This module
 * follows that code; "event-ruler X.java" below names the file a rule comes from. It is checked against LocalStack's
 * TestEventPattern cases that were run against AWS (test/fixtures/event-patterns, test/unit/pattern-matcher.test.ts).
 *
 * How it works, as in event-ruler:
 * - A pattern compiles to one or more branches (one per combination of `$or` choices). A branch maps a field path,
 *   the keys joined with "." ("detail.state"), to the conditions of its value array. A dot inside a key is just part
 *   of the path, so {"a.b": [..]} and {"a": {"b": [..]}} are the same field, in patterns and in events.
 * - An event flattens to its leaf values (string, number, boolean, null) under the same kind of path. Objects and
 *   arrays are not values: `exists` only sees leaves, and an empty array is no value at all.
 * - A branch matches when every path finds a leaf that one of its conditions accepts, or is absent where the array
 *   holds {"exists": false}; and the leaves chosen never come from different elements of one array in the event.
 *   That last rule is event-ruler's `rulesForJSONEvent` (README, "JSON Array Matching"); AWS does not document
 *   which finder EventBridge uses, and no AWS-verified case tells them apart.
 */
export type EventPattern = Record<string, unknown>;

/** What PutRule and TestEventPattern answer for a pattern they refuse (HTTP 400). */
export class InvalidEventPatternException extends Error {
  override readonly name = 'InvalidEventPatternException';

  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

/** Throws InvalidEventPatternException, with event-ruler's wording, when PutRule would refuse the pattern. */
export function assertValidPattern(pattern: unknown): asserts pattern is EventPattern {
  compile(pattern);
}

/**
 * True when the event (a full EventBridge envelope) matches the pattern, as TestEventPattern answers.
 * Throws InvalidEventPatternException for a pattern PutRule would refuse.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const branches = compile(pattern);
  if (!isObject(event)) return false;
  const fields = flattenEvent(event, new Set(branches.flatMap((branch) => [...branch.keys()])));
  return branches.some((branch) => matchesBranch(branch, fields));
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling and checking a pattern (event-ruler JsonRuleCompiler.java)

type Leaf = string | number | boolean | null;
type ValueTest = (value: Leaf) => boolean;

/** The value array of one field: any test may accept a leaf; `absent` when it holds {"exists": false}. */
interface FieldConditions {
  tests: ValueTest[];
  absent: boolean;
  /** Its wildcard and anything-but wildcard conditions, for the complexity limit. */
  wildcards: WildcardCondition[];
  /** The array as written, to tell which fields share a state of the rule machine (see checkComplexity). */
  source: unknown[];
}

/** One combination of `$or` choices: field path → conditions. */
type Branch = Map<string, FieldConditions>;

interface WildcardCondition {
  /** Identifies the condition: equal conditions are one pattern in event-ruler's machine. */
  id: string;
  /** One wildcard, or the values of an anything-but wildcard. */
  values: WildcardToken[][];
}

/** Each pattern object is checked and compiled once (the stack matches every event against every rule). */
const compiled = new WeakMap<object, Branch[]>();

function compile(pattern: unknown): Branch[] {
  if (!isObject(pattern)) throw invalid('Filter is not an object');
  let branches = compiled.get(pattern);
  if (!branches) {
    branches = parseObject(pattern, [], [new Map()], false);
    checkComplexity(branches);
    compiled.set(pattern, branches);
  }
  return branches;
}

function invalid(reason: string): InvalidEventPatternException {
  return new InvalidEventPatternException(reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys event-ruler refuses inside `$or`, so that a mistyped operator is not read as a field (Constants.java). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);

/** parseObject / parseObjectInsideOrRelationship: each key is an object to descend into, a value array, or `$or`. */
function parseObject(object: Record<string, unknown>, path: string[], branches: Branch[], insideOr: boolean): Branch[] {
  const entries = Object.entries(object);
  if (entries.length === 0) throw invalid('Empty objects are not allowed');
  for (const [key, value] of entries) {
    if (key === '$or') {
      branches = parseOr(value, path, branches);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) throw invalid(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    if (isObject(value)) {
      branches = parseObject(value, [...path, key], branches, insideOr);
    } else if (Array.isArray(value)) {
      const conditions = parseValueArray(value);
      // A path given twice (e.g. "a.b" and a → b) keeps the last one, as event-ruler's compile does.
      for (const branch of branches) branch.set([...path, key].join('.'), conditions);
    } else {
      throw invalid(`"${key}" must be an object or an array`);
    }
  }
  return branches;
}

/** parseIntoOrRelationship: every object in the array forks the branches built so far. */
function parseOr(value: unknown, path: string[], branches: Branch[]): Branch[] {
  if (!Array.isArray(value)) throw invalid('It must be an Array followed with $or.');
  const forked: Branch[] = [];
  for (const choice of value) {
    if (!isObject(choice)) throw invalid('Only JSON object is allowed in array of $or relationship.');
    forked.push(...parseObject(choice, path, branches.map((branch) => new Map(branch)), true));
  }
  if (value.length < 2) throw invalid('There must have at least 2 Objects in $or relationship.');
  return forked;
}

/** writeRules: the value array of a field. */
function parseValueArray(values: unknown[]): FieldConditions {
  const conditions: FieldConditions = { tests: [], absent: false, wildcards: [], source: values };
  for (const value of values) {
    if (isObject(value)) {
      parseMatchExpression(value, conditions);
    } else if (typeof value === 'string') {
      // A string that is an IP address matches that address however the event writes it (CIDR.ipToRangeIfPossible).
      const ip = ipAddress(value);
      conditions.tests.push(ip ? (leaf) => typeof leaf === 'string' && sameBytes(ipAddress(leaf), ip) : (leaf) => leaf === value);
    } else if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
      // Numbers match by value (300 matches 300.0), and only numbers: "300" is a string (Patterns.numericEquals).
      conditions.tests.push((leaf) => leaf === value);
    } else {
      throw invalid('Match value must be String, number, true, false, or null');
    }
  }
  if (values.length === 0) throw invalid('Empty arrays are not allowed');
  return conditions;
}

/** processMatchExpression: one {"operator": argument} object in a value array. */
function parseMatchExpression(expression: Record<string, unknown>, conditions: FieldConditions): void {
  const entries = Object.entries(expression);
  if (entries.length === 0) throw invalid('Match expression name not found');
  const [[operator, argument], ...others] = entries as [[string, unknown], ...Array<[string, unknown]>];
  // event-ruler reads the first key's argument before it notices a second key, so the argument's error comes first.
  const onlyOneKey = () => {
    if (others.length) throw invalid('Only one key allowed in match expression');
  };
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      conditions.tests.push(parsePrefixOrSuffix(operator, argument));
      onlyOneKey();
      return;
    }
    case 'equals-ignore-case': {
      if (typeof argument !== 'string') throw invalid('equals-ignore-case match pattern must be a string');
      conditions.tests.push((leaf) => typeof leaf === 'string' && equalsIgnoreCase(leaf, argument));
      onlyOneKey();
      return;
    }
    case 'wildcard': {
      if (typeof argument !== 'string') throw invalid('wildcard match pattern must be a string');
      const tokens = parseWildcard(argument);
      conditions.tests.push((leaf) => typeof leaf === 'string' && wildcardMatches(tokens, leaf));
      conditions.wildcards.push({ id: JSON.stringify(['wildcard', argument]), values: [tokens] });
      onlyOneKey();
      return;
    }
    case 'numeric': {
      if (!Array.isArray(argument)) throw invalid('Value of numeric must be an array.');
      conditions.tests.push(parseNumeric(argument));
      // event-ruler words any key after "numeric" or "anything-but" this way (tooManyElements).
      if (others.length) throw invalid('Too many elements in numeric expression');
      return;
    }
    case 'anything-but': {
      conditions.tests.push(parseAnythingBut(argument, conditions));
      if (others.length) throw invalid('Too many elements in numeric expression');
      return;
    }
    case 'exists': {
      if (argument !== true && argument !== false) throw invalid('exists match pattern must be either true or false.');
      // true: any leaf at the path; false: no leaf at the path ("exists" only works on leaf nodes, event-ruler README).
      if (argument) conditions.tests.push(() => true);
      else conditions.absent = true;
      onlyOneKey();
      return;
    }
    case 'cidr': {
      // event-ruler reuses the prefix message here (JsonRuleCompiler.java, CIDR branch); AWS answers the same.
      if (typeof argument !== 'string') throw invalid('prefix match pattern must be a string');
      const [low, high] = parseCidr(argument);
      conditions.tests.push((leaf) => {
        const ip = typeof leaf === 'string' ? ipAddress(leaf) : undefined;
        return !!ip && ip.length === low.length && compareBytes(low, ip) <= 0 && compareBytes(ip, high) <= 0;
      });
      onlyOneKey();
      return;
    }
    default:
      // Operators are case-sensitive: {"EXISTS": true} is refused, not read as "exists".
      throw invalid(`Unrecognized match type ${operator}`);
  }
}

/** {"prefix": "x"}, {"suffix": "x"}, or either with {"equals-ignore-case": "x"}; only strings match. */
function parsePrefixOrSuffix(operator: 'prefix' | 'suffix', argument: unknown): ValueTest {
  const Operator = operator === 'prefix' ? 'Prefix' : 'Suffix';
  let affix = argument;
  let ignoreCase = false;
  if (isObject(argument)) {
    const [first, ...more] = Object.entries(argument);
    if (!first) throw invalid(`${Operator} expression name not found`);
    if (first[0] !== 'equals-ignore-case') throw invalid(`Unsupported ${operator} pattern: ${first[0]}`);
    if (typeof first[1] !== 'string') throw invalid('equals-ignore-case match pattern must be a string');
    if (more.length) throw invalid('Only one key allowed in match expression');
    [affix, ignoreCase] = [first[1], true];
  } else if (typeof argument !== 'string') {
    throw invalid(`${operator} match pattern must be a string`);
  }
  const text = ignoreCase ? (affix as string).toLowerCase() : (affix as string);
  return (leaf) => {
    if (typeof leaf !== 'string') return false;
    const value = ignoreCase ? leaf.toLowerCase() : leaf;
    return operator === 'prefix' ? value.startsWith(text) : value.endsWith(text);
  };
}

/**
 * processNumericMatchExpression: ["=", n], ["<" | "<=", n], [">" | ">=", n] or [">" | ">=", low, "<" | "<=", high].
 * Only number leaves match; "300" is a string.
 */
function parseNumeric(terms: unknown[]): ValueTest {
  const [operator] = terms;
  if (typeof operator !== 'string') throw invalid(`Invalid member in numeric match: ${tokenText(terms, 0)}`);
  const number = (index: number, name: string): number => {
    const value = terms[index];
    if (typeof value !== 'number') throw invalid(`Value of ${name} must be numeric`);
    return value;
  };
  const noMoreThan = (count: number) => {
    if (terms.length > count) throw invalid('Too many elements in numeric expression');
  };
  switch (operator) {
    case '=': {
      const n = number(1, 'equals');
      noMoreThan(2);
      return (leaf) => leaf === n;
    }
    case '<':
    case '<=': {
      const top = number(1, operator);
      noMoreThan(2);
      return (leaf) => typeof leaf === 'number' && (operator === '<' ? leaf < top : leaf <= top);
    }
    case '>':
    case '>=': {
      const bottom = number(1, operator);
      const above = (leaf: number) => (operator === '>' ? leaf > bottom : leaf >= bottom);
      if (terms.length === 2) return (leaf) => typeof leaf === 'number' && above(leaf);
      // completeNumericRange: only a lower bound may be followed by an upper one.
      const topOperator = terms[2];
      if (typeof topOperator !== 'string') throw invalid(`Bad value in numeric range: ${tokenText(terms, 2)}`);
      if (topOperator !== '<' && topOperator !== '<=') throw invalid(`Bad numeric range operator: ${topOperator}`);
      const top = number(3, topOperator);
      if (terms.length > 4) throw invalid('Too many terms in numeric range expression');
      if (!(bottom < top)) throw invalid('Bottom must be less than top'); // Range.ensureValidRange
      const below = (leaf: number) => (topOperator === '<' ? leaf < top : leaf <= top);
      return (leaf) => typeof leaf === 'number' && above(leaf) && below(leaf);
    }
    default:
      throw invalid(`Unrecognized numeric range operator: ${operator}`);
  }
}

/** What event-ruler's JSON parser shows for the token at `index` of an array (parser.getText()). */
function tokenText(array: unknown[], index: number): string {
  if (index >= array.length) return ']';
  const token = array[index];
  if (Array.isArray(token)) return '[';
  if (isObject(token)) return '{';
  return String(token);
}

/**
 * processAnythingBut*: a value or a list (all strings or all numbers), or one of
 * {"prefix" | "suffix" | "equals-ignore-case" | "wildcard": a string or a list of strings}.
 * It matches any leaf the inner condition does not match: other types and null included (AWS-verified
 * content_anything_but_string_null, content_anything_prefix_int_value), but never a missing field.
 */
function parseAnythingBut(argument: unknown, conditions: FieldConditions): ValueTest {
  let kind = 'values';
  let operand = argument;
  let innerKeys = 1;
  if (isObject(argument)) {
    const entries = Object.entries(argument);
    if (entries.length === 0) throw invalid('Anything-But expression name not found');
    [[kind, operand]] = entries as [[string, unknown]];
    innerKeys = entries.length;
    if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(kind)) throw invalid(`Unsupported anything-but pattern: ${kind}`);
  }
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    throw invalid('Value of anything-but must be an array or single string/number value.');
  }
  const list: unknown[] = Array.isArray(operand) ? operand : [operand];
  let test: ValueTest;
  if (kind === 'values') {
    if (list.some((v) => typeof v !== 'string' && typeof v !== 'number')) throw invalid('Inside anything but list, start|null|boolean is not supported.');
    const type = typeof list[0];
    if (list.length === 0 || list.some((v) => typeof v !== type)) {
      throw invalid('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    test = (leaf) => !(typeof leaf === type && list.includes(leaf));
  } else {
    for (const value of list) {
      if (typeof value !== 'string') {
        if (kind === 'equals-ignore-case') throw invalid('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        throw invalid(kind === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string');
      }
      if ((kind === 'prefix' || kind === 'suffix') && value === '') throw invalid('Null prefix/suffix not allowed');
    }
    const strings = list as string[];
    let hit: (leaf: string, s: string) => boolean;
    if (kind === 'wildcard') {
      const tokens = new Map(strings.map((s) => [s, parseWildcard(s)]));
      conditions.wildcards.push({ id: JSON.stringify(['anything-but wildcard', [...tokens.keys()].sort()]), values: [...tokens.values()] });
      hit = (leaf, s) => wildcardMatches(tokens.get(s)!, leaf);
    } else if (kind === 'equals-ignore-case') {
      hit = equalsIgnoreCase;
    } else {
      hit = kind === 'prefix' ? (leaf, s) => leaf.startsWith(s) : (leaf, s) => leaf.endsWith(s);
    }
    test = (leaf) => !(typeof leaf === 'string' && strings.some((s) => hit(leaf, s)));
  }
  if (innerKeys > 1) throw invalid('Too many elements in numeric expression');
  return test;
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------
// Wildcards (event-ruler WildcardParser.java): "*" is any run of characters, "\*" a star, "\\" a backslash.

const STAR = Symbol('*');
type WildcardToken = string | typeof STAR;

function parseWildcard(pattern: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  // event-ruler parses the value with its JSON quotes, so its positions are UTF-8 byte offsets plus one.
  const position = (index: number) => Buffer.byteLength(pattern.slice(0, index)) + 1;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') throw invalid(`Consecutive wildcard characters at pos ${position(i)}`);
      tokens.push(STAR);
    } else if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw invalid(`Invalid escape character at pos ${position(i)}`);
      tokens.push(next);
      i++;
    } else {
      tokens.push(char);
    }
  }
  return tokens;
}

/** Whole-string glob match; on a mismatch, the last star takes one more character. */
function wildcardMatches(tokens: WildcardToken[], value: string): boolean {
  let [t, v, starT, starV] = [0, 0, -1, 0];
  while (v < value.length) {
    if (t < tokens.length && tokens[t] === STAR) [starT, starV, t] = [t, v, t + 1];
    else if (t < tokens.length && tokens[t] === value[v]) [t, v] = [t + 1, v + 1];
    else if (starT >= 0) [t, v, starV] = [starT + 1, starV + 1, starV + 1];
    else return false;
  }
  while (t < tokens.length && tokens[t] === STAR) t++;
  return t === tokens.length;
}

/**
 * AWS refuses rules whose wildcards could keep too many partial matches alive at once: "Rule is too complex".
 * event-ruler's MachineComplexityEvaluator counts, for the worst possible value, the wildcard pattern prefixes that
 * match it in one field's state machine (its tests: "a*bb" scores 3 on "abb": "a*", "a*b", "a*bb"). AWS does not
 * publish its limit; event-ruler's README suggests 10 per rule, and that agrees with the AWS-verified cases
 * ("*:*:*:*:*:event-bus/*" scores 11 and is refused; content_wildcard_repeating's pattern scores 7 and is not).
 */
const MAX_COMPLEXITY = 10;

function checkComplexity(branches: Branch[]): void {
  // Fields of different branches share a machine when the fields sorted before them are the same (GenericMachine).
  const machines = new Map<string, Map<string, WildcardCondition>>();
  for (const branch of branches) {
    const paths = [...branch.keys()].sort();
    paths.forEach((path, i) => {
      const { wildcards } = branch.get(path)!;
      if (!wildcards.length) return;
      const key = JSON.stringify(paths.slice(0, i + 1).map((p, j) => (j < i ? [p, branch.get(p)!.source] : p)));
      const machine = machines.get(key) ?? new Map<string, WildcardCondition>();
      for (const wildcard of wildcards) machine.set(wildcard.id, wildcard);
      machines.set(key, machine);
    });
  }
  for (const machine of machines.values()) {
    if (complexity([...machine.values()]) > MAX_COMPLEXITY) {
      throw invalid('Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character');
    }
  }
}

/**
 * The most prefixes of the patterns (each value wrapped in its JSON quotes, as event-ruler stores it) that one input
 * can match at once, found by walking the sets of prefixes reachable character by character. Values of one
 * anything-but wildcard share their common prefixes, as they do in event-ruler's trie.
 */
function complexity(conditions: WildcardCondition[]): number {
  type State = { condition: number; value: number; length: number };
  const patterns = conditions.map((c) => c.values.map((tokens) => ['"', ...tokens, '"'] as WildcardToken[]));
  const token = (s: State) => patterns[s.condition]![s.value]![s.length];
  const id = (s: State) => `${s.condition}:${s.value}:${s.length}`;
  const scoreId = (s: State) => `${s.condition}:${JSON.stringify(patterns[s.condition]![s.value]!.slice(0, s.length).map((t) => (t === STAR ? null : t)))}`;
  const withEmptyStars = (states: State[]): State[] => {
    const all = new Map(states.map((s) => [id(s), s]));
    for (const s of all.values()) {
      if (token(s) === STAR) {
        const next = { ...s, length: s.length + 1 };
        all.set(id(next), next);
      }
    }
    return [...all.values()];
  };
  const read = (states: State[], char: string): State[] =>
    withEmptyStars(
      states.flatMap((s) => [
        ...(s.length > 0 && patterns[s.condition]![s.value]![s.length - 1] === STAR ? [s] : []),
        ...(token(s) === char ? [{ ...s, length: s.length + 1 }] : []),
      ]),
    );
  const alphabet = [...new Set(patterns.flat(2).filter((t): t is string => t !== STAR)), '\u0000'];
  const start = withEmptyStars(patterns.flatMap((values, condition) => values.map((_, value) => ({ condition, value, length: 0 }))));
  const seen = new Set<string>();
  const queue = [start];
  let worst = 0;
  // Bounded: a set of more than MAX_COMPLEXITY prefixes ends the search, and few patterns reach thousands of sets.
  while (queue.length && seen.size < 10_000) {
    const states = queue.shift()!;
    const key = states.map(id).sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    worst = Math.max(worst, new Set(states.filter((s) => s.length > 0).map(scoreId)).size);
    if (worst > MAX_COMPLEXITY) return worst;
    for (const char of alphabet) {
      const next = read(states, char);
      if (next.length) queue.push(next);
    }
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (event-ruler CIDR.java, which parses with Java's InetAddress)

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** The address's bytes (4 or 16) when the text is an IPv4 or IPv6 literal, else undefined. */
function ipAddress(text: string): number[] | undefined {
  if (IPV4.test(text)) {
    const bytes = text.split('.').map(Number);
    return bytes.every((b) => b <= 255) ? bytes : undefined;
  }
  if (!IPV6.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (groups.flat().some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const count = groups.flat().length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const words = [...groups[0]!, ...Array<string>(8 - count).fill('0'), ...(groups[1] ?? [])].map((g) => parseInt(g, 16));
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  // Java returns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** CIDR.cidr: the lowest and highest address of the block. */
function parseCidr(cidr: string): [number[], number[]] {
  const parts = cidr.split('/');
  while (parts.length && parts[parts.length - 1] === '') parts.pop(); // Java's split drops trailing empty strings
  if (parts.length !== 2) throw invalid("Malformed CIDR, one '/' required");
  const [address, maskText] = parts as [string, string];
  const maskBits = /^[+-]?\d{1,10}$/.test(maskText) ? Number(maskText) : NaN;
  if (!Number.isInteger(maskBits) || Math.abs(maskBits) > 2 ** 31 - 1) throw invalid('Malformed CIDR, mask bits must be an integer');
  if (maskBits < 0) throw invalid('Malformed CIDR, mask bits must not be negative');
  const bytes = ipAddress(address);
  if (!bytes) throw invalid(IPV4.test(address) || IPV6.test(address) ? `Invalid IP address: ${address}` : `Nonstandard IP address: ${address}`);
  // event-ruler refuses a mask of the whole address (/32, /128).
  if (bytes.length === 4 && maskBits > 31) throw invalid('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw invalid('IPv6 mask bits must be < 128');
  const fixedBits = (i: number) => Math.max(0, Math.min(8, maskBits - 8 * i));
  const low = bytes.map((b, i) => b & ((0xff00 >> fixedBits(i)) & 0xff));
  const high = bytes.map((b, i) => b | (0xff >> fixedBits(i)));
  return [low, high];
}

function compareBytes(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function sameBytes(a: number[] | undefined, b: number[]): boolean {
  return !!a && a.length === b.length && compareBytes(a, b) === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Matching (event-ruler Event.java flattens the event, ACFinder.java matches it)

/** A leaf of the event, and the element it sits in for each array on its way (array number → index). */
interface Field {
  value: Leaf;
  arrays: ReadonlyMap<number, number>;
}

/**
 * The event's leaves on the paths the pattern names (and only those: an event may be large or nested
 * thousands deep, and a rule looks at a few fields). Walked with an explicit stack, not recursion, so
 * no depth of nesting can overflow it.
 */
function flattenEvent(event: Record<string, unknown>, wanted: ReadonlySet<string>): Map<string, Field[]> {
  const fields = new Map<string, Field[]>();
  const leadsToWanted = (path: string) => wanted.has(path) || [...wanted].some((w) => w.startsWith(`${path}.`));
  let arrayCount = 0;
  // `root` marks the event itself: an empty key is a path segment like any other ({"": {"x": 1}} is ".x", as the
  // pattern {"": {"x": [1]}} compiles), so an empty path cannot stand for the root (found by test/fuzz).
  const stack: Array<{ value: unknown; path: string; arrays: ReadonlyMap<number, number>; root?: boolean }> = [{ value: event, path: '', arrays: new Map(), root: true }];
  while (stack.length > 0) {
    const { value, path, arrays, root } = stack.pop()!;
    if (Array.isArray(value)) {
      const array = arrayCount++;
      // Only objects and arrays in an array are elements for consistency; its scalars are just values of the field.
      for (let index = value.length - 1; index >= 0; index--) {
        const element: unknown = value[index];
        stack.push({ value: element, path, arrays: typeof element === 'object' && element !== null ? new Map(arrays).set(array, index) : arrays });
      }
    } else if (isObject(value)) {
      const children = Object.entries(value).map(([key, child]) => ({ value: child, path: root ? key : `${path}.${key}`, arrays }));
      for (const child of children.reverse()) if (leadsToWanted(child.path)) stack.push(child);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
      if (!fields.has(path)) fields.set(path, []);
      fields.get(path)!.push({ value, arrays });
    }
    // undefined (a field JSON would not carry) is no value.
  }
  return fields;
}

/** Leaves from different elements of the same array cannot match together (ArrayMembership.checkArrayConsistency). */
function consistent(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  for (const [array, index] of a) if (b.has(array) && b.get(array) !== index) return false;
  return true;
}

/**
 * Tries the branch's paths in sorted order, as event-ruler's machine does (GenericMachine sorts a rule's keys):
 * each path takes a consistent leaf one of its tests accepts, or, for {"exists": false}, has no leaf consistent
 * with the ones taken so far (NameState.getNameTransitions checks absence against the array membership so far).
 */
function matchesBranch(branch: Branch, fields: Map<string, Field[]>): boolean {
  const paths = [...branch.keys()].sort();
  const matchFrom = (i: number, arrays: ReadonlyMap<number, number>): boolean => {
    if (i === paths.length) return true;
    const { tests, absent } = branch.get(paths[i]!)!;
    const candidates = (fields.get(paths[i]!) ?? []).filter((field) => consistent(field.arrays, arrays));
    if (absent && candidates.length === 0 && matchFrom(i + 1, arrays)) return true;
    return candidates.some((field) => tests.some((test) => test(field.value)) && matchFrom(i + 1, new Map([...arrays, ...field.arrays])));
  };
  return matchFrom(0, new Map());
}
