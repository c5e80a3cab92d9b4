/**
 * VoltDB's key-value example (voltkv): table `STORE (KEY VARCHAR(250), VALUE VARBINARY(1048576))`
 * partitioned on KEY, and its procedures, single-partition on the key:
 *
 * - `Put(STRING key, VARBINARY value)` → `modified_tuples` (insert or update);
 * - `Get(STRING key)` → `KEY`, `VALUE` (zero or one row);
 * - `Remove(STRING key)` → `modified_tuples`;
 * - `InitializeStore(INTEGER start, INTEGER stop, STRING keyFormat, VARBINARY value)` → BIGINT
 *   stop: voltkv's `Initialize` (renamed: voter's `Initialize` owns that name here); fills keys
 *   `String.format(keyFormat, i)` (`%d`, `%08d`, `%s` are understood), wiping the store first
 *   when start is 0.
 */
import { MP_PARTITION_ID, VOLT_TYPE } from '../../protocol/constants.js';
import { column, type TableSchema } from '../column-types.js';
import type { Database } from '../database.js';
import { installDefaultProcedures } from '../default-procedures.js';
import type { ProcedureCall, ProcedureDefinition, ProcedureOutcome } from '../procedure.js';
import { modifiedTuples, resultSet, toTableInput } from '../result-set.js';
import { StoredTable } from '../store.js';

const { STRING, VARBINARY, INTEGER, BIGINT } = VOLT_TYPE;

const STORE: TableSchema = {
  name: 'STORE',
  columns: [column('KEY', STRING, { size: 250, nullable: false }), column('VALUE', VARBINARY, { size: 1_048_576, nullable: false })],
  primaryKey: [0],
  partitionColumn: 0,
};

const KEY_VALUE_COLUMNS = [
  { name: 'KEY', type: STRING },
  { name: 'VALUE', type: VARBINARY },
];

/** Java `String.format` for the patterns voltkv uses: `%d`, `%0Nd`, `%Nd`, `%s`, `%%`. */
export function formatKey(format: string, index: number): string {
  return format.replace(/%(0?)(\d*)([ds%])/g, (_, zero: string, width: string, kind: string) => {
    if (kind === '%') return '%';
    const text = String(index);
    return width === '' ? text : text.padStart(Number(width), zero === '0' ? '0' : ' ');
  });
}

export class KeyValueWorkload {
  readonly store: StoredTable;

  constructor(private readonly database: Database) {
    this.store = new StoredTable(STORE, database.partitionCount);
    database.addRelation(this.store, false);
    installDefaultProcedures(database, this.store);
    database.referencedTables.set('STORE', 'Put');
    for (const definition of this.procedures()) database.defineProcedure(definition, false);
    database.catalogChanged();
  }

  private scope(call: ProcedureCall): { partition: number; procedure: string } {
    return { partition: call.partition, procedure: call.name };
  }

  put(call: ProcedureCall): ProcedureOutcome {
    const [key, value] = call.params;
    this.database.insertRow(this.store, [key, value], this.scope(call), true);
    return { tables: [toTableInput(modifiedTuples(1))] };
  }

  get(call: ProcedureCall): ProcedureOutcome {
    const found = this.database.findByKey(this.store, [call.params[0]]);
    const rows = found === null ? [] : [this.store.row(found.segment, found.slot)];
    return { tables: [toTableInput(resultSet(KEY_VALUE_COLUMNS, rows))] };
  }

  remove(call: ProcedureCall): ProcedureOutcome {
    const found = this.database.findByKey(this.store, [call.params[0]]);
    if (found !== null) {
      this.database.deleteRow(this.store, found.segment, found.slot);
      this.store.compact();
    }
    return { tables: [toTableInput(modifiedTuples(found === null ? 0 : 1))] };
  }

  initialize(call: ProcedureCall): ProcedureOutcome {
    const [start, stop, format, value] = call.params as [number, number, string, Uint8Array];
    if (start === 0) for (const segment of this.store.segments) segment.clear();
    const scope = { partition: MP_PARTITION_ID, procedure: call.name };
    for (let i = start; i < stop; i++) this.database.insertRow(this.store, [formatKey(format, i), value], scope, true);
    return { tables: [toTableInput(resultSet([{ name: '', type: BIGINT }], [[BigInt(stop)]]))] };
  }

  private procedures(): ProcedureDefinition[] {
    const sp = { partitionParameter: 0, partitionParameterType: STRING, partitionColumnName: 'KEY' };
    return [
      { name: 'Put', kind: 'user', parameterTypes: [STRING, VARBINARY], ...sp, readOnly: false, transactional: true, run: (call) => this.put(call) },
      { name: 'Get', kind: 'user', parameterTypes: [STRING], ...sp, readOnly: true, transactional: true, run: (call) => this.get(call) },
      { name: 'Remove', kind: 'user', parameterTypes: [STRING], ...sp, readOnly: false, transactional: true, run: (call) => this.remove(call) },
      { name: 'InitializeStore', kind: 'user', parameterTypes: [INTEGER, INTEGER, STRING, VARBINARY], readOnly: false, transactional: true, run: (call) => this.initialize(call) },
    ];
  }
}
