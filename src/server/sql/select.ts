/**
 * SELECT, and the row matching that UPDATE and DELETE share: candidate rows (a primary-key
 * lookup, a slot range on a generated id, or a scan of the partition's segments), WHERE,
 * ORDER BY, LIMIT / OFFSET, projection and the plain aggregates.
 *
 * Matches are kept as (segment, slot) pairs in typed arrays, never as row objects, so a
 * million-row `EVENTS` query costs 8 bytes a row until the rows are encoded.
 */
import { MP_PARTITION_ID, VOLT_TYPE } from '../../protocol/constants.js';
import { Decimal } from '../../protocol/decimal.js';
import type { Column } from '../column-types.js';
import type { Database } from '../database.js';
import { objectNotFound, sqlPlanningError } from '../failure-responses.js';
import { resultSet, withEngineFloatNulls, type ResultSet } from '../result-set.js';
import { StoredTable, columnIndex, type Relation } from '../store.js';
import type { Condition, Expression, SelectItem, Statement } from './ast.js';
import { type Bindings, comparisonValue, compareValues, orderValues, rawValue } from './operands.js';

/** Rows that passed WHERE, in (segment, slot) pairs. */
export interface Matches {
  count: number;
  segments: Int32Array;
  slots: Int32Array;
}

interface Predicate {
  column: number;
  test: (value: unknown) => boolean;
}

export function resolveColumn(relation: Relation, name: string): number {
  const index = columnIndex(relation.schema, name);
  if (index < 0) throw objectNotFound(name);
  return index;
}

function predicate(relation: Relation, condition: Condition, bindings: Bindings): Predicate {
  const column = resolveColumn(relation, condition.column);
  if (condition.kind === 'null-check') {
    return { column, test: condition.negated ? (v) => v !== null : (v) => v === null };
  }
  const operand = comparisonValue(condition.value, relation.schema.columns[column]!, bindings);
  if (operand === null) return { column, test: () => false };
  switch (condition.op) {
    case '=':
      return { column, test: (v) => v !== null && compareValues(v, operand) === 0 };
    case '<>':
      return { column, test: (v) => v !== null && compareValues(v, operand) !== 0 };
    case '<':
      return { column, test: (v) => v !== null && compareValues(v, operand) < 0 };
    case '<=':
      return { column, test: (v) => v !== null && compareValues(v, operand) <= 0 };
    case '>':
      return { column, test: (v) => v !== null && compareValues(v, operand) > 0 };
    case '>=':
      return { column, test: (v) => v !== null && compareValues(v, operand) >= 0 };
  }
}

class MatchBuilder {
  count = 0;
  segments = new Int32Array(64);
  slots = new Int32Array(64);

  add(segment: number, slot: number): void {
    if (this.count === this.slots.length) {
      const segments = new Int32Array(this.count * 2);
      segments.set(this.segments);
      const slots = new Int32Array(this.count * 2);
      slots.set(this.slots);
      this.segments = segments;
      this.slots = slots;
    }
    this.segments[this.count] = segment;
    this.slots[this.count++] = slot;
  }

  done(): Matches {
    return { count: this.count, segments: this.segments, slots: this.slots };
  }
}

/** Narrow a generated table's id range from `id op value` conditions; returns [from, to) slots. */
function slotRange(relation: Relation, predicates: Condition[], bindings: Bindings): [number, number] {
  let from = 0;
  let to = relation.slots(0);
  const key = relation.sequentialKey!;
  for (const condition of predicates) {
    if (condition.kind !== 'compare' || resolveColumn(relation, condition.column) !== key.column) continue;
    const value = Number(comparisonValue(condition.value, relation.schema.columns[key.column]!, bindings));
    if (!Number.isFinite(value)) continue;
    const slot = value - key.base;
    if (condition.op === '=') {
      from = Math.max(from, Math.ceil(slot));
      to = Math.min(to, Math.floor(slot) + 1);
    } else if (condition.op === '>') from = Math.max(from, Math.floor(slot) + 1);
    else if (condition.op === '>=') from = Math.max(from, Math.ceil(slot));
    else if (condition.op === '<') to = Math.min(to, Math.ceil(slot));
    else if (condition.op === '<=') to = Math.min(to, Math.floor(slot) + 1);
  }
  return [Math.max(0, from), Math.max(Math.max(0, from), to)];
}

