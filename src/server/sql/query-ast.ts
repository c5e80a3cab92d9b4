/**
 * The general SELECT of the embedded server: expressions, joins of several tables, GROUP BY,
 * HAVING, IN, LIKE, BETWEEN, DISTINCT. Statements the simple subset (ast.ts) cannot express
 * are parsed into this form and run by the query engine.
 */
import type { AggregateFunction, ComparisonOperator, Expression } from './ast.js';

export type QueryExpression =
  | { kind: 'column'; table?: string; name: string }
  /** A literal or a `?` placeholder (ast.ts `Expression`). */
  | { kind: 'value'; value: Expression }
  | { kind: 'negate'; operand: QueryExpression }
  | { kind: 'arithmetic'; op: '+' | '-' | '*' | '/'; left: QueryExpression; right: QueryExpression }
  | { kind: 'compare'; op: ComparisonOperator; left: QueryExpression; right: QueryExpression }
  | { kind: 'and' | 'or'; left: QueryExpression; right: QueryExpression }
  | { kind: 'not'; operand: QueryExpression }
  | { kind: 'is-null'; operand: QueryExpression; negated: boolean }
  /** `x IN (a, b)` (list) or `x IN ?` (one array parameter: list holds that placeholder alone, array true). */
  | { kind: 'in'; operand: QueryExpression; list: QueryExpression[]; array: boolean; negated: boolean }
  | { kind: 'like'; operand: QueryExpression; pattern: QueryExpression; negated: boolean }
  | { kind: 'between'; operand: QueryExpression; low: QueryExpression; high: QueryExpression; negated: boolean }
  /** `argument` undefined for COUNT(*). */
  | { kind: 'aggregate'; fn: AggregateFunction; argument?: QueryExpression; distinct: boolean };

export type QueryItem = { kind: 'star'; table?: string } | { kind: 'expression'; expression: QueryExpression; alias?: string };

export interface TableReference {
  table: string;
  /** The name the statement refers to it by (alias, else the table name). */
  name: string;
}

export interface Query {
  distinct: boolean;
  items: QueryItem[];
  from: TableReference[];
  /** WHERE and every JOIN … ON condition, ANDed. */
  where?: QueryExpression;
  groupBy: QueryExpression[];
  having?: QueryExpression;
  orderBy: { expression: QueryExpression; descending: boolean }[];
  limit?: Expression;
  offset?: Expression;
}

/**
 * `UPDATE t SET c = expression, … [WHERE condition]` or `DELETE FROM t [WHERE condition]` beyond
 * the simple `col op value [AND …]` form: any condition and computed values (`SET N = N + 1`).
 */
export interface Modification {
  kind: 'update' | 'delete';
  table: string;
  /** UPDATE's `SET` list (empty for DELETE). */
  assignments: { column: string; value: QueryExpression }[];
  where?: QueryExpression;
}
