/**
 * Runs a general SELECT (query-ast.ts): the rows of one to three (or more) tables joined by
 * nested loops — an equality with an earlier table's column is looked up in a hash of the new
 * table's rows — filtered by WHERE / ON, grouped, aggregated, filtered by HAVING, ordered,
 * de-duplicated and paged. Answers are shaped as the real server's: a column keeps its name and
 * type, an alias renames, any other expression is `C<position>` (`COUNT(*)` second → `C2`).
 */
import { VOLT_TYPE } from '../../protocol/constants.js';
import { Decimal } from '../../protocol/decimal.js';
import type { Column } from '../column-types.js';
import type { Database } from '../database.js';
import { objectNotFound, sqlError, sqlPlanningError } from '../failure-responses.js';
import { resultSet, withEngineFloatNulls, type ResultSet } from '../result-set.js';
import { keyOf, type Relation } from '../store.js';
import type { Expression } from './ast.js';
import { type Bindings, comparisonValue, compareValues, orderValues, rawValue } from './operands.js';
import type { Query, QueryExpression } from './query-ast.js';
import { aggregate, aggregateType, inScope, limitValue } from './select.js';

/** One row per source table. */
type Tuple = unknown[][];

/** A compiled expression: its result type and how to evaluate it (with the group's aggregates). */
interface Evaluator {
  type: number;
  /** The column, when the expression is a plain column reference. */
  column?: Column;
  /** Where a plain column reference points: source index and column index. */
  ref?: [number, number];
  run(tuple: Tuple, aggregates: readonly unknown[]): unknown;
}

