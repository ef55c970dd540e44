/**
 * RFC 6902 JSON Patch, as Cloud Control applies a PatchDocument to a resource
 * model. fast-json-patch does the work; this wrapper adds what it leaves out,
 * so the module passes all 108 enabled cases of the official json-patch-tests
 * (test/fixtures/json-patch-tests, test/unit/json-patch.test.ts):
 *
 * - array indices must be RFC 6901's `0` or `[1-9][0-9]*`: fast-json-patch
 *   reads `/01` as index 1 (json-patch-tests: "test with bad array number that
 *   has leading zeros");
 * - a pointer walks own members only: fast-json-patch resolves inherited ones,
 *   so `remove /constructor` on `{}` would "succeed" and `copy from /toString`
 *   would copy a function into the document;
 * - `move` refuses a `from` that is a proper prefix of `path` (RFC 6902 §4.4);
 * - the caller's document and patch are never touched (fast-json-patch
 *   mutates both and aliases patch values into the result);
 * - `__proto__` and `constructor/prototype` in a path are refused
 *   (fast-json-patch's banPrototypeModifications, on by default, passed
 *   explicitly here), whether or not the document has such a member;
 * - a failure is one short, single-line error naming the operation, never the
 *   library's message, which carries the whole document.
 */
import { JsonPatchError, applyOperation, validator, type Operation } from 'fast-json-patch';

export type PatchOperation = { op: string; path: string; from?: string; value?: unknown };

/** A patch that cannot be applied; `index` is the failing operation's position. */
export class JsonPatchFailure extends Error {
  override readonly name = 'JsonPatchFailure';
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** Pointers are echoed in messages; keep a StatusMessage readable. */
function quote(pointer: unknown): string {
  const text = JSON.stringify(pointer) ?? String(pointer);
  return text.length > 120 ? `${text.slice(0, 117)}..."` : text;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Checks that a pointer names something in the document (`whole`), or, for
 * the target of add/move/copy, that its parent does and the last token fits
 * the parent. Only own members and canonical array indices count.
 */
function checkPointer(doc: unknown, pointer: string, whole: boolean): void {
  const raw = pointer === '' ? [] : pointer.slice(1).split('/');
  let node = doc;
  for (const [i, escaped] of raw.entries()) {
    const token = unescape(escaped);
    const last = i === raw.length - 1;
    const missing = () => new Error(`path ${quote(['', ...raw.slice(0, i + 1)].join('/'))} does not exist`);
    if (Array.isArray(node)) {
      if (last && !whole) {
        if (token !== '-' && !ARRAY_INDEX.test(token)) throw new Error(`${quote(token)} is not an array index`);
        return; // the bound (index <= length) is fast-json-patch's check
      }
      if (!ARRAY_INDEX.test(token) || Number(token) >= node.length) throw missing();
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object') {
      if (last && !whole) return;
      if (!Object.hasOwn(node, token)) throw missing();
      node = (node as Record<string, unknown>)[token];
    } else {
      throw missing();
    }
  }
}

/** fast-json-patch's messages end in the whole document; keep the first line. */
function reason(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof JsonPatchError && error.name === 'TEST_OPERATION_FAILED') return `the value at ${quote(path)} is not equal to the test value`;
  if (message.startsWith('JSON-Patch: modifying `__proto__`')) return 'paths through __proto__ or constructor/prototype are refused';
  return message.split('\n')[0]!;
}

/** Applies the patch to a copy of the document; throws JsonPatchFailure on the first operation that cannot apply. */
export function applyPatch<T>(document: T, patch: PatchOperation[]): T {
  if (!Array.isArray(patch)) throw new JsonPatchFailure('a patch document must be a JSON array of operations', 0);
  let doc: unknown = structuredClone(document);
  for (const [index, original] of patch.entries()) {
    const op = structuredClone(original) as Operation;
    try {
      validator(op, index); // shape: known op, string path and from, value present
      const { op: name, path } = op;
      const from = 'from' in op ? op.from : undefined;
      if (from !== undefined && from !== '' && !from.startsWith('/')) throw new Error('Operation `from` property must start with "/"');
      if (name === 'move' && path.startsWith(`${from}/`)) throw new Error('a value cannot be moved into one of its own children');
      if (from !== undefined) checkPointer(doc, from, true);
      if (name === 'remove' || name === 'replace' || name === 'test') checkPointer(doc, path, true);
      if (name === 'add' || name === 'move' || name === 'copy') checkPointer(doc, path, false);
      doc = applyOperation(doc, op, true, true, true, index).newDocument;
    } catch (error) {
      const { op: name, path } = (original ?? {}) as { op?: unknown; path?: unknown };
      const label = typeof name === 'string' && typeof path === 'string' ? ` (${name} ${quote(path)})` : '';
      throw new JsonPatchFailure(`operation ${index}${label}: ${reason(error, String(path))}`, index);
    }
  }
  return doc as T;
}
