/**
 * Call statistics for one client: per-procedure counts, errors by status, bytes in/out and
 * latency percentiles from an HdrHistogram (hdr-histogram-js).
 *
 * Latencies are recorded in microseconds, for every call that got an answer from the server
 * (success or a procedure error); client-side failures (timeouts, aborts, lost connections) are
 * counted but have no server latency. `snapshot(true)` returns the interval so far and starts
 * a new one, like Java's `ClientStatsContext.fetchAndResetBaseline()`.
 */
import type * as hdr from 'hdr-histogram-js';
import { newLatencyHistogram } from './latency-histogram.js';

/** Latency percentiles of an interval, in milliseconds (µs precision). */
export interface LatencySummary {
  /** Calls with a recorded latency. */
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Counters of one procedure in one interval. */
export interface ProcedureStats {
  procedure: string;
  /** Calls settled (succeeded + failed + unawaited). */
  calls: number;
  succeeded: number;
  failed: number;
  /** Fire-and-forget calls (`response: false`) written to the socket; their replies are ignored. */
  unawaited: number;
  /**
   * Failures by kind: a server status name (`'GRACEFUL_FAILURE'`, `'UNEXPECTED_FAILURE'`, …)
   * or a client-side kind: `'CONNECTION_TIMEOUT'` (call timeout), `'CONNECTION_LOST'`,
   * `'ABORTED'`, `'PARAMETER'`, `'BACKPRESSURE'`, `'PROTOCOL'`, `'CLOSED'`.
   */
  errors: Record<string, number>;
  latencyMs: LatencySummary;
}

/** A statistics interval of a client (see `Client.stats()`). */
export interface ClientStats {
  /** Interval start and end (wall clock). */
  since: Date;
  until: Date;
  durationMs: number;
  /** Calls settled: succeeded + failed + unawaited. */
  calls: number;
  succeeded: number;
  failed: number;
  /** Fire-and-forget calls (`response: false`) written to the socket (settled as sent). */
  unawaited: number;
  /** Calls per second over the interval (settled calls / duration). */
  callsPerSecond: number;
  /** Failures by kind across procedures (see {@link ProcedureStats.errors}). */
  errors: Record<string, number>;
  /** Bytes written to / read from the sockets (frames, including login). */
  bytesOut: number;
  bytesIn: number;
  /** Responses that arrived after their call timed out or was aborted; dropped. */
  lateResponses: number;
  /** Responses whose handle this client never issued; dropped. */
  unknownResponses: number;
  /** Replies to fire-and-forget calls (`response: false`); dropped unread. */
  ignoredResponses: number;
  latencyMs: LatencySummary;
  procedures: Record<string, ProcedureStats>;
}

/**
 * Live counters of one procedure; the client keeps one per name (and a procedure handle caches
 * it). The call tracker records every settled call here (call-tracker.ts, `recordSuccess` and
 * its siblings); this file only reads them.
 */
export class ProcedureCounters {
  calls = 0;
  succeeded = 0;
  failed = 0;
  unawaited = 0;
  errors = new Map<string, number>();
  readonly histogram: hdr.Histogram;

  constructor(readonly procedure: string) {
    // Three significant digits (0.1 %), about 90 KiB per procedure. The client-wide histogram is
    // the sum of these, built at snapshot time, so a call records one value, not two.
    this.histogram = newLatencyHistogram(this);
  }

  reset(): void {
    this.calls = 0;
    this.succeeded = 0;
    this.failed = 0;
    this.unawaited = 0;
    this.errors.clear();
    this.histogram.reset();
  }
}

function summarize(histogram: hdr.Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const ms = (us: number): number => Math.round(us) / 1000;
  return {
    count,
    min: ms(histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}

/** The live statistics of one client; {@link StatsCollector.snapshot} reads (and optionally resets) them. */
export class StatsCollector {
  bytesIn = 0;
  bytesOut = 0;
  lateResponses = 0;
  unknownResponses = 0;
  ignoredResponses = 0;
  /**
   * One live counters object per procedure name. A call's counters are taken when it starts
   * (`countersFor`, start-call.ts, with the rest of what runs then); this file only reads them.
   */
  readonly procedures = new Map<string, ProcedureCounters>();
  /** Scratch for the client-wide percentiles: the per-procedure histograms added up at snapshot time. */
  private readonly total = newLatencyHistogram(this);
  private since = Date.now();

  /** The interval so far; with `reset`, start a new interval. */
  snapshot(reset = false): ClientStats {
    const until = Date.now();
    const durationMs = Math.max(0, until - this.since);
    const procedures: Record<string, ProcedureStats> = {};
    this.total.reset();
    // The client-wide figures are the sums of the procedures' (the tracker records each call once, in its procedure's counters).
    let calls = 0;
    let succeeded = 0;
    let failed = 0;
    let unawaited = 0;
    const errors: Record<string, number> = {};
    for (const [name, c] of this.procedures) {
      if (c.calls === 0) continue;
      calls += c.calls;
      succeeded += c.succeeded;
      failed += c.failed;
      unawaited += c.unawaited;
      for (const [kind, count] of c.errors) errors[kind] = (errors[kind] ?? 0) + count;
      if (c.histogram.totalCount > 0) this.total.add(c.histogram);
      procedures[name] = {
        procedure: name,
        calls: c.calls,
        succeeded: c.succeeded,
        failed: c.failed,
        unawaited: c.unawaited,
        errors: Object.fromEntries(c.errors),
        latencyMs: summarize(c.histogram),
      };
    }
    const stats: ClientStats = {
      since: new Date(this.since),
      until: new Date(until),
      durationMs,
      calls,
      succeeded,
      failed,
      unawaited,
      callsPerSecond: durationMs > 0 ? (calls * 1000) / durationMs : 0,
      errors,
      bytesOut: this.bytesOut,
      bytesIn: this.bytesIn,
      lateResponses: this.lateResponses,
      unknownResponses: this.unknownResponses,
      ignoredResponses: this.ignoredResponses,
      latencyMs: summarize(this.total),
      procedures,
    };
    if (reset) this.reset(until);
    return stats;
  }

  private reset(now: number): void {
    this.since = now;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.lateResponses = 0;
    this.unknownResponses = 0;
    this.ignoredResponses = 0;
    // Counters objects stay (procedure handles cache them); only their numbers restart.
    for (const counters of this.procedures.values()) counters.reset();
  }
}
