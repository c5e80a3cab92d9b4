/**
 * Strategy `partition`: one lane per partition, run concurrently, each paged by key.
 *
 * `@GetPartitionKeys('INTEGER')` gives, for every partition, an integer that hashes to it
 * (PROTOCOL.md 8.4). Each lane then calls the caller's page procedure with that key first:
 *
 *   procedure(partitionKey INTEGER, afterKey BIGINT, limit INTEGER, ...params)
 *     → this partition's rows with key > afterKey, ORDER BY key, at most `limit` of them
 *
 * The procedure must be read-only and single-partition, partitioned on parameter 0 (the same
 * requirement as the Java client's `callAllPartitionProcedure`): VoltDB hashes parameter 0 to
 * pick the partition, so every SELECT inside it sees only that partition's rows — a plain
 * `SELECT … FROM EVENTS WHERE ID > ? ORDER BY ID LIMIT ?` reads one partition. (VoltDB's
 * `@AdHoc` cannot be pinned to a partition; the v2 PARTITION_DESTINATION extension, PROTOCOL.md
 * 3.3, targets the same kind of procedure and needs no key, but the client does not send it.)
 *
 * The first page asks for keys above −(2^63 − 1) (−2^63 is BIGINT NULL), so a row whose key is
 * exactly −(2^63 − 1) would be missed. A lane ends with a page shorter than `limit`.
 */
import { typeName } from '../../protocol/constants.js';
import type { VoltTable } from '../../decode/volt-table.js';
import { ParameterError, VoltError } from '../../errors.js';
import { INTEGER_KEY_TYPES, chooseKey, describeTable, type TableInfo } from '../catalog.js';
import { fetchWithShrink, lastKey, onlyTable, type KeyValue, type Lane, type LaneContext, type Plan, type PlanEnv } from '../lane.js';
import { statsSql } from '../sql.js';
import { projectByName } from './query.js';

/** The smallest non-NULL BIGINT: the `afterKey` of every lane's first page. */
export const FIRST_AFTER_KEY = -(2n ** 63n) + 1n;

/** `@GetPartitionKeys('INTEGER')` as [partition id, key] pairs, by partition id. */
export async function partitionKeys(env: PlanEnv): Promise<[number, number][]> {
  const response = await env.client.call('@GetPartitionKeys', ['INTEGER'], env.call);
  const keys: [number, number][] = [];
  for (const row of onlyTable(response.tables, '@GetPartitionKeys').rows()) keys.push([Number(row[0]), Number(row[1])]);
  return keys.sort((a, b) => a[0] - b[0]);
}

export async function planPartition(env: PlanEnv): Promise<Plan> {
  const { options } = env;
  let info: TableInfo | null = null;
  let keyName = options.key;
  if (options.table !== null) {
    info = env.info ?? (await describeTable(env.client, options.table, env.call));
    env.info = info;
    if (info.partitionColumn === null) {
      throw new ParameterError(`extract: table ${info.name} is replicated (every partition holds all of its rows), so by 'partition' would read it once per partition; use by 'key-range'`, { procedure: 'extract' });
    }
    const key = chooseKey(info, options.key);
    if (!INTEGER_KEY_TYPES.has(key.type)) throw new ParameterError(`extract: by 'partition' pages by an integer key; ${key.name} is not one (pass key: '<unique integer column>')`, { procedure: 'extract' });
    keyName = key.name;
  }
  const keys = await partitionKeys(env);
  let totalRows: number | null = null;
  if (options.estimate && info !== null) {
    totalRows = Number(onlyTable((await env.client.query(statsSql(info.name, null), [], env.call)).tables, 'the COUNT(*) query').get(0, 0));
  }
  const lanes = keys.map(([partition, key], i) => new PartitionLane(i, partition, key, env, keyName));
  let handed = 0;
  return {
    strategy: 'partition',
    lanesTotal: lanes.length,
    partitionsTotal: lanes.length,
    totalRows,
    take: () => lanes[handed++] ?? null,
    project: (table) => projectByName(table, options.columns),
  };
}

class PartitionLane implements Lane {
  private after: KeyValue | null = null;
  private finished = false;

  constructor(
    readonly index: number,
    readonly partition: number,
    private readonly partitionKey: number,
    private readonly env: PlanEnv,
    /** Key column name; null: the first column of the procedure's result. */
    private readonly keyName: string | null,
  ) {}

  async next(ctx: LaneContext): Promise<VoltTable | null> {
    if (this.finished) return null;
    const procedure = this.env.options.procedure!;
    const after = this.after ?? FIRST_AFTER_KEY;
    const { table, limit } = await fetchWithShrink(ctx, async (n) => onlyTable((await ctx.client.call(procedure, [this.partitionKey, after, n, ...this.env.options.params], ctx.call)).tables, `${procedure} for partition ${this.partition}`));
    if (table.rowCount < limit) {
      this.finished = true;
      return table;
    }
    const keyIndex = this.keyName === null ? 0 : table.columnIndex(this.keyName);
    const type = table.columns[keyIndex]!.type;
    if (!INTEGER_KEY_TYPES.has(type)) throw new VoltError(`extract: ${procedure} returned key column ${table.columns[keyIndex]!.name} of type ${typeName(type) ?? type}; by 'partition' pages by an integer key`);
    this.after = lastKey(table, keyIndex, this.after, `partition ${this.partition} (${procedure})`);
    return table;
  }
}
