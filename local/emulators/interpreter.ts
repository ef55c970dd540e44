/**
 * Loads aws-local-stepfunctions with the virtual clock in place of the
 * global timers and Date, and a seeded Math.random. The interpreter's Wait
 * states, Retry backoff, Task timeouts and execution TimeoutSeconds all use
 * setTimeout and Date.now, and Retry's full jitter uses Math.random; handing
 * it the clock's versions and the world's seeded random as module-scope
 * bindings moves exactly those onto virtual time and makes a run repeat for
 * its seed, and leaves the rest of the process alone.
 *
 * The source is also patched (FIDELITY_PATCHES) where 3.0.0 disagrees with
 * AWS Step Functions, so no workflow can come to rely locally on behaviour
 * AWS does not have. test/unit/interpreter-fidelity.test.ts checks the
 * patched interpreter against AWS-recorded cases (test/fixtures/stepfunctions).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';
import type * as Interpreter from 'aws-local-stepfunctions';
import type { VirtualClock } from './clock';

export type InterpreterModule = typeof Interpreter;

const localRequire = createRequire(__filename);

/** The interpreter version the patches were written against: an upgrade must re-check each one. */
export const PATCHED_VERSION = '3.0.0';

export interface SourcePatch {
  /** Why the interpreter is wrong, and what AWS does instead. */
  why: string;
  find: string;
  replace: string;
}

/**
 * Source patches to build/main.node.cjs of aws-local-stepfunctions 3.0.0.
 * Each `find` must occur exactly once: an upgrade that changes the code
 * makes loading fail loudly instead of silently running unpatched.
 *
 * Choice `Is*` operators: 3.0.0 computes `<operator value> && <type test>`,
 * so every rule with `Is*: false` is false. AWS evaluates `<type test> ===
 * <operator value>` (LocalStack's AWS-recorded choice-operator snapshots;
 * with the original code, all 55 of their misses among 455 cases are
 * `Is*: false`). IsTimestamp is the exception AWS recorded: a value that is
 * not a string makes both `IsTimestamp: true` and `IsTimestamp: false`
 * false. A Variable path that matches nothing stays as 3.0.0 has it:
 * IsPresent tests for it, the other Is* operators fail with States.Runtime
 * (no AWS recording says otherwise).
 *
 * Task timeout: 3.0.0 makes the caught error `{Error: "States.Timeout",
 * Cause: "States.Timeout"}`; AWS gives `Cause: ""` (LocalStack's
 * AWS-recorded test_invoke_timeout), and its ExecutionFailed event for an
 * uncaught Task timeout carries no cause at all.
 */
export const FIDELITY_PATCHES: readonly SourcePatch[] = [
  {
    why: 'IsNull: false matches any value that is not null',
    find: 'return isNullTrue && varValue === null;',
    replace: 'return (varValue === null) === isNullTrue;',
  },
  {
    why: 'IsPresent: false matches when the Variable path matches nothing',
    find: 'return IsPresentTrue && varValue !== void 0;',
    replace: 'return (varValue !== void 0) === IsPresentTrue;',
  },
  {
    why: 'IsNumeric: false matches any value that is not a number',
    find: 'return IsNumericTrue && typeof varValue === "number";',
    replace: 'return (typeof varValue === "number") === IsNumericTrue;',
  },
  {
    why: 'IsString: false matches any value that is not a string',
    find: 'return IsStringTrue && typeof varValue === "string";',
    replace: 'return (typeof varValue === "string") === IsStringTrue;',
  },
  {
    why: 'IsBoolean: false matches any value that is not a boolean',
    find: 'return IsBooleanTrue && typeof varValue === "boolean";',
    replace: 'return (typeof varValue === "boolean") === IsBooleanTrue;',
  },
  {
    why: 'IsTimestamp: false matches a string that is not a timestamp (a non-string matches neither true nor false on AWS)',
    find: 'return IsTimestampTrue && isRFC3339Timestamp(varValue);',
    replace: 'return typeof varValue === "string" && isRFC3339Timestamp(varValue) === IsTimestampTrue;',
  },
  {
    why: 'a Task timeout\'s Cause is "" on AWS, not "States.Timeout"',
    find: 'var StatesTimeoutError = class extends RuntimeError {\n  constructor() {\n    super("States.Timeout");',
    replace: 'var StatesTimeoutError = class extends RuntimeError {\n  constructor() {\n    super("");',
  },
];

/** Applies each patch, throwing unless its text occurs exactly once. */
export function applyPatches(source: string, patches: readonly SourcePatch[], file = 'the interpreter'): string {
  let patched = source;
  for (const patch of patches) {
    const occurrences = patched.split(patch.find).length - 1;
    if (occurrences !== 1) {
      throw new Error(
        `Cannot patch ${file} (${patch.why}): expected the text ${JSON.stringify(patch.find)} once, found it ${occurrences} times. ` +
          `local/emulators/interpreter.ts was written against aws-local-stepfunctions ${PATCHED_VERSION}: re-check the patch against the installed version.`,
      );
    }
    patched = patched.replace(patch.find, () => patch.replace);
  }
  return patched;
}

/** `patches` is for tests that show what a patch changes; the local stack always runs with FIDELITY_PATCHES. */
export function loadInterpreter(clock: VirtualClock, random: () => number, patches: readonly SourcePatch[] = FIDELITY_PATCHES): InterpreterModule {
  const file = localRequire.resolve('aws-local-stepfunctions');
  const source = applyPatches(readFileSync(file, 'utf8'), patches, file);
  const wrapper = vm.compileFunction(
    source,
    ['exports', 'require', 'module', '__filename', '__dirname', 'setTimeout', 'clearTimeout', 'Date', 'Math'],
    { filename: file },
  );
  const module = { exports: {} as InterpreterModule };
  const seededMath = Object.create(Math, { random: { value: random } }) as Math;
  wrapper(module.exports, createRequire(file), module, file, dirname(file), clock.setTimeout, clock.clearTimeout, clock.Date, seededMath);
  return module.exports;
}
