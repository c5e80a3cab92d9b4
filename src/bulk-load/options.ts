/**
 * What `client.bulkLoad(table, source, options)` accepts and answers: the options (checked
 * once, before anything is read or sent), the report, and the progress it hands to
 * `onProgress`.
 */
import { InvalidArgumentError, type BulkLoadCounts } from '../errors.js';

/** A row: values in the table's column order, or an object keyed by column name (case-insensitive). */
export type BulkRow = readonly unknown[] | Readonly<Record<string, unknown>>;

/** How `client.bulkLoad` loads: batch size, upsert, error limit, callbacks, concurrency, signal and time limit. */
export interface BulkLoadOptions {
  /** Rows per `@Load…Table` call (per partition). Default 200, as VoltDB's csvloader. */
  batchSize?: number;
  /** Replace rows whose primary key exists (the table's upsert) instead of failing them. Default false. */
  upsert?: boolean;
  /** Stop (rejecting with `BulkLoadError`) once more rows than this have failed. Default: never stop. */
  maxErrors?: number;
  /**
   * Called once for every row that did not land: refused before sending (a value that does not
   * fit its column), refused by the server (its message), or whose batch's outcome is unknown
   * (the connection was lost after sending). `index` is the row's 0-based position in the source.
   */
  onError?: (row: unknown[], error: Error, index: number) => void;
  /** Called after every batch settles and once at the end. */
  onProgress?: (progress: BulkLoadProgress) => void;
  /** Batches in flight at once, over all partitions. Default: twice the partition count, 4..64. */
  concurrency?: number;
  /** Stops reading the source; batches in flight settle, then the load rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The whole load's time limit (ms); each call gets the time left. Default: none (each call has the client's timeout). */
  timeoutMs?: number;
}

/** The options with defaults applied. */
export interface ResolvedBulkLoadOptions {
  batchSize: number;
  upsert: boolean;
  maxErrors: number;
  onError: ((row: unknown[], error: Error, index: number) => void) | null;
  onProgress: ((progress: BulkLoadProgress) => void) | null;
  concurrency: number | null;
  signal: AbortSignal | null;
  timeoutMs: number | null;
}

/** What a finished (or stopped) load did: rows read, inserted, failed, unknown, bytes, calls, seconds. */
export type BulkLoadReport = BulkLoadCounts;

/** Progress of a load, handed to `onProgress`. */
export interface BulkLoadProgress extends BulkLoadReport {
  /** Calls sent and not answered. */
  inFlight: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
  done: boolean;
}

export const DEFAULT_BATCH_SIZE = 200;
/** A batch is sent early past this many bytes: far below VoltDB's 10 MiB table and 50 MiB frame limits. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

function refuse(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`bulkLoad: ${message}`);
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw refuse(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** Check and complete the options; a bad option is an InvalidArgumentError naming it. */
export function resolveBulkLoadOptions(options: BulkLoadOptions = {}): ResolvedBulkLoadOptions {
  if (typeof options !== 'object' || options === null) throw refuse(`options must be an object, got ${String(options)}`);
  const batchSize = positiveInteger(options.batchSize, 'batchSize', DEFAULT_BATCH_SIZE);
  if (options.upsert !== undefined && typeof options.upsert !== 'boolean') throw refuse(`upsert must be a boolean, got ${String(options.upsert)}`);
  let maxErrors = Infinity;
  if (options.maxErrors !== undefined) {
    if (typeof options.maxErrors !== 'number' || !(options.maxErrors >= 0) || (Number.isFinite(options.maxErrors) && !Number.isInteger(options.maxErrors))) {
      throw refuse(`maxErrors must be a non-negative integer (or Infinity), got ${String(options.maxErrors)}`);
    }
    maxErrors = options.maxErrors;
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') throw refuse('onError must be a function');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw refuse('onProgress must be a function');
  const concurrency = options.concurrency === undefined ? null : positiveInteger(options.concurrency, 'concurrency', 1);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw refuse('signal must be an AbortSignal');
  let timeoutMs: number | null = null;
  if (options.timeoutMs !== undefined) {
    if (typeof options.timeoutMs !== 'number' || !(options.timeoutMs > 0)) throw refuse(`timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
    timeoutMs = options.timeoutMs;
  }
  return {
    batchSize,
    upsert: options.upsert ?? false,
    maxErrors,
    onError: options.onError ?? null,
    onProgress: options.onProgress ?? null,
    concurrency,
    signal: options.signal ?? null,
    timeoutMs,
  };
}
