/**
 * Where a serialized VoltTable's parts are (PROTOCOL.md 6), without decoding a single value.
 *
 * ```
 * i32   totalLength     bytes that follow
 * i32   headerLength    bytes from `status` through the last column name
 * i8    status          informational; any value accepted (Java/EE −128, DML template 0)
 * i16   columnCount     C ≥ 0
 * u8[C] columnTypes     each in COLUMN_TYPES
 * C x str               column names, non-NULL
 * i32   rowCount        R ≥ 0
 * R x { i32 rowLength ≥ 0; rowLength bytes }
 * ```
 *
 * The protocol layer hands tables up as byte ranges (DESIGN.md); `src/decode` turns a
 * {@link TableLayout} into a VoltTable. Everything the layout states is checked here, so a
 * decoder that trusts it cannot run out of the table:
 * - the table fits the bytes it sits in, the header fits the table, and the column names end
 *   exactly where `headerLength` says;
 * - every column type is known (an unknown code is a ProtocolError naming offset and code);
 * - the row lengths are walked: each row fits, and the rows end exactly at `totalLength`.
 *   Walking costs one i32 read per row (≈ 0.16 ms for the 50 000-row, 1.1 MB capture, about
 *   a tenth of decoding its values; see bench/response-header.bench.ts) and means a row decoder never needs to re-check a
 *   row's extent. A row count larger than (bytes left) / 4 is refused before the walk, so a
 *   hostile count cannot make it long.
 *
 * Values inside a row are not checked here (the row decoder reads them within the row bounds).
 */
import { ProtocolError } from '../errors.js';
import { COLUMN_TYPES, VOLT_TYPE } from './constants.js';
import { asBuffer, decodeUtf8 } from './buffer-reader.js';

/** A column of a table as the wire describes it: its name and type code. */
export interface ColumnInfo {
  name: string;
  /** Wire type code (VOLT_TYPE). */
  type: number;
}

/** Where one table lies in a response frame, found without decoding a value. */
export interface TableLayout {
  /** Offset of the table's i32 total length. */
  offset: number;
  /** Offset just past the table (`offset + 4 + totalLength`). */
  end: number;
  /** The table status byte. */
  status: number;
  /** Frozen: equal headers share one array. */
  columns: readonly ColumnInfo[];
  rowCount: number;
  /** Offset of the first row's i32 length (equals `end` when there are no rows). */
  rowsOffset: number;
}

/** Read and validate the layout of the table at `bytes[offset]`; the table must end within `bytes`. */
export function readTableLayout(bytes: Uint8Array, offset: number): TableLayout {
  const buf = asBuffer(bytes);
  const limit = buf.length;
  if (!Number.isInteger(offset) || offset < 0 || offset > limit) {
    throw new ProtocolError(`table offset ${offset} is outside the ${limit} bytes`, { offset });
  }
  if (limit - offset < 8) {
    throw new ProtocolError(`truncated table: needs 8 bytes for its lengths, ${limit - offset} remain`, { offset });
  }
  const totalLength = buf.readInt32BE(offset);
  if (totalLength < 0 || totalLength > limit - offset - 4) {
    throw new ProtocolError(
      `table length ${totalLength} does not fit the ${limit - offset - 4} bytes that follow it`,
      { offset },
    );
  }
  const end = offset + 4 + totalLength;
  const headerLength = buf.readInt32BE(offset + 4);
  // The header holds at least status + column count; the row count follows it.
  if (headerLength < 3 || headerLength > totalLength - 8) {
    throw new ProtocolError(
      `table header length ${headerLength} is out of range: needs 3..${totalLength - 8} for a ${totalLength}-byte table`,
      { offset: offset + 4 },
    );
  }
  const headerEnd = offset + 8 + headerLength;
  let pos = offset + 8;
  const status = buf.readInt8(pos);
  const columnCount = buf.readInt16BE(pos + 1);
  pos += 3;
  if (columnCount < 0 || columnCount > headerEnd - pos) {
    throw new ProtocolError(
      `table column count ${columnCount} does not fit the ${headerEnd - pos}-byte rest of the header`,
      { offset: pos - 2 },
    );
  }
  const typesAt = pos;
  let columns = sameAsLastHeader(buf, typesAt - 2, headerEnd) ? lastColumns : null;
  if (columns === null) {
    columns = readColumns(buf, typesAt, columnCount, headerEnd, offset, headerLength);
    rememberHeader(buf, typesAt - 2, headerEnd, columns);
  }
  pos = headerEnd;
  // headerLength ≤ totalLength − 8 guarantees these 4 bytes are inside the table.
  const rowCount = buf.readInt32BE(pos);
  pos += 4;
  const rowsOffset = pos;
  if (rowCount < 0 || rowCount > (end - pos) / 4) {
    throw new ProtocolError(
      `table row count ${rowCount} is impossible with ${end - pos} bytes of rows (each row needs at least 4)`,
      { offset: pos - 4 },
    );
  }
  checkZeroWidthCells(columns, rowCount, end - offset, pos - 4);
  const rowsEnd = walkRows(buf, pos, rowCount, end);
  if (rowsEnd !== end) explainRows(buf, pos, rowCount, end);
  return { offset, end, status, columns, rowCount, rowsOffset };
}

/** The last table header read (column types and names, copied) and the columns it gave: a call's answers repeat one shape. */
const LAST_HEADER_MAX_BYTES = 512;
const lastHeader = new Uint8Array(LAST_HEADER_MAX_BYTES);
let lastHeaderBytes = -1;
let lastColumns: readonly ColumnInfo[] = [];

