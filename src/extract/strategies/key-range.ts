/**
 * Strategy `key-range`: pages of `WHERE key > ? ORDER BY key LIMIT n`.
 *
 * An integer key is split into ranges first: one `SELECT COUNT(*), MIN(key), MAX(key)` gives
 * the span, which is cut into equal-width ranges (at most 4 × concurrency, and no more than
 * there are pages of rows), and each range is a lane paged on its own:
 *
 *   first page   SELECT cols FROM t WHERE <where> AND key >= lo AND key <= hi ORDER BY key LIMIT n
 *   next pages   SELECT cols FROM t WHERE <where> AND key > last AND key <= hi ORDER BY key LIMIT n
 *
 * A lane ends with a page shorter than n. A VARCHAR key (or an empty table) is one lane paged
 * from the start. The key must be unique and NOT NULL (checked at page boundaries, lane.ts).
 */
import type { VoltTable } from '../../decode/volt-table.js';
import { INTEGER_KEY_TYPES } from '../catalog.js';
import { fetchWithShrink, lastKey, onlyTable, type KeyValue, type Lane, type LaneContext, type Plan, type PlanEnv } from '../lane.js';
import { selectSql, statsSql } from '../sql.js';
import { firstColumns, selectTable, type TableSelection } from './table-selection.js';

/** Lanes per unit of concurrency: more, smaller ranges even out skewed key distributions. */
const RANGES_PER_WORKER = 4;

export async function planKeyRange(env: PlanEnv): Promise<Plan> {
  const { options } = env;
  const table = options.table!;
  const selected = await selectTable(env, table);
  const key = selected.key.name;
  const integer = INTEGER_KEY_TYPES.has(selected.key.type);
  let totalRows: number | null = null;
  let ranges: [bigint, bigint][] | null = null;
  if (integer || options.estimate) {
    const stats = onlyTable((await env.client.query(statsSql(table, options.where, integer ? key : undefined), options.params, env.call)).tables, 'the COUNT(*) query');
    totalRows = Number(stats.get(0, 0));
    if (integer && totalRows > 0) ranges = splitRange(BigInt(stats.get(0, 1) as number | bigint), BigInt(stats.get(0, 2) as number | bigint), totalRows, options.batchRows, options.concurrency);
  }
  const lanes: Lane[] = ranges === null ? [new KeyLane(0, env, selected, null)] : ranges.map((range, i) => new KeyLane(i, env, selected, range));
  let handed = 0;
  return {
    strategy: 'key-range',
    lanesTotal: lanes.length,
    partitionsTotal: null,
    totalRows,
    take: () => lanes[handed++] ?? null,
    project: () => firstColumns(selected.keep),
  };
}

/**
 * Cut [min, max] into at most `RANGES_PER_WORKER × concurrency` equal-width inclusive ranges,
 * no more than the pages the rows fill and no more than the keys in the span.
 */
export function splitRange(min: bigint, max: bigint, rows: number, batchRows: number, concurrency: number): [bigint, bigint][] {
  const span = max - min + 1n;
  let count = BigInt(Math.max(1, Math.min(Math.ceil(rows / batchRows), RANGES_PER_WORKER * concurrency)));
  if (count > span) count = span;
  const width = (span + count - 1n) / count;
  const ranges: [bigint, bigint][] = [];
  for (let lo = min; lo <= max; lo += width) {
    const hi = lo + width - 1n;
    ranges.push([lo, hi < max ? hi : max]);
  }
  return ranges;
}

class KeyLane implements Lane {
  readonly partition = null;
  private after: KeyValue | null = null;
  private finished = false;

  constructor(
    readonly index: number,
    private readonly env: PlanEnv,
    private readonly selected: TableSelection,
    /** Inclusive [lo, hi] of an integer key, or null for one lane over everything. */
    private readonly range: [bigint, bigint] | null,
  ) {}

  async next(ctx: LaneContext): Promise<VoltTable | null> {
    if (this.finished) return null;
    const { options } = this.env;
    const key = this.selected.key.name;
    const predicates: string[] = [];
    const values: unknown[] = [...options.params];
    if (this.after !== null) {
      predicates.push(`${key} > ?`);
      values.push(this.after);
    } else if (this.range !== null) {
      predicates.push(`${key} >= ?`);
      values.push(this.range[0]);
    }
    if (this.range !== null) {
      predicates.push(`${key} <= ?`);
      values.push(this.range[1]);
    }
    const sql = selectSql({ columns: this.selected.columns, table: options.table!, where: options.where, predicates, orderBy: key, limit: true });
    const { table, limit } = await fetchWithShrink(ctx, async (n) => onlyTable((await ctx.client.query(sql, [...values, n], ctx.call)).tables, 'a key-range page'));
    if (table.rowCount < limit) this.finished = true;
    else {
      this.after = lastKey(table, this.selected.keyIndex, this.after, `key range ${this.index} of ${options.table!}`);
      // A full page ending on the range's last key ends the range: no empty page to ask for.
      if (this.range !== null && this.after === this.range[1]) this.finished = true;
    }
    return table;
  }
}
