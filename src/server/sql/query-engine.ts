/**
 * Runs a general SELECT (query-ast.ts): the rows of one to three (or more) tables joined by
 * nested loops — an equality with an earlier table's column is looked up in a hash of the new
 * table's rows — filtered by WHERE / ON, grouped, aggregated, filtered by HAVING, ordered,
 * de-duplicated and paged. Answers are shaped as the real server's: a column keeps its name and
 * type, an alias renames, any other expression is `C<position>` (`COUNT(*)` second → `C2`).
 */
import { VOLT_TYPE } from '../../protocol/constants.js';
import type { Database } from '../database.js';
import { objectNotFound, sqlPlanningError } from '../failure-responses.js';
import { resultSet, withEngineFloatNulls, type ResultSet } from '../result-set.js';
import { keyOf, type Relation } from '../store.js';
import { type Bindings, orderValues } from './operands.js';
import type { Query, QueryExpression } from './query-ast.js';
import { Compiler, joinKey, type Evaluator, type Source, type Tuple } from './query-compiler.js';
import { aggregate, inScope, limitValue } from './select.js';

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
