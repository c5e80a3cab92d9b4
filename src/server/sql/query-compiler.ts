/**
 * Compiles the expressions of a general SELECT into evaluators over joined rows: column
 * references resolved against the FROM tables, literals and `?` converted to the type of the
 * column they meet, SQL's three-valued logic, LIKE patterns, IN lists and `IN ?` arrays, and
 * aggregates collected in order for the engine to compute per group.
 */
import { VOLT_TYPE } from '../../protocol/constants.js';
import { Decimal } from '../../protocol/decimal.js';
import type { Column } from '../column-types.js';
import { objectNotFound, sqlError, sqlPlanningError } from '../failure-responses.js';
import { keyOf, type Relation } from '../store.js';
import type { Expression } from './ast.js';
import { type Bindings, comparisonValue, compareValues, rawValue } from './operands.js';
import type { QueryExpression } from './query-ast.js';
import { aggregateType } from './select.js';

/** One row per source table. */
export type Tuple = unknown[][];

/** A compiled expression: its result type and how to evaluate it (with the group's aggregates). */
export interface Evaluator {
  type: number;
  /** The column, when the expression is a plain column reference. */
  column?: Column;
  /** Where a plain column reference points: source index and column index. */
  ref?: [number, number];
  run(tuple: Tuple, aggregates: readonly unknown[]): unknown;
}

export interface Source {
  relation: Relation;
  name: string;
}

const NUMERIC_RANK: Readonly<Record<number, number>> = {
  [VOLT_TYPE.TINYINT]: 1,
  [VOLT_TYPE.SMALLINT]: 1,
  [VOLT_TYPE.INTEGER]: 1,
  [VOLT_TYPE.BIGINT]: 1,
  [VOLT_TYPE.TIMESTAMP]: 1,
  [VOLT_TYPE.DECIMAL]: 2,
  [VOLT_TYPE.FLOAT]: 3,
};

