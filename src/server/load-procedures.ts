/**
 * `@LoadSinglepartitionTable` and `@LoadMultipartitionTable`: many rows of one table in one
 * transaction, as VoltDB 11's system procedures do it (the bulk loaders' path in).
 *
 * - `@LoadSinglepartitionTable(VARBINARY partitionValue, STRING table, TINYINT upsert, VOLTTABLE rows)`
 *   is single-partition on its first parameter: the bytes VoltDB's `valueToBytes` makes of the
 *   partitioning value (an integer as 8 bytes little-endian, a string as UTF-8, varbinary as is),
 *   hashed raw — so it routes, and is counted as mis-routed, like any single-partition call.
 *   Every row must belong to that partition.
 * - `@LoadMultipartitionTable(STRING table, TINYINT upsert, VOLTTABLE rows)` runs on the
 *   multi-partition initiator (for replicated tables; a partitioned table's rows go to their
 *   own partitions).
 *
 * Both run the table's own insert (or upsert) per row and answer one BIGINT: the rows written.
 * The batch is all or nothing: every row is converted and checked first (types, NOT NULL,
 * sizes, partitioning, primary-key and unique-index duplicates against the table and within the
 * batch), and only a batch with no refusal is written — one bad row fails it with that row's error.
 */
import { MP_PARTITION_ID, STATUS, VOLT_TYPE } from '../protocol/constants.js';
import type { TableData } from '../protocol/value-reader.js';
import { convertValue } from './coercion.js';
import type { Database } from './database.js';
import { constraintViolation, failure, parameterTypeError, partitionInAnotherProcess, sqlError, userAbort, wrongParameterCount } from './failure-responses.js';
import type { ProcedureCall, ProcedureDefinition, ProcedureOutcome } from './procedure.js';
import { resultSet, toTableInput } from './result-set.js';
import { keyOf, StoredTable, type RowKey } from './store.js';

const SINGLE = '@LoadSinglepartitionTable';
const MULTI = '@LoadMultipartitionTable';

function tableParameter(call: ProcedureCall, index: number): TableData {
  const value = call.params[index] as Partial<TableData> | null | undefined;
  if (value === null || typeof value !== 'object' || !Array.isArray(value.columns) || !Array.isArray(value.rows)) {
    throw parameterTypeError(call.name, index, `The provided value: (${String(value)}) is not a match for the target parameter type: org.voltdb.VoltTable`);
  }
  return value as TableData;
}

function stringParameter(call: ProcedureCall, index: number): string {
  const value = call.params[index];
  if (typeof value !== 'string') {
    throw parameterTypeError(call.name, index, `The provided value: (${String(value)}) is not a match for the target parameter type: java.lang.String`);
  }
  return value;
}

function upsertParameter(call: ProcedureCall, index: number): boolean {
  const value = call.params[index];
  if (value === null || value === undefined) return false;
  if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n;
  if (typeof value === 'boolean') return value;
  throw parameterTypeError(call.name, index, `The provided value: (${String(value)}) is not a match for the target parameter type: byte`);
}

/** The stored table named (case-insensitively) `name`, refused in VoltDB's words when there is none. */
function targetTable(call: ProcedureCall, name: string): StoredTable {
  const table = call.database.table(name.toUpperCase());
  // A view or a generated table is not a table a loader can write.
  if (!(table instanceof StoredTable) || table.schema.view !== undefined) throw userAbort('Table not present in catalog.', undefined, null, call.name);
  return table;
}

function requireKeyForUpsert(call: ProcedureCall, table: StoredTable, upsert: boolean, tableName: string): void {
  if (!upsert || table.schema.primaryKey.length > 0) return;
  throw userAbort(
    `The --update argument cannot be used for LoadingSinglePartionTable because the table ${tableName} does not have a primary key. ` +
      'Either remove the --update argument or add a primary key to the table.',
    undefined,
    null,
    call.name,
  );
}

/** A batch converted and checked, ready to store: each row with its segment and primary-key key. */
interface CheckedRows {
  rows: unknown[][];
  segments: Int32Array;
  /** keyOf each row's primary key; empty for a table without one. */
  keys: RowKey[];
}

/**
 * Convert and check every row as the table's insert (or upsert) statement would, without
 * writing: NOT NULL and sizes, the partition, the primary key and every UNIQUE / ASSUMEUNIQUE
 * index (in the row's partition) against the table and within the batch. The rows come back in
 * stored form with their segments and keys, or the first refusal is thrown. These are all of
 * insertRow's checks, so the batch is then stored without them: once is enough (checking twice
 * cost a second hash, key lookup and NOT NULL/size pass per row, bench/RESULTS.md), and a row
 * refused half-way through the writes cannot leave the batch partly written.
 */
