/**
 * `@SystemCatalog(component)`: JDBC-shaped metadata tables. Column names and types are those
 * of the real 11.4 captures (`catalog_procedures`, `_tables`, `_columns`,
 * `_procedurecolumns`); rows are sorted as the real server sorts them.
 */
import { MAX_VALUE_BYTES, VOLT_TYPE } from '../protocol/constants.js';
import type { ColumnInfo } from '../protocol/table-layout.js';
import { jdbcTypeInfo, sqlTypeName } from './column-types.js';
import type { Database } from './database.js';
import { isSinglePartition } from './procedure.js';
import { resultSet, type ResultSet } from './result-set.js';

const S = VOLT_TYPE.STRING;
const I = VOLT_TYPE.INTEGER;
const SMALL = VOLT_TYPE.SMALLINT;

function columns(spec: [string, number][]): ColumnInfo[] {
  return spec.map(([name, type]) => ({ name, type }));
}

const PROCEDURES_COLUMNS = columns([
  ['PROCEDURE_CAT', S],
  ['PROCEDURE_SCHEM', S],
  ['PROCEDURE_NAME', S],
  ['RESERVED1', S],
  ['RESERVED2', S],
  ['RESERVED3', S],
  ['REMARKS', S],
  ['PROCEDURE_TYPE', SMALL],
  ['SPECIFIC_NAME', S],
]);

const TABLES_COLUMNS = columns([
  ['TABLE_CAT', S],
  ['TABLE_SCHEM', S],
  ['TABLE_NAME', S],
  ['TABLE_TYPE', S],
  ['REMARKS', S],
  ['TYPE_CAT', S],
  ['TYPE_SCHEM', S],
  ['TYPE_NAME', S],
  ['SELF_REFERENCING_COL_NAME', S],
  ['REF_GENERATION', S],
]);

const COLUMNS_COLUMNS = columns([
  ['TABLE_CAT', S],
  ['TABLE_SCHEM', S],
  ['TABLE_NAME', S],
  ['COLUMN_NAME', S],
  ['DATA_TYPE', I],
  ['TYPE_NAME', S],
  ['COLUMN_SIZE', I],
  ['BUFFER_LENGTH', I],
  ['DECIMAL_DIGITS', I],
  ['NUM_PREC_RADIX', I],
  ['NULLABLE', I],
  ['REMARKS', S],
  ['COLUMN_DEF', S],
  ['SQL_DATA_TYPE', I],
  ['SQL_DATETIME_SUB', I],
  ['CHAR_OCTET_LENGTH', I],
  ['ORDINAL_POSITION', I],
  ['IS_NULLABLE', S],
  ['SCOPE_CATALOG', S],
  ['SCOPE_SCHEMA', S],
  ['SCOPE_TABLE', S],
  ['SOURCE_DATA_TYPE', SMALL],
  ['IS_AUTOINCREMENT', S],
]);

const PROCEDURE_COLUMNS_COLUMNS = columns([
  ['PROCEDURE_CAT', S],
  ['PROCEDURE_SCHEM', S],
  ['PROCEDURE_NAME', S],
  ['COLUMN_NAME', S],
  ['COLUMN_TYPE', SMALL],
  ['DATA_TYPE', I],
  ['TYPE_NAME', S],
  ['PRECISION', I],
  ['LENGTH', I],
  ['SCALE', SMALL],
  ['RADIX', SMALL],
  ['NULLABLE', SMALL],
  ['REMARKS', S],
  ['COLUMN_DEF', S],
  ['SQL_DATA_TYPE', I],
  ['SQL_DATETIME_SUB', I],
  ['CHAR_OCTET_LENGTH', I],
  ['ORDINAL_POSITION', I],
  ['IS_NULLABLE', S],
  ['SPECIFIC_NAME', S],
]);