/** Join key of a value: integers of any JS type meet (1 and 1n), strings stay apart from numbers. */
export function joinKey(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'bigint') return `n:${String(value)}`;
  if (Decimal.isDecimal(value)) return `n:${(value as Decimal).toString()}`;
  return keyOf([value]);
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (const c of pattern) source += c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${source}$`);
}

function arithmetic(op: string, a: unknown, b: unknown, type: number): unknown {
  if (a === null || b === null) return null;
  if (type === VOLT_TYPE.DECIMAL) {
    const x = new Decimal(String(a));
    const y = new Decimal(String(b));
    if (op === '/' && y.isZero()) throw sqlError('@AdHoc', 'Attempted to divide by zero');
    const r = op === '+' ? x.plus(y) : op === '-' ? x.minus(y) : op === '*' ? x.times(y) : x.dividedBy(y);
    return r.toDecimalPlaces(12, Decimal.ROUND_HALF_UP);
  }
  if (type === VOLT_TYPE.FLOAT) {
    const x = Number(a);
    const y = Number(b);
    return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
  }
  const x = BigInt(a as bigint);
  const y = BigInt(b as bigint);
  if (op === '/' && y === 0n) throw sqlError('@AdHoc', `Attempted to divide ${x} by 0`);
  return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
}

/** The value of a literal / placeholder outside a comparison: numbers as BIGINT or FLOAT. */
function plainValue(expression: Expression, bindings: Bindings): { value: unknown; type: number } {
  const raw = rawValue(expression, bindings);
  if (expression.kind === 'number') {
    return /^-?\d+$/.test(raw as string) ? { value: BigInt(raw as string), type: VOLT_TYPE.BIGINT } : { value: Number(raw), type: VOLT_TYPE.FLOAT };
  }
  if (typeof raw === 'string') return { value: raw, type: VOLT_TYPE.STRING };
  if (typeof raw === 'bigint') return { value: raw, type: VOLT_TYPE.BIGINT };
  if (typeof raw === 'number') return { value: raw, type: Number.isInteger(raw) ? VOLT_TYPE.INTEGER : VOLT_TYPE.FLOAT };
  if (Decimal.isDecimal(raw)) return { value: raw, type: VOLT_TYPE.DECIMAL };
  if (raw instanceof Uint8Array) return { value: raw, type: VOLT_TYPE.VARBINARY };
  return { value: raw, type: raw === null ? VOLT_TYPE.NULL : VOLT_TYPE.STRING };
}

export class Compiler {
  /** Aggregates met while compiling, in order: their argument evaluator. */
  readonly aggregates: { fn: string; distinct: boolean; argument: Evaluator | null; type: number }[] = [];

  constructor(
    private readonly sources: readonly Source[],
    private readonly bindings: Bindings,
    /** Grouped: plain columns must be GROUP BY columns (given as "source.column" keys). */
    private readonly grouped: ReadonlySet<string> | null,
    private readonly allowAggregates: boolean,
  ) {}

  resolve(table: string | undefined, name: string): [number, number] {
    let found: [number, number] | null = null;
    this.sources.forEach((source, s) => {
      if (table !== undefined && source.name !== table && source.relation.schema.name !== table) return;
      const c = source.relation.schema.columns.findIndex((column) => column.name === name);
      if (c < 0) return;
      if (found !== null) throw sqlPlanningError(`Column "${name}" is ambiguous`);
      found = [s, c];
    });
    if (found === null) throw objectNotFound(table === undefined ? name : `${table}.${name}`);
    return found;
  }

  /** A value compared with `other`: converted to other's column type when other is a column. */
  private operand(expression: QueryExpression, other: QueryExpression): Evaluator {
    if (expression.kind === 'value' && other.kind === 'column') {
      const target = this.compile(other);
      const value = comparisonValue(expression.value, target.column!, this.bindings);
      return { type: target.type, run: () => value };
    }
    return this.compile(expression);
  }

  compile(expression: QueryExpression): Evaluator {
    switch (expression.kind) {
      case 'column': {
        const [s, c] = this.resolve(expression.table, expression.name);
        const column = this.sources[s]!.relation.schema.columns[c]!;
        if (this.grouped !== null && !this.grouped.has(`${s}.${c}`)) {
          throw sqlPlanningError(`expression not in aggregate or GROUP BY columns: ${this.sources[s]!.relation.schema.name}.${column.name}`);
        }
        return { type: column.type, column, ref: [s, c], run: (tuple) => tuple[s]![c] };
      }
      case 'value': {
        const { value, type } = plainValue(expression.value, this.bindings);
        return { type, run: () => value };
      }
      case 'negate': {
        const operand = this.compile(expression.operand);
        return { type: operand.type, run: (t, a) => arithmetic('-', operand.type === VOLT_TYPE.FLOAT ? 0 : 0n, operand.run(t, a), operand.type === VOLT_TYPE.FLOAT ? VOLT_TYPE.FLOAT : operand.type === VOLT_TYPE.DECIMAL ? VOLT_TYPE.DECIMAL : VOLT_TYPE.BIGINT) };
      }
      case 'arithmetic': {
        const left = this.compile(expression.left);
        const right = this.compile(expression.right);
        const rank = Math.max(NUMERIC_RANK[left.type] ?? 0, NUMERIC_RANK[right.type] ?? 0);
        if ((NUMERIC_RANK[left.type] ?? 0) === 0 || (NUMERIC_RANK[right.type] ?? 0) === 0) throw sqlPlanningError(`incompatible data type in operation: ${expression.op}`);
        const type = rank === 3 ? VOLT_TYPE.FLOAT : rank === 2 ? VOLT_TYPE.DECIMAL : VOLT_TYPE.BIGINT;
        return { type, run: (t, a) => arithmetic(expression.op, left.run(t, a), right.run(t, a), type) };
      }
      case 'compare': {
        const left = this.operand(expression.left, expression.right);
        const right = this.operand(expression.right, expression.left);
        const op = expression.op;
        return {
          type: VOLT_TYPE.BOOLEAN,
          run: (t, a) => {
            const x = left.run(t, a);
            const y = right.run(t, a);
            if (x === null || y === null) return null;
            const c = compareValues(x, y);
            if (Number.isNaN(c)) return op === '<>';
            return op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
          },
        };
      }
      case 'and':
      case 'or': {
        const left = this.compile(expression.left);
        const right = this.compile(expression.right);
        const and = expression.kind === 'and';
        return {
          type: VOLT_TYPE.BOOLEAN,
          run: (t, a) => {
            const x = left.run(t, a);
            if (x === !and) return x;
            const y = right.run(t, a);
            if (y === !and) return y;
            return x === null || y === null ? null : and;
          },
        };
      }
      case 'not': {
        const operand = this.compile(expression.operand);
        return { type: VOLT_TYPE.BOOLEAN, run: (t, a) => (operand.run(t, a) === null ? null : !operand.run(t, a)) };
      }
      case 'is-null': {
        const operand = this.compile(expression.operand);
        return { type: VOLT_TYPE.BOOLEAN, run: (t, a) => (operand.run(t, a) === null) !== expression.negated };
      }
      case 'in':
        return this.compileIn(expression);
      case 'like': {
        const operand = this.compile(expression.operand);
        const pattern = this.compile(expression.pattern);
        let cached: [string, RegExp] | null = null;
        return {
          type: VOLT_TYPE.BOOLEAN,
          run: (t, a) => {
            const value = operand.run(t, a);
            const text = pattern.run(t, a);
            if (value === null || text === null) return null;
            if (typeof value !== 'string' || typeof text !== 'string') throw sqlPlanningError('LIKE needs VARCHAR operands');
            if (cached === null || cached[0] !== text) cached = [text, likePattern(text)];
            return cached[1].test(value) !== expression.negated;
          },
        };
      }
      case 'between': {
        const operand = this.compile(expression.operand);
        const low = this.operand(expression.low, expression.operand);
        const high = this.operand(expression.high, expression.operand);
        return {
          type: VOLT_TYPE.BOOLEAN,
          run: (t, a) => {
            const v = operand.run(t, a);
            const l = low.run(t, a);
            const h = high.run(t, a);
            if (v === null || l === null || h === null) return null;
            return (compareValues(v, l) >= 0 && compareValues(v, h) <= 0) !== expression.negated;
          },
        };
      }
      case 'aggregate': {
        if (!this.allowAggregates) throw sqlPlanningError(`invalid use of aggregate function ${expression.fn} here`);
        const inner = new Compiler(this.sources, this.bindings, null, false);
        const argument = expression.argument === undefined ? null : inner.compile(expression.argument);
        const type = aggregateType(expression.fn, argument === null ? undefined : { type: argument.type });
        const index = this.aggregates.length;
        this.aggregates.push({ fn: expression.fn, distinct: expression.distinct, argument, type });
        return { type, run: (_t, a) => a[index] };
      }
    }
  }

  private compileIn(expression: Extract<QueryExpression, { kind: 'in' }>): Evaluator {
    const operand = this.compile(expression.operand);
    let values: unknown[];
    if (expression.array) {
      const parameter = expression.list[0]!;
      const raw = parameter.kind === 'value' ? rawValue(parameter.value, this.bindings) : null;
      if (!Array.isArray(raw)) throw sqlPlanningError('IN ? needs an array parameter');
      values = raw.map((v) => (operand.column === undefined ? v : convertIn(v, operand.column, this.bindings)));
    } else {
      values = expression.list.map((item) => this.operand(item, expression.operand).run([], []));
    }
    const present = values.filter((v) => v !== null);
    const keys = new Set(present.map(joinKey));
    const hasNull = present.length !== values.length;
    return {
      type: VOLT_TYPE.BOOLEAN,
      run: (t, a) => {
        const v = operand.run(t, a);
        if (v === null) return null;
        if (keys.has(joinKey(v))) return !expression.negated;
        return hasNull ? null : expression.negated;
      },
    };
  }
}

/** One element of an `IN ?` array, converted to the column's type as a parameter would be. */
function convertIn(value: unknown, column: Column, bindings: Bindings): unknown {
  return comparisonValue({ kind: 'param', index: 0 }, column, { params: [value], procedure: bindings.procedure });
}
