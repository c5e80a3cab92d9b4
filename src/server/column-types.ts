/**
 * Column types of the embedded server's tables: SQL names, wire codes, and the JDBC metadata
 * `@SystemCatalog` reports for them (values copied from the real 11.4 COLUMNS and
 * PROCEDURECOLUMNS captures).
 */
import { MAX_VALUE_BYTES, VOLT_TYPE } from '../protocol/constants.js';

export interface Column {
  name: string;
  /** Wire type code (VOLT_TYPE). */
  type: number;
  /** VARCHAR / VARBINARY / GEOGRAPHY size limit; 0 for fixed-width types. */
  size: number;
  /** VARCHAR(n BYTES): `size` counts UTF-8 bytes rather than characters. */
  inBytes: boolean;
  nullable: boolean;
  /** Stored value used when an INSERT leaves the column out (null = NULL). */
  defaultValue: unknown;
}

/** A UNIQUE / ASSUMEUNIQUE constraint, or a `CREATE [UNIQUE|ASSUMEUNIQUE] INDEX`. */
export interface TableIndex {
  /** The index name `@SystemCatalog('INDEXINFO')` reports. */
  name: string;
  /** Column indexes, in index order. */
  columns: number[];
  /** UNIQUE or ASSUMEUNIQUE: a second row with the same values is a CONSTRAINT VIOLATION. */
  unique: boolean;
  /**
   * ASSUMEUNIQUE: VoltDB checks the index in each partition only and leaves uniqueness across
   * partitions to the application. (Every unique index is checked per partition; a UNIQUE one on a
   * partitioned table must include the partition column, which makes that check global.)
   */
  assumeUnique?: boolean;
}

export interface TableSchema {
  name: string;
  columns: Column[];
  /** Column indexes of the primary key, in key order (empty: no key). */
  primaryKey: number[];
  /** `CONSTRAINT name PRIMARY KEY (…)`: the name given; unnamed keys get VoltDB's generated names. */
  primaryKeyName?: string;
  /** Indexes besides the primary key's (UNIQUE constraints, CREATE INDEX). */
  indexes?: TableIndex[];
  /** Index of the partition column, or -1 for a replicated table. */
  partitionColumn: number;
  /**
   * Set for a materialized view: its source table, the source's partition column, and how many
   * leading columns are its GROUP BY columns (the view's primary key in the catalog).
   */
  view?: { sourceTable: string; partitionColumn: string | null; groupColumns?: number };
}

/** SQL type name → wire code. */
export const SQL_TYPES: Readonly<Record<string, number>> = {
  TINYINT: VOLT_TYPE.TINYINT,
  SMALLINT: VOLT_TYPE.SMALLINT,
  INTEGER: VOLT_TYPE.INTEGER,
  BIGINT: VOLT_TYPE.BIGINT,
  FLOAT: VOLT_TYPE.FLOAT,
  DECIMAL: VOLT_TYPE.DECIMAL,
  VARCHAR: VOLT_TYPE.STRING,
  VARBINARY: VOLT_TYPE.VARBINARY,
  TIMESTAMP: VOLT_TYPE.TIMESTAMP,
  GEOGRAPHY_POINT: VOLT_TYPE.GEOGRAPHY_POINT,
  GEOGRAPHY: VOLT_TYPE.GEOGRAPHY,
};

/** VoltDB's default GEOGRAPHY column size (bytes) when none is given. */
export const DEFAULT_GEOGRAPHY_BYTES = 32768;

/** Wire code → SQL type name as the catalog spells it. */
export function sqlTypeName(type: number): string {
  switch (type) {
    case VOLT_TYPE.TINYINT:
      return 'TINYINT';
    case VOLT_TYPE.SMALLINT:
      return 'SMALLINT';
    case VOLT_TYPE.INTEGER:
      return 'INTEGER';
    case VOLT_TYPE.BIGINT:
      return 'BIGINT';
    case VOLT_TYPE.FLOAT:
      return 'FLOAT';
    case VOLT_TYPE.DECIMAL:
      return 'DECIMAL';
    case VOLT_TYPE.STRING:
      return 'VARCHAR';
    case VOLT_TYPE.VARBINARY:
      return 'VARBINARY';
    case VOLT_TYPE.TIMESTAMP:
      return 'TIMESTAMP';
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return 'GEOGRAPHY_POINT';
    case VOLT_TYPE.GEOGRAPHY:
      return 'GEOGRAPHY';
    default:
      return `TYPE_${type}`;
  }
}

