/**
 * What the fuzzer does with one input: run it through every decoder that applies, touch every
 * value, and compare the independent paths with each other. Shared by `scripts/fuzz.ts` and the
 * fuzz property tests.
 *
 * Outcomes:
 * - a `VoltError` from a decoder is a *rejection*: fine, that is what bad bytes should give;
 * - any other exception escapes: the harness reports it (a crash);
 * - an {@link InvariantViolation} escapes when a promise of the codec is broken (the encoder
 *   wrote a frame its decoder refuses, the frame decoder split a stream differently from the
 *   reference, an encoded table does not read back, the worker path failed with a non-VoltError);
 * - a disagreement between two decoders of the same bytes (lazy row view, columnar decode,
 *   the generated and the general columnar decoder, worker path, the parameter-table reader) is returned as a `note`: worth a look, not a crash.
 */
import { VoltError, ERROR_CODE } from '../../src/errors.js';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { readTable } from '../../src/protocol/value-reader.js';
import { readTableLayout, type TableLayout } from '../../src/protocol/response-reader.js';
import { peekHandle, readResponseHeader, tableLayouts } from '../../src/protocol/response.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { runDecodeTask } from '../../src/decode/decode-task.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import type { TimestampMode } from '../../src/protocol/value-reader.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { uncounted } from './allocation-probe.js';
import { decoderDisagreement } from './decoder-pair.js';

/** A broken promise of the codec (not a rejection of bad input). */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

export interface Outcome {
  /** False when a decoder rejected the input with a VoltError. */
  accepted: boolean;
  /** Values read (cells), for the statistics and the time bound. */
  cells: number;
  /** Rows read and columns decoded, summed over the tables (the time bound's work units). */
  rows?: number;
  columns?: number;
  /** Two decoders disagreed: what and where. */
  note?: string;
  /** Bytes written (encoders): the time bound grows with the output as with the input. */
  outputBytes?: number;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: VoltError };

/** Run `fn`; a VoltError becomes a failed attempt, anything else propagates. */
export function attempt<T>(fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (VoltError.is(error)) return { ok: false, error };
    throw error;
  }
}

/** Equality per the row mapping; NaN equals NaN, geography within `epsilon` degrees. */
export function sameValue(a: unknown, b: unknown, epsilon = 0): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= epsilon && epsilon > 0);
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (Decimal.isDecimal(a)) return Decimal.isDecimal(b) && (a as Decimal).equals(b as Decimal);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
  if (a instanceof GeographyPoint) return b instanceof GeographyPoint && sameValue(a.longitude, b.longitude, epsilon) && sameValue(a.latitude, b.latitude, epsilon);
  if (a instanceof Geography) return b instanceof Geography && sameValue(a.rings, b.rings, epsilon);
  if (a instanceof VoltDate) return b instanceof VoltDate && a.year === b.year && a.month === b.month && a.day === b.day;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i], epsilon));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], epsilon));
}

/** Render a value briefly for a note. */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `bytes(${Buffer.from(value).toString('hex').slice(0, 32)})`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  try {
    return String(value).slice(0, 60);
  } catch {
    // A null-prototype object or the like has no string form.
    return Object.prototype.toString.call(value);
  }
}

/** First cell where two row lists differ, or undefined (harness work: not counted). */
function firstDifference(a: unknown[][], b: unknown[][]): string | undefined {
  return uncounted(() => compareRows(a, b));
}

function compareRows(a: unknown[][], b: unknown[][]): string | undefined {
  if (a.length !== b.length) return `${a.length} rows vs ${b.length}`;
  for (let r = 0; r < a.length; r++) {
    for (let c = 0; c < a[r]!.length; c++) {
      if (!sameValue(a[r]![c], b[r]![c])) return `row ${r} column ${c}: ${show(a[r]![c])} vs ${show(b[r]![c])}`;
    }
  }
  return undefined;
}

const GETTERS = ['getNumber', 'getBigInt', 'getString', 'getBytes', 'getDecimal', 'getDate', 'isNull'] as const;
type Getter = (typeof GETTERS)[number];

/**
 * The typed getters that apply to a column type. Every getter is also tried once per column
 * type (the wrong-type refusals); per sampled cell only these run, since each refusal builds an
 * Error and would dominate the run time.
 */
