/**
 * How a request ended, for its terminal event: from a Catch, or from the
 * last outcome its Lambdas decided. Every workflow's completion uses it, so
 * "a failure carries its code and message, a success carries none, and a
 * non-final outcome is a bug reported as such" holds everywhere.
 */
import { caughtFailure, type CaughtFailure } from './failure';

export interface DecidedOutcome {
  outcome: string;
  errorCode?: string;
  statusMessage?: string;
}

export type Ending<S extends string> = { status: S | 'FAILED'; errorCode?: string; statusMessage?: string };

export function endingOf<S extends string>(failure: CaughtFailure | undefined, progress: DecidedOutcome | undefined, finals: readonly S[]): Ending<S> {
  if (failure) return caughtFailure(failure);
  if (!progress || !(finals as readonly string[]).includes(progress.outcome)) {
    return { status: 'FAILED', errorCode: 'InvalidWorkflowState', statusMessage: `the workflow ended with outcome ${progress?.outcome ?? 'missing'}` };
  }
  const status = progress.outcome as S;
  return status === 'SUCCEEDED' ? { status } : { status, errorCode: progress.errorCode, statusMessage: progress.statusMessage };
}
