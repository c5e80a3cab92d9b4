/**
 * The shared state of a server or a cluster: tables, procedures, the hashinator and the
 * per-procedure statistics. Every node of a one-process cluster holds the same `Database`, so
 * a row written through one node is read through another (the nodes differ only in which
 * partitions they lead). In per-process mode each process has its own, holding the rows of the
 * partitions its node leads and the replicated tables.
 *
 * Row writes go through {@link Database.insertRow} / {@link Database.updateRow}, which apply
 * the checks a real server applies, in its words: NOT NULL, sizes of VARCHAR / VARBINARY /
 * GEOGRAPHY, primary-key and UNIQUE / ASSUMEUNIQUE uniqueness (CONSTRAINT VIOLATION, checked in
 * the row's partition, as VoltDB's indexes are), and partitioning.
 */
import { Buffer } from 'node:buffer';
import { MP_PARTITION_ID, VOLT_TYPE } from '../protocol/constants.js';
import { Hashinator } from '../protocol/hashinator.js';
import type { Column, TableSchema } from './column-types.js';
import { stringSize } from './coercion.js';
import { constraintViolation, partitionInAnotherProcess, sqlError, valueTooLong } from './failure-responses.js';
import type { NodeInfo, ProcedureDefinition } from './procedure.js';
import { ProcedureStatistics } from './procedure-statistics.js';
import { MAX_RESULT_BYTES } from './result-set.js';
import { keyOf, StoredTable, type Relation, type RowKey, type Segment } from './store.js';
import { geographyByteLength, type Geography } from '../protocol/geography.js';

export interface DatabaseOptions {
  /** Number of partitions (default 8, like the real captures). */
  partitions?: number;
  /** Largest SQL result in bytes before the "overflowed output/network buffer" failure (default 50 MB − 32 KiB, as VoltDB). */
  maxResultBytes?: number;
  /**
   * Per-process cluster mode: the leader of a partition whose rows live in another process, or
   * undefined when they live here. Rows are never written to such a partition here.
   */
  remoteLeader?: (partition: number) => NodeInfo | undefined;
  /** Names of the configured users (`@SystemCatalog('USERS')`); none when security is off. */
  userNames?: readonly string[];
}

/** Tables and procedures at one moment (see {@link Database.catalogSnapshot}). */
export interface CatalogSnapshot {
  readonly tables: ReadonlyMap<string, Relation>;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
}

/** Where a statement runs: one partition (single-partition procedure) or all of them. */
export interface Scope {
  /** The partition for a single-partition call, or {@link MP_PARTITION_ID}. */
  partition: number;
  procedure: string;
}

export class Database {
  readonly partitionCount: number;
  readonly hashinator: Hashinator;
  readonly tables = new Map<string, Relation>();
  readonly procedures = new Map<string, ProcedureDefinition>();
  readonly statistics = new ProcedureStatistics();
  readonly maxResultBytes: number;
  /** Configured users' names, for `@SystemCatalog('USERS')`. */
  readonly userNames: readonly string[];
  /** Tables a built-in procedure reads or writes, with that procedure: they cannot be dropped or re-partitioned. */
  readonly referencedTables = new Map<string, string>();
  /** Bumped whenever tables or procedures change; nodes push PROCEDURES to subscribers on change. */
  catalogVersion = 0;
  private readonly catalogListeners = new Set<() => void>();
  private readonly remoteLeader: ((partition: number) => NodeInfo | undefined) | null;

  constructor(options: DatabaseOptions = {}) {
    this.partitionCount = options.partitions ?? 8;
    if (!Number.isInteger(this.partitionCount) || this.partitionCount < 1 || this.partitionCount > 16382) {
      throw new RangeError(`partitions must be an integer in 1..16382, got ${options.partitions}`);
    }
    this.hashinator = Hashinator.uniform(this.partitionCount);
    this.maxResultBytes = options.maxResultBytes ?? MAX_RESULT_BYTES;
    this.remoteLeader = options.remoteLeader ?? null;
    this.userNames = options.userNames ?? [];
  }

  // --- catalog --------------------------------------------------------------------------------

  onCatalogChange(listener: () => void): () => void {
    this.catalogListeners.add(listener);
    return () => this.catalogListeners.delete(listener);
  }

  /** Note a change of tables or procedures (DDL, `define`). */
  catalogChanged(): void {
    this.catalogVersion++;
    for (const listener of this.catalogListeners) listener();
  }

  defineProcedure(definition: ProcedureDefinition, notify = true): void {
    this.procedures.set(definition.name, definition);
    if (notify) this.catalogChanged();
  }