function gettersFor(type: number): readonly Getter[] {
  switch (type) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
    case VOLT_TYPE.BIGINT:
      return ['getNumber', 'getBigInt', 'isNull'];
    case VOLT_TYPE.TIMESTAMP:
      return ['getNumber', 'getBigInt', 'getDate', 'isNull'];
    case VOLT_TYPE.FLOAT:
      return ['getNumber', 'isNull'];
    case VOLT_TYPE.STRING:
      return ['getString', 'getBytes', 'isNull'];
    case VOLT_TYPE.VARBINARY:
      return ['getBytes', 'isNull'];
    case VOLT_TYPE.DECIMAL:
      return ['getDecimal', 'isNull'];
    case VOLT_TYPE.DATE:
      return ['getDate', 'isNull'];
    default:
      return ['isNull'];
  }
}

interface TableResult {
  cells: number;
  /** Rows the row view read (0 when it failed). */
  rowCount: number;
  rows?: unknown[][];
  columnar?: unknown[][];
  note?: string;
}

/** Touch a table every way: lazy rows, objects, random access, typed getters, columnar, Column API. */
function exerciseTable(bytes: Uint8Array, layout: TableLayout, timestamps: TimestampMode, where: string): TableResult {
  const lazy = VoltTable.fromLayout(bytes, layout, { timestamps });
  const rowView = attempt(() => [...lazy.rows()]);
  let cells = 0;
  let note: string | undefined;
  if (rowView.ok) {
    cells += rowView.value.length * layout.columns.length;
    // Row objects cost what the caller asks for; with thousands of columns only the first rows.
    let objects = 0;
    for (const object of lazy.rowObjects()) {
      if (Object.keys(object).length > layout.columns.length) note ??= `${where}: a row object has more keys than columns`;
      if (++objects * layout.columns.length > 20_000) break;
    }
    // Random access (row index + seek) must agree with the sequential walk; sampled, as each seek skips columns.
    const total = layout.rowCount * layout.columns.length;
    const step = Math.max(1, Math.floor(total / 64));
    for (let i = 0; i < total; i += step) {
      const r = Math.floor(i / layout.columns.length);
      const c = i % layout.columns.length;
      const got = attempt(() => lazy.get(r, c));
      if (!got.ok || !sameValue(got.value, rowView.value[r]![c])) note ??= `${where}: get(${r}, ${c}) = ${got.ok ? show(got.value) : got.error.message} but rows() gave ${show(rowView.value[r]![c])}`;
      for (const getter of r === 0 ? GETTERS : gettersFor(layout.columns[c]!.type)) attempt(() => (lazy[getter] as (row: number, column: number) => unknown)(r, c));
      attempt(() => lazy.get(r, layout.columns[c]!.name));
    }
  } else {
    // A row that fails must fail on every path that reads it; the accessors must only throw VoltErrors.
    attempt(() => [...lazy.rowObjects()]);
    if (layout.rowCount > 0 && layout.columns.length > 0) for (const getter of GETTERS) attempt(() => (lazy[getter] as (row: number, column: number) => unknown)(0, 0));
  }
  attempt(() => lazy.get(-1, 0));
  attempt(() => lazy.get(0, 'no such column'));

  const columnarTable = VoltTable.fromLayout(bytes, layout, { timestamps });
  const columnar = attempt(() => {
    const columns = columnarTable.decodeColumns();
    // The wrong-type refusals depend on the column type alone: every getter once per type, not
    // per column. Per column, 2,000 columns made ~10,000 VoltErrors (a stack trace each), which
    // took 1.4 s of a 1.5 s input of 17 KB — the harness's own work, not the decoder's.
    const refusalsTried = new Set<number>();
    for (const column of columns) {
      const allGetters = !refusalsTried.has(column.type);
      refusalsTried.add(column.type);
      for (let i = 0; i < column.length; i += Math.max(1, Math.floor(column.length / 16))) {
        for (const getter of i === 0 && allGetters ? GETTERS : gettersFor(column.type)) attempt(() => (column[getter] as (index: number) => unknown).call(column, i));
      }
    }
    return [...columnarTable.rows()];
  });
  if (rowView.ok !== columnar.ok) {
    note ??= `${where}: row view ${rowView.ok ? 'reads every row' : `fails (${rowView.error.message})`} but the columnar decode ${columnar.ok ? 'reads every row' : `fails (${columnar.error.message})`}`;
  } else if (rowView.ok && columnar.ok) {
    const difference = firstDifference(rowView.value, columnar.value);
    if (difference !== undefined) note ??= `${where}: row view and columnar decode differ at ${difference}`;
  }
  // The generated and the general columnar decoder, compared byte for byte.
  note ??= decoderDisagreement(bytes, layout, where);
  const result: TableResult = { cells, rowCount: rowView.ok ? rowView.value.length : 0 };
  if (rowView.ok) result.rows = rowView.value;
  if (columnar.ok) result.columnar = columnar.value;
  if (note !== undefined) result.note = note;
  return result;
}