/** True when `buf[from, to)` repeats the last header remembered (so its columns, already checked, apply). */
function sameAsLastHeader(buf: Buffer, from: number, to: number): boolean {
  if (to - from !== lastHeaderBytes) return false;
  for (let i = 0; i < lastHeaderBytes; i++) if (buf[from + i] !== lastHeader[i]) return false;
  return true;
}

function rememberHeader(buf: Buffer, from: number, to: number, columns: readonly ColumnInfo[]): void {
  if (to - from > LAST_HEADER_MAX_BYTES) return;
  lastHeader.set(buf.subarray(from, to));
  lastHeaderBytes = to - from;
  lastColumns = columns;
}

/** Read and check the column types and names of a header (`columnCount` types at `typesAt`, names up to `headerEnd`); frozen, so tables may share them. */
function readColumns(buf: Buffer, typesAt: number, columnCount: number, headerEnd: number, offset: number, headerLength: number): readonly ColumnInfo[] {
  const columns = new Array<ColumnInfo>(columnCount);
  let pos = typesAt + columnCount;
  for (let i = 0; i < columnCount; i++) {
    if (headerEnd - pos < 4) {
      throw new ProtocolError(`truncated table header: column ${i} name length does not fit the header`, {
        offset: pos,
      });
    }
    const nameLength = buf.readInt32BE(pos);
    if (nameLength < 0 || nameLength > headerEnd - pos - 4) {
      throw new ProtocolError(
        `column ${i} name length ${nameLength} does not fit the ${headerEnd - pos - 4} header bytes left`,
        { offset: pos },
      );
    }
    const type = buf.readInt8(typesAt + i);
    if (!COLUMN_TYPES.has(type)) {
      throw new ProtocolError(`column ${i} has unknown type code ${type}`, { offset: typesAt + i });
    }
    columns[i] = Object.freeze({ name: decodeUtf8(buf, pos + 4, pos + 4 + nameLength), type });
    pos += 4 + nameLength;
  }
  if (pos !== headerEnd) {
    throw new ProtocolError(
      `table header length ${headerLength} says the header ends at ${headerEnd}, the column names end at ${pos}`,
      { offset: offset + 4 },
    );
  }
  return Object.freeze(columns);
}

/** Below this many rows `walkRows` reads lengths byte by byte rather than through a DataView made for the table. */
const SMALL_TABLE_ROWS = 16;

/**
 * The hot loop, kept small so it optimizes on its own: returns where `rowCount` rows starting
 * at `pos` end, or −1 when a row length is negative or runs past `end`. A DataView read is
 * the fastest i32 here (measured on the 50 000-row capture, Node 20: DataView 3.1 ns/row,
 * byte shifts 4.6, Buffer.readInt32BE 8.4).
 */
function walkRows(buf: Buffer, pos: number, rowCount: number, end: number): number {
  // A few rows (the usual call's answer): byte reads, no DataView made per table.
  if (rowCount < SMALL_TABLE_ROWS) {
    for (let r = 0; r < rowCount; r++) {
      if (pos + 4 > end) return -1;
      const rowLength = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
      pos += 4;
      if (rowLength > end - pos) return -1;
      pos += rowLength;
    }
    return pos;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let r = 0; r < rowCount; r++) {
    if (pos + 4 > end) return -1;
    const rowLength = view.getInt32(pos);
    pos += 4;
    // Unsigned compare: a negative length becomes huge and fails too.
    if (rowLength >>> 0 > end - pos) return -1;
    pos += rowLength;
  }
  return pos;
}

/** The slow path after `walkRows` failed or the rows end early: find the row and say what is wrong. */
function explainRows(buf: Buffer, pos: number, rowCount: number, end: number): never {
  for (let r = 0; r < rowCount; r++) {
    if (end - pos < 4) {
      throw new ProtocolError(`truncated table: row ${r} length does not fit before the table end ${end}`, {
        offset: pos,
      });
    }
    const rowLength = buf.readInt32BE(pos);
    if (rowLength < 0 || rowLength > end - pos - 4) {
      throw new ProtocolError(
        `row ${r} length ${rowLength} does not fit the ${end - pos - 4} bytes left in the table`,
        { offset: pos },
      );
    }
    pos += 4 + rowLength;
  }
  throw new ProtocolError(
    `table length says it ends at ${end}, its ${rowCount} rows end at ${pos} (${end - pos} bytes unaccounted for)`,
    { offset: pos },
  );
}

/**
 * Cells of a NULL-type column (type 1) take no bytes, so a tiny table could claim
 * columns × rows of them and make every reader work and allocate in proportion (found by
 * fuzzing: 54 KB asked for 36 M cells). Real servers never send such columns in bulk; refuse a
 * table whose zero-width cells exceed this many per byte of the table.
 */
export const MAX_ZERO_WIDTH_CELLS_PER_BYTE = 16;

/** Throw a ProtocolError (at `offset`, the row count) when zero-width cells are out of proportion. */
export function checkZeroWidthCells(columns: readonly { type: number }[], rowCount: number, tableBytes: number, offset: number): void {
  let zeroWidth = 0;
  for (const column of columns) if (column.type === VOLT_TYPE.NULL) zeroWidth++;
  if (zeroWidth > 0 && zeroWidth * rowCount > MAX_ZERO_WIDTH_CELLS_PER_BYTE * tableBytes) {
    throw new ProtocolError(
      `table of ${tableBytes} bytes claims ${zeroWidth} NULL-type columns × ${rowCount} rows: more than ${MAX_ZERO_WIDTH_CELLS_PER_BYTE} zero-width cells per byte`,
      { offset },
    );
  }
}
