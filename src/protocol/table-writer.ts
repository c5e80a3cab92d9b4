/**
 * The VoltTable encoder (PROTOCOL.md 6), shared by VOLTTABLE parameters and the response
 * encoder, plus a minimal plain-object reader for table *parameters* (result tables are
 * decoded by `src/decode`).
 *
 * ```
 * i32  totalLength      bytes that follow
 * i32  headerLength     status .. last column name
 * i8   status
 * i16  columnCount C
 * u8[C] column types
 * C × str column names
 * i32  rowCount R
 * R × (i32 rowLength, C values without type bytes — NULLs as the type's sentinel)
 * ```
 */
import { ParameterError, ProtocolError } from '../errors.js';
import type { BufferReader } from './buffer-reader.js';
import type { BufferWriter } from './buffer-writer.js';
import { COLUMN_TYPES } from './constants.js';
import { checkZeroWidthCells } from './table-layout.js';
import { describePlace, describeValue, readValue, writeValue, type TimestampMode, type ValueContext } from './values.js';

/** A column of a table to encode: its name and wire type code. */
export interface TableColumn {
  name: string;
  type: number;
}

/** What a VOLTTABLE parameter accepts: a VoltTable (rows() iterator) or plain `{ columns, rows }`. */
export interface TableLike {
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly unknown[])[] | (() => Iterable<readonly unknown[]>);
  readonly status?: number;
}

/** A table parameter as {@link readTable} returns it. */
export interface TableData {
  status: number;
  columns: TableColumn[];
  rows: unknown[][];
}

export const TABLE_STATUS_DEFAULT = -128;

/**
 * Write one table at the writer position. Every cell is validated by `writeValue`; on a
 * refusal the writer is put back where the table started and the ParameterError names the
 * row and column (and `where`'s parameter, for table parameters).
 */
export function writeTable(
  w: BufferWriter,
  columns: readonly TableColumn[],
  rows: Iterable<readonly unknown[]>,
  status: number = TABLE_STATUS_DEFAULT,
  where: ValueContext = {},
): void {
  const start = w.offset - w.mark; // relative to the mark: survives a move to a new slab
  try {
    writeTableBody(w, columns, rows, status, where);
  } catch (error) {
    w.offset = w.mark + start;
    throw error;
  }
}

/** A VOLTTABLE value (`{ columns, rows }` or a VoltTable with `rows()`). */
export function writeTableLike(w: BufferWriter, table: TableLike, where: ValueContext): void {
  const rows = typeof table.rows === 'function' ? table.rows() : table.rows;
  writeTable(w, table.columns, rows, table.status ?? TABLE_STATUS_DEFAULT, where);
}

/** True for `{ columns: [...], rows }` where rows is an array or a function (VoltTable). */
export function isTableLike(value: unknown): value is TableLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { columns?: unknown; rows?: unknown };
  return Array.isArray(candidate.columns) && (Array.isArray(candidate.rows) || typeof candidate.rows === 'function');
}

