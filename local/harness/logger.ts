import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';

/**
 * Powertools' Logger writing each JSON line to a sink instead of the process's
 * console. `printLog` is the protected hook Powertools leaves to subclasses
 * (its docs extend Logger the same way to override `createLogger`), so the
 * local stack uses no private field: what is printed is what Lambda prints.
 */
export class SinkLogger extends Logger {
  readonly #sink: (line: string) => void;

  constructor(options: ConstructorOptions, sink: (line: string) => void) {
    super(options);
    this.#sink = sink;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.#sink(`${JSON.stringify(log.getAttributes(), this.getJsonReplacer())}\n`);
  }
}
