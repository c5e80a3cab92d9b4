/**
 * Counts and a latency histogram for a stretch of a load test, mergeable across workers.
 *
 * Latencies are recorded in microseconds into an HdrHistogram (3 significant digits: the
 * value at any percentile is exact to 0.1 %). A worker thread or process sends its tallies
 * as {@link TallyData} (the histogram compressed to base64 in HdrHistogram's own encoding),
 * and the parent merges them with `add`, which is exact: the merged percentiles are those of
 * one histogram that had recorded every call.
 */
import * as hdr from 'hdr-histogram-js';
import { decodeLatencyHistogram, newLatencyHistogram } from '../../calls/latency-histogram.js';

/** A tally in a structured-clone / JSON friendly form. */
export interface TallyData {
  completed: number;
  succeeded: number;
  failed: number;
  errors: Record<string, number>;
  outcomes: Record<string, number>;
  /** `hdr.encodeIntoCompressedBase64`, or '' when nothing was recorded. */
  histogram: string;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export class Tally {
  completed = 0;
  succeeded = 0;
  failed = 0;
  readonly errors = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  readonly histogram = newLatencyHistogram(this);

  /** A call that got an answer (or failed) after `latencyUs` microseconds. */
  record(latencyUs: number, error: string | undefined, outcome: string | undefined): void {
    this.completed++;
    if (error === undefined) this.succeeded++;
    else {
      this.failed++;
      bump(this.errors, error);
    }
    if (outcome !== undefined) bump(this.outcomes, outcome);
    this.histogram.recordValue(latencyUs < 1 ? 1 : Math.round(latencyUs));
  }

  merge(other: Tally | TallyData): void {
    this.completed += other.completed;
    this.succeeded += other.succeeded;
    this.failed += other.failed;
    const errors = other.errors instanceof Map ? other.errors : new Map(Object.entries(other.errors));
    const outcomes = other.outcomes instanceof Map ? other.outcomes : new Map(Object.entries(other.outcomes));
    for (const [key, count] of errors) bump(this.errors, key, count);
    for (const [key, count] of outcomes) bump(this.outcomes, key, count);
    if (typeof other.histogram === 'string') {
      if (other.histogram !== '') {
        const decoded = decodeLatencyHistogram(other.histogram);
        this.histogram.add(decoded);
        decoded.destroy();
      }
    } else if (other.histogram.totalCount > 0) {
      this.histogram.add(other.histogram);
    }
  }

  reset(): void {
    this.completed = 0;
    this.succeeded = 0;
    this.failed = 0;
    this.errors.clear();
    this.outcomes.clear();
    this.histogram.reset();
  }

  toData(): TallyData {
    return {
      completed: this.completed,
      succeeded: this.succeeded,
      failed: this.failed,
      errors: Object.fromEntries(this.errors),
      outcomes: Object.fromEntries(this.outcomes),
      histogram: this.histogram.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(this.histogram),
    };
  }

  /** Latency at `percentile` (0 … 100) in milliseconds; 0 when empty. */
  percentileMs(percentile: number): number {
    return this.histogram.totalCount === 0 ? 0 : this.histogram.getValueAtPercentile(percentile) / 1000;
  }
}
