/**
 * Progress of an extraction: rows and bytes handed to the consumer, rates, lanes (partitions
 * or key ranges) finished, and an ETA when the planner counted the rows first.
 */
import { performance } from 'node:perf_hooks';
import type { ExtractStrategy } from './options.js';

/** Where an extraction stands: rows, bytes, rates, lanes or partitions done, and the ETA. */
export interface ExtractProgress {
  /** Null until the plan is made. */
  strategy: ExtractStrategy | null;
  /** Rows handed to the consumer so far. */
  rows: number;
  /** Bytes of column buffers handed to the consumer (the Arrow size of the data). */
  bytes: number;
  batches: number;
  /** Requests answered (pages, including empty ones and the planning queries). */
  requests: number;
  /** Requests sent and not answered. */
  inFlight: number;
  /** Decoded batches waiting for the consumer. */
  queued: number;
  /** Lanes finished: partitions for `partition`, key ranges for `key-range`, page workers for `query`. */
  lanesDone: number;
  /** Lanes planned, or null when not known upfront (offset paging). */
  lanesTotal: number | null;
  /** For `partition`: partitions finished and their count; else null. */
  partitionsDone: number | null;
  partitionsTotal: number | null;
  /** Rows expected (a COUNT(*) made while planning), or null. */
  totalRows: number | null;
  elapsedMs: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
  /** Estimated time left, from `totalRows` and the row rate; null without a total. */
  etaMs: number | null;
  done: boolean;
}

/** The counters behind {@link ExtractProgress}. */
export class ProgressTracker {
  strategy: ExtractStrategy | null = null;
  rows = 0;
  bytes = 0;
  batches = 0;
  requests = 0;
  inFlight = 0;
  queued = 0;
  lanesDone = 0;
  lanesTotal: number | null = null;
  partitionsTotal: number | null = null;
  totalRows: number | null = null;
  done = false;
  private readonly started: number;
  private finishedAt: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  finish(): void {
    this.done = true;
    this.finishedAt ??= this.now();
  }

  snapshot(): ExtractProgress {
    const elapsedMs = (this.finishedAt ?? this.now()) - this.started;
    const seconds = elapsedMs / 1000;
    const rowsPerSecond = seconds > 0 ? this.rows / seconds : 0;
    const left = this.totalRows === null ? null : Math.max(0, this.totalRows - this.rows);
    return {
      strategy: this.strategy,
      rows: this.rows,
      bytes: this.bytes,
      batches: this.batches,
      requests: this.requests,
      inFlight: this.inFlight,
      queued: this.queued,
      lanesDone: this.lanesDone,
      lanesTotal: this.lanesTotal,
      partitionsDone: this.partitionsTotal === null ? null : this.lanesDone,
      partitionsTotal: this.partitionsTotal,
      totalRows: this.totalRows,
      elapsedMs,
      rowsPerSecond,
      bytesPerSecond: seconds > 0 ? this.bytes / seconds : 0,
      etaMs: this.done ? 0 : left === null || rowsPerSecond === 0 ? null : (left / rowsPerSecond) * 1000,
      done: this.done,
    };
  }
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1:05`, `12:00:03`: a duration for an ETA. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A byte rate in the unit that keeps it readable — `512 B/s`, `812.3 KiB/s`, `48.2 MiB/s` — so a
 * slow or small extraction never reads `0.0 MB/s`.
 */
export function formatByteRate(bytesPerSecond: number): string {
  if (!(bytesPerSecond >= 1024)) return `${Math.round(Math.max(bytesPerSecond, 0) || 0)} B/s`;
  let value = bytesPerSecond / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}/s`;
}

/** One line: `1,000,000 rows | 250,000 rows/s | 48.2 MiB/s | partitions 8/8 | ETA 0:00`. */
export function progressLine(p: ExtractProgress): string {
  const parts = [`${integer.format(p.rows)}${p.totalRows === null ? '' : `/${integer.format(p.totalRows)}`} rows`];
  parts.push(`${integer.format(p.rowsPerSecond)} rows/s`);
  parts.push(formatByteRate(p.bytesPerSecond));
  if (p.partitionsTotal !== null) parts.push(`partitions ${p.partitionsDone}/${p.partitionsTotal}`);
  else if (p.lanesTotal !== null) parts.push(`ranges ${p.lanesDone}/${p.lanesTotal}`);
  parts.push(`ETA ${p.etaMs === null ? '--:--' : formatDuration(p.etaMs)}`);
  return parts.join(' | ');
}