function writeTableBody(
  w: BufferWriter,
  columns: readonly TableColumn[],
  rows: Iterable<readonly unknown[]>,
  status: number,
  where: ValueContext,
): void {
  const place = describePlace(where);
  const prefix = place === '' ? '' : `${place}: `;
  const fail = (message: string): ParameterError => {
    const options: { procedure?: string; index?: number; type: string } = { type: 'VOLTTABLE' };
    if (where.procedure !== undefined) options.procedure = where.procedure;
    if (where.index !== undefined) options.index = where.index;
    return new ParameterError(prefix + message, options);
  };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < -128 || status > 127) throw fail(`table status ${describeValue(status)} is not an i8`);
  if (!Array.isArray(columns)) throw fail(`table columns ${describeValue(columns)} is not an array`);
  if (columns.length > 32767) throw fail(`a table has at most 32767 columns, got ${columns.length}`);
  // rows() of a table-like value is the caller's code: it may return anything.
  if (rows === null || typeof rows !== 'object' || typeof (rows as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw fail(`table rows ${describeValue(rows)} is not an array or iterable of rows`);
  }
  const types = new Array<number>(columns.length);
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c];
    if (typeof column !== 'object' || column === null || typeof column.name !== 'string') throw fail(`column ${c} needs a string name`);
    if (!COLUMN_TYPES.has(column.type)) throw fail(`column ${column.name} has type ${describeValue(column.type)}, not a column type`);
    types[c] = column.type;
  }
  const total = w.reserveLength();
  const header = w.reserveLength();
  w.int8(status);
  w.int16(columns.length);
  for (const type of types) w.int8(type);
  for (const column of columns) w.string(column.name);
  w.fillLength(header);
  const countAt = w.reserveLength();
  let rowCount = 0;
  const cell: ValueContext = { ...where, row: 0, column: '' };
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw fail(`row ${rowCount} has ${Array.isArray(row) ? row.length : 'no'} values for ${columns.length} columns`);
    }
    const rowLength = w.reserveLength();
    cell.row = rowCount;
    for (let c = 0; c < types.length; c++) {
      cell.column = columns[c]!.name;
      writeValue(w, types[c]!, row[c], cell);
    }
    w.fillLength(rowLength);
    rowCount++;
  }
  w.buffer.writeInt32BE(rowCount, w.mark + countAt);
  w.fillLength(total);
}

/**
 * Read one serialized table (with its i32 total length) into plain rows via `readValue`.
 * Every length is checked against the bytes present; ProtocolError names the offset.
 */
export function readTable(r: BufferReader, timestamps: TimestampMode = 'date'): TableData {
  const totalLength = r.length('VOLTTABLE', false);
  const end = r.offset + totalLength;
  const headerLength = r.length('VOLTTABLE header', false);
  const headerEnd = r.offset + headerLength;
  const status = r.int8('table status');
  const columnCount = r.int16('column count');
  if (columnCount < 0) throw new ProtocolError(`negative column count ${columnCount}`, { offset: r.offset - 2 });
  r.need(columnCount, 'column types');
  const columns: TableColumn[] = new Array<TableColumn>(columnCount);
  const types: number[] = new Array<number>(columnCount);
  for (let c = 0; c < columnCount; c++) {
    const at = r.offset;
    const type = r.int8('column type');
    if (!COLUMN_TYPES.has(type)) throw new ProtocolError(`column ${c} has unknown type ${type}`, { offset: at });
    types[c] = type;
  }
  for (let c = 0; c < columnCount; c++) {
    const at = r.offset;
    const name = r.string('column name');
    if (name === null) throw new ProtocolError(`column ${c} name is NULL`, { offset: at });
    columns[c] = { name, type: types[c]! };
  }
  if (r.offset !== headerEnd) {
    throw new ProtocolError(`table header length ${headerLength} does not match its ${r.offset - headerEnd + headerLength} bytes`, { offset: headerEnd });
  }
  const countAt = r.offset;
  const rowCount = r.int32('row count');
  if (rowCount < 0 || rowCount > (end - r.offset) / 4) {
    throw new ProtocolError(`row count ${rowCount} does not fit the table's ${end - r.offset} remaining bytes`, { offset: countAt });
  }
  checkZeroWidthCells(columns, rowCount, totalLength + 4, countAt);
  const rows: unknown[][] = new Array<unknown[]>(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const rowLength = r.length('row', false);
    const rowEnd = r.offset + rowLength;
    const row = new Array<unknown>(columnCount);
    for (let c = 0; c < columnCount; c++) row[c] = readValue(r, types[c]!, timestamps);
    if (r.offset !== rowEnd) {
      throw new ProtocolError(`row ${i} length ${rowLength} does not match its ${r.offset - rowEnd + rowLength} bytes of values`, { offset: rowEnd });
    }
    rows[i] = row;
  }
  if (r.offset !== end) throw new ProtocolError(`table length ${totalLength} does not match its contents`, { offset: r.offset });
  return { status, columns, rows };
}
