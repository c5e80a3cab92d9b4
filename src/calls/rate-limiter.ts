/**
 * An optional token-bucket rate limit for load tests (`maxCallsPerSecond`): a connection's
 * flush takes one token per call it writes and waits for the next when the bucket is empty.
 */
import { performance } from 'node:perf_hooks';
import { InvalidArgumentError } from '../errors.js';

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
