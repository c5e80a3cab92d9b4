/**
 * The options of `extract()` / `client.extract()`, their defaults and their validation.
 *
 * Three ways to say what to read:
 * - `table` (+ `columns`, `where`, `params`): the extraction writes the SQL itself;
 * - `sql` (+ `params`): any read-only SQL, returned as batches (strategy `query`);
 * - `procedure` (+ `params`): a read-only procedure — called once (strategy `query`), or once
 *   per partition and page (strategy `partition`, see strategies/partition.ts).
 */
import type { DecodedResponse as Response } from '../decode/decode-response.js';
import { ParameterError } from '../errors.js';
import type { CallOptions } from '../options.js';
import type { ExtractProgress } from './progress.js';

/** What an extraction needs of a client: `Client` fits. */
export interface ExtractClient {
  call(procedure: string, params?: readonly unknown[], options?: CallOptions): Promise<Response>;
  query(sql: string, params?: readonly unknown[], options?: CallOptions): Promise<Response>;
}

/** How the work is split. */
export type ExtractStrategy = 'partition' | 'key-range' | 'query';

/** Every extraction strategy, for option checks and help texts. */
export const EXTRACT_STRATEGIES: readonly ExtractStrategy[] = Object.freeze(['partition', 'key-range', 'query']);

/** What an extraction reads and how: table or query, strategy, paging, concurrency, signal and progress. */
export interface ExtractOptions {
  /** Table (or view) to read. Names are plain SQL identifiers (letters, digits, `_`). */
  table?: string;
  /** Columns to return, in order (default: all, as the table declares them). */
  columns?: readonly string[];
  /** A SQL predicate (without `WHERE`) ANDed to every page; `?` placeholders take `params`. */
  where?: string;
  /** Values for the `?` of `where` / `sql`, or extra procedure parameters. */
  params?: readonly unknown[];
  /** Read-only SQL to run instead of a table (strategy `query`). */
  sql?: string;
  /**
   * A read-only procedure: with `by: 'query'` called once with `params`; with `by: 'partition'`
   * the single-partition page procedure called as `(partitionKey, afterKey, limit, ...params)`.
   */
  procedure?: string;
  /**
   * Strategy. Default: `partition` when a table is partitioned and a `procedure` is given,
   * `key-range` for other tables, `query` for `sql` / `procedure` alone.
   */
  by?: ExtractStrategy;
  /**
   * Unique, NOT NULL key column used for paging (`key-range`, `partition`) and ordering
   * (`query` on a table). Integer keys are split into parallel ranges; VARCHAR keys are paged
   * in one sequence. Default: the table's one-column primary key when the server reports it,
   * else its partition column, else its first column.
   */
  key?: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Rows per page (`LIMIT`); default 50 000. Halved automatically when a page overflows VoltDB's 50 MB response limit. */
  batchRows?: number;
  /** Decoded batches allowed to wait for the consumer (default: `concurrency`). */
  maxQueuedBatches?: number;
  /** Cancels the extraction: every request in flight is aborted and iteration rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Client-side timeout of each request (ms). Default: the client's `callTimeoutMs`. */
  timeoutMs?: number;
  /** Run a `COUNT(*)` first so progress can show a total and an ETA (default true for a table). */
  estimate?: boolean;
  /** Called after each batch is handed to the consumer, and once at the end. */
  onProgress?: (progress: ExtractProgress) => void;
}

/** Options after defaults and validation. */
export interface ResolvedExtractOptions {
  table: string | null;
  columns: readonly string[] | null;
  where: string | null;
  params: readonly unknown[];
  sql: string | null;
  procedure: string | null;
  by: ExtractStrategy | null;
  key: string | null;
  concurrency: number;
  batchRows: number;
  /** True when the caller gave `batchRows` (turns on OFFSET paging for `sql`). */
  batchRowsGiven: boolean;
  maxQueuedBatches: number;
  signal: AbortSignal | null;
  timeoutMs: number | undefined;
  estimate: boolean;
  onProgress: ((progress: ExtractProgress) => void) | null;
}

