/**
 * The local EventBridge pattern matcher against AWS: every TestEventPattern case LocalStack ran against AWS
 * (test/fixtures/event-patterns, see its README) must get AWS's verdict: match, no match, or the same
 * InvalidEventPatternException message. Then cases shaped like Shepherd's rules and event-ruler's documented rules.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertValidPattern, InvalidEventPatternException, matchesPattern, type EventPattern } from '../../local/emulators/pattern-matcher';
import { LocalStack } from '../../local/harness/stack';

const FIXTURES = join(__dirname, '../fixtures/event-patterns');

type Verdict = { verdict: 'match' | 'no match' } | { verdict: 'invalid'; error: string; message: string };
interface VerifiedCase {
  name: string;
  aws: Verdict;
  event: unknown;
  eventPattern: unknown;
}

const templates: VerifiedCase[] = readdirSync(join(FIXTURES, 'localstack'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ name: file.replace(/\.json$/, ''), ...JSON.parse(readFileSync(join(FIXTURES, 'localstack', file), 'utf8')) }));

// The test module's other AWS-validated cases; some are kept as JSON text (a duplicate key, escapes) or a file.
const moduleCases: VerifiedCase[] = JSON.parse(readFileSync(join(FIXTURES, 'localstack-module-cases.json'), 'utf8')).cases.map(
  (c: VerifiedCase & { eventText?: string; eventPatternText?: string; eventFile?: string }) => ({
    name: `module: ${c.name}`,
    aws: c.aws,
    event: c.eventText ? JSON.parse(c.eventText) : c.eventFile ? JSON.parse(readFileSync(join(FIXTURES, c.eventFile), 'utf8')) : c.event,
    eventPattern: c.eventPatternText ? JSON.parse(c.eventPatternText) : c.eventPattern,
  }),
);

const verified = [...templates, ...moduleCases];

/**
 * Verified cases this matcher cannot make agree with AWS, each with the reason. A case listed here must still
 * disagree (the test fails once it agrees), so the list cannot go stale. Keep it empty if at all possible.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

function localVerdict(pattern: unknown, event: unknown): Verdict {
  try {
    assertValidPattern(pattern);
    return { verdict: matchesPattern(pattern, event) ? 'match' : 'no match' };
  } catch (error) {
    if (!(error instanceof InvalidEventPatternException)) throw error;
    return { verdict: 'invalid', error: error.name, message: error.message };
  }
}

describe('AWS-verified TestEventPattern cases (LocalStack event_pattern_templates)', () => {
  it('has every vendored case', () => {
    expect(templates).toHaveLength(155);
    expect(moduleCases).toHaveLength(14);
    expect(Object.keys(KNOWN_DIFFERENCES).filter((name) => !verified.some((c) => c.name === name))).toEqual([]);
  });

  it.each(verified.map((c) => [c.name, c] as const))('%s', (name, { aws, event, eventPattern }) => {
    const local = localVerdict(eventPattern, event);
    if (KNOWN_DIFFERENCES[name]) expect(local).not.toEqual(aws);
    else expect(local).toEqual(aws);
  });

  it('agrees with AWS on all of them', () => {
    const agreeing = verified.filter((c) => JSON.stringify(localVerdict(c.eventPattern, c.event)) === JSON.stringify(c.aws));
    expect(`${agreeing.length}/${verified.length}`).toBe(`${verified.length - Object.keys(KNOWN_DIFFERENCES).length}/${verified.length}`);
  });
});

const event = (detail: Record<string, unknown>, source = 'my.team', detailType = 'Resource Operation Requested') => ({
  version: '0', id: 'id-1', 'detail-type': detailType, source, account: '123456789012', time: '2026-11-25T09:00:00Z',
  region: 'us-east-1', resources: [], detail,
});

describe('matchesPattern', () => {
  const shepherdRule = { source: [{ 'anything-but': ['shepherd'] }], 'detail-type': ['Resource Operation Requested'] };

  it("routes Shepherd's request rule", () => {
    expect(matchesPattern(shepherdRule, event({}))).toBe(true);
    expect(matchesPattern(shepherdRule, event({}, 'shepherd'))).toBe(false);
    expect(matchesPattern(shepherdRule, event({}, 'my.team', 'Other'))).toBe(false);
  });

  it.each([
    [{ detail: { state: ['running'] } }, { state: 'running' }, true],
    [{ detail: { state: ['running'] } }, { state: 'stopped' }, false],
    [{ detail: { tags: ['a'] } }, { tags: ['b', 'a'] }, true],
    [{ detail: { n: [null] } }, { n: null }, true],
    [{ detail: { n: [null] } }, {}, false],
    [{ detail: { region: [{ prefix: 'us-' }] } }, { region: 'us-east-1' }, true],
    [{ detail: { region: [{ prefix: 'us-' }] } }, { region: 'eu-west-1' }, false],
    [{ detail: { file: [{ suffix: '.png' }] } }, { file: 'a.png' }, true],
    [{ detail: { file: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } }, { file: 'a.png' }, true],
    [{ detail: { s: [{ 'equals-ignore-case': 'ALICE' }] } }, { s: 'alice' }, true],
    [{ detail: { s: [{ 'anything-but': { prefix: 'init' } }] } }, { s: 'initializing' }, false],
    [{ detail: { s: [{ 'anything-but': { prefix: ['init', 'stop'] } }] } }, { s: 'stopping' }, false],
    [{ detail: { s: [{ 'anything-but': ['x'] }] } }, {}, false],
    [{ detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, { c: 5 }, true],
    [{ detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, { c: 6 }, false],
    [{ detail: { c: [{ numeric: ['>', 0] }] } }, { c: '3' }, false],
    [{ detail: { c: [{ exists: false }] } }, {}, true],
    [{ detail: { c: [{ exists: true }] } }, {}, false],
    // exists only sees leaves: an object or an empty array is not a value (event-ruler README, "Exists matching").
    [{ detail: { c: [{ exists: true }] } }, { c: { d: 1 } }, false],
    [{ detail: { c: [{ exists: false }] } }, { c: [] }, true],
    [{ detail: { f: [{ wildcard: 'dir/*.png' }] } }, { f: 'dir/a.png' }, true],
    [{ detail: { f: [{ wildcard: 'dir/*.png' }] } }, { f: 'other/a.png' }, false],
    [{ detail: { f: [{ wildcard: 'a\\*b' }] } }, { f: 'a*b' }, true],
    [{ detail: { f: [{ wildcard: 'a\\*b' }] } }, { f: 'axb' }, false],
    [{ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { ip: '10.0.0.7' }, true],
    [{ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { ip: '10.0.1.7' }, false],
    // An IP address in a pattern matches the address however it is written (event-ruler CIDR.ipToRangeIfPossible).
    [{ detail: { ip: ['2001:db8::1'] } }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }, true],
    [{ detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { b: '2' }, true],
    [{ detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { b: '3' }, false],
    [{ detail: { nested: { x: ['y'] } } }, { nested: { x: 'y' } }, true],
    [{ detail: { 'nested.x': ['y'] } }, { nested: { x: 'y' } }, true],
    [{ detail: { nested: { x: ['y'] } } }, { nested: [{ x: 'z' }, { x: 'y' }] }, true],
  ])('%j on %j → %s', (pattern, detail, expected) => {
    expect(matchesPattern(pattern, event(detail))).toBe(expected);
  });

  // event-ruler README, "JSON Array Matching": fields matched together must come from the same array element.
  it('does not combine fields from different elements of one array', () => {
    const employees = { employees: [[{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }], [{ firstName: 'Peter', lastName: 'Jones' }]] };
    expect(matchesPattern({ detail: { employees: { firstName: ['Anna'] } } }, event(employees))).toBe(true);
    expect(matchesPattern({ detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } }, event(employees))).toBe(true);
    expect(matchesPattern({ detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } }, event(employees))).toBe(false);
  });
});

describe('assertValidPattern', () => {
  const reason = (pattern: unknown) => {
    try {
      assertValidPattern(pattern);
      return 'valid';
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventPatternException);
      expect((error as Error).name).toBe('InvalidEventPatternException');
      return (error as InvalidEventPatternException).message.replace('Event pattern is not valid. Reason: ', '');
    }
  };

  it.each<[unknown, string]>([
    [{ source: ['shepherd'] }, 'valid'],
    [{ source: 'shepherd' }, '"source" must be an object or an array'],
    [{ source: [] }, 'Empty arrays are not allowed'],
    [{}, 'Empty objects are not allowed'],
    [{ detail: {} }, 'Empty objects are not allowed'],
    [{ detail: { x: [['a']] } }, 'Match value must be String, number, true, false, or null'],
    [{ detail: { x: [{ 'no-such-op': 1 }] } }, 'Unrecognized match type no-such-op'],
    [{ detail: { x: [{ prefix: 'a', suffix: 'b' }] } }, 'Only one key allowed in match expression'],
    [{ detail: { x: [{ numeric: ['<', 10, '>', 0] }] } }, 'Too many elements in numeric expression'],
    [{ detail: { x: [{ numeric: ['>', 10, '<', 10] }] } }, 'Bottom must be less than top'],
    [{ detail: { x: [{ 'anything-but': ['a', 1] }] } }, 'Inside anything but list, either all values are number or string, mixed type is not supported'],
    [{ detail: { x: [{ wildcard: 'a\\b' }] } }, 'Invalid escape character at pos 2'],
    [{ detail: { x: [{ cidr: '10.0.0.1/32' }] } }, 'IPv4 mask bits must be < 32'],
    [{ $or: [{ a: ['1'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    [{ $or: [{ prefix: ['1'] }, { b: ['2'] }] }, 'prefix is Ruler reserved fieldName which cannot be used inside $or.'],
    [['not', 'an', 'object'], 'Filter is not an object'],
  ])('%j → %s', (pattern, expected) => {
    expect(reason(pattern)).toBe(expected);
  });

  it('refuses wildcards too complex for AWS, and the pattern cannot be matched either', () => {
    const pattern: EventPattern = { detail: { arn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] } };
    expect(reason(pattern)).toMatch(/^Rule is too complex/);
    expect(() => matchesPattern(pattern, event({ arn: 'x' }))).toThrow(InvalidEventPatternException);
    expect(reason({ detail: { arn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } })).toBe('valid');
  });
});

describe('the local stack', () => {
  it('refuses to start with a rule PutRule would refuse, with its message', async () => {
    // The project, with serverless.yml's failure-alert rule given an empty value array.
    const root = resolve(__dirname, '../..');
    const copy = mkdtempSync(join(tmpdir(), 'shepherd-invalid-pattern-'));
    try {
      for (const entry of readdirSync(root)) if (entry !== 'serverless.yml') symlinkSync(join(root, entry), join(copy, entry));
      const yaml = readFileSync(join(root, 'serverless.yml'), 'utf8');
      expect(yaml).toContain('source: [aws.states]');
      writeFileSync(join(copy, 'serverless.yml'), yaml.replace('source: [aws.states]', 'source: []'));
      await expect(LocalStack.start({ root: copy })).rejects.toThrow(/^serverless\.yml: rule \S+: Event pattern is not valid\. Reason: Empty arrays are not allowed$/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
