/**
 * Reads an invocation response (PROTOCOL.md 5): its header, and where each of its tables'
 * parts are (PROTOCOL.md 6), without decoding a single value. The protocol layer hands tables up
 * as byte ranges (DESIGN.md); `src/decode` turns a {@link TableLayout} into a VoltTable.
 *
 * ```
 * i32  N                 = frame.length − 4 (checked)
 * i8   version           0
 * i64  clientHandle
 * u8   fieldsPresent     0x20 statusString, 0x40 exception, 0x80 appStatusString, 0x10 hashes
 * i8   status
 * str  statusString      only if 0x20
 * i8   appStatus         −128 when the procedure never set it
 * str  appStatusString   only if 0x80
 * i32  clusterRoundTrip  ms
 *      [exception]       only if 0x40: i32 L, L bytes (exception.ts); L = 0 means none
 *      [hashes]          only if 0x10: i16 n, n x i32 (skipped; servers never send them to clients)
 * i16  tableCount        ≥ 0
 *      tableCount x VoltTable, filling the frame exactly:
 *   i32   totalLength     bytes that follow
 *   i32   headerLength    bytes from `status` through the last column name
 *   i8    status          informational; any value accepted (Java/EE −128, DML template 0)
 *   i16   columnCount     C ≥ 0
 *   u8[C] columnTypes     each in COLUMN_TYPES
 *   C x str               column names, non-NULL
 *   i32   rowCount        R ≥ 0
 *   R x { i32 rowLength ≥ 0; rowLength bytes }
 * ```
 *
 * Unknown fieldsPresent bits (0x01..0x08) carry no field in any known server and are ignored;
 * if a future server attached data to one, `tableLayouts` would catch the misaligned tables.
 *
 * Everything a table's layout states is checked here, so a decoder that trusts it cannot run
 * out of the table:
 * - the table fits the bytes it sits in, the header fits the table, and the column names end
 *   exactly where `headerLength` says;
 * - every column type is known (an unknown code is a ProtocolError naming offset and code);
 * - the row lengths are walked: each row fits, and the rows end exactly at `totalLength`.
 *   Walking costs one i32 read per row (≈ 0.16 ms for the 50 000-row, 1.1 MB capture, about
 *   a tenth of decoding its values; see bench/response-header.bench.ts) and means a row decoder
 *   never needs to re-check a row's extent. A row count larger than (bytes left) / 4 is refused
 *   before the walk, so a hostile count cannot make it long.
 * Values inside a row are not checked here (the row decoder reads them within the row bounds).
 */
import { Buffer } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import { BufferReader, LastRead, asBuffer, decodeUtf8, int16At, int32At, int64At, int8At, readRepeatedString } from './buffer-reader.js';
import { COLUMN_TYPES, RESPONSE_FIELD, VOLT_TYPE } from './constants.js';
import { decodeSerializedException, type SerializedException } from './exception.js';

export type { SerializedException } from './exception.js';

/** A response's fields before its tables, as `readResponseHeader` reads them. */
export interface ResponseHeader {
  handle: bigint;
  /** Procedure status (STATUS); unknown negative codes are kept as they are. */
  status: number;
  statusString: string | null;
  /** −128 (APP_STATUS_UNSET) when the procedure never set one. */
  appStatus: number;
  appStatusString: string | null;
  clusterRoundTripMs: number;
  /** The legacy exception block, or null (absent, or present with length 0). */
  exception: SerializedException | null;
  tableCount: number;
  /** Offset in the frame of the first table's i32 length (the frame end when there are none). */
  tablesOffset: number;
}

/** Smallest possible response: prefix 4 + version 1 + handle 8 + fields 1 + status 1 + app status 1 + round trip 4 + table count 2. */
const MIN_RESPONSE_BYTES = 22;
/** The client handle is the i64 after the i32 length and the i8 version: bytes 5 to 13. */
const HANDLE_OFFSET = 5;
const HANDLE_END = HANDLE_OFFSET + 8;
/** 2^32, to join the two u32 halves of a handle. */
const TWO_32 = 4294967296;

/** One reader reused by every call: the codec is synchronous and this module never re-enters itself. */
const reader = new BufferReader(Buffer.alloc(0));

/** The client handle of a response frame (the i64 at offset 5), without reading the rest. */
export function peekHandle(frame: Uint8Array): bigint {
  if (frame.length < HANDLE_END) {
    throw new ProtocolError(`truncated response: ${frame.length} bytes cannot hold a client handle at offset 5`, { offset: frame.length });
  }
  return int64At(frame, HANDLE_OFFSET);
}