  /** Register a relation under its (upper-case) name; replaces one of the same name. */
  addRelation(relation: Relation, notify = true): void {
    this.tables.set(relation.schema.name, relation);
    if (notify) this.catalogChanged();
  }

  /** The tables and procedures as they are now, for {@link Database.restoreCatalog}. */
  catalogSnapshot(): CatalogSnapshot {
    return { tables: new Map(this.tables), procedures: new Map(this.procedures) };
  }

  /** Put back the tables (with their rows) and procedures of a snapshot: a refused DDL batch changes nothing. */
  restoreCatalog(snapshot: CatalogSnapshot): void {
    this.tables.clear();
    for (const [name, relation] of snapshot.tables) this.tables.set(name, relation);
    this.procedures.clear();
    for (const [name, procedure] of snapshot.procedures) this.procedures.set(name, procedure);
    this.catalogChanged();
  }

  table(name: string): Relation | undefined {
    return this.tables.get(name);
  }

  // --- partitioning ---------------------------------------------------------------------------

  /** Partition of a value of a partition column of type `type`. */
  partitionFor(value: unknown, type: number): number {
    return this.hashinator.partitionFor(value, type);
  }

  /** Segment of a stored table a (converted) row belongs in. */
  segmentForRow(table: StoredTable, row: readonly unknown[]): number {
    const column = table.schema.partitionColumn;
    if (column < 0) return 0;
    return this.partitionFor(row[column], table.schema.columns[column]!.type);
  }

  // --- row writes -----------------------------------------------------------------------------

  /** Apply NOT NULL and size limits to a converted row (throws the server's failure). */
  checkRow(table: TableSchema, row: readonly unknown[], procedure: string): void {
    for (let c = 0; c < table.columns.length; c++) {
      const column = table.columns[c]!;
      const value = row[c];
      if (value === null || value === undefined) {
        if (!column.nullable) {
          throw sqlError(procedure, `CONSTRAINT VIOLATION An attempt was made to insert a NULL value into column '${column.name}' which has no default value and is declared NOT NULL`);
        }
        continue;
      }
      checkSize(column, value, procedure);
    }
  }

  /**
   * Insert (or upsert) a converted row. With a primary key, a duplicate is a CONSTRAINT
   * VIOLATION naming both tuples (insert) or replaces the row (upsert). `scope` is the
   * executing partition: a single-partition caller may only write its own partition.
   * Returns the number of rows written (1).
   */
  insertRow(table: StoredTable, row: unknown[], scope: Scope, upsert = false): number {
    this.checkRow(table.schema, row, scope.procedure);
    const segmentIndex = this.segmentForRow(table, row);
    if (table.partitioned && scope.partition !== MP_PARTITION_ID && segmentIndex !== scope.partition) {
      throw sqlError(scope.procedure, 'Mispartitioned tuple in single-partition insert statement.');
    }
    if (table.partitioned && this.remoteLeader !== null) {
      // A multi-partition write reaching a partition another process leads (single-partition
      // calls for it never get this far): storing the row here would hide it from its leader.
      const leader = this.remoteLeader(segmentIndex);
      if (leader !== undefined) throw partitionInAnotherProcess(scope.procedure, segmentIndex, leader);
    }
    const segment = table.segments[segmentIndex]!;
    const keyed = table.schema.primaryKey.length > 0;
    const key = keyed ? keyOf(table.schema.primaryKey.map((c) => row[c])) : undefined;
    const existing = key === undefined ? -1 : segment.find(key);
    if (existing >= 0) {
      if (!upsert) throw this.uniqueViolation(table, scope, row, segment.row(existing));
      // An upsert of an existing key is an update of that row: its other unique keys are checked as an update's.
      this.replaceChecked(table, segment, existing, row, scope);
      return 1;
    }
    const twin = segment.uniqueConflict(row);
    if (twin >= 0) throw this.uniqueViolation(table, scope, row, segment.row(twin));
    segment.append(row, key);
    table.onInsert?.(row);
    return 1;
  }

  /**
   * Replace the row at (segment, slot) with `row`; a primary or unique key moved onto another row
   * is a CONSTRAINT VIOLATION naming the new values and the row's old ones, as VoltDB's update does.
   * Returns the row as it was, for {@link Database.restoreRow}.
   */
  updateRow(table: StoredTable, segmentIndex: number, slot: number, row: unknown[], scope: Scope): unknown[] {
    this.checkRow(table.schema, row, scope.procedure);
    const segment = table.segments[segmentIndex]!;
    if (table.partitioned && this.segmentForRow(table, row) !== segmentIndex) {
      throw sqlError(scope.procedure, 'An update to a partitioning column triggered a partitioning error. Updating a partitioning column is not supported. Try delete followed by insert.');
    }
    if (table.schema.primaryKey.length > 0) {
      const holder = segment.find(keyOf(table.schema.primaryKey.map((c) => row[c])));
      if (holder >= 0 && holder !== slot) throw this.uniqueViolation(table, scope, row, segment.row(slot));
    }
    return this.replaceChecked(table, segment, slot, row, scope);
  }

