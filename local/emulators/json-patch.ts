/**
 * RFC 6902 JSON Patch, as Cloud Control applies a PatchDocument to a resource
 * model. Written by hand (fast-json-patch passes 106/108 of the official
 * json-patch-tests, and its prototype guards are opt-in); prototype-safe: a
 * pointer walks own properties only, array tokens are indices, and values
 * are defined as own data properties, so `/__proto__/x` or `/constructor/...`
 * address nothing that is not in the document.
 */
export type PatchOperation = { op: string; path: string; from?: string; value?: unknown };

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON Pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

/** The child a token names: an own property (or an array index), never something inherited. */
function child(node: unknown, token: string): { found: boolean; value?: unknown } {
  if (node === null || typeof node !== 'object') return { found: false };
  if (Array.isArray(node)) {
    if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= node.length) return { found: false };
    return { found: true, value: node[Number(token)] };
  }
  return Object.hasOwn(node, token) ? { found: true, value: (node as Record<string, unknown>)[token] } : { found: false };
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function parentOf(doc: unknown, pointer: string): { parent: Container; key: string } {
  const path = tokens(pointer);
  const key = path.pop();
  if (key === undefined) throw new Error('the whole document cannot be the target');
  let node: unknown = doc;
  for (const token of path) {
    const next = child(node, token);
    if (!next.found) throw new Error(`path "${pointer}" does not exist`);
    node = next.value;
  }
  if (node === null || typeof node !== 'object') throw new Error(`path "${pointer}" does not exist`);
  return { parent: node as Container, key };
}

function read(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const token of tokens(pointer)) {
    const next = child(node, token);
    if (!next.found) throw new Error(`path "${pointer}" does not exist`);
    node = next.value;
  }
  return node;
}

function add(doc: unknown, pointer: string, value: unknown): void {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`index "${key}" is out of range`);
    parent.splice(index, 0, value);
  } else setOwn(parent, key, value);
}

function remove(doc: unknown, pointer: string): void {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const index = /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) throw new Error(`index "${key}" is out of range`);
    parent.splice(index, 1);
  } else {
    if (!Object.hasOwn(parent, key)) throw new Error(`path "${pointer}" does not exist`);
    delete parent[key];
  }
}

/** Applies the patch to a copy of the document; throws on the first operation that cannot apply. */
export function applyPatch<T>(document: T, patch: PatchOperation[]): T {
  const doc = structuredClone(document);
  for (const op of patch) {
    switch (op.op) {
      case 'add':
        add(doc, op.path, structuredClone(op.value));
        break;
      case 'remove':
        remove(doc, op.path);
        break;
      case 'replace':
        remove(doc, op.path);
        add(doc, op.path, structuredClone(op.value));
        break;
      case 'move': {
        const value = read(doc, op.from ?? '');
        remove(doc, op.from ?? '');
        add(doc, op.path, value);
        break;
      }
      case 'copy':
        add(doc, op.path, structuredClone(read(doc, op.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw new Error(`test failed at "${op.path}"`);
        break;
      default:
        throw new Error(`unknown op "${op.op}"`);
    }
  }
  return doc;
}
