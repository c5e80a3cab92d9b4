/**
 * `@SystemCatalog(selector)`: JDBC-shaped metadata tables, for every selector the real 11.4
 * server answers (TABLES, COLUMNS, INDEXINFO, PRIMARYKEYS, PROCEDURES, PROCEDURECOLUMNS,
 * CLASSES, TYPEINFO, ROLES, USERS, FUNCTIONS, TASKS, TOPICS). Shapes are in
 * `catalog-shapes.ts`; rows are sorted as the real server sorts them, and generated names
 * (keys, indexes) follow the real server's patterns, as the captures show them.
 */
import { MAX_VALUE_BYTES, VOLT_TYPE } from '../protocol/constants.js';
import * as SHAPE from './catalog-shapes.js';
import { jdbcTypeInfo, sqlTypeName, type TableSchema } from './column-types.js';
import type { Database } from './database.js';
import { isSinglePartition } from './procedure.js';
import { resultSet, type ResultSet } from './result-set.js';

function byName<T>(entries: Iterable<T>, name: (entry: T) => string): T[] {
  return [...entries].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

function schemasByName(database: Database): TableSchema[] {
  return byName(database.tables.values(), (t) => t.schema.name).map((t) => t.schema);
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
  return resultSet(SHAPE.PROCEDURES_SHAPE, rows);
}

function tables(database: Database): ResultSet {
  const rows = schemasByName(database).map((schema) => {
    let remarks: string | null = null;
    if (schema.view !== undefined) {
      remarks = JSON.stringify({ ...(schema.view.partitionColumn === null ? {} : { partitionColumn: schema.view.partitionColumn }), sourceTable: schema.view.sourceTable });
    } else if (schema.partitionColumn >= 0) {
      remarks = JSON.stringify({ partitionColumn: schema.columns[schema.partitionColumn]!.name });
    }
    return [null, null, schema.name, schema.view === undefined ? 'TABLE' : 'VIEW', remarks, null, null, null, null, null];
  });
  return resultSet(SHAPE.TABLES_SHAPE, rows);
}

function columnSize(type: number, size: number): number | null {
  if (type === VOLT_TYPE.STRING || type === VOLT_TYPE.VARBINARY) return size;
  if (type === VOLT_TYPE.GEOGRAPHY) return null;
  return jdbcTypeInfo(type).precision;
}

function columnRows(database: Database): ResultSet {
  const rows: unknown[][] = [];
  for (const schema of schemasByName(database)) {
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
  return resultSet(SHAPE.COLUMNS_SHAPE, rows);
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
  return resultSet(SHAPE.PROCEDURECOLUMNS_SHAPE, rows);
}

/** A table's primary key as the catalog names it, or null when it has none. */
interface KeyNames {
  constraint: string;
  index: string;
  /** Column names as INDEXINFO lists them (a view's are its positions: the real server's quirk). */
  indexColumns: string[];
  columns: string[];
}

function primaryKeyNames(schema: TableSchema): KeyNames | null {
  if (schema.view !== undefined) {
    const count = schema.view.groupColumns ?? 0;
    if (count === 0) return null;
    const columns = schema.columns.slice(0, count).map((c) => c.name);
    return { constraint: 'MATVIEW_PK_CONSTRAINT', index: 'MATVIEW_PK_INDEX', indexColumns: columns.map((_, i) => String(i)), columns };
  }
  if (schema.primaryKey.length === 0) return null;
  const columns = schema.primaryKey.map((c) => schema.columns[c]!.name);
  if (schema.primaryKeyName !== undefined) {
    return { constraint: schema.primaryKeyName, index: `VOLTDB_AUTOGEN_CONSTRAINT_IDX_${schema.primaryKeyName}`, indexColumns: columns, columns };
  }
  const suffix = `${schema.name}_${columns.join('_')}`;
  return { constraint: `VOLTDB_AUTOGEN_CT__PK_${suffix}`, index: `VOLTDB_AUTOGEN_IDX_PK_${suffix}`, indexColumns: columns, columns };
}

function indexInfo(database: Database): ResultSet {
  const rows: unknown[][] = [];
  for (const schema of schemasByName(database)) {
    const indexes: { name: string; unique: boolean; columns: string[] }[] = [];
    const key = primaryKeyNames(schema);
    if (key !== null) indexes.push({ name: key.index, unique: true, columns: key.indexColumns });
    for (const index of schema.indexes ?? []) indexes.push({ name: index.name, unique: index.unique, columns: index.columns.map((c) => schema.columns[c]!.name) });
    for (const index of byName(indexes, (i) => i.name)) {
      index.columns.forEach((column, position) => {
        rows.push([null, null, schema.name, index.unique ? 0 : 1, null, index.name, 3, position + 1, column, 'A', null, null, null]);
      });
    }
  }
  return resultSet(SHAPE.INDEXINFO_SHAPE, rows);
}

function primaryKeys(database: Database): ResultSet {
  const rows: unknown[][] = [];
  for (const schema of schemasByName(database)) {
    const key = primaryKeyNames(schema);
    if (key === null) continue;
    key.columns.forEach((column, position) => rows.push([null, null, schema.name, column, position + 1, key.constraint]));
  }
  return resultSet(SHAPE.PRIMARYKEYS_SHAPE, rows);
}

/** User procedures' classes; a JS-defined procedure's class is its name. */
function classes(database: Database): ResultSet {
  const names = new Set<string>();
  for (const procedure of database.procedures.values()) {
    if (procedure.kind === 'user') names.add(procedure.className ?? procedure.name);
  }
  return resultSet(SHAPE.CLASSES_SHAPE, [...names].sort().map((name) => [name, 1, 1]));
}

/** The SQL types a JDBC driver may use, in VoltDB's type order, described as VoltDB describes them. */
const TYPE_INFO: readonly [number, string | null, string | null, string | null][] = [
  [VOLT_TYPE.TINYINT, null, null, null],
  [VOLT_TYPE.SMALLINT, null, null, null],
  [VOLT_TYPE.INTEGER, null, null, null],
  [VOLT_TYPE.BIGINT, null, null, null],
  [VOLT_TYPE.FLOAT, null, null, null],
  [VOLT_TYPE.STRING, "'", "'", 'max_length'],
  [VOLT_TYPE.TIMESTAMP, "'", "'", null],
  [VOLT_TYPE.DECIMAL, null, null, null],
  [VOLT_TYPE.VARBINARY, "X'", "'", 'max_length'],
  [VOLT_TYPE.GEOGRAPHY_POINT, "'", "'", null],
  [VOLT_TYPE.GEOGRAPHY, "'", "'", 'max_length'],
];

function typeInfo(): ResultSet {
  const rows = TYPE_INFO.map(([type, prefix, suffix, createParams]) => {
    const info = jdbcTypeInfo(type);
    const numeric = info.radix !== null;
    const decimal = type === VOLT_TYPE.DECIMAL;
    const name = sqlTypeName(type);
    return [
      name,
      info.dataType,
      info.precision,
      prefix,
      suffix,
      createParams,
      1,
      type === VOLT_TYPE.STRING ? 1 : 0,
      type === VOLT_TYPE.STRING ? 3 : 2,
      numeric ? 0 : null,
      0,
      0,
      name,
      decimal ? 12 : null,
      decimal ? 12 : null,
      null,
      null,
      info.radix,
    ];
  });
  return resultSet(SHAPE.TYPEINFO_SHAPE, rows);
}

/** The two built-in roles every VoltDB catalog has, with the permissions they grant. */
const ROLES: readonly [string, string][] = [
  ['administrator', 'admin,defaultproc,defaultprocread,sql,sqlread,allproc'],
  ['user', 'defaultproc,defaultprocread,sql,sqlread,allproc'],
];

function users(database: Database): ResultSet {
  return resultSet(SHAPE.USERS_SHAPE, [...database.userNames].sort().map((name) => [name, 'administrator']));
}

/** Selectors answered; others get the real server's "invalid selector" failure. */
export const CATALOG_COMPONENTS: Readonly<Record<string, (database: Database) => ResultSet>> = {
  TABLES: tables,
  COLUMNS: columnRows,
  ROLES: () => resultSet(SHAPE.ROLES_SHAPE, ROLES.map((role) => [...role])),
  USERS: users,
  INDEXINFO: indexInfo,
  PRIMARYKEYS: primaryKeys,
  PROCEDURES: procedures,
  // The embedded server has no user-defined SQL functions, scheduled tasks or topics.
  FUNCTIONS: () => resultSet(SHAPE.FUNCTIONS_SHAPE, []),
  PROCEDURECOLUMNS: procedureColumns,
  TYPEINFO: typeInfo,
  CLASSES: classes,
  TASKS: () => resultSet(SHAPE.TASKS_SHAPE, []),
  TOPICS: () => resultSet(SHAPE.TOPICS_SHAPE, []),
};