/**
 * The client handle of a response frame as a number, for the client's hot path (no BigInt):
 * -1 when it is not one a client counting up from 1 could have issued (negative, or above
 * 2^53: the reserved push and ping handles near 2^63, PROTOCOL.md 7). A frame too short to hold
 * a handle, or of another version than 0, is a `ProtocolError`. {@link peekHandle} reads any
 * handle as a bigint.
 */
export function readResponseHandle(frame: Uint8Array): number {
  if (frame.length < HANDLE_END) {
    throw new ProtocolError(`response frame of ${frame.length} bytes is too short to hold a client handle (needs ${HANDLE_END})`, { offset: 0 });
  }
  if (frame[4] !== 0) throw new ProtocolError(`response version ${frame[4]} is not 0: the stream is not VoltDB responses`, { offset: 4 });
  const high = int32At(frame, HANDLE_OFFSET) >>> 0;
  if (high > 0x1fffff) return -1;
  const low = int32At(frame, HANDLE_OFFSET + 4) >>> 0;
  return high * TWO_32 + low;
}

/** A header to fill: what a caller that reads many frames passes to {@link readResponseHeader} as `into`. */
export function emptyResponseHeader(): ResponseHeader {
  return { handle: 0n, status: 0, statusString: null, appStatus: 0, appStatusString: null, clusterRoundTripMs: 0, exception: null, tableCount: 0, tablesOffset: 0 };
}

/**
 * Read and validate a response header; `frame` is one whole frame including its length prefix.
 * With `into` (from {@link emptyResponseHeader}) its fields are overwritten and it is returned:
 * a hot reader that copies what it keeps makes no header object per frame.
 */