/** Rows of `relation` visible to `partition` that satisfy every condition; scanning stops after `maxMatches` (natural order). */
export function matchRows(database: Database, relation: Relation, where: Condition[], bindings: Bindings, partition: number, maxMatches = Number.MAX_SAFE_INTEGER): Matches {
  const predicates = where.map((condition) => predicate(relation, condition, bindings));
  const out = new MatchBuilder();
  const accept = (segment: number, slot: number): void => {
    for (const p of predicates) if (!p.test(relation.value(segment, slot, p.column))) return;
    out.add(segment, slot);
  };

  // Primary-key lookup: every key column has an `=` condition.
  if (relation instanceof StoredTable && relation.schema.primaryKey.length > 0) {
    const key = relation.schema.primaryKey.map((c) => where.find((w) => w.kind === 'compare' && w.op === '=' && resolveColumn(relation, w.column) === c));
    if (key.every((k) => k !== undefined)) {
      const values = key.map((k, i) => comparisonValue((k as Extract<Condition, { kind: 'compare' }>).value, relation.schema.columns[relation.schema.primaryKey[i]!]!, bindings));
      const found = values.some((v) => v === null) ? null : database.findByKey(relation, values);
      if (found !== null && inScope(relation, found.segment, partition)) accept(found.segment, found.slot);
      return out.done();
    }
  }

  if (relation.sequentialKey !== undefined) {
    const [from, to] = slotRange(relation, where, bindings);
    for (let slot = from; slot < to && out.count < maxMatches; slot++) accept(0, slot);
    return out.done();
  }

  const only = partition === MP_PARTITION_ID ? -1 : relation.segmentOf(partition);
  for (let segment = 0; segment < relation.segmentCount; segment++) {
    if (only >= 0 && segment !== only) continue;
    const slots = relation.slots(segment);
    for (let slot = 0; slot < slots && out.count < maxMatches; slot++) if (relation.live(segment, slot)) accept(segment, slot);
  }
  return out.done();
}

export function inScope(relation: Relation, segment: number, partition: number): boolean {
  if (partition === MP_PARTITION_ID) return true;
  const only = relation.segmentOf(partition);
  return only < 0 || only === segment;
}

export function limitValue(expression: Expression | undefined, bindings: Bindings, what: string): number | undefined {
  if (expression === undefined) return undefined;
  const value = Number(rawValue(expression, bindings));
  if (!Number.isInteger(value) || value < 0) throw sqlPlanningError(`invalid ${what} value: ${String(rawValue(expression, bindings))}`);
  return value;
}

/** Result type of an aggregate over a column type (VoltDB: SUM of integers is BIGINT, AVG keeps the type). */
export function aggregateType(fn: string, column: Pick<Column, 'type'> | undefined): number {
  if (fn === 'COUNT' || column === undefined) return VOLT_TYPE.BIGINT;
  if (fn === 'SUM') {
    if (column.type === VOLT_TYPE.FLOAT || column.type === VOLT_TYPE.DECIMAL) return column.type;
    return VOLT_TYPE.BIGINT;
  }
  return column.type;
}

export function aggregate(fn: string, values: unknown[], type: number): unknown {
  const present = values.filter((v) => v !== null);
  if (fn === 'COUNT') return BigInt(present.length);
  if (present.length === 0) return null;
  if (fn === 'MIN' || fn === 'MAX') {
    return present.reduce((best, v) => (compareValues(v, best) * (fn === 'MIN' ? -1 : 1) > 0 ? v : best));
  }
  if (type === VOLT_TYPE.DECIMAL) {
    const sum = present.reduce<Decimal>((acc, v) => acc.plus(v as Decimal), new Decimal(0));
    return fn === 'SUM' ? sum : sum.dividedBy(present.length).toDecimalPlaces(12, Decimal.ROUND_HALF_UP);
  }
  if (type === VOLT_TYPE.FLOAT) {
    const sum = present.reduce<number>((acc, v) => acc + (v as number), 0);
    return fn === 'SUM' ? sum : sum / present.length;
  }
  const sum = present.reduce<bigint>((acc, v) => acc + BigInt(v as number | bigint), 0n);
  if (fn === 'SUM') return sum;
  const average = sum / BigInt(present.length);
  return type === VOLT_TYPE.BIGINT || type === VOLT_TYPE.TIMESTAMP ? average : Number(average);
}

