/**
 * The error classes product code defines, found by loading it rather than
 * by a list: every module under shared/ is required, and each exported class
 * whose prototype chain reaches ShepherdError is kept, under the `name` its
 * instances carry (the errorType a Lambda reports, which ASL matches).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ShepherdError } from '../../shared/runtime/errors';

export const ROOT = join(__dirname, '../..');

/** Product code: the domain code and the Lambda handlers (local/, tooling/, cli/ are not deployed). */
export const PRODUCT_DIRS = ['shared', 'functions'];

/** Every .ts file under a directory of the repository (no declaration files). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

export type ErrorClass = new (message?: string, options?: ErrorOptions) => ShepherdError;

export interface FoundErrorClass {
  /** The `name` an instance carries: the error name a workflow sees. */
  errorName: string;
  errorClass: ErrorClass;
  /** The module exporting it, relative to the repository. */
  module: string;
}

/** The modules `npm run` runs as scripts (`tsx <file>`): loading one runs it (write-json-schemas rewrites schemas/). */
function scripts(): Set<string> {
  const { scripts = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return new Set(Object.values(scripts).flatMap((command) => command.split(/\s+/)).filter((word) => word.endsWith('.ts')));
}

/**
 * Exported ShepherdError subclasses of shared/, by error name. Only modules
 * that declare a class deriving from something are loaded (a class cannot
 * extend ShepherdError otherwise), and never a script. The handlers in
 * functions/ are left out: they define no classes (error-names.test.ts checks
 * their source), and loading one builds its Lambda handler.
 */
export function productErrorClasses(): Map<string, FoundErrorClass> {
  const found = new Map<string, FoundErrorClass>();
  const notLoaded = scripts();
  for (const module of sourceFiles('shared')) {
    if (notLoaded.has(module) || !/\bclass\b[^{]*\bextends\b/.test(readFileSync(join(ROOT, module), 'utf8'))) continue;
    // A module that cannot be loaded fails the caller: its classes would otherwise go unseen. Loaded by path, found at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(join(ROOT, module)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (typeof value !== 'function' || !(value.prototype instanceof ShepherdError)) continue;
      const errorClass = value as ErrorClass;
      const errorName = new errorClass('probe').name;
      const seen = found.get(errorName);
      // The same class re-exported is one class; two classes under one name would be one ASL error.
      if (seen && seen.errorClass !== errorClass) throw new Error(`two error classes are named ${errorName}: in ${seen.module} and ${module}`);
      if (!seen) found.set(errorName, { errorName, errorClass, module });
    }
  }
  return found;
}
