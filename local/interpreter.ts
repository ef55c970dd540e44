/**
 * Loads aws-local-stepfunctions with the virtual clock in place of the
 * global timers and Date, and a seeded Math.random. The interpreter's Wait
 * states, Retry backoff, Task timeouts and execution TimeoutSeconds all use
 * setTimeout and Date.now, and Retry's full jitter uses Math.random; handing
 * it the clock's versions and the world's seeded random as module-scope
 * bindings moves exactly those onto virtual time and makes a run repeat for
 * its seed, and leaves the rest of the process alone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';
import type * as Interpreter from 'aws-local-stepfunctions';
import type { VirtualClock } from './clock';

export type InterpreterModule = typeof Interpreter;

const localRequire = createRequire(__filename);

export function loadInterpreter(clock: VirtualClock, random: () => number): InterpreterModule {
  const file = localRequire.resolve('aws-local-stepfunctions');
  const source = readFileSync(file, 'utf8');
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
