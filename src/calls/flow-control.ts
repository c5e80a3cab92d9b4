/**
 * Client-side flow control, two levels like VoltDB's Java Client2:
 *
 * 1. per connection, at most `maxOutstanding` calls on the wire (the connection counts those
 *    itself and stops its write scheduler at the limit);
 * 2. per client, a bounded queue of calls accepted and not yet settled, with three levels:
 *    at `warn` the client reports backpressure (`needsDrain` becomes true), at or below
 *    `resume` it emits `'drain'`, and at `hard` a new call is refused at once with
 *    `BackpressureError` — the stream `highWaterMark` pattern, plus a hard stop so memory
 *    stays bounded when the server stops reading.
 *
 * Plus an optional token-bucket rate limit (`maxCallsPerSecond`) for load tests.
 */
import { InvalidArgumentError } from '../errors.js';

/** Queue levels, in calls accepted by the client and not yet settled. */
export interface QueueLevels {
  /** `needsDrain` turns true at this many pending calls. Default 8000. */
  warn: number;
  /** `'drain'` is emitted when pending calls fall to this many. Default 2000. */
  resume: number;
  /** A call beyond this many pending ones is refused with `BackpressureError`. Default 10000. */
  hard: number;
}

/** Default queue levels (calls accepted and not settled). */
export const DEFAULT_QUEUE_LEVELS: Readonly<QueueLevels> = Object.freeze({ warn: 8000, resume: 2000, hard: 10000 });

/** Callbacks fired when the queue crosses its levels. */
export interface FlowControlEvents {
  /** Pending calls reached `warn`. */
  onBackpressure(pending: number): void;
  /** Pending calls fell to `resume` after a backpressure. */
  onDrain(pending: number): void;
}

/** Validate levels: 0 ≤ resume < warn ≤ hard. */
export function checkQueueLevels(levels: QueueLevels): QueueLevels {
  const { warn, resume, hard } = levels;
  for (const [name, value] of [['warn', warn], ['resume', resume], ['hard', hard]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`queue.${name} must be an integer >= 0, got ${value}`);
  }
  if (!(resume < warn && warn <= hard)) {
    throw new InvalidArgumentError(`queue levels must satisfy resume < warn <= hard, got resume ${resume}, warn ${warn}, hard ${hard}`);
  }
  return levels;
}

/** The client queue's accounting: admit, release, and the warn / resume / hard levels. */
export class FlowControl {
  /** Calls admitted and not yet released. */
  pending = 0;
  /** True from `warn` until the queue falls back to `resume`. */
  needsDrain = false;
  /** Calls refused at the hard limit. */
  refused = 0;

  constructor(
    readonly levels: QueueLevels,
    private readonly events: FlowControlEvents,
  ) {
    checkQueueLevels(levels);
  }

  /** Take a place in the queue; false (and nothing counted) when the hard limit is reached. */
  tryAdmit(): boolean {
    if (this.pending >= this.levels.hard) {
      this.refused++;
      return false;
    }
    this.pending++;
    if (!this.needsDrain && this.pending >= this.levels.warn) {
      this.needsDrain = true;
      this.events.onBackpressure(this.pending);
    }
    return true;
  }

  /** Give a place back (the call settled). */
  release(): void {
    this.pending--;
    if (this.needsDrain && this.pending <= this.levels.resume) {
      this.needsDrain = false;
      this.events.onDrain(this.pending);
    }
  }
}

/**
 * A token bucket: `callsPerSecond` tokens per second, holding at most 50 ms worth (at least 1)
 * so an idle period does not turn into a burst. Schedulers that find it empty register a wake
 * callback; one timer (only while someone waits) wakes them when a token is due.
 */
export class RateLimiter {
  readonly callsPerSecond: number;
  private readonly capacity: number;
  private tokens: number;
  private last: number;
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly wakeBound: () => void;

  constructor(
    callsPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(callsPerSecond > 0) || !Number.isFinite(callsPerSecond)) {
      throw new InvalidArgumentError(`maxCallsPerSecond must be a positive number, got ${callsPerSecond}`);
    }
    this.callsPerSecond = callsPerSecond;
    this.capacity = Math.max(1, callsPerSecond / 20);
    this.tokens = this.capacity;
    this.last = now();
    this.wakeBound = () => this.wake();
  }

  /** Take one token; false when the bucket is empty (then call {@link waitForToken}). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Call `wake` once a token is available. */
  waitForToken(wake: () => void): void {
    this.waiters.add(wake);
    if (this.timer === null) {
      const ms = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.callsPerSecond));
      this.timer = setTimeout(this.wakeBound, ms);
      this.timer.unref();
    }
  }

  /** Forget a waiter (its connection closed); stops the timer when nobody waits. */
  cancel(wake: () => void): void {
    this.waiters.delete(wake);
    if (this.waiters.size === 0 && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Forget every waiter and stop the timer (the client closed). */
  cancelAll(): void {
    this.waiters.clear();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.callsPerSecond) / 1000);
    this.last = now;
  }

  private wake(): void {
    this.timer = null;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }
}