function byName<T>(entries: Iterable<T>, name: (entry: T) => string): T[] {
  return [...entries].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/**
 * The REMARKS JSON of a procedure, keys in alphabetical order as the server writes them:
 * `{"compound":false,"partitionParameter":0,"partitionParameterType":6,"readOnly":false,"singlePartition":true}`.
 */
export function procedureRemarks(definition: { partitionParameter?: number; partitionParameterType?: number; readOnly: boolean }): string {
  const remarks: Record<string, unknown> = { compound: false };
  if (definition.partitionParameter !== undefined) {
    remarks['partitionParameter'] = definition.partitionParameter;
    remarks['partitionParameterType'] = definition.partitionParameterType ?? -1;
  }
  remarks['readOnly'] = definition.readOnly;
  remarks['singlePartition'] = definition.partitionParameter !== undefined;
  return JSON.stringify(remarks);
}

function procedures(database: Database): ResultSet {
  const rows = byName(database.procedures.values(), (p) => p.name).map((p) => [null, null, p.name, null, null, null, procedureRemarks(p), 0, p.name]);
  return resultSet(PROCEDURES_COLUMNS, rows);
}

function tables(database: Database): ResultSet {
  const rows = byName(database.tables.values(), (t) => t.schema.name).map(({ schema }) => {
    let remarks: string | null = null;
    if (schema.view !== undefined) {
      remarks = JSON.stringify({ ...(schema.view.partitionColumn === null ? {} : { partitionColumn: schema.view.partitionColumn }), sourceTable: schema.view.sourceTable });
    } else if (schema.partitionColumn >= 0) {
      remarks = JSON.stringify({ partitionColumn: schema.columns[schema.partitionColumn]!.name });
    }
    return [null, null, schema.name, schema.view === undefined ? 'TABLE' : 'VIEW', remarks, null, null, null, null, null];
  });
  return resultSet(TABLES_COLUMNS, rows);
}

function columnSize(type: number, size: number): number | null {
  if (type === VOLT_TYPE.STRING || type === VOLT_TYPE.VARBINARY) return size;
  if (type === VOLT_TYPE.GEOGRAPHY) return null;
  return jdbcTypeInfo(type).precision;
}

function columnRows(database: Database): ResultSet {
  const rows: unknown[][] = [];
  for (const { schema } of byName(database.tables.values(), (t) => t.schema.name)) {
    const partitionColumn = schema.view !== undefined ? schema.view.partitionColumn : schema.partitionColumn >= 0 ? schema.columns[schema.partitionColumn]!.name : null;
    const entries = schema.columns.map((column, index) => ({ column, index }));
    for (const { column, index } of byName(entries, (e) => e.column.name)) {
      const info = jdbcTypeInfo(column.type);
      const sized = column.type === VOLT_TYPE.STRING || column.type === VOLT_TYPE.VARBINARY;
      const nullable = column.nullable || schema.view !== undefined;
      rows.push([
        null,
        null,
        schema.name,
        column.name,
        info.dataType,
        sqlTypeName(column.type),
        columnSize(column.type, column.size),
        null,
        info.decimalDigits,
        info.radix,
        nullable ? 1 : 0,
        column.name === partitionColumn ? 'PARTITION_COLUMN' : null,
        null,
        null,
        null,
        sized ? column.size : null,
        index + 1,
        nullable ? 'YES' : 'NO',
        null,
        null,
        null,
        null,
        'NO',
      ]);
    }
  }
  return resultSet(COLUMNS_COLUMNS, rows);
}

function procedureColumns(database: Database): ResultSet {
  const rows: unknown[][] = [];
  for (const procedure of byName(database.procedures.values(), (p) => p.name)) {
    const types = procedure.parameterTypes ?? [];
    const named = types.map((type, index) => ({ type, index, name: procedure.kind === 'default' ? `param${index}` : String(index) }));
    for (const { type, index, name } of byName(named, (n) => n.name)) {
      const info = jdbcTypeInfo(type);
      const sized = type === VOLT_TYPE.STRING || type === VOLT_TYPE.VARBINARY;
      rows.push([
        null,
        null,
        procedure.name,
        name,
        1,
        info.dataType,
        sqlTypeName(type),
        info.precision,
        info.length,
        info.decimalDigits,
        info.radix,
        2,
        isSinglePartition(procedure) && procedure.partitionParameter === index ? 'PARTITION_PARAMETER' : null,
        null,
        null,
        null,
        sized ? MAX_VALUE_BYTES : null,
        index + 1,
        '',
        procedure.name,
      ]);
    }
  }
  return resultSet(PROCEDURE_COLUMNS_COLUMNS, rows);
}

/** Components answered; others get the "invalid selector" failure. */
export const CATALOG_COMPONENTS: Readonly<Record<string, (database: Database) => ResultSet>> = {
  PROCEDURES: procedures,
  TABLES: tables,
  COLUMNS: columnRows,
  PROCEDURECOLUMNS: procedureColumns,
};