function checkRows(call: ProcedureCall, table: StoredTable, data: TableData, upsert: boolean, partition: number): CheckedRows {
  const database: Database = call.database;
  const { schema } = table;
  const statement = `${schema.name}.${upsert ? 'upsert' : 'insert'}`;
  if (data.columns.length !== schema.columns.length) {
    throw userAbort('Input table has the wrong number of columns for bulk insert.', undefined, null, call.name);
  }
  const violation = (row: unknown[], other: readonly unknown[]): Error => constraintViolation(statement, schema.name, 'UNIQUE', schema.columns.map((c) => c.name), [row, other]);
  const keyed = schema.primaryKey.length > 0;
  const uniqueColumns = table.segments[0]!.uniqueColumns;
  /** Rows of the batch by primary key, and by (segment, index, values) of each unique index. */
  const seen = new Map<RowKey, unknown[]>();
  const seenUnique = new Map<RowKey, unknown[]>();
  const checked: CheckedRows = { rows: new Array<unknown[]>(data.rows.length), segments: new Int32Array(data.rows.length), keys: [] };
  for (let r = 0; r < data.rows.length; r++) {
    const source = data.rows[r]!;
    const row = new Array<unknown>(schema.columns.length);
    for (let c = 0; c < schema.columns.length; c++) {
      const converted = convertValue(source[c], schema.columns[c]!.type);
      if (!converted.ok) throw parameterTypeError(statement, c, converted.reason);
      row[c] = converted.value;
    }
    database.checkRow(schema, row, statement);
    const segmentIndex = database.segmentForRow(table, row);
    if (table.partitioned) {
      if (partition !== MP_PARTITION_ID && segmentIndex !== partition) throw sqlError(statement, 'Mispartitioned tuple in single-partition insert statement.');
      const remote = call.cluster.remoteNode(call.cluster.topology.leaderOf(segmentIndex));
      if (remote !== undefined) throw partitionInAnotherProcess(call.name, segmentIndex, remote);
    }
    const segment = table.segments[segmentIndex]!;
    let replaces = -1; // the stored row an upsert replaces
    if (keyed) {
      const key = keyOf(schema.primaryKey.map((c) => row[c]));
      const slot = segment.find(key);
      if (upsert) replaces = slot;
      else {
        const twin = slot >= 0 ? segment.row(slot) : seen.get(key);
        if (twin !== undefined) throw violation(row, twin);
      }
      seen.set(key, row);
      checked.keys.push(key);
    }
    if (uniqueColumns.length > 0) {
      const holder = segment.uniqueConflict(row, replaces);
      if (holder >= 0) throw violation(row, segment.row(holder));
      for (let i = 0; i < uniqueColumns.length; i++) {
        const uniqueKey = keyOf([segmentIndex, i, ...uniqueColumns[i]!.map((c) => row[c])]);
        const twin = seenUnique.get(uniqueKey);
        // An upsert of the same primary key replaces the earlier row of the batch: no conflict.
        if (twin !== undefined && !(upsert && keyed && schema.primaryKey.every((c) => twin[c] === row[c]))) throw violation(row, twin);
        seenUnique.set(uniqueKey, row);
      }
    }
    checked.rows[r] = row;
    checked.segments[r] = segmentIndex;
  }
  return checked;
}

/** Store the checked rows (nothing can refuse them now) and answer the count. */
function writeRows(call: ProcedureCall, table: StoredTable, checked: CheckedRows, upsert: boolean): ProcedureOutcome {
  const { rows, segments, keys } = checked;
  for (let r = 0; r < rows.length; r++) call.database.storeCheckedRow(table, segments[r]!, rows[r]!, keys[r], upsert);
  return { tables: [toTableInput(resultSet([{ name: '', type: VOLT_TYPE.BIGINT }], [[BigInt(rows.length)]]))] };
}

function loadSinglePartition(call: ProcedureCall): ProcedureOutcome {
  if (call.params.length !== 4) throw wrongParameterCount(call.name, 4, call.params.length);
  const name = stringParameter(call, 1);
  const upsert = upsertParameter(call, 2);
  const data = tableParameter(call, 3);
  const table = targetTable(call, name);
  if (!table.partitioned) throw userAbort(`LoadSinglepartitionTable incompatible with replicated table ${name}.`, undefined, null, call.name);
  requireKeyForUpsert(call, table, upsert, name);
  if (call.partition === MP_PARTITION_ID) {
    throw failure(call.name, { status: STATUS.UNEXPECTED_FAILURE, statusString: `${SINGLE} needs its partitioning value (parameter 0)` });
  }
  return writeRows(call, table, checkRows(call, table, data, upsert, call.partition), upsert);
}

function loadMultiPartition(call: ProcedureCall): ProcedureOutcome {
  if (call.params.length !== 3) throw wrongParameterCount(call.name, 3, call.params.length);
  const name = stringParameter(call, 0);
  const upsert = upsertParameter(call, 1);
  const data = tableParameter(call, 2);
  const table = targetTable(call, name);
  requireKeyForUpsert(call, table, upsert, name);
  return writeRows(call, table, checkRows(call, table, data, upsert, MP_PARTITION_ID), upsert);
}

/** The two load procedures, for the system procedure registry. */
export const LOAD_PROCEDURES: readonly ProcedureDefinition[] = [
  {
    name: SINGLE,
    kind: 'system',
    partitionParameter: 0,
    partitionParameterType: VOLT_TYPE.VARBINARY,
    readOnly: false,
    transactional: true,
    run: loadSinglePartition,
  },
  { name: MULTI, kind: 'system', readOnly: false, transactional: true, run: loadMultiPartition },
];
