/**
 * "Do this once" across retries, redeliveries and concurrent invocations:
 * the port. The DynamoDB implementation (and why) is in dynamo-ledger.ts;
 * tests use an in-memory one.
 */
export interface Ledger {
  once<T>(key: string, fn: () => Promise<T>): Promise<{ value: T; firstTime: boolean }>;
  /** Whether `key` has completed, and its result. */
  lookup<T>(key: string): Promise<{ done: true; value: T } | { done: false }>;
  /** Records `value` under `key` unless a value marked later than `at` (epoch ms) is there already: the latest wins. */
  mark<T>(key: string, value: T, at: number): Promise<void>;
  /**
   * Records `value` under `key` unless something is recorded there already, and returns what is recorded:
   * `value`, or the first claimant's. One conditional write, no lease and no takeover, so an answer lost on
   * the way back is harmless: the next try finds the caller's own value (compare it to tell). For who owns
   * what (a requestId), where `once` — a claim, then a result — could be taken over after its lease.
   */
  claim<T>(key: string, value: T): Promise<T>;
}

/** A ledger that refuses to be used: for functions configured without a ledger table. */
export const noLedger: Ledger = {
  once: () => Promise.reject(new Error('LEDGER_TABLE is not configured for this function')),
  lookup: () => Promise.reject(new Error('LEDGER_TABLE is not configured for this function')),
  mark: () => Promise.reject(new Error('LEDGER_TABLE is not configured for this function')),
  claim: () => Promise.reject(new Error('LEDGER_TABLE is not configured for this function')),
};
