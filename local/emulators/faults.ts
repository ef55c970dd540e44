/**
 * When a world file's faults strike: the first `times` matching calls, or
 * every matching call until `untilSeconds` into the run (an outage, a
 * storm), of which a seeded `rate`. Shared by the API front door (faults)
 * and the Lambda runtime (lambdaFaults), so both read windows the same way.
 */
import type { VirtualClock } from './clock';

export interface FaultWindow {
  times?: number;
  /** The window opens this many virtual seconds into the run (an outage that starts late); 0 by default. */
  fromSeconds?: number;
  untilSeconds?: number;
  rate?: number;
}

export class FaultSchedule<F extends FaultWindow> {
  private readonly entries: Array<{ fault: F; used: number; from: number; until?: number }>;
  /** Faults struck so far, by whatever key the caller counts them under. */
  readonly struck = new Map<string, number>();

  constructor(
    faults: F[],
    private readonly clock: VirtualClock,
    private readonly random: () => number,
    /** Faults with neither `times` nor `untilSeconds` strike this many times. */
    defaultTimes = 0,
  ) {
    const start = clock.nowMillis();
    this.entries = faults.map((fault) => ({
      fault: fault.times === undefined && fault.untilSeconds === undefined ? { ...fault, times: defaultTimes } : fault,
      used: 0,
      from: start + (fault.fromSeconds ?? 0) * 1000,
      until: fault.untilSeconds === undefined ? undefined : start + fault.untilSeconds * 1000,
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The first fault, in the world's order, that matches, whose window is
   * open and whose rate strikes this call; counted under `key`. A fault whose
   * rate lets the call through leaves it to the faults after it.
   */
  strike(matches: (fault: F) => boolean, key: string): F | undefined {
    const now = this.clock.nowMillis();
    for (const entry of this.entries) {
      if (!matches(entry.fault) || now < entry.from) continue;
      if (entry.until !== undefined ? now >= entry.until : entry.used >= (entry.fault.times ?? 0)) continue;
      if (entry.fault.rate !== undefined && this.random() >= entry.fault.rate) continue;
      entry.used++;
      this.struck.set(key, (this.struck.get(key) ?? 0) + 1);
      return entry.fault;
    }
    return undefined;
  }

  total(): number {
    return [...this.struck.values()].reduce((a, b) => a + b, 0);
  }
}
