/**
 * The running statistics of a load test, as the live display and the report read them.
 *
 * Two tallies: `interval` (every completion since the last display tick, warm-up included, so
 * the live line moves from the first second) and `measured` (completions of calls intended to
 * start inside the measured window — the report's figures). A worker keeps its own LoadStats
 * and ships both tallies as deltas; the coordinator merges them into one LoadStats, so the
 * display and the report work the same with one client or many.
 *
 * A completion is recorded once ({@link LoadStats.record}), into one of two tallies of recent
 * completions (measured, or warm-up), and folded into `interval` and `measured` when either is
 * read — a display tick, a worker's delta, the report. Recording into both tallies per call
 * cost a second histogram update and outcome count on the load tester's hot path.
 */
import { performance } from 'node:perf_hooks';
import { Tally, type TallyData } from './tally.js';

export type LoadPhase = 'setup' | 'warmup' | 'measure' | 'drain' | 'done';

/** What one display tick shows. */
export interface IntervalSnapshot {
  phase: LoadPhase;
  /** Since the load started (warm-up included), ms. */
  elapsedMs: number;
  /** Measured window so far, ms (0 during warm-up). */
  measuredMs: number;
  /** Completions in this tick and their rate. */
  completed: number;
  tpsNow: number;
  /** Measured completions per second so far. */
  tpsAverage: number;
  p50Ms: number;
  p99Ms: number;
  /** Failed calls in the measured window so far. */
  errors: number;
  /** Calls issued and not yet settled. */
  outstanding: number;
}

/** What a worker sends every few hundred milliseconds. */
export interface LoadDelta {
  interval: TallyData;
  measured: TallyData;
  issued: number;
  outstanding: number;
}

export class LoadStats {
  readonly #interval = new Tally();
  readonly #measured = new Tally();
  /** Completions recorded since the last fold: of measured calls, and of warm-up calls. */
  readonly #recentMeasured = new Tally();
  readonly #recentWarmup = new Tally();
  issued = 0;
  outstanding = 0;
  private intervalStart: number;
  /** Outstanding calls per worker (coordinator side), summed into `outstanding`. */
  private readonly workerOutstanding = new Map<number, number>();

  constructor(now: number = performance.now()) {
    this.intervalStart = now;
  }

  /** Every completion since the last display tick, warm-up included. */
  get interval(): Tally {
    this.#fold();
    return this.#interval;
  }

  /** Completions of the calls intended inside the measured window: the report's figures. */
  get measured(): Tally {
    this.#fold();
    return this.#measured;
  }

  /** A call settled after `latencyUs`; `measured`: it was intended inside the measured window. */
  record(latencyUs: number, error: string | undefined, outcome: string | undefined, measured: boolean): void {
    (measured ? this.#recentMeasured : this.#recentWarmup).record(latencyUs, error, outcome);
  }

  #fold(): void {
    const measured = this.#recentMeasured;
    if (measured.completed > 0) {
      this.#interval.merge(measured);
      this.#measured.merge(measured);
      measured.reset();
    }
    const warmup = this.#recentWarmup;
    if (warmup.completed > 0) {
      this.#interval.merge(warmup);
      warmup.reset();
    }
  }

  /** Read the tick's figures and start a new interval. */
  takeInterval(now: number, phase: LoadPhase, elapsedMs: number, measuredMs: number): IntervalSnapshot {
    const seconds = Math.max(now - this.intervalStart, 1) / 1000;
    const snapshot: IntervalSnapshot = {
      phase,
      elapsedMs,
      measuredMs,
      completed: this.interval.completed,
      tpsNow: this.interval.completed / seconds,
      tpsAverage: measuredMs > 0 ? this.measured.completed / (measuredMs / 1000) : 0,
      p50Ms: this.interval.percentileMs(50),
      p99Ms: this.interval.percentileMs(99),
      errors: this.measured.failed,
      outstanding: this.outstanding,
    };
    this.interval.reset();
    this.intervalStart = now;
    return snapshot;
  }

  /** Worker side: both tallies as a delta, then start afresh. */
  takeDelta(): LoadDelta {
    const delta: LoadDelta = {
      interval: this.interval.toData(),
      measured: this.measured.toData(),
      issued: this.issued,
      outstanding: this.outstanding,
    };
    this.interval.reset();
    this.measured.reset();
    return delta;
  }

  /** Coordinator side: fold in worker `worker`'s delta. `issued` and `outstanding` are absolute. */
  mergeDelta(worker: number, delta: LoadDelta, issuedBefore: number): number {
    this.interval.merge(delta.interval);
    this.measured.merge(delta.measured);
    this.issued += delta.issued - issuedBefore;
    this.workerOutstanding.set(worker, delta.outstanding);
    let outstanding = 0;
    for (const value of this.workerOutstanding.values()) outstanding += value;
    this.outstanding = outstanding;
    return delta.issued;
  }
}