interface Source {
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
function joinKey(value: unknown): unknown {
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

class Compiler {
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

function splitConjuncts(expression: QueryExpression | undefined, into: QueryExpression[] = []): QueryExpression[] {
  if (expression === undefined) return into;
  if (expression.kind === 'and') {
    splitConjuncts(expression.left, into);
    splitConjuncts(expression.right, into);
  } else {
    into.push(expression);
  }
  return into;
}

/** The rows of `relation` a statement running at `partition` sees. */
function rowsOf(relation: Relation, partition: number): unknown[][] {
  const rows: unknown[][] = [];
  for (let segment = 0; segment < relation.segmentCount; segment++) {
    if (!inScope(relation, segment, partition)) continue;
    const slots = relation.slots(segment);
    for (let slot = 0; slot < slots; slot++) if (relation.live(segment, slot)) rows.push(relation.row(segment, slot));
  }
  return rows;
}

/** The sub-expressions of an expression. */
function children(e: QueryExpression): QueryExpression[] {
  switch (e.kind) {
    case 'column':
    case 'value':
      return [];
    case 'negate':
    case 'not':
    case 'is-null':
      return [e.operand];
    case 'arithmetic':
    case 'compare':
    case 'and':
    case 'or':
      return [e.left, e.right];
    case 'in':
      return [e.operand, ...e.list];
    case 'like':
      return [e.operand, e.pattern];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'aggregate':
      return e.argument === undefined ? [] : [e.argument];
  }
}

/** Highest source index an expression reads (−1: none). */
function lastSource(compiler: Compiler, expression: QueryExpression): number {
  if (expression.kind === 'column') return compiler.resolve(expression.table, expression.name)[0];
  return children(expression).reduce((last, child) => Math.max(last, lastSource(compiler, child)), -1);
}

function hasAggregate(expression: QueryExpression): boolean {
  return expression.kind === 'aggregate' || children(expression).some(hasAggregate);
}

/** The joined tuples that pass WHERE / ON. */
function joinedTuples(compiler: Compiler, sources: readonly Source[], where: QueryExpression | undefined, partition: number): Tuple[] {
  const conjuncts = splitConjuncts(where).map((expression) => ({ expression, last: lastSource(compiler, expression), run: compiler.compile(expression) }));
  let tuples: Tuple[] = [[]];
  sources.forEach((source, s) => {
    const rows = rowsOf(source.relation, partition);
    const here = conjuncts.filter((c) => c.last === s || (s === 0 && c.last < 0));
    // An equality between this table's column and an earlier table's: hash this table's rows.
    const equality = here.find((c) => c.expression.kind === 'compare' && c.expression.op === '=' && c.expression.left.kind === 'column' && c.expression.right.kind === 'column');
    let lookup: ((tuple: Tuple) => unknown[][]) | null = null;
    if (equality !== undefined && s > 0) {
      const e = equality.expression as Extract<QueryExpression, { kind: 'compare' }>;
      const l = compiler.compile(e.left).ref!;
      const r = compiler.compile(e.right).ref!;
      const [mine, other] = l[0] === s && r[0] < s ? [l, r] : r[0] === s && l[0] < s ? [r, l] : [null, null];
      if (mine !== null && other !== null) {
        const index = new Map<unknown, unknown[][]>();
        for (const row of rows) {
          const value = row[mine[1]];
          if (value === null) continue;
          const key = joinKey(value);
          const bucket = index.get(key);
          if (bucket === undefined) index.set(key, [row]);
          else bucket.push(row);
        }
        lookup = (tuple) => {
          const value = tuple[other[0]]![other[1]];
          return value === null ? [] : (index.get(joinKey(value)) ?? []);
        };
      }
    }
    const next: Tuple[] = [];
    for (const tuple of tuples) {
      for (const row of lookup === null ? rows : lookup(tuple)) {
        const candidate = [...tuple, row];
        if (here.every((c) => c.run.run(candidate, []) === true)) next.push(candidate);
      }
    }
    tuples = next;
  });
  return tuples;
}

/** Run a general SELECT at `partition` (16383: every partition). */
export function executeQuery(database: Database, query: Query, bindings: Bindings, partition: number): ResultSet {
  const sources: Source[] = query.from.map((reference) => {
    const relation = database.table(reference.table);
    if (relation === undefined) throw objectNotFound(reference.table);
    return { relation, name: reference.name };
  });
  const plain = new Compiler(sources, bindings, null, false);
  const tuples = joinedTuples(plain, sources, query.where, partition);

  const grouping = query.groupBy.length > 0 || query.items.some((i) => i.kind === 'expression' && hasAggregate(i.expression)) || query.having !== undefined;
  const groupKeys = query.groupBy.map((e) => plain.compile(e));
  const groupedColumns = grouping ? new Set(groupKeys.filter((k) => k.ref !== undefined).map((k) => `${k.ref![0]}.${k.ref![1]}`)) : null;
  const compiler = new Compiler(sources, bindings, groupedColumns, grouping);

  // Output columns.
  const outputs: { name: string; evaluator: Evaluator }[] = [];
  query.items.forEach((item) => {
    if (item.kind === 'star') {
      if (grouping) throw sqlPlanningError('SELECT * cannot be used with GROUP BY or aggregates');
      sources.forEach((source, s) => {
        if (item.table !== undefined && source.name !== item.table && source.relation.schema.name !== item.table) return;
        source.relation.schema.columns.forEach((column, c) => outputs.push({ name: column.name, evaluator: { type: column.type, run: (t) => t[s]![c] } }));
      });
      return;
    }
    const evaluator = compiler.compile(item.expression);
    if (evaluator.type === VOLT_TYPE.BOOLEAN) throw sqlPlanningError('a condition cannot be a selected column');
    const name = item.alias ?? (item.expression.kind === 'column' ? evaluator.column!.name : `C${outputs.length + 1}`);
    outputs.push({ name, evaluator });
  });
  const having = query.having === undefined ? null : compiler.compile(query.having);
  const order = query.orderBy.map(({ expression, descending }) => {
    if (expression.kind === 'column' && expression.table === undefined) {
      const byName = outputs.findIndex((o) => o.name === expression.name);
      if (byName >= 0) return { output: byName, descending };
    }
    if (expression.kind === 'value' && expression.value.kind === 'number' && /^\d+$/.test(expression.value.text)) {
      const position = Number(expression.value.text);
      if (position < 1 || position > outputs.length) throw sqlPlanningError(`ORDER BY position ${position} is not in the select list`);
      return { output: position - 1, descending };
    }
    return { evaluator: compiler.compile(expression), descending };
  });

  // Rows (one per tuple, or one per group) with their sort keys.
  const produced: { row: unknown[]; keys: unknown[] }[] = [];
  const emit = (tuple: Tuple, aggregates: readonly unknown[]): void => {
    if (having !== null && having.run(tuple, aggregates) !== true) return;
    const row = outputs.map((o) => o.evaluator.run(tuple, aggregates));
    const keys = order.map((o) => ('output' in o ? row[o.output!] : o.evaluator!.run(tuple, aggregates)));
    produced.push({ row, keys });
  };
  if (grouping) {
    const groups = new Map<unknown, Tuple[]>();
    for (const tuple of tuples) {
      const key = groupKeys.length === 0 ? '' : keyOf(groupKeys.map((k) => joinKey(k.run(tuple, []))));
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [tuple]);
      else group.push(tuple);
    }
    if (groups.size === 0 && groupKeys.length === 0) groups.set('', []);
    for (const members of groups.values()) {
      const values = compiler.aggregates.map(({ fn, distinct, argument, type }) => {
        if (argument === null) return BigInt(members.length);
        let column = members.map((tuple) => argument.run(tuple, []));
        if (distinct) {
          const seen = new Set<unknown>();
          column = column.filter((v) => (v === null || seen.has(joinKey(v)) ? false : (seen.add(joinKey(v)), true)));
        }
        return aggregate(fn, column, type);
      });
      emit(members[0] ?? sources.map(() => []), values);
    }
  } else {
    for (const tuple of tuples) emit(tuple, []);
  }

  if (order.length > 0) {
    produced.sort((x, y) => {
      for (let i = 0; i < order.length; i++) {
        const c = orderValues(x.keys[i], y.keys[i]);
        if (c !== 0) return order[i]!.descending ? -c : c;
      }
      return 0;
    });
  }
  let rows = produced.map((p) => p.row);
  if (query.distinct) {
    const seen = new Set<unknown>();
    rows = rows.filter((row) => {
      const key = keyOf(row.map(joinKey));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const offset = limitValue(query.offset, bindings, 'OFFSET') ?? 0;
  const limit = limitValue(query.limit, bindings, 'LIMIT') ?? Number.MAX_SAFE_INTEGER;
  rows = rows.slice(offset, offset + limit);
  return withEngineFloatNulls(resultSet(outputs.map((o) => ({ name: o.name, type: o.evaluator.type === VOLT_TYPE.NULL ? VOLT_TYPE.STRING : o.evaluator.type })), rows));
}
