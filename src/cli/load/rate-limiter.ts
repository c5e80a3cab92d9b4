/**
 * The send schedule of a load test, correct for coordinated omission.
 *
 * With a rate of R calls per second, call n (0-based) is *intended* to leave at
 * `start + n * 1000 / R` milliseconds. A load generator that waits for a slow server before
 * sending the next call quietly stops measuring during the stall — the stall's would-be calls
 * are never made, so their latency never enters the histogram ("coordinated omission", Gil
 * Tene). Here the schedule never moves: when the client is held back (flow control, a full
 * pipeline), the calls that fell due are sent late, and their latency is counted from the
 * intended time, so a stall shows up in every call it delayed.
 *
 * Without a rate the schedule is "now": each call's latency starts when it is issued.
 */
export class SendSchedule {
  /** Milliseconds between two intended sends; 0 when unlimited. */
  readonly intervalMs: number;

  /**
   * @param rate calls per second, or undefined for "as fast as flow control allows"
   * @param startMs the schedule's origin on the `performance.now()` clock
   */
  constructor(
    readonly rate: number | undefined,
    readonly startMs: number,
  ) {
    if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) {
      throw new RangeError(`rate must be a positive number of calls per second, got ${rate}`);
    }
    this.intervalMs = rate === undefined ? 0 : 1000 / rate;
  }

  get limited(): boolean {
    return this.rate !== undefined;
  }

  /** Calls that are due by `nowMs` (counting from call 0); unlimited → Infinity. */
  dueBy(nowMs: number): number {
    if (this.rate === undefined) return Number.POSITIVE_INFINITY;
    if (nowMs < this.startMs) return 0;
    return Math.floor((nowMs - this.startMs) / this.intervalMs) + 1;
  }

  /** Intended send time of call `n`; unlimited → `nowMs` (latency starts at the issue). */
  intendedTime(n: number, nowMs: number): number {
    return this.rate === undefined ? nowMs : this.startMs + n * this.intervalMs;
  }

  /** Milliseconds from `nowMs` until call `n` falls due (0 when it is due already). */
  delayUntil(n: number, nowMs: number): number {
    if (this.rate === undefined) return 0;
    return Math.max(0, this.startMs + n * this.intervalMs - nowMs);
  }
}