  /**
   * Store a converted row that has passed every check of {@link Database.insertRow} — NOT NULL
   * and sizes, its partition (`segmentIndex`), the primary key and the unique indexes. `key` is
   * `keyOf` its primary key (undefined without one); an upsert replaces the row with that key.
   * The bulk-load procedures check a whole batch first (all or nothing) and then store it with
   * this, instead of insertRow checking every row a second time.
   */
  storeCheckedRow(table: StoredTable, segmentIndex: number, row: unknown[], key: RowKey | undefined, upsert: boolean): void {
    const segment = table.segments[segmentIndex]!;
    const existing = upsert && key !== undefined ? segment.find(key) : -1;
    if (existing < 0) segment.append(row, key);
    else {
      table.onDelete?.(segment.row(existing));
      segment.replace(existing, row);
    }
    table.onInsert?.(row);
  }

  /** Put back a row {@link Database.updateRow} replaced (undoing a statement that failed part-way). */
  restoreRow(table: StoredTable, segmentIndex: number, slot: number, row: unknown[]): void {
    const segment = table.segments[segmentIndex]!;
    table.onDelete?.(segment.row(slot));
    segment.replace(slot, row);
    table.onInsert?.(row);
  }

  private replaceChecked(table: StoredTable, segment: Segment, slot: number, row: unknown[], scope: Scope): unknown[] {
    const before = segment.row(slot);
    if (segment.uniqueConflict(row, slot) >= 0) throw this.uniqueViolation(table, scope, row, before);
    table.onDelete?.(before);
    segment.replace(slot, row);
    table.onInsert?.(row);
    return before;
  }

  private uniqueViolation(table: StoredTable, scope: Scope, row: readonly unknown[], other: readonly unknown[]): Error {
    return constraintViolation(scope.procedure, table.schema.name, 'UNIQUE', table.schema.columns.map((c) => c.name), [row, other]);
  }

  /** Delete the row at (segment, slot); call `table.compact()` once a statement's deletes are done. */
  deleteRow(table: StoredTable, segmentIndex: number, slot: number): void {
    const segment = table.segments[segmentIndex]!;
    if (!segment.live(slot)) return;
    table.onDelete?.(segment.row(slot));
    segment.remove(slot);
  }

  /** The (segment, slot) of a stored row by primary key values (converted), or null. */
  findByKey(table: StoredTable, key: readonly unknown[]): { segment: number; slot: number } | null {
    if (table.schema.primaryKey.length === 0) return null;
    const rowKey = keyOf(key);
    const partitionColumn = table.schema.partitionColumn;
    if (table.partitioned) {
      const keyPosition = table.schema.primaryKey.indexOf(partitionColumn);
      if (keyPosition >= 0) {
        const segment = this.partitionFor(key[keyPosition], table.schema.columns[partitionColumn]!.type);
        const slot = table.segments[segment]!.find(rowKey);
        return slot < 0 ? null : { segment, slot };
      }
    }
    for (let segment = 0; segment < table.segments.length; segment++) {
      const slot = table.segments[segment]!.find(rowKey);
      if (slot >= 0) return { segment, slot };
    }
    return null;
  }
}

function checkSize(column: Column, value: unknown, procedure: string): void {
  if (column.type === VOLT_TYPE.STRING && typeof value === 'string') {
    if (value.length <= column.size && column.inBytes === false) return;
    const size = stringSize(value, column.inBytes);
    if (size > column.size) throw valueTooLong(procedure, 'VARCHAR', column.size, size, value, column.name);
  } else if (column.type === VOLT_TYPE.VARBINARY && value instanceof Uint8Array) {
    if (value.length > column.size) {
      throw valueTooLong(procedure, 'VARBINARY', column.size, value.length, Buffer.from(value).toString('hex').toUpperCase(), column.name);
    }
  } else if (column.type === VOLT_TYPE.GEOGRAPHY) {
    const bytes = geographyByteLength(value as Geography);
    if (bytes > column.size) {
      throw sqlError(procedure, `The size ${bytes} of the value exceeds the size of the GEOGRAPHY(${column.size}) column '${column.name}'`);
    }
  }
}