/** The extraction defaults, in one place. */
export const EXTRACT_DEFAULTS = Object.freeze({
  concurrency: 4,
  batchRows: 50_000,
});

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function refuse(message: string): ParameterError {
  return new ParameterError(`extract: ${message}`, { procedure: 'extract' });
}

/** A plain SQL identifier, returned as given; anything else is refused (no quoting games in generated SQL). */
export function identifier(what: string, name: unknown): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw refuse(`${what} must be a plain SQL identifier (letters, digits, _), got ${JSON.stringify(name)}`);
  }
  return name;
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw refuse(`${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}

function text(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.trim() === '') throw refuse(`${name} must be a non-empty string`);
  return value;
}

/** Apply defaults and check every option before anything is sent. */
export function resolveExtractOptions(options: ExtractOptions): ResolvedExtractOptions {
  if (typeof options !== 'object' || options === null) throw refuse('options must be an object');
  const table = options.table === undefined ? null : identifier('table', options.table);
  const sql = text('sql', options.sql);
  const procedure = text('procedure', options.procedure);
  if (table === null && sql === null && procedure === null) throw refuse('give a table, sql or procedure to read');
  if (sql !== null && table !== null) throw refuse('give either table or sql, not both');
  if (sql !== null && procedure !== null) throw refuse('give either sql or procedure, not both');
  const by = options.by ?? null;
  if (by !== null && !EXTRACT_STRATEGIES.includes(by)) throw refuse(`by must be one of ${EXTRACT_STRATEGIES.join(', ')}, got ${JSON.stringify(by)}`);
  if (by === 'partition' && procedure === null) {
    throw refuse("by 'partition' needs the procedure that reads one partition's page: (partitionKey, afterKey, limit, ...params) — see docs/extraction.md, \"The page procedure of the partition strategy\"");
  }
  if (by === 'key-range' && table === null) throw refuse("by 'key-range' needs a table");
  if (table !== null && procedure !== null && by !== null && by !== 'partition') throw refuse(`by '${by}' reads either a table or a procedure, not both`);
  if (options.columns !== undefined) {
    if (!Array.isArray(options.columns) || options.columns.length === 0) throw refuse('columns must be a non-empty array of column names');
    options.columns.forEach((c, i) => identifier(`columns[${i}]`, c));
  }
  const where = text('where', options.where);
  if (where !== null && table === null) throw refuse('where needs a table (put the predicate in your sql)');
  if (where !== null && by === 'partition') throw refuse("where cannot be used with by 'partition': the page procedure's SQL selects the rows");
  const params = options.params ?? [];
  if (!Array.isArray(params)) throw refuse('params must be an array');
  const concurrency = count('concurrency', options.concurrency, EXTRACT_DEFAULTS.concurrency);
  const batchRows = count('batchRows', options.batchRows, EXTRACT_DEFAULTS.batchRows);
  if (batchRows > 0x7fffffff) throw refuse(`batchRows must fit an INTEGER LIMIT, got ${batchRows}`);
  const maxQueuedBatches = count('maxQueuedBatches', options.maxQueuedBatches, concurrency);
  const signal = options.signal ?? null;
  if (signal !== null && !(signal instanceof AbortSignal)) throw refuse('signal must be an AbortSignal');
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0))) throw refuse(`timeoutMs must be a number of ms >= 0, got ${String(timeoutMs)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw refuse('onProgress must be a function');
  return {
    table,
    columns: options.columns === undefined ? null : [...options.columns],
    where,
    params,
    sql,
    procedure,
    by,
    key: options.key === undefined ? null : identifier('key', options.key),
    concurrency,
    batchRows,
    batchRowsGiven: options.batchRows !== undefined,
    maxQueuedBatches,
    signal,
    timeoutMs,
    estimate: options.estimate ?? table !== null,
    onProgress: options.onProgress ?? null,
  };
}
