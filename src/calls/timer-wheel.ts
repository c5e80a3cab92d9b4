/**
 * Coarse, bucketed timeouts: a hashed timing wheel instead of one `setTimeout` per call.
 *
 * Entries are intrusive (the pending call object carries its own list links), so adding and
 * removing a timeout allocates nothing and costs O(1). One unref'd timer ticks every
 * `resolutionMs` while anything is scheduled and stops when the wheel is empty. An entry fires
 * in the first tick at or after its deadline, so a timeout fires between `timeoutMs` and
 * `timeoutMs + resolutionMs` late (plus event-loop delay) — the same trade undici makes with its
 * fast timers. Deadlines further away than one turn of the wheel simply stay in their slot for
 * the extra turns.
 */
import { InvalidArgumentError } from '../errors.js';

/** The fields a timed object carries; the wheel owns them while the entry is scheduled. */
export interface TimerEntry {
  /** Absolute deadline on the wheel's clock (ms). */
  deadline: number;
  timerNext: TimerEntry | null;
  timerPrev: TimerEntry | null;
  /** Slot index while scheduled, -1 otherwise (-2 briefly, while due in the running tick). */
  timerSlot: number;
}

/** Options of {@link TimerWheel}. */
export interface TimerWheelOptions {
  /** Tick length in ms (default 100). */
  resolutionMs?: number;
  /** Slots, rounded up to a power of two (default 1024: one turn ≈ 102 s at 100 ms). */
  slots?: number;
  /** Clock in ms; default `performance.now`. Tests pass a fake. */
  now?: () => number;
}

/** Default tick of the call-timeout wheel. */
export const DEFAULT_TIMER_RESOLUTION_MS = 100;

/** A hashed timing wheel over intrusive entries (see the file comment). */
export class TimerWheel<T extends TimerEntry> {
  readonly resolutionMs: number;
  private readonly slots: (TimerEntry | null)[];
  private readonly mask: number;
  private readonly now: () => number;
  /** Last tick number whose slot has been processed. */
  private processedTick: number;
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private readonly due: T[] = [];
  private readonly tickBound: () => void;

  constructor(
    private readonly onExpire: (entry: T) => void,
    options: TimerWheelOptions = {},
  ) {
    this.resolutionMs = options.resolutionMs ?? DEFAULT_TIMER_RESOLUTION_MS;
    if (!(this.resolutionMs >= 1)) throw new InvalidArgumentError(`timer resolution must be >= 1 ms, got ${this.resolutionMs}`);
    let size = 1;
    while (size < (options.slots ?? 1024)) size *= 2;
    this.slots = new Array<TimerEntry | null>(size).fill(null);
    this.mask = size - 1;
    this.now = options.now ?? (() => performance.now());
    this.processedTick = Math.floor(this.now() / this.resolutionMs);
    this.tickBound = () => this.tick();
  }

  /** Entries scheduled. */
  get size(): number {
    return this.count;
  }

  /** Schedule `entry` to expire `timeoutMs` from now (sets `entry.deadline`). */
  add(entry: T, timeoutMs: number): void {
    this.addAt(entry, this.now() + timeoutMs);
  }

  /** Schedule `entry` at an absolute deadline on the wheel's clock. */
  addAt(entry: T, deadline: number): void {
    if (entry.timerSlot !== -1) this.remove(entry);
    if (this.count === 0) {
      // Idle wheel: catch up so it does not rescan minutes of empty slots, and so an
      // already-due deadline lands in the next tick rather than a tick marked processed.
      const previousTick = Math.floor(this.now() / this.resolutionMs) - 1;
      if (previousTick > this.processedTick) this.processedTick = previousTick;
    }
    entry.deadline = deadline;
    // The first tick at or after the deadline, never one already processed.
    const tick = Math.max(Math.ceil(deadline / this.resolutionMs), this.processedTick + 1);
    const slot = tick & this.mask;
    const head = this.slots[slot]!;
    entry.timerPrev = null;
    entry.timerNext = head;
    if (head !== null) head.timerPrev = entry;
    this.slots[slot] = entry;
    entry.timerSlot = slot;
    if (++this.count === 1) this.start();
  }

  /** Unschedule `entry` (no-op when it is not scheduled). */
  remove(entry: T): void {
    const slot = entry.timerSlot;
    if (slot < 0) {
      // -2: due in the pass running now; removing it cancels the firing.
      entry.timerSlot = -1;
      return;
    }
    const prev = entry.timerPrev;
    const next = entry.timerNext;
    if (prev === null) this.slots[slot] = next;
    else prev.timerNext = next;
    if (next !== null) next.timerPrev = prev;
    entry.timerPrev = null;
    entry.timerNext = null;
    entry.timerSlot = -1;
    if (--this.count === 0) this.stop();
  }

  /** Fire every entry due by now. Runs from the timer; public for deterministic tests. */
  tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.now();
      const currentTick = Math.floor(now / this.resolutionMs);
      // After a long stall, one pass over every slot is enough.
      const from = Math.max(this.processedTick + 1, currentTick - this.mask);
      for (let tick = from; tick <= currentTick && this.count > 0; tick++) this.expireSlot(tick & this.mask, now);
      if (currentTick > this.processedTick) this.processedTick = currentTick;
    } finally {
      this.ticking = false;
    }
    if (this.count > 0) this.arm();
  }

  /** Drop every entry without firing and stop the timer. */
  clear(): void {
    for (let i = 0; i < this.slots.length; i++) {
      let entry = this.slots[i]!;
      while (entry !== null) {
        const next = entry.timerNext;
        entry.timerNext = null;
        entry.timerPrev = null;
        entry.timerSlot = -1;
        entry = next!;
      }
      this.slots[i] = null;
    }
    this.count = 0;
    this.stop();
  }

  /** Unlink the due entries first, then fire them: a callback may add or remove entries. */
  private expireSlot(slot: number, now: number): void {
    const due = this.due;
    let entry = this.slots[slot]!;
    while (entry !== null) {
      const next = entry.timerNext;
      if (entry.deadline <= now) {
        this.remove(entry as T);
        entry.timerSlot = -2;
        due.push(entry as T);
      }
      entry = next!;
    }
    for (let i = 0; i < due.length; i++) {
      const fire = due[i]!;
      if (fire.timerSlot !== -2) continue; // removed (or re-added) by an earlier callback
      fire.timerSlot = -1;
      this.onExpire(fire);
    }
    due.length = 0;
  }

  private start(): void {
    if (!this.ticking) this.arm();
  }

  private arm(): void {
    if (this.timer === null) {
      this.timer = setTimeout(this.tickBound, this.resolutionMs);
      this.timer.unref();
    } else {
      this.timer.refresh();
    }
  }

  private stop(): void {
    if (this.timer !== null && !this.ticking) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
