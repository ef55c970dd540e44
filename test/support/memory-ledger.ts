import type { Ledger } from '../../shared/runtime/ledger';

/** The ledger's contract in memory, for handler unit tests (the local stack uses DynamoDB through its emulator). */
export function memoryLedger(): Ledger & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>();
  const marks = new Map<string, number>();
  return {
    entries,
    async mark<T>(key: string, value: T, at: number) {
      if ((marks.get(key) ?? Number.NEGATIVE_INFINITY) >= at) return;
      marks.set(key, at);
      entries.set(key, value);
    },
    async once<T>(key: string, fn: () => Promise<T>) {
      if (entries.has(key)) return { value: entries.get(key) as T, firstTime: false };
      const value = await fn();
      entries.set(key, value);
      return { value, firstTime: true };
    },
    async claim<T>(key: string, value: T) {
      if (!entries.has(key)) entries.set(key, value);
      return entries.get(key) as T;
    },
    async lookup<T>(key: string) {
      return entries.has(key) ? { done: true as const, value: entries.get(key) as T } : { done: false as const };
    },
  };
}