export function readResponseHeader(frame: Uint8Array, into: ResponseHeader = emptyResponseHeader()): ResponseHeader {
  if (frame.length < MIN_RESPONSE_BYTES) {
    throw new ProtocolError(`truncated response: ${frame.length} bytes, a response needs at least ${MIN_RESPONSE_BYTES}`, { offset: frame.length });
  }
  const r = reader.reset(frame);
  try {
    return readFields(r, frame, into);
  } finally {
    // Do not keep the last frame (possibly 64 MiB) alive through the shared reader.
    r.bytes = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

/** The fields that carry optional parts after the status: the app status string, the exception, the hashes. */
const FIELDS_AFTER_STATUS = RESPONSE_FIELD.APP_STATUS_STRING | RESPONSE_FIELD.EXCEPTION | RESPONSE_FIELD.DETERMINISM_HASHES;

function readFields(r: BufferReader, frame: Uint8Array, into: ResponseHeader): ResponseHeader {
  // The first 15 bytes are inside the MIN_RESPONSE_BYTES the caller checked.
  const bodyLength = int32At(frame, 0);
  if (bodyLength !== frame.length - 4) {
    throw new ProtocolError(`frame length prefix ${bodyLength} does not match the ${frame.length - 4} bytes after it`, { offset: 0 });
  }
  const version = int8At(frame, 4);
  if (version !== 0) throw new ProtocolError(`response version ${version} is not 0`, { offset: 4 });
  const handle = int64At(frame, 5);
  const fields = frame[13]!;
  const status = int8At(frame, 14);
  r.offset = 15;
  const statusString = (fields & RESPONSE_FIELD.STATUS_STRING) !== 0 ? readRepeatedString(r, lastStatus, 'status string') : null;
  let appStatus: number;
  let appStatusString: string | null = null;
  let clusterRoundTripMs: number;
  let exception: SerializedException | null = null;
  // The usual answer (at most a status string): app status, round trip and table count, 7 bytes in a row.
  if ((fields & FIELDS_AFTER_STATUS) === 0 && r.end - r.offset >= 7) {
    const at = r.offset;
    appStatus = int8At(frame, at);
    clusterRoundTripMs = int32At(frame, at + 1);
    r.offset = at + 5;
  } else {
    appStatus = r.int8('app status');
    if ((fields & RESPONSE_FIELD.APP_STATUS_STRING) !== 0) appStatusString = r.string('app status string');
    clusterRoundTripMs = r.int32('cluster round trip');
    if ((fields & RESPONSE_FIELD.EXCEPTION) !== 0) {
      const at = r.offset;
      const length = r.int32('exception length');
      if (length < 0 || length > r.remaining) {
        throw new ProtocolError(`exception blob length ${length} is the wrong size: ${r.remaining} bytes follow it in the frame`, { offset: at });
      }
      if (length > 0) exception = decodeSerializedException(frame, r.offset, length);
      r.skip(length);
    }
    if ((fields & RESPONSE_FIELD.DETERMINISM_HASHES) !== 0) {
      const at = r.offset;
      const count = r.int16('determinism hash count');
      if (count < 0) throw new ProtocolError(`determinism hash count ${count} is negative`, { offset: at });
      r.skip(count * 4, 'determinism hashes');
    }
  }
  const countAt = r.offset;
  const tableCount = r.int16('table count');
  if (tableCount < 0) throw new ProtocolError(`table count ${tableCount} is negative`, { offset: countAt });
  into.handle = handle;
  into.status = status;
  into.statusString = statusString;
  into.appStatus = appStatus;
  into.appStatusString = appStatusString;
  into.clusterRoundTripMs = clusterRoundTripMs;
  into.exception = exception;
  into.tableCount = tableCount;
  into.tablesOffset = r.offset;
  return into;
}

/**
 * The layout of every table of a response, validated ({@link readTableLayout}); the tables
 * must fill the frame exactly, so trailing bytes are a {@link ProtocolError}.
 */
export function tableLayouts(frame: Uint8Array, header: ResponseHeader): TableLayout[] {
  const layouts = new Array<TableLayout>(header.tableCount);
  let offset = header.tablesOffset;
  for (let i = 0; i < header.tableCount; i++) {
    const layout = readTableLayout(frame, offset);
    layouts[i] = layout;
    offset = layout.end;
  }
  if (offset !== frame.length) {
    throw new ProtocolError(`${frame.length - offset} trailing bytes after the ${header.tableCount} tables the response announced`, { offset });
  }
  return layouts;
}

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
  const totalLength = int32At(buf, offset);
  if (totalLength < 0 || totalLength > limit - offset - 4) {
    throw new ProtocolError(
      `table length ${totalLength} does not fit the ${limit - offset - 4} bytes that follow it`,
      { offset },
    );
  }
  const end = offset + 4 + totalLength;
  const headerLength = int32At(buf, offset + 4);
  // The header holds at least status + column count; the row count follows it.
  if (headerLength < 3 || headerLength > totalLength - 8) {
    throw new ProtocolError(
      `table header length ${headerLength} is out of range: needs 3..${totalLength - 8} for a ${totalLength}-byte table`,
      { offset: offset + 4 },
    );
  }
  const headerEnd = offset + 8 + headerLength;
  let pos = offset + 8;
  const status = int8At(buf, pos);
  const columnCount = int16At(buf, pos + 1);
  pos += 3;
  if (columnCount < 0 || columnCount > headerEnd - pos) {
    throw new ProtocolError(
      `table column count ${columnCount} does not fit the ${headerEnd - pos}-byte rest of the header`,
      { offset: pos - 2 },
    );
  }
  const typesAt = pos;
  let columns: readonly ColumnInfo[];
  if (lastHeader.matches(buf, typesAt - 2, headerEnd)) columns = lastHeader.value;
  else {
    columns = readColumns(buf, typesAt, columnCount, headerEnd, offset, headerLength);
    lastHeader.remember(buf, typesAt - 2, headerEnd, columns);
  }
  pos = headerEnd;
  // headerLength ≤ totalLength − 8 guarantees these 4 bytes are inside the table.
  const rowCount = int32At(buf, pos);
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

/** Column count, types and names of the last table header read. */
const lastHeader = new LastRead<readonly ColumnInfo[]>(512, []);
/** The last status string read. */
const lastStatus = new LastRead<string>(64, '');

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
    const nameLength = int32At(buf, pos);
    if (nameLength < 0 || nameLength > headerEnd - pos - 4) {
      throw new ProtocolError(
        `column ${i} name length ${nameLength} does not fit the ${headerEnd - pos - 4} header bytes left`,
        { offset: pos },
      );
    }
    const type = int8At(buf, typesAt + i);
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
      const rowLength = int32At(buf, pos) >>> 0;
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
    const rowLength = int32At(buf, pos);
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
const MAX_ZERO_WIDTH_CELLS_PER_BYTE = 16;

/** Throw a ProtocolError (at `offset`, the row count) when zero-width cells are out of proportion. */
function checkZeroWidthCells(columns: readonly { type: number }[], rowCount: number, tableBytes: number, offset: number): void {
  let zeroWidth = 0;
  // Indexed: `columns` is usually a frozen list, which for…of walks through the generic iterator.
  for (let i = 0; i < columns.length; i++) if (columns[i]!.type === VOLT_TYPE.NULL) zeroWidth++;
  if (zeroWidth > 0 && zeroWidth * rowCount > MAX_ZERO_WIDTH_CELLS_PER_BYTE * tableBytes) {
    throw new ProtocolError(
      `table of ${tableBytes} bytes claims ${zeroWidth} NULL-type columns × ${rowCount} rows: more than ${MAX_ZERO_WIDTH_CELLS_PER_BYTE} zero-width cells per byte`,
      { offset },
    );
  }
}
