/**
 * Runs statements of the SQL subset against the {@link Database}: DDL (CREATE TABLE,
 * PARTITION TABLE, DROP TABLE), INSERT / UPSERT, UPDATE, DELETE and SELECT.
 *
 * Answers as the real server does: a SELECT → its rows; DML → `modified_tuples` BIGINT;
 * DDL → `STATUS` BIGINT 0.
 */
import { MP_PARTITION_ID, VOLT_TYPE } from '../../protocol/constants.js';
import { SQL_TYPES, column as makeColumn, isIntegerType, type Column, type TableIndex, type TableSchema } from '../column-types.js';
import type { Database, Scope } from '../database.js';
import { installDefaultProcedures, removeDefaultProcedures } from '../default-procedures.js';
import { ddlError, objectNotFound, sqlPlanningError } from '../failure-responses.js';
import { ddlStatus, modifiedTuples, type ResultSet } from '../result-set.js';
import { StoredTable } from '../store.js';
import { type Statement, type UniqueSpec, isDdl } from './ast.js';
import { type Bindings, columnValue } from './operands.js';
import { parseStatement } from './parser.js';
import { executeQuery } from './query-engine.js';
import { parseModification, parseQuery } from './query-parser.js';
import { deleteRows, executeModification, updateRows } from './modification.js';
import { executeSelect, matchRows, resolveColumn } from './select.js';
import { splitStatements } from './tokenizer.js';

/** DDL may not pull a table from under a built-in procedure (VoltDB refuses to drop a table a procedure uses). */
function checkUnreferenced(database: Database, table: string, action: string): void {
  const procedure = database.referencedTables.get(table);
  if (procedure !== undefined) throw sqlPlanningError(`Unable to ${action} table ${table}: it is used by procedure ${procedure}`);
}

function storedTable(database: Database, name: string): StoredTable {
  const relation = database.table(name);
  if (relation === undefined) throw objectNotFound(name);
  if (!(relation instanceof StoredTable)) throw sqlPlanningError(`Illegal to modify the read-only table ${name}`);
  return relation;
}

function createTable(database: Database, statement: Extract<Statement, { kind: 'create-table' }>): void {
  if (database.table(statement.table) !== undefined) throw sqlPlanningError(`object name already exists: ${statement.table}`);
  const names = new Set<string>();
  const columns: Column[] = statement.columns.map((spec) => {
    if (names.has(spec.name)) throw sqlPlanningError(`duplicate column name in table ${statement.table}: ${spec.name}`);
    names.add(spec.name);
    const type = SQL_TYPES[spec.type];
    if (type === undefined) throw sqlPlanningError(`type not found or user lacks privilege: ${spec.type}`);
    const column = makeColumn(spec.name, type, { nullable: !spec.notNull, inBytes: spec.inBytes, ...(spec.size === undefined ? {} : { size: spec.size }) });
    if (spec.defaultValue !== undefined) column.defaultValue = columnValue(spec.defaultValue, column, { params: [], procedure: '@AdHoc' });
    return column;
  });
  if (columns.length === 0) throw sqlPlanningError(`table ${statement.table} has no columns`);
  const primaryKey = statement.primaryKey.map((name) => {
    const index = columns.findIndex((c) => c.name === name);
    if (index < 0) throw objectNotFound(name);
    columns[index]!.nullable = false;
    return index;
  });
  const schema: TableSchema = { name: statement.table, columns, primaryKey, partitionColumn: -1 };
  if (statement.primaryKeyName !== undefined) schema.primaryKeyName = statement.primaryKeyName;
  const indexes = uniqueIndexes(statement, columns, primaryKey);
  if (indexes.length > 0) schema.indexes = indexes;
  const table = new StoredTable(schema, database.partitionCount);
  database.addRelation(table, false);
  installDefaultProcedures(database, table);
  database.catalogChanged();
}

/**
 * The UNIQUE / ASSUMEUNIQUE constraints of a CREATE TABLE as indexes, named as VoltDB names them
 * (`VOLTDB_AUTOGEN_IDX_CT_<TABLE>_<COLUMNS>`, or `VOLTDB_AUTOGEN_CONSTRAINT_IDX_<NAME>` for a named
 * constraint). One that repeats the primary key or another constraint's columns adds nothing.
 */
function uniqueIndexes(statement: Extract<Statement, { kind: 'create-table' }>, columns: Column[], primaryKey: number[]): TableIndex[] {
  const specs: UniqueSpec[] = [...statement.columns.filter((c) => c.unique !== null).map((c) => ({ kind: c.unique!, columns: [c.name] })), ...statement.uniques];
  const seen = new Set<string>([primaryKey.join(',')]);
  const indexes: TableIndex[] = [];
  for (const spec of specs) {
    const positions = spec.columns.map((name) => {
      const index = columns.findIndex((c) => c.name === name);
      if (index < 0) throw objectNotFound(name);
      return index;
    });
    if (seen.has(positions.join(','))) continue;
    seen.add(positions.join(','));
    const name = spec.name === undefined ? `VOLTDB_AUTOGEN_IDX_CT_${statement.table}_${spec.columns.join('_')}` : `VOLTDB_AUTOGEN_CONSTRAINT_IDX_${spec.name}`;
    indexes.push({ name, columns: positions, unique: true, ...(spec.kind === 'ASSUMEUNIQUE' ? { assumeUnique: true } : {}) });
  }
  return indexes;
}

