/**
 * The Cloud Control emulator's JSON Patch (local/emulators/json-patch.ts)
 * against the official json-patch-tests suite, vendored in
 * test/fixtures/json-patch-tests (see its README for source and licence):
 * every enabled case must give the documented document or an error. The
 * library underneath, fast-json-patch, is run over the same cases so that its
 * known differences stay listed here, and an upgrade that fixes them shows.
 */
import * as fastJsonPatch from 'fast-json-patch';
import { JsonPatchFailure, applyPatch, type PatchOperation } from '../../local/emulators/json-patch';
import type { LocalStack } from '../../local/harness/stack';
import { completions, runRequests, startStack } from '../support/stack';
import specTests from '../fixtures/json-patch-tests/spec_tests.json';
import tests from '../fixtures/json-patch-tests/tests.json';

interface SuiteCase {
  comment?: string;
  doc?: unknown;
  patch?: PatchOperation[];
  expected?: unknown;
  error?: string;
  disabled?: boolean;
}

const all = [
  ...(tests as SuiteCase[]).map((c, i) => ({ ...c, id: `tests.json#${i}` })),
  ...(specTests as SuiteCase[]).map((c, i) => ({ ...c, id: `spec_tests.json#${i}` })),
].filter((c) => c.patch !== undefined); // records that are only a comment are allowed by the format
const enabled = all.filter((c) => !c.disabled);
const title = (c: (typeof all)[number]) => `${c.id} ${c.comment ?? c.error ?? ''}`.trim();

/**
 * Cases fast-json-patch 3.1.2 gets wrong on its own (with validation on);
 * our module handles each of them (see local/emulators/json-patch.ts).
 */
const FAST_JSON_PATCH_KNOWN_DIFFERENCES: Record<string, string> = {
  'tests.json#87': 'reads "/00" as array index 0: its isInteger() accepts leading zeros, which RFC 6901 forbids',
  'tests.json#88': 'reads "/01" as array index 1: its isInteger() accepts leading zeros, which RFC 6901 forbids',
};

type Outcome = { result: unknown } | { error: unknown };
function run(apply: () => unknown): Outcome {
  try {
    return { result: apply() };
  } catch (error) {
    return { error };
  }
}

function matchesSuite(c: SuiteCase, outcome: Outcome): boolean {
  if (c.expected !== undefined || 'expected' in c) return 'result' in outcome && JSON.stringify(sortKeys(outcome.result)) === JSON.stringify(sortKeys(c.expected));
  return 'error' in outcome;
}