/** Execute a SELECT of the subset. */
export function executeSelect(database: Database, statement: Extract<Statement, { kind: 'select' }>, bindings: Bindings, partition: number): ResultSet {
  const relation = database.table(statement.table);
  if (relation === undefined) throw objectNotFound(statement.table);
  const items: SelectItem[] = statement.items;
  const aggregates = items.filter((i) => i.kind === 'aggregate');
  if (aggregates.length > 0 && aggregates.length !== items.length) {
    throw sqlPlanningError('expression not in aggregate or GROUP BY columns (GROUP BY is not supported by the embedded server)');
  }
  const columns = relation.schema.columns;
  // Without a sort (or sorted by a generated id, which is the natural order), the scan can stop
  // once OFFSET + LIMIT rows matched: a 200 000-row page of a million-row table reads 200 000.
  const natural = statement.orderBy.length === 0 || (statement.orderBy.length === 1 && !statement.orderBy[0]!.descending && relation.sequentialKey !== undefined && columnIndex(relation.schema, statement.orderBy[0]!.column) === relation.sequentialKey.column);
  const stopAfter = aggregates.length === 0 && natural && statement.limit !== undefined ? (limitValue(statement.offset, bindings, 'OFFSET') ?? 0) + limitValue(statement.limit, bindings, 'LIMIT')! : Number.MAX_SAFE_INTEGER;
  const matches = matchRows(database, relation, statement.where, bindings, partition, stopAfter);

  if (aggregates.length > 0) {
    // Fast path: COUNT(*) with no WHERE.
    const row = items.map((item) => {
      const it = item as Extract<SelectItem, { kind: 'aggregate' }>;
      const index = it.column === undefined ? -1 : resolveColumn(relation, it.column);
      const type = aggregateType(it.fn, index < 0 ? undefined : columns[index]);
      if (index < 0) return BigInt(matches.count);
      const values: unknown[] = new Array(matches.count);
      for (let i = 0; i < matches.count; i++) values[i] = relation.value(matches.segments[i]!, matches.slots[i]!, index);
      return aggregate(it.fn, values, type);
    });
    const info = items.map((item, i) => {
      const it = item as Extract<SelectItem, { kind: 'aggregate' }>;
      const index = it.column === undefined ? -1 : resolveColumn(relation, it.column);
      return { name: it.alias ?? `C${i + 1}`, type: aggregateType(it.fn, index < 0 ? undefined : columns[index]) };
    });
    return withEngineFloatNulls(resultSet(info, [row]));
  }

  // Projection: star expands to every column; aliases rename.
  const projection: number[] = [];
  const names: string[] = [];
  for (const item of items) {
    if (item.kind === 'star') {
      columns.forEach((c, i) => {
        projection.push(i);
        names.push(c.name);
      });
    } else if (item.kind === 'column') {
      projection.push(resolveColumn(relation, item.column));
      names.push(item.alias ?? item.column);
    }
  }

  const order = orderPermutation(relation, matches, statement.orderBy, names, projection);
  const offset = limitValue(statement.offset, bindings, 'OFFSET') ?? 0;
  const limit = limitValue(statement.limit, bindings, 'LIMIT') ?? Number.MAX_SAFE_INTEGER;
  const first = Math.min(offset, matches.count);
  const count = Math.max(0, Math.min(matches.count - first, limit));
  const whole = projection.length === columns.length && projection.every((c, i) => c === i);
  const rowAt = (i: number): unknown[] => {
    const at = order === null ? first + i : order[first + i]!;
    const segment = matches.segments[at]!;
    const slot = matches.slots[at]!;
    if (whole) return relation.row(segment, slot);
    return projection.map((c) => relation.value(segment, slot, c));
  };
  return withEngineFloatNulls({ columns: projection.map((c, i) => ({ name: names[i]!, type: columns[c]!.type })), rowCount: count, row: rowAt });
}

/** Positions of the matches in ORDER BY order, or null when they are already in order. */
function orderPermutation(relation: Relation, matches: Matches, orderBy: { column: string; descending: boolean }[], names: string[], projection: number[]): Uint32Array | null {
  if (orderBy.length === 0) return null;
  const keys = orderBy.map((term) => {
    const alias = names.indexOf(term.column);
    return { column: alias >= 0 ? projection[alias]! : resolveColumn(relation, term.column), descending: term.descending };
  });
  if (keys.length === 1 && relation.sequentialKey?.column === keys[0]!.column && !keys[0]!.descending) return null;
  const values = keys.map(({ column }) => {
    const out: unknown[] = new Array(matches.count);
    for (let i = 0; i < matches.count; i++) out[i] = relation.value(matches.segments[i]!, matches.slots[i]!, column);
    return out;
  });
  const order = new Uint32Array(matches.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const c = orderValues(values[k]![a], values[k]![b]);
      if (c !== 0) return keys[k]!.descending ? -c : c;
    }
    return a - b;
  });
  return order;
}
