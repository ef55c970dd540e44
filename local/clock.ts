/**
 * The local stack's virtual clock: a discrete-event scheduler.
 *
 * Virtual time stands still while anything is busy (a Lambda handler, an
 * HTTP call to the emulator, an event delivery) and moves only when every
 * execution is waiting: then it jumps to the next timer (speed "max") or
 * walks there at `speed` virtual seconds per wall second. So an operation
 * that takes an hour of service time finishes in milliseconds, and waits,
 * RetryAfter hints, retries and execution timeouts all read the same time.
 *
 * The interpreter gets this clock's setTimeout/clearTimeout/Date (see
 * interpreter.ts); the emulator and the handlers read `now()` through the
 * Clock port. Nothing else in the process is affected.
 */
import type { Clock } from '../shared/runtime/clock';

export type ClockSpeed = number | 'max';

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

export interface VirtualClockOptions {
  start?: Date;
  speed?: ClockSpeed;
}

export class VirtualClock implements Clock {
  private nowMs: number;
  private readonly speed: ClockSpeed;
  private timers: Timer[] = [];
  private nextId = 1;
  private busy = 0;
  private advancing = false;
  private idleWaiters: Array<() => void> = [];
  private wallTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: VirtualClockOptions = {}) {
    this.nowMs = (options.start ?? new Date()).getTime();
    this.speed = options.speed ?? 'max';
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  nowMillis(): number {
    return this.nowMs;
  }

  /** setTimeout on virtual time, for the interpreter. */
  readonly setTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number => {
    const id = this.nextId++;
    const timer: Timer = { id, at: this.nowMs + Math.max(0, ms ?? 0), seq: id, fn: () => fn(...args) };
    // Keep timers sorted by (at, seq) so equal deadlines fire in the order they were set.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.timers[mid]!;
      if (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    this.schedule();
    return id;
  };

  readonly clearTimeout = (id: unknown): void => {
    const index = this.timers.findIndex((t) => t.id === id);
    if (index >= 0) this.timers.splice(index, 1);
    this.schedule();
  };

  /** A Date class whose `new Date()` and `Date.now()` read virtual time. */
  readonly Date: DateConstructor = (() => {
    const clock = this;
    class VirtualDate extends Date {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.nowMs);
        else super(...(args as [string | number]));
      }
      static override now(): number {
        return clock.nowMs;
      }
    }
    return VirtualDate as unknown as DateConstructor;
  })();

  /** Runs work that must finish before virtual time may move on. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.busy--;
      this.schedule();
    }
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Resolves once nothing is busy and no timer is pending: everything has run to the end. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.timers = [];
  }

  private schedule(): void {
    if (this.advancing || this.stopped) return;
    this.advancing = true;
    setImmediate(() => void this.advance());
  }

  /** True once `busy` has stayed 0 across a few event-loop turns (promise chains settle in between). */
  private async quiet(): Promise<boolean> {
    for (let turn = 0; turn < 3; turn++) {
      if (this.busy > 0) return false;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.busy === 0;
  }

  private async advance(): Promise<void> {
    try {
      if (this.stopped || !(await this.quiet())) return;
      const next = this.timers[0];
      if (!next) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        waiters.forEach((resolve) => resolve());
        return;
      }
      if (this.speed !== 'max' && next.at > this.nowMs) {
        const wallMs = (next.at - this.nowMs) / this.speed;
        await new Promise<void>((resolve) => (this.wallTimer = setTimeout(resolve, wallMs)));
        // Something may have started or been scheduled while we walked: look again.
        if (this.stopped || this.busy > 0 || this.timers[0] !== next) return;
      }
      this.nowMs = Math.max(this.nowMs, next.at);
      const due = this.timers.filter((t) => t.at <= this.nowMs);
      this.timers = this.timers.filter((t) => t.at > this.nowMs);
      for (const timer of due) timer.fn();
    } finally {
      this.advancing = false;
      if (!this.stopped && (this.timers.length > 0 || this.idleWaiters.length > 0) && this.busy === 0) this.schedule();
    }
  }
}
