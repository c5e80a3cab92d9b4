/**
 * The columns an extraction of a table SELECTs: the ones asked for (default all, in declared
 * order), plus the paging key at the end when it was not asked for — it is needed to find the
 * next page, and left out of the batches.
 */
import { chooseKey, describeTable, findColumn, type TableColumn, type TableInfo } from '../catalog.js';
import type { PlanEnv } from '../lane.js';

export interface TableSelection {
  info: TableInfo;
  /** The SELECT list. */
  columns: string[];
  /** The batch keeps the first `keep` columns of each response. */
  keep: number;
  key: TableColumn;
  /** Position of the key in the SELECT list. */
  keyIndex: number;
}

export async function selectTable(env: PlanEnv, table: string): Promise<TableSelection> {
  const info = env.info ?? (await describeTable(env.client, table, env.call));
  env.info = info;
  return selection(info, env.options.columns, env.options.key);
}

/** The selection over a known table. */
export function selection(info: TableInfo, requested: readonly string[] | null, key: string | null): TableSelection {
  const columns = requested === null ? info.columns.map((c) => c.name) : requested.map((name) => findColumn(info, name).name);
  const keyColumn = chooseKey(info, key);
  const keep = columns.length;
  let keyIndex = columns.indexOf(keyColumn.name);
  if (keyIndex < 0) {
    keyIndex = columns.length;
    columns.push(keyColumn.name);
  }
  return { info, columns, keep, key: keyColumn, keyIndex };
}

/** [0, 1, …, keep − 1]: the batch's columns of a response to the generated SELECT. */
export function firstColumns(keep: number): number[] {
  return Array.from({ length: keep }, (_, i) => i);
}