/** A whole response frame through every response decoder. */
export function exerciseResponse(frame: Buffer, timestamps: TimestampMode = 'date'): Outcome {
  attempt(() => peekHandle(frame));
  const header = attempt(() => readResponseHeader(frame));
  if (!header.ok) return { accepted: false, cells: 0 };
  const layouts = attempt(() => tableLayouts(frame, header.value));
  if (!layouts.ok) {
    // decodeResponse must refuse it the same way.
    if (attempt(() => decodeResponse(frame, { timestamps })).ok) throw new InvariantViolation('decodeResponse accepted a frame whose table layouts are invalid');
    return { accepted: false, cells: 0 };
  }
  const decoded = decodeResponse(frame, { timestamps });
  if (decoded.tables.length !== header.value.tableCount) throw new InvariantViolation(`decodeResponse gave ${decoded.tables.length} tables for a table count of ${header.value.tableCount}`);
  let cells = 0;
  let rows = 0;
  let columns = 0;
  let note: string | undefined;
  const columnarRows: (unknown[][] | undefined)[] = [];
  layouts.value.forEach((layout, i) => {
    const result = exerciseTable(frame, layout, timestamps, `table ${i}`);
    cells += result.cells;
    rows += result.rowCount;
    columns += layout.columns.length;
    note ??= result.note;
    columnarRows.push(result.columnar);
  });
  // The worker path, run in this thread: only VoltErrors may come back, and the same values.
  const task = { result: runDecodeTask({ frame, tableCount: header.value.tableCount, tablesOffset: header.value.tablesOffset }) };
  if (!task.result.ok) {
    if (task.result.code === ERROR_CODE.DECODE_POOL) throw new InvariantViolation(`the decode task failed with a non-VoltError: ${task.result.message}`);
    if (columnarRows.every((rows) => rows !== undefined)) note ??= `the decode task fails (${task.result.message}) where the inline columnar decode succeeds`;
  } else {
    task.result.tables.forEach((parts, i) => {
      const table = attempt(() => VoltTable.fromColumns(parts, { timestamps }));
      if (!table.ok) {
        note ??= `table ${i}: VoltTable.fromColumns refused the decode task's columns (${table.error.message})`;
        return;
      }
      const rows = attempt(() => [...table.value.rows()]);
      const inline = columnarRows[i];
      if (rows.ok && inline !== undefined) {
        const difference = firstDifference(rows.value, inline);
        if (difference !== undefined) note ??= `table ${i}: worker path and inline columnar differ at ${difference}`;
      }
    });
  }
  const outcome: Outcome = { accepted: true, cells, rows, columns };
  if (note !== undefined) outcome.note = note;
  return outcome;
}

/** A bare VoltTable: layout, row view, columnar, and the parameter-table reader (a second implementation). */
export function exerciseBareTable(bytes: Buffer, timestamps: TimestampMode = 'date'): Outcome {
  const layout = attempt(() => readTableLayout(bytes, 0));
  const asParameter = attempt(() => readTable(new BufferReader(bytes), timestamps));
  if (!layout.ok) return { accepted: false, cells: 0 };
  attempt(() => VoltTable.fromBytes(bytes, { timestamps }));
  const result = exerciseTable(bytes, layout.value, timestamps, 'bare table');
  let note = result.note;
  if (asParameter.ok && result.rows !== undefined && layout.value.end === bytes.length) {
    // FLOAT NULL: both readers treat ≤ −1.7E308 as NULL (readValue directly, the row view on top).
    const difference = firstDifference(asParameter.value.rows, result.rows);
    if (difference !== undefined) note ??= `readTable (parameter reader) and the row view differ at ${difference}`;
  } else if (!asParameter.ok && result.rows !== undefined && result.columnar !== undefined && layout.value.end === bytes.length) {
    note ??= `the row view and columnar decode read the table but readTable (parameter reader) refuses it: ${asParameter.error.message}`;
  }
  const outcome: Outcome = { accepted: true, cells: result.cells, rows: result.rowCount, columns: layout.value.columns.length };
  if (note !== undefined) outcome.note = note;
  return outcome;
}