/** Key order is not part of JSON equality. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}

describe('the vendored json-patch-tests suite', () => {
  it('holds 108 enabled cases (4 more are disabled by the suite itself), each with an expected document or an error', () => {
    expect(enabled).toHaveLength(108);
    expect(all.filter((c) => c.disabled)).toHaveLength(4);
    for (const c of enabled) expect('expected' in c || 'error' in c).toBe(true);
  });
});

describe('applyPatch (fast-json-patch and our guards) passes every enabled case', () => {
  it.each(enabled.map((c) => [title(c), c] as const))('%s', (_title, c) => {
    const doc = structuredClone(c.doc);
    const patch = structuredClone(c.patch!);
    if ('expected' in c) {
      expect(applyPatch(doc, patch)).toStrictEqual(c.expected);
    } else {
      expect(() => applyPatch(doc, patch)).toThrow(JsonPatchFailure);
    }
    // Neither input is touched, whether the patch applies or not.
    expect(doc).toStrictEqual(c.doc);
    expect(patch).toStrictEqual(c.patch);
  });
});

describe('fast-json-patch 3.1.2 on its own', () => {
  const raw = (c: SuiteCase) => run(() => fastJsonPatch.applyPatch(structuredClone(c.doc), structuredClone(c.patch!) as fastJsonPatch.Operation[], true, false, true).newDocument);

  it.each(enabled.filter((c) => !(c.id in FAST_JSON_PATCH_KNOWN_DIFFERENCES)).map((c) => [title(c), c] as const))('%s', (_title, c) => {
    expect(matchesSuite(c, raw(c))).toBe(true);
  });

  it.each(Object.entries(FAST_JSON_PATCH_KNOWN_DIFFERENCES))('known difference %s: %s', (id) => {
    const c = enabled.find((x) => x.id === id)!;
    expect(c).toBeDefined();
    // If this starts passing, the library fixed it: drop the entry (and maybe our guard).
    expect(matchesSuite(c, raw(c))).toBe(false);
  });

  it('bans __proto__ and constructor/prototype paths by default (banPrototypeModifications)', () => {
    expect(() => fastJsonPatch.applyPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: 1 }])).toThrow(/banned for security reasons/);
    expect(() => fastJsonPatch.applyPatch({}, [{ op: 'add', path: '/constructor/prototype/polluted', value: 1 }])).toThrow(/banned/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('but resolves inherited members, which is why our module walks own members only', () => {
    // `remove /constructor` on {} "succeeds" although the document has no such member.
    expect(() => fastJsonPatch.applyPatch({}, [{ op: 'remove', path: '/constructor' }], true, false)).not.toThrow();
    expect(() => applyPatch({}, [{ op: 'remove', path: '/constructor' }])).toThrow(JsonPatchFailure);
  });
});

describe('prototype safety', () => {
  const withOwnProto = () => JSON.parse('{"__proto__": {"a": 1}, "constructor": {"prototype": {}}}') as Record<string, unknown>;
  it.each<[string, unknown, PatchOperation[]]>([
    ['add through __proto__', {}, [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]],
    ['add __proto__ itself', {}, [{ op: 'add', path: '/__proto__', value: { polluted: 'yes' } }]],
    ['replace __proto__', {}, [{ op: 'replace', path: '/__proto__', value: { polluted: 'yes' } }]],
    ['add through constructor/prototype', {}, [{ op: 'add', path: '/constructor/prototype/polluted', value: 'yes' }]],
    ['copy from __proto__', {}, [{ op: 'copy', from: '/__proto__', path: '/copied' }]],
    ['move from constructor', {}, [{ op: 'move', from: '/constructor', path: '/moved' }]],
    ['copy an inherited method', {}, [{ op: 'copy', from: '/toString', path: '/copied' }]],
    ['test an inherited member', {}, [{ op: 'test', path: '/hasOwnProperty', value: {} }]],
    ['remove an inherited member', {}, [{ op: 'remove', path: '/constructor' }]],
    ['add through an own __proto__ member', withOwnProto(), [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]],
    ['add through own constructor/prototype members', withOwnProto(), [{ op: 'add', path: '/constructor/prototype/polluted', value: 'yes' }]],
    ['add through an array element\'s __proto__', { list: [{}] }, [{ op: 'add', path: '/list/0/__proto__/polluted', value: 'yes' }]],
  ])('refuses: %s', (_name, doc, patch) => {
    const before = JSON.stringify(doc);
    expect(() => applyPatch(doc, patch)).toThrow(JsonPatchFailure);
    expect(JSON.stringify(doc)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getPrototypeOf(doc)).toBe(Array.isArray(doc) ? Array.prototype : Object.prototype);
  });

  it('keeps a __proto__ key inside a value as plain data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>;
    const result = applyPatch<Record<string, unknown>>({}, [{ op: 'add', path: '/Tags', value }]);
    const tags = result.Tags as Record<string, unknown>;
    // (structuredClone makes objects of Node's realm, not Jest's: compare shapes, not Object.prototype identity.)
    expect(Object.getPrototypeOf(Object.getPrototypeOf(tags))).toBeNull();
    expect(tags.polluted).toBeUndefined();
    expect(Object.hasOwn(tags, '__proto__')).toBe(true);
    expect(JSON.stringify(result)).toBe('{"Tags":{"__proto__":{"polluted":"yes"}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lets an ordinary member named like an inherited one be added', () => {
    expect(applyPatch({}, [{ op: 'add', path: '/constructor', value: 1 }])).toEqual({ constructor: 1 });
  });
});

describe('beyond the suite', () => {
  it('never mutates the document or the patch, and the result shares nothing with either', () => {
    const doc = { Tags: [{ Key: 'a', Value: '1' }], Nested: { x: 1 } };
    const patch: PatchOperation[] = [
      { op: 'add', path: '/Tags/-', value: { Key: 'b', Value: '2' } },
      { op: 'add', path: '/Tags/1/Extra', value: true }, // would write into the patch's own value if aliased
      { op: 'move', from: '/Nested/x', path: '/Moved' },
      { op: 'copy', from: '/Tags/0', path: '/First' },
    ];
    const [docBefore, patchBefore] = [structuredClone(doc), structuredClone(patch)];
    const result = applyPatch(doc, patch) as Record<string, any>;
    expect(result).toEqual({ Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2', Extra: true }], Nested: {}, Moved: 1, First: { Key: 'a', Value: '1' } });
    expect(doc).toStrictEqual(docBefore);
    expect(patch).toStrictEqual(patchBefore);
    result.Tags[0].Key = 'changed';
    expect(doc.Tags[0]!.Key).toBe('a');
    expect(result.First.Key).toBe('a');
  });

  it('applies all operations or none (the input stays as it was when a later operation fails)', () => {
    const doc = { a: 1 };
    expect(() => applyPatch(doc, [{ op: 'replace', path: '/a', value: 2 }, { op: 'test', path: '/a', value: 1 }])).toThrow(JsonPatchFailure);
    expect(doc).toEqual({ a: 1 });
  });

  it('refuses to move a value into one of its own children (RFC 6902 §4.4)', () => {
    expect(() => applyPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }])).toThrow(/cannot be moved into one of its own children/);
    expect(applyPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a' }])).toEqual({ a: { b: 1 } });
  });

  it('refuses leading-zero indices in every operation, array targets of add included', () => {
    for (const patch of [
      [{ op: 'add', path: '/01', value: 'x' }],
      [{ op: 'remove', path: '/01' }],
      [{ op: 'replace', path: '/01', value: 'x' }],
      [{ op: 'copy', from: '/01', path: '/-' }],
      [{ op: 'move', from: '/00', path: '/-' }],
    ]) {
      expect(() => applyPatch(['a', 'b'], patch)).toThrow(JsonPatchFailure);
    }
  });

  it('refuses a patch document that is not an array', () => {
    expect(() => applyPatch({}, { op: 'add', path: '/a', value: 1 } as unknown as PatchOperation[])).toThrow(/must be a JSON array/);
  });

  it.each<[string, PatchOperation[], RegExp]>([
    ['a failed test', [{ op: 'add', path: '/b', value: 1 }, { op: 'test', path: '/Secret', value: 'guess' }], /^operation 1 \(test "\/Secret"\): the value at "\/Secret" is not equal to the test value$/],
    ['a missing path', [{ op: 'remove', path: '/Nope/deeper' }], /^operation 0 \(remove "\/Nope\/deeper"\): path "\/Nope" does not exist$/],
    ['an index past the end', [{ op: 'add', path: '/List/5', value: 1 }], /^operation 0 \(add "\/List\/5"\): .*greater than the number of elements/],
    ['an unknown op', [{ op: 'merge', path: '/a', value: 1 }], /^operation 0 \(merge "\/a"\): .*not one of operations defined in RFC-6902$/],
    ['a missing value', [{ op: 'add', path: '/a' }], /^operation 0 \(add "\/a"\): Operation `value` property is not present/],
    ['a missing from', [{ op: 'copy', path: '/a' } as PatchOperation], /^operation 0 \(copy "\/a"\): Operation `from` property is not present/],
    ['a banned path', [{ op: 'add', path: '/__proto__', value: {} }], /^operation 0 \(add "\/__proto__"\): paths through __proto__ or constructor\/prototype are refused$/],
  ])('answers %s with one short line naming the operation, never the document', (_name, patch, message) => {
    const doc = { Secret: 'hunter2', List: [] };
    let error: unknown;
    try {
      applyPatch(doc, patch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonPatchFailure);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).not.toContain('\n');
    expect((error as JsonPatchFailure).index).toBe(patch.length - 1);
  });

  it('shortens a very long path in the message', () => {
    const path = `/${'x'.repeat(5000)}/y`;
    expect(() => applyPatch({}, [{ op: 'remove', path }])).toThrow(JsonPatchFailure);
    try {
      applyPatch({}, [{ op: 'remove', path }]);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(400);
    }
  });
});

describe('the Cloud Control emulator answers a patch it cannot apply with FAILED InvalidRequest', () => {
  let stack: LocalStack;
  afterAll(async () => {
    await stack?.stop();
  });

  it('applies a good patch, and fails a failing test, a missing path and a root replaced by a non-object', async () => {
    stack = await startStack({
      cloudControl: {
        resourceTypes: {
          'AWS::Logs::LogGroup': {
            primaryIdentifier: 'LogGroupName',
            durationSeconds: 5,
            existing: Object.fromEntries(['/ok', '/test', '/missing', '/root'].map((id) => [id, { LogGroupName: id, RetentionInDays: 7, Tags: [] }])),
          },
        },
      },
    });
    const update = (requestId: string, identifier: string, patchDocument: unknown[]) => ({ requestId, operation: 'UPDATE', typeName: 'AWS::Logs::LogGroup', identifier, patchDocument });
    await runRequests(
      stack,
      update('ok', '/ok', [{ op: 'test', path: '/RetentionInDays', value: 7 }, { op: 'add', path: '/Tags/-', value: { Key: 'k', Value: 'v' } }, { op: 'replace', path: '/RetentionInDays', value: 30 }]),
      update('test', '/test', [{ op: 'test', path: '/RetentionInDays', value: 14 }]),
      update('missing', '/missing', [{ op: 'remove', path: '/KmsKeyId' }]),
      update('root', '/root', [{ op: 'replace', path: '', value: ['not', 'a', 'model'] }]),
    );
    const byId = Object.fromEntries(completions(stack).map((c) => [c.requestId, c]));
    expect(byId.ok).toMatchObject({ status: 'SUCCEEDED' });
    for (const id of ['test', 'missing', 'root']) expect(byId[id]).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(byId.test!.statusMessage).toBe('Patch could not be applied: operation 0 (test "/RetentionInDays"): the value at "/RetentionInDays" is not equal to the test value');
    expect(byId.missing!.statusMessage).toBe('Patch could not be applied: operation 0 (remove "/KmsKeyId"): path "/KmsKeyId" does not exist');
    expect(byId.root!.statusMessage).toBe('Patch could not be applied: the patched resource model must be a JSON object');

    const groups = stack.cloudControl.resources.get('AWS::Logs::LogGroup')!;
    expect(groups.get('/ok')).toEqual({ LogGroupName: '/ok', RetentionInDays: 30, Tags: [{ Key: 'k', Value: 'v' }] });
    for (const id of ['/test', '/missing', '/root']) expect(groups.get(id)).toEqual({ LogGroupName: id, RetentionInDays: 7, Tags: [] });
  });
});