/**
 * VoltDB's check of a partitioned table's unique indexes: a UNIQUE one (the primary key too)
 * must include the partition column, an ASSUMEUNIQUE one must not.
 */
function checkUniqueIndexes(schema: TableSchema, partitionColumn: number): void {
  const table = schema.name;
  const column = schema.columns[partitionColumn]!.name;
  const unique = [...(schema.primaryKey.length > 0 ? [{ name: null as string | null, columns: schema.primaryKey, assumeUnique: false }] : []), ...(schema.indexes ?? []).filter((i) => i.unique)];
  for (const index of unique) {
    const covers = index.columns.includes(partitionColumn);
    if (covers && index.assumeUnique === true) {
      throw ddlError('ASSUMEUNIQUE is not valid for an index that includes the partitioning column. Please use UNIQUE instead.');
    }
    if (!covers && index.assumeUnique !== true) {
      // VoltDB calls an unnamed primary key's index PRIMARY KEY; a named one is reported by its index name.
      const name = index.name ?? (schema.primaryKeyName === undefined ? null : `VOLTDB_AUTOGEN_CONSTRAINT_IDX_${schema.primaryKeyName}`);
      const [keyword, what] = name === null ? ['PRIMARY KEY', 'PRIMARY KEY'] : ['UNIQUE', `UNIQUE INDEX ${name}`];
      throw ddlError(
        `Invalid use of ${keyword}. The ${what} on the partitioned table ${table} does not include the partitioning column ${column}. ` +
          "See the documentation for the 'CREATE TABLE' and 'CREATE INDEX' commands and the 'ASSUMEUNIQUE' keyword.",
      );
    }
  }
}

function partitionTable(database: Database, statement: Extract<Statement, { kind: 'partition-table' }>): void {
  const table = storedTable(database, statement.table);
  checkUnreferenced(database, statement.table, 'partition');
  const index = resolveColumn(table, statement.column);
  const column = table.schema.columns[index]!;
  if (!isIntegerType(column.type) && column.type !== VOLT_TYPE.STRING && column.type !== VOLT_TYPE.VARBINARY) {
    throw sqlPlanningError(`Partition column '${table.schema.name}.${column.name}' is not a valid type. Partition columns must be an integer, varchar or varbinary type.`);
  }
  if (column.nullable) {
    throw sqlPlanningError(`Partition column '${table.schema.name}.${column.name}' is nullable. Partition columns must be constrained "NOT NULL".`);
  }
  checkUniqueIndexes(table.schema, index);
  if (table.rowCount() > 0) throw sqlPlanningError(`Unable to partition table ${table.schema.name}: the embedded server only repartitions empty tables`);
  const schema: TableSchema = { ...table.schema, partitionColumn: index };
  removeDefaultProcedures(database, table.schema.name);
  const repartitioned = StoredTable.repartitioned(table, schema);
  database.addRelation(repartitioned, false);
  installDefaultProcedures(database, repartitioned);
  database.catalogChanged();
}

function dropTable(database: Database, statement: Extract<Statement, { kind: 'drop-table' }>): void {
  const relation = database.table(statement.table);
  if (relation === undefined) {
    if (statement.ifExists) return;
    throw objectNotFound(statement.table);
  }
  if (!(relation instanceof StoredTable)) throw sqlPlanningError(`Illegal to drop the built-in table ${statement.table}`);
  checkUnreferenced(database, statement.table, 'drop');
  database.tables.delete(statement.table);
  removeDefaultProcedures(database, statement.table);
  database.catalogChanged();
}

function insert(database: Database, statement: Extract<Statement, { kind: 'insert' }>, bindings: Bindings, scope: Scope): number {
  const table = storedTable(database, statement.table);
  const columns = table.schema.columns;
  const targets = statement.columns === undefined ? columns.map((_, i) => i) : statement.columns.map((name) => resolveColumn(table, name));
  if (targets.length !== statement.values.length) throw sqlPlanningError('row column count mismatch');
  const row = columns.map((c) => c.defaultValue);
  targets.forEach((c, i) => {
    row[c] = columnValue(statement.values[i]!, columns[c]!, bindings);
  });
  return database.insertRow(table, row, scope, statement.upsert);
}

function update(database: Database, statement: Extract<Statement, { kind: 'update' }>, bindings: Bindings, scope: Scope): number {
  const table = storedTable(database, statement.table);
  const assignments = statement.assignments.map((a) => {
    const index = resolveColumn(table, a.column);
    return { index, value: columnValue(a.value, table.schema.columns[index]!, bindings) };
  });
  const matches = matchRows(database, table, statement.where, bindings, scope.partition);
  return updateRows(
    database,
    table,
    matches,
    (row) => {
      for (const a of assignments) row[a.index] = a.value;
      return row;
    },
    scope,
  );
}

