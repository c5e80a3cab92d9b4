/**
 * Strategy `query`: any read-only SQL or procedure, returned as batches.
 *
 * - `procedure` (no table): one call with `params`; each result table is a batch.
 * - `sql`: one `@AdHoc` call; each statement's table is a batch. With `batchRows` given, the
 *   SQL is paged instead: `<sql> LIMIT ? OFFSET ?` (the SQL must have a total ORDER BY and no
 *   LIMIT of its own).
 * - `table`: `SELECT cols FROM t WHERE <where> ORDER BY key LIMIT ? OFFSET ?`, paged.
 *
 * Offset pages are independent, so `concurrency` lanes share one cursor and fetch pages side
 * by side; the first short page marks the end, and pages started past it come back empty.
 * Each page makes the server skip `OFFSET` rows: prefer `key-range` for large tables.
 */
import type { VoltTable } from '../../decode/volt-table.js';
import { ParameterError } from '../../errors.js';
import { fetchWithShrink, onlyTable, type Lane, type LaneContext, type Plan, type PlanEnv } from '../lane.js';
import { selectSql, statsSql } from '../sql.js';
import { firstColumns, selectTable } from './table-selection.js';

export async function planQuery(env: PlanEnv): Promise<Plan> {
  const { options } = env;
  if (options.table !== null) {
    const table = options.table;
    const selected = await selectTable(env, table);
    let totalRows: number | null = null;
    if (options.estimate) {
      const stats = onlyTable((await env.client.query(statsSql(table, options.where), options.params, env.call)).tables, 'the COUNT(*) query');
      totalRows = Number(stats.get(0, 0));
    }
    const sql = selectSql({ columns: selected.columns, table, where: options.where, orderBy: selected.key.name, limit: true, offset: true });
    return offsetPlan(env, sql, totalRows, () => firstColumns(selected.keep));
  }
  const project = (response: VoltTable): number[] => projectByName(response, options.columns);
  if (options.sql !== null && options.batchRowsGiven) {
    if (/\bLIMIT\b/i.test(options.sql)) throw new ParameterError('extract: paged sql must not have its own LIMIT (batchRows adds LIMIT ? OFFSET ?)', { procedure: 'extract' });
    return offsetPlan(env, `${options.sql.trim().replace(/;\s*$/, '')} LIMIT ? OFFSET ?`, null, project);
  }
  const lane = new SingleCallLane(options.sql !== null ? (ctx) => ctx.client.query(options.sql!, options.params, ctx.call) : (ctx) => ctx.client.call(options.procedure!, options.params, ctx.call));
  let handed = false;
  return {
    strategy: 'query',
    lanesTotal: 1,
    partitionsTotal: null,
    totalRows: null,
    take: () => (handed ? null : ((handed = true), lane)),
    project,
  };
}

/** Indices of the columns named in `columns` (all when null), looked up by name in a response table. */
export function projectByName(table: VoltTable, columns: readonly string[] | null): number[] {
  if (columns === null) return firstColumns(table.columns.length);
  return columns.map((name) => table.columnIndex(name));
}

/** One call; its result tables come out one per `next()`. */
class SingleCallLane implements Lane {
  readonly index = 0;
  readonly partition = null;
  private tables: VoltTable[] | null = null;

  constructor(private readonly request: (ctx: LaneContext) => Promise<{ tables: VoltTable[] }>) {}

  async next(ctx: LaneContext): Promise<VoltTable | null> {
    this.tables ??= [...(await this.request(ctx)).tables];
    return this.tables.shift() ?? null;
  }
}

/** The shared cursor of offset paging. */
interface Cursor {
  /** Offset of the next page to hand out. */
  offset: number;
  /** Row count of the result once a short page showed it; pages at or past it are not fetched. */
  end: number;
}

function offsetPlan(env: PlanEnv, sql: string, totalRows: number | null, project: (table: VoltTable) => number[]): Plan {
  const cursor: Cursor = { offset: 0, end: Number.POSITIVE_INFINITY };
  let lanes = 0;
  return {
    strategy: 'query',
    lanesTotal: null,
    partitionsTotal: null,
    totalRows,
    take: () => (lanes < env.options.concurrency ? new OffsetLane(lanes++, env, sql, cursor) : null),
    project,
  };
}

class OffsetLane implements Lane {
  readonly partition = null;
  /** Pieces of a page that overflowed and was split, fetched before taking a new page. */
  private readonly pending: { offset: number; limit: number }[] = [];

  constructor(
    readonly index: number,
    private readonly env: PlanEnv,
    private readonly sql: string,
    private readonly cursor: Cursor,
  ) {}

  async next(ctx: LaneContext): Promise<VoltTable | null> {
    let piece = this.pending.shift();
    if (piece === undefined) {
      if (this.cursor.offset >= this.cursor.end) return null;
      piece = { offset: this.cursor.offset, limit: ctx.pageRows.rows };
      this.cursor.offset += piece.limit;
    }
    if (piece.offset >= this.cursor.end) return this.next(ctx);
    const { offset, limit: wanted } = piece;
    const { table, limit } = await fetchWithShrink(ctx, async (n) => onlyTable((await ctx.client.query(this.sql, [...this.env.options.params, Math.min(n, wanted), offset], ctx.call)).tables, 'an offset page'));
    const got = Math.min(limit, wanted);
    // A shrunken page covers only part of its piece: the rest is fetched next, by this lane.
    if (got < wanted && table.rowCount === got) this.pending.unshift({ offset: offset + got, limit: wanted - got });
    if (table.rowCount < got) this.cursor.end = Math.min(this.cursor.end, offset + table.rowCount);
    return table;
  }
}
