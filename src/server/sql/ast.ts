import type { Modification, Query } from './query-ast.js';

/**
 * The statements of the embedded server's SQL subset (see the README section "Embedded server").
 */

/** A value in a statement: a `?` placeholder, a literal, or a geography constructor. */
export type Expression =
  | { kind: 'param'; index: number }
  /** `number` literals keep their source text (exact DECIMAL / BIGINT); `negative` is folded in. */
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'hex'; text: string }
  | { kind: 'null' }
  | { kind: 'boolean'; value: boolean }
  /** POINTFROMTEXT('POINT(..)'), POLYGONFROMTEXT('POLYGON(..)'), and VoltDB's POINT / POLYGON aliases. */
  | { kind: 'geo'; shape: 'point' | 'polygon'; argument: Expression };

export interface ColumnSpec {
  name: string;
  /** Upper-case SQL type name as written (INT and INTEGER both → INTEGER). */
  type: string;
  /** VARCHAR(n) / VARBINARY(n) / GEOGRAPHY(n); undefined when not given. */
  size?: number;
  /** VARCHAR(n BYTES): the size counts bytes, not characters. */
  inBytes: boolean;
  notNull: boolean;
  primaryKey: boolean;
  /** A column-level UNIQUE or ASSUMEUNIQUE, or null. */
  unique: UniqueKind | null;
  defaultValue?: Expression;
}

/** UNIQUE holds across the table; ASSUMEUNIQUE is checked within each partition only (VoltDB's meaning). */
export type UniqueKind = 'UNIQUE' | 'ASSUMEUNIQUE';

/** A table-level `[CONSTRAINT name] UNIQUE|ASSUMEUNIQUE (columns)`. */
export interface UniqueSpec {
  kind: UniqueKind;
  columns: string[];
  /** The constraint's name when given. */
  name?: string;
}

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'compare'; column: string; op: ComparisonOperator; value: Expression }
  | { kind: 'null-check'; column: string; negated: boolean };

export type AggregateFunction = 'COUNT' | 'MIN' | 'MAX' | 'SUM' | 'AVG';

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'column'; column: string; alias?: string }
  /** `column` undefined for COUNT(*). */
  | { kind: 'aggregate'; fn: AggregateFunction; column?: string; alias?: string };

export interface OrderTerm {
  column: string;
  descending: boolean;
}

export type Statement =
  | { kind: 'create-table'; table: string; columns: ColumnSpec[]; primaryKey: string[]; primaryKeyName?: string; uniques: UniqueSpec[] }
  | { kind: 'partition-table'; table: string; column: string }
  | { kind: 'drop-table'; table: string; ifExists: boolean }
  | {
      kind: 'select';
      table: string;
      items: SelectItem[];
      where: Condition[];
      orderBy: OrderTerm[];
      limit?: Expression;
      offset?: Expression;
    }
  | { kind: 'insert'; upsert: boolean; table: string; columns?: string[]; values: Expression[] }
  | { kind: 'update'; table: string; assignments: { column: string; value: Expression }[]; where: Condition[] }
  | { kind: 'delete'; table: string; where: Condition[] }
  /** A SELECT beyond the simple form above (joins, GROUP BY, IN, LIKE, …): see query-ast.ts. */
  | { kind: 'query'; query: Query }
  /** An UPDATE / DELETE beyond the simple form (any condition, computed values): see query-ast.ts. */
  | { kind: 'modify'; modification: Modification };

/** DDL changes the catalog and answers a `STATUS` table; the rest is DML or a query. */
export function isDdl(statement: Statement): boolean {
  return statement.kind === 'create-table' || statement.kind === 'partition-table' || statement.kind === 'drop-table';
}
