/**
 * The local stack's virtual clock: a discrete-event scheduler.
 *
 * Virtual time stands still while anything is busy (a Lambda handler, an
 * API call to an emulator, an event delivery) and moves only when every
 * piece of work is waiting: then it jumps to the next timer (speed "max") or
 * walks there at `speed` virtual seconds per wall second. So an operation
 * that takes an hour of service time finishes in milliseconds, and waits,
 * RetryAfter hints, retries, Lambda timeouts and execution timeouts all read
 * the same time.
 *
 * Work is counted as busy through `track` (a piece of work that runs to its
 * end) or an `Activity` (a Lambda invocation, which may pause: while it
 * sleeps on virtual time or waits on a call that hangs, it is not busy, so
 * the clock can reach the moment it wakes — or the moment its function
 * times out).
 *
 * Timers are foreground (someone is waiting on them: a Wait state, a retry,
 * a message becoming visible) or background (schedules that tick forever,
 * like the sweep's `rate(15 minutes)`). Background timers fire while
 * foreground work remains, or when the stack asks for them
 * (`backgroundWanted`); otherwise the clock is idle and stops.
 *
 * The interpreter gets this clock's setTimeout/clearTimeout/Date (see
 * interpreter.ts); the emulators and the handlers read `now()` through the
 * Clock port. Nothing else in the process is affected.
 */
import type { Clock } from '../../shared/runtime/clock';

export type ClockSpeed = number | 'max';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  background: boolean;
}

export interface VirtualClockOptions {
  start?: Date;
  speed?: ClockSpeed;
}

/** A piece of work that is busy while it runs and idle while it waits on virtual time. */
export interface Activity {
  readonly ended: boolean;
  /** Stops counting as busy (waiting on a timer). */
  pause(): void;
  /** Counts as busy again. */
  resume(): void;
  /** Finished (or killed): never busy again. */
  end(): void;
}

/** Timers ordered by (at, id): equal deadlines fire in the order they were set. */
function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

export class VirtualClock implements Clock {
  private nowMs: number;
  private readonly speed: ClockSpeed;
  /** A binary min-heap of live and cancelled timers; `live` says which are live. */
  private heap: Timer[] = [];
  private readonly live = new Map<number, Timer>();
  private foregroundTimers = 0;
  private nextId = 1;
  private busy = 0;
  private advancing = false;
  private idleWaiters: Array<() => void> = [];
  private wallTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Whether background timers should fire although no foreground work remains (the stack wants the next sweep). */
  backgroundWanted: () => boolean = () => false;

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

  /** setTimeout on virtual time, for the interpreter and the stack. */
  readonly setTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number =>
    this.addTimer(() => fn(...args), ms ?? 0, false);

  /** A timer that does not keep the clock going by itself (schedules). */
  setBackgroundTimeout(fn: () => void, ms: number): number {
    return this.addTimer(fn, ms, true);
  }

  readonly clearTimeout = (id: unknown): void => {
    const timer = this.live.get(id as number);
    if (!timer) return;
    this.live.delete(timer.id);
    if (!timer.background) this.foregroundTimers--;
    this.schedule();
  };

  private addTimer(fn: () => void, ms: number, background: boolean): number {
    const timer: Timer = { id: this.nextId++, at: this.nowMs + Math.max(0, Number.isFinite(ms) ? ms : 0), fn, background };
    this.live.set(timer.id, timer);
    if (!background) this.foregroundTimers++;
    this.push(timer);
    this.schedule();
    return timer.id;
  }

  /** A Date class whose `new Date()` and `Date.now()` read virtual time. */
  readonly Date: DateConstructor = (() => {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- inside the class below, `this` is the Date
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

  /** Starts an activity: busy until it pauses or ends. */
  begin(): Activity {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- inside the returned object's methods, `this` is the Activity
    const clock = this;
    let active = true;
    let ended = false;
    clock.busy++;
    return {
      get ended() {
        return ended;
      },
      pause() {
        if (!active || ended) return;
        active = false;
        clock.busy--;
        clock.schedule();
      },
      resume() {
        if (active || ended) return;
        active = true;
        clock.busy++;
      },
      end() {
        if (ended) return;
        ended = true;
        if (active) {
          active = false;
          clock.busy--;
          clock.schedule();
        }
      },
    };
  }

  /**
   * Waits `ms` of virtual time inside an activity: idle meanwhile. When the
   * activity has ended by then (its Lambda was killed), it never wakes: a
   * frozen sandbox runs no more code.
   */
  sleep(ms: number, activity: Activity): Promise<void> {
    return new Promise((resolve) => {
      activity.pause();
      this.setTimeout(() => {
        if (activity.ended) return;
        activity.resume();
        resolve();
      }, ms);
    });
  }

  /** Timers someone waits on (background schedules excluded). */
  get pendingTimers(): number {
    return this.foregroundTimers;
  }

  /** Resolves once nothing is busy, no foreground timer is pending and no background run is wanted. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.heap = [];
    this.live.clear();
    this.foregroundTimers = 0;
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

  /** The earliest live timer, dropping cancelled ones from the top of the heap. */
  private peek(): Timer | undefined {
    while (this.heap.length > 0 && !this.live.has(this.heap[0]!.id)) this.pop();
    return this.heap[0];
  }

  private async advance(): Promise<void> {
    try {
      if (this.stopped || !(await this.quiet())) return;
      const next = this.peek();
      const wanted = this.foregroundTimers > 0 || this.backgroundWanted();
      if (!next || !wanted) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        waiters.forEach((resolve) => resolve());
        return;
      }
      if (this.speed !== 'max' && next.at > this.nowMs) {
        const wallMs = (next.at - this.nowMs) / this.speed;
        await new Promise<void>((resolve) => (this.wallTimer = setTimeout(resolve, wallMs)));
        // Something may have started or been scheduled while we walked: look again.
        if (this.stopped || this.busy > 0 || this.peek() !== next) return;
      }
      this.nowMs = Math.max(this.nowMs, next.at);
      // Every timer due now, in order; timers they set for now run in the next round.
      const due: Timer[] = [];
      for (let t = this.peek(); t && t.at <= this.nowMs; t = this.peek()) {
        this.pop();
        this.live.delete(t.id);
        if (!t.background) this.foregroundTimers--;
        due.push(t);
      }
      for (const timer of due) timer.fn();
    } finally {
      this.advancing = false;
      const more = this.foregroundTimers > 0 || this.idleWaiters.length > 0 || (this.backgroundWanted() && this.heap.length > 0);
      if (!this.stopped && more && this.busy === 0) this.schedule();
    }
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
