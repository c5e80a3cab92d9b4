/**
 * The unit of work of an extraction: a *lane* is a sequence of pages fetched one after the
 * other (a partition's pages, a key range's pages, an offset-paging worker's pages). Lanes run
 * side by side, at most `concurrency` at once; within a lane the next request leaves only
 * once the previous page was handed to the consumer's queue, which is what bounds memory.
 *
 * A strategy turns the options into a {@link Plan}: how many lanes there are (when known) and
 * a `take()` that hands the next lane to an idle worker.
 */
import type { VoltTable } from '../decode/volt-table.js';
import { ProcedureError, VoltError } from '../errors.js';
import type { CallOptions } from '../options.js';
import type { TableInfo } from './catalog.js';
import type { ExtractClient, ExtractStrategy, ResolvedExtractOptions } from './options.js';

/** What a lane needs to fetch. */
export interface LaneContext {
  client: ExtractClient;
  /** Abort signal (the extraction's) and timeout for every request. */
  call: CallOptions;
  /** Rows per page, shared by every lane: halved when a page overflows the server's response limit. */
  pageRows: PageRows;
}

/** The page size in force (mutable: see {@link fetchWithShrink}). */
export interface PageRows {
  rows: number;
}

export interface Lane {
  readonly index: number;
  /** VoltDB partition id (strategy `partition`), else null. */
  readonly partition: number | null;
  /** The next page, or null when the lane is finished. Never called again before the previous call settled. */
  next(ctx: LaneContext): Promise<VoltTable | null>;
}

export interface Plan {
  readonly strategy: ExtractStrategy;
  /** Number of lanes when known upfront (partitions, key ranges); null for offset paging. */
  readonly lanesTotal: number | null;
  /** Partition count for the `partition` strategy, else null. */
  readonly partitionsTotal: number | null;
  /** Rows expected (a COUNT(*) made while planning), or null. */
  readonly totalRows: number | null;
  /** The next lane to run, or null when every lane has been handed out. */
  take(): Lane | null;
  /** Which columns of a response table the batch keeps (indices, in order). */
  project(table: VoltTable): number[];
}

/** Everything a strategy may use to plan. */
export interface PlanEnv {
  client: ExtractClient;
  options: ResolvedExtractOptions;
  call: CallOptions;
  /** The table's catalog entry when choosing the strategy already read it. */
  info?: TableInfo;
}

/** True for VoltDB's "Output from SQL stmt overflowed output/network buffer of 50mb" failure. */
export function isOverflow(error: unknown): boolean {
  return error instanceof ProcedureError && /overflowed output\/network buffer/i.test(error.statusString ?? error.message);
}

/**
 * Run `fetch(limit)` with the shared page size; when the server says the page overflowed its
 * response limit, halve the page size (for every lane) and try again.
 */
export async function fetchWithShrink(ctx: LaneContext, fetch: (limit: number) => Promise<VoltTable>): Promise<{ table: VoltTable; limit: number }> {
  for (;;) {
    const limit = ctx.pageRows.rows;
    try {
      return { table: await fetch(limit), limit };
    } catch (error) {
      if (!isOverflow(error) || limit <= 1) throw error;
      // Another lane may have shrunk it meanwhile: never grow it back.
      ctx.pageRows.rows = Math.min(ctx.pageRows.rows, Math.max(1, Math.floor(limit / 2)));
    }
  }
}

/** The one result table of a paging response. */
export function onlyTable(tables: readonly VoltTable[], what: string): VoltTable {
  const table = tables[0];
  if (table === undefined) throw new VoltError(`extract: ${what} returned no table`);
  return table;
}

/** A key value as the wire needs it: integers as bigint (BIGINT parameters), strings as they are. */
export type KeyValue = bigint | string;

/**
 * The key of the last row of a full page, checked: a page's last two keys must differ (paging
 * by `key > last` would skip rows sharing the boundary key), and keys must increase from page
 * to page (the SQL must `ORDER BY` the key).
 */
export function lastKey(table: VoltTable, keyIndex: number, previous: KeyValue | null, what: string): KeyValue {
  const column = table.column(keyIndex);
  const n = table.rowCount;
  const at = (row: number): KeyValue => {
    const value = column.get(row);
    if (value === null) throw new VoltError(`extract: ${what}: key column ${column.name} is NULL at row ${row}; the paging key must be NOT NULL`);
    return typeof value === 'string' ? value : BigInt(value as number | bigint);
  };
  const last = at(n - 1);
  if (n >= 2 && at(n - 2) === last) {
    throw new VoltError(`extract: ${what}: key column ${column.name} is not unique (${String(last)} repeats at a page boundary); pass key: '<a unique NOT NULL column>'`);
  }
  // Integers must grow; strings are only checked for progress (VoltDB's VARCHAR order is not JS's for every code point).
  if (previous !== null && (typeof last === 'bigint' && typeof previous === 'bigint' ? !(last > previous) : last === previous)) {
    throw new VoltError(`extract: ${what}: keys did not increase from one page to the next (${String(previous)} then ${String(last)}); the rows must be ORDER BY ${column.name}`);
  }
  return last;
}