function remove(database: Database, statement: Extract<Statement, { kind: 'delete' }>, bindings: Bindings, scope: Scope): number {
  const table = storedTable(database, statement.table);
  return deleteRows(database, table, matchRows(database, table, statement.where, bindings, scope.partition));
}

/** Run one parsed statement. */
export function executeStatement(database: Database, statement: Statement, bindings: Bindings, scope: Scope): ResultSet {
  switch (statement.kind) {
    case 'select':
      return executeSelect(database, statement, bindings, scope.partition);
    case 'query':
      return executeQuery(database, statement.query, bindings, scope.partition);
    case 'insert':
      return modifiedTuples(insert(database, statement, bindings, scope));
    case 'update':
      return modifiedTuples(update(database, statement, bindings, scope));
    case 'delete':
      return modifiedTuples(remove(database, statement, bindings, scope));
    case 'modify':
      return modifiedTuples(executeModification(database, storedTable(database, statement.modification.table), statement.modification, bindings, scope));
    case 'create-table':
      createTable(database, statement);
      return ddlStatus();
    case 'partition-table':
      partitionTable(database, statement);
      return ddlStatus();
    case 'drop-table':
      dropTable(database, statement);
      return ddlStatus();
  }
}

/** A batch parsed and checked, ready to run. */
export interface PreparedBatch {
  statements: Statement[];
  readOnly: boolean;
  ddl: boolean;
  paramCount: number;
}

/**
 * One statement: the simple form first (its SELECTs have the fast paths: key lookups, id ranges,
 * early stop under LIMIT), else a general SELECT, UPDATE or DELETE; a statement neither parses is
 * the simple parser's syntax error.
 */
function parse(text: string, firstParam: number): { statement: Statement; paramCount: number } {
  try {
    return parseStatement(text, firstParam);
  } catch (simpleError) {
    try {
      if (/^\s*SELECT\b/i.test(text)) {
        const { query, paramCount } = parseQuery(text, firstParam);
        return { statement: { kind: 'query', query }, paramCount };
      }
      if (/^\s*(UPDATE|DELETE)\b/i.test(text)) {
        const { modification, paramCount } = parseModification(text, firstParam);
        return { statement: { kind: 'modify', modification }, paramCount };
      }
    } catch {
      // the simple parser's error is the one reported
    }
    throw simpleError;
  }
}

/** Split and parse a `;`-separated batch; every statement is parsed before any runs. */
export function prepareBatch(sql: string): PreparedBatch {
  const texts = splitStatements(sql);
  if (texts.length === 0) throw sqlPlanningError('no SQL statement in the batch');
  let paramCount = 0;
  const statements = texts.map((text) => {
    const parsed = parse(text, paramCount);
    paramCount += parsed.paramCount;
    return parsed.statement;
  });
  const ddl = statements.some(isDdl);
  if (ddl && !statements.every(isDdl)) throw sqlPlanningError('DDL mixed with DML or queries in one batch is not supported');
  return { statements, readOnly: statements.every((s) => s.kind === 'select' || s.kind === 'query'), ddl, paramCount };
}

/** The stored tables a batch of several writing statements writes (none for a batch with at most one). */
function writtenTables(database: Database, statements: readonly Statement[]): StoredTable[] {
  const names = statements.flatMap((s) => {
    if (s.kind === 'insert' || s.kind === 'update' || s.kind === 'delete') return [s.table];
    return s.kind === 'modify' ? [s.modification.table] : [];
  });
  if (names.length < 2) return [];
  const tables = new Set<StoredTable>();
  for (const name of names) {
    const relation = database.table(name);
    if (relation instanceof StoredTable) tables.add(relation);
  }
  return [...tables];
}

/** Run a batch: one result per statement. Parameters are numbered across the batch. */
export function executeBatch(database: Database, sql: string, params: readonly unknown[], scope: Scope = { partition: MP_PARTITION_ID, procedure: '@AdHoc' }): ResultSet[] {
  const batch = prepareBatch(sql);
  if (batch.paramCount !== params.length) {
    throw sqlPlanningError(`Incorrect number of parameters passed: expected ${batch.paramCount}, passed ${params.length}`);
  }
  const bindings: Bindings = { params, procedure: scope.procedure };
  if (!batch.ddl) {
    const written = writtenTables(database, batch.statements);
    if (written.length === 0) return batch.statements.map((statement) => executeStatement(database, statement, bindings, scope));
    // A batch that writes in more than one statement is one transaction in VoltDB: refused
    // anywhere, none of it stays. (A single statement undoes itself: see modification.ts.)
    const before = written.map((table) => table.snapshot());
    try {
      return batch.statements.map((statement) => executeStatement(database, statement, bindings, scope));
    } catch (error) {
      written.forEach((table, i) => table.restore(before[i]!));
      throw error;
    }
  }
  // VoltDB compiles a DDL batch as one schema change: a refusal anywhere leaves the catalog as it was.
  const before = database.catalogSnapshot();
  try {
    return batch.statements.map((statement) => executeStatement(database, statement, bindings, scope));
  } catch (error) {
    database.restoreCatalog(before);
    throw error;
  }
}