/** JDBC metadata per type: `java.sql.Types` code, precision, radix, byte length, decimal digits. */
export interface JdbcTypeInfo {
  dataType: number;
  /** COLUMN_SIZE / PRECISION; null when VoltDB reports NULL (points, polygons in COLUMNS). */
  precision: number | null;
  radix: number | null;
  /** LENGTH in PROCEDURECOLUMNS. */
  length: number;
  decimalDigits: number | null;
}

const JDBC: Readonly<Record<number, JdbcTypeInfo>> = {
  [VOLT_TYPE.TINYINT]: { dataType: -6, precision: 7, radix: 2, length: 1, decimalDigits: null },
  [VOLT_TYPE.SMALLINT]: { dataType: 5, precision: 15, radix: 2, length: 2, decimalDigits: null },
  [VOLT_TYPE.INTEGER]: { dataType: 4, precision: 31, radix: 2, length: 4, decimalDigits: null },
  [VOLT_TYPE.BIGINT]: { dataType: -5, precision: 63, radix: 2, length: 8, decimalDigits: null },
  [VOLT_TYPE.FLOAT]: { dataType: 6, precision: 53, radix: 2, length: 8, decimalDigits: null },
  [VOLT_TYPE.DECIMAL]: { dataType: 3, precision: 38, radix: 10, length: 16, decimalDigits: 12 },
  [VOLT_TYPE.STRING]: { dataType: 12, precision: MAX_VALUE_BYTES, radix: null, length: MAX_VALUE_BYTES, decimalDigits: null },
  [VOLT_TYPE.VARBINARY]: { dataType: -3, precision: MAX_VALUE_BYTES, radix: null, length: MAX_VALUE_BYTES, decimalDigits: null },
  [VOLT_TYPE.TIMESTAMP]: { dataType: 93, precision: 63, radix: 2, length: 8, decimalDigits: null },
  [VOLT_TYPE.GEOGRAPHY_POINT]: { dataType: 1111, precision: null, radix: null, length: 16, decimalDigits: null },
  [VOLT_TYPE.GEOGRAPHY]: { dataType: 1111, precision: MAX_VALUE_BYTES, radix: null, length: MAX_VALUE_BYTES, decimalDigits: null },
};

export function jdbcTypeInfo(type: number): JdbcTypeInfo {
  return JDBC[type] ?? { dataType: 1111, precision: null, radix: null, length: 0, decimalDigits: null };
}

/** Sized types keep their declared size in `Column.size`. */
export function isSized(type: number): boolean {
  return type === VOLT_TYPE.STRING || type === VOLT_TYPE.VARBINARY || type === VOLT_TYPE.GEOGRAPHY;
}

/** The integer types, which can be partition columns alongside VARCHAR and VARBINARY. */
export function isIntegerType(type: number): boolean {
  return type === VOLT_TYPE.TINYINT || type === VOLT_TYPE.SMALLINT || type === VOLT_TYPE.INTEGER || type === VOLT_TYPE.BIGINT;
}

/** A column with the defaults of a plain `name TYPE` declaration. */
export function column(name: string, type: number, options: Partial<Omit<Column, 'name' | 'type'>> = {}): Column {
  return {
    name,
    type,
    size: options.size ?? (type === VOLT_TYPE.GEOGRAPHY ? DEFAULT_GEOGRAPHY_BYTES : isSized(type) ? MAX_VALUE_BYTES : 0),
    inBytes: options.inBytes ?? false,
    nullable: options.nullable ?? true,
    defaultValue: options.defaultValue ?? null,
  };
}
