/**
 * The procedures VoltDB generates for every table, named with the upper-case table name
 * (as the real 11.4 catalog lists them):
 *
 * | table                         | generated                                  |
 * | ----------------------------- | ------------------------------------------ |
 * | any                           | `T.insert(all columns)`                    |
 * | with a primary key            | `T.upsert(all columns)`, `T.update(all columns, key…)`, `T.delete(key…)` |
 * | partitioned, with primary key | also `T.select(key…)`                      |
 *
 * Partitioned tables' procedures are single-partition on the partition column's parameter.
 */
import { MP_PARTITION_ID } from '../protocol/constants.js';
import type { Database, Scope } from './database.js';
import { objectNotFound } from './failure-responses.js';
import type { ProcedureCall, ProcedureOutcome } from './procedure.js';
import { modifiedTuples, resultSet, toTableInput, withEngineFloatNulls } from './result-set.js';
import { StoredTable } from './store.js';

const SUFFIXES = ['insert', 'upsert', 'update', 'delete', 'select'] as const;

function scopeOf(call: ProcedureCall): Scope {
  return { partition: call.partition, procedure: call.name };
}

function tableFor(database: Database, name: string): StoredTable {
  const table = database.table(name);
  if (!(table instanceof StoredTable)) throw objectNotFound(name);
  return table;
}

function outcome(count: number): ProcedureOutcome {
  return { tables: [toTableInput(modifiedTuples(count))] };
}

/** Register the default procedures of `table` (replacing any of the same names). */
export function installDefaultProcedures(database: Database, table: StoredTable): void {
  const { name, columns, primaryKey, partitionColumn } = table.schema;
  const allTypes = columns.map((c) => c.type);
  const keyTypes = primaryKey.map((c) => columns[c]!.type);
  const partitioned = partitionColumn >= 0;
  const partitionType = partitioned ? columns[partitionColumn]!.type : undefined;
  const keyPosition = primaryKey.indexOf(partitionColumn);

  const define = (suffix: string, parameterTypes: number[], partitionParameter: number | undefined, readOnly: boolean, run: (call: ProcedureCall) => ProcedureOutcome): void => {
    database.defineProcedure(
      {
        name: `${name}.${suffix}`,
        kind: 'default',
        parameterTypes,
        ...(partitioned && partitionParameter !== undefined ? { partitionParameter, partitionParameterType: partitionType, partitionColumnName: columns[partitionColumn]!.name } : {}),
        readOnly,
        transactional: true,
        run,
      },
      false,
    );
  };

  define('insert', allTypes, partitionColumn, false, (call) => {
    return outcome(database.insertRow(tableFor(database, name), [...call.params], scopeOf(call)));
  });
  if (primaryKey.length === 0) return;

  define('upsert', allTypes, partitionColumn, false, (call) => {
    return outcome(database.insertRow(tableFor(database, name), [...call.params], scopeOf(call), true));
  });
  define('update', [...allTypes, ...keyTypes], partitioned ? columns.length + keyPosition : undefined, false, (call) => {
    const current = tableFor(database, name);
    const found = database.findByKey(current, call.params.slice(columns.length));
    if (found === null || !visible(current, found.segment, call.partition)) return outcome(0);
    database.updateRow(current, found.segment, found.slot, call.params.slice(0, columns.length), scopeOf(call));
    return outcome(1);
  });
  define('delete', keyTypes, partitioned ? keyPosition : undefined, false, (call) => {
    const current = tableFor(database, name);
    const found = database.findByKey(current, call.params);
    if (found === null || !visible(current, found.segment, call.partition)) return outcome(0);
    database.deleteRow(current, found.segment, found.slot);
    current.compact();
    return outcome(1);
  });
  if (!partitioned) return;
  define('select', keyTypes, keyPosition, true, (call) => {
    const current = tableFor(database, name);
    const found = database.findByKey(current, call.params);
    const rows = found === null || !visible(current, found.segment, call.partition) ? [] : [current.row(found.segment, found.slot)];
    return { tables: [toTableInput(withEngineFloatNulls(resultSet(current.schema.columns.map((c) => ({ name: c.name, type: c.type })), rows)))] };
  });
}

function visible(table: StoredTable, segment: number, partition: number): boolean {
  return partition === MP_PARTITION_ID || !table.partitioned || segment === partition;
}

/** Forget the default procedures of a dropped or re-partitioned table. */
export function removeDefaultProcedures(database: Database, table: string): void {
  for (const suffix of SUFFIXES) database.procedures.delete(`${table}.${suffix}`);
}
