/**
 * UPDATE and DELETE: the rows they touch and how they change them.
 *
 * The simple forms (`col op value [AND …]`) find rows by the fast paths of select.ts; the general
 * ones (query-ast.ts `Modification`: any condition, `SET N = N + 1`) are compiled like a SELECT's
 * WHERE over the one table. Either way rows are updated one at a time and checked as they go
 * (sizes, NOT NULL, keys, UNIQUE), as VoltDB does; a refusal part-way puts back the rows already
 * changed, as VoltDB rolls the statement back.
 */
import { sqlTypeName, type Column } from '../column-types.js';
import { convertValue } from '../coercion.js';
import type { Database, Scope } from '../database.js';
import { sqlError } from '../failure-responses.js';
import type { StoredTable } from '../store.js';
import { type Bindings, columnValue } from './operands.js';
import type { Modification } from './query-ast.js';
import { Compiler, type Evaluator } from './query-compiler.js';
import { inScope, resolveColumn } from './select.js';

/** Rows to change, as (segment, slot) pairs (select.ts `Matches`, or plain arrays). */
export interface Targets {
  readonly count: number;
  readonly segments: ArrayLike<number>;
  readonly slots: ArrayLike<number>;
}

/**
 * Replace each target row with `change(row)` (a copy to modify), in order, checking each; on a
 * refusal the rows already changed are put back and the refusal is thrown. Returns the count.
 */
export function updateRows(database: Database, table: StoredTable, targets: Targets, change: (row: unknown[]) => unknown[], scope: Scope): number {
  const before: unknown[][] = [];
  try {
    for (let i = 0; i < targets.count; i++) {
      const segment = targets.segments[i]!;
      const slot = targets.slots[i]!;
      before.push(database.updateRow(table, segment, slot, change(table.row(segment, slot)), scope));
    }
  } catch (error) {
    for (let i = before.length - 1; i >= 0; i--) database.restoreRow(table, targets.segments[i]!, targets.slots[i]!, before[i]!);
    throw error;
  }
  return targets.count;
}

/** Delete each target row; returns the count. */
export function deleteRows(database: Database, table: StoredTable, targets: Targets): number {
  for (let i = 0; i < targets.count; i++) database.deleteRow(table, targets.segments[i]!, targets.slots[i]!);
  table.compact();
  return targets.count;
}

/** A computed value stored into `column`: converted to its type, or VoltDB's refusal. */
function storedValue(value: unknown, from: number, column: Column, procedure: string): unknown {
  const converted = convertValue(value, column.type);
  if (converted.ok) return converted.value;
  if (typeof value === 'bigint' || typeof value === 'number') {
    throw sqlError(procedure, `Type ${sqlTypeName(from)} with value ${String(value)} can't be cast as ${sqlTypeName(column.type)} because the value is out of range for the destination type`);
  }
  throw sqlError(procedure, converted.reason);
}

/** Run a general UPDATE / DELETE on `table`; returns the rows changed. */
export function executeModification(database: Database, table: StoredTable, modification: Modification, bindings: Bindings, scope: Scope): number {
  const compiler = new Compiler([{ relation: table, name: table.schema.name }], bindings, null, false);
  const where: Evaluator | null = modification.where === undefined ? null : compiler.compile(modification.where);
  const targets = { count: 0, segments: [] as number[], slots: [] as number[] };
  const tuple: unknown[][] = [[]];
  for (let segment = 0; segment < table.segmentCount; segment++) {
    if (!inScope(table, segment, scope.partition)) continue;
    const slots = table.slots(segment);
    for (let slot = 0; slot < slots; slot++) {
      if (!table.live(segment, slot)) continue;
      tuple[0] = table.row(segment, slot);
      if (where !== null && where.run(tuple, []) !== true) continue;
      targets.segments.push(segment);
      targets.slots.push(slot);
      targets.count++;
    }
  }
  if (modification.kind === 'delete') return deleteRows(database, table, targets);
  const assignments = modification.assignments.map((a) => {
    const index = resolveColumn(table, a.column);
    const column = table.schema.columns[index]!;
    // A plain literal or `?` converts as INSERT's values do (same refusals); an expression is computed per row.
    if (a.value.kind === 'value') {
      const value = columnValue(a.value.value, column, bindings);
      return { index, value: () => value };
    }
    const evaluator = compiler.compile(a.value);
    return { index, value: (row: unknown[]) => storedValue(evaluator.run([row], []), evaluator.type, column, scope.procedure) };
  });
  return updateRows(
    database,
    table,
    targets,
    (row) => {
      const original = [...row];
      for (const a of assignments) row[a.index] = a.value(original);
      return row;
    },
    scope,
  );
}
