/** The in-house EventBridge matcher, on cases shaped like AWS's content-filtering examples. */
import { assertValidPattern, matchesPattern } from '../../local/pattern-matcher';

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
    [{ detail: { s: [{ 'anything-but': ['x'] }] } }, {}, false],
    [{ detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, { c: 5 }, true],
    [{ detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } }, { c: 6 }, false],
    [{ detail: { c: [{ numeric: ['>', 0] }] } }, { c: '3' }, false],
    [{ detail: { c: [{ exists: false }] } }, {}, true],
    [{ detail: { c: [{ exists: true }] } }, {}, false],
    [{ detail: { f: [{ wildcard: 'dir/*.png' }] } }, { f: 'dir/a.png' }, true],
    [{ detail: { f: [{ wildcard: 'dir/*.png' }] } }, { f: 'other/a.png' }, false],
    [{ detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { b: '2' }, true],
    [{ detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { b: '3' }, false],
    [{ detail: { nested: { x: ['y'] } } }, { nested: { x: 'y' } }, true],
  ])('%j on %j → %s', (pattern, detail, expected) => {
    expect(matchesPattern(pattern, event(detail))).toBe(expected);
  });

  it('rejects malformed patterns', () => {
    expect(() => assertValidPattern({ source: 'shepherd' })).toThrow(/array or an object/);
    expect(() => matchesPattern({ detail: { x: [{ 'no-such-op': 1 }] } }, event({ x: 1 }))).toThrow(/unsupported/);
  });
});
