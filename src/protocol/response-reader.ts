/**
 * Reads the header of an invocation response (PROTOCOL.md 5) and the byte ranges of its tables.
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
 *      tableCount x VoltTable (table-layout.ts)
 * ```
 *
 * Unknown fieldsPresent bits (0x01..0x08) carry no field in any known server and are ignored;
 * if a future server attached data to one, `tableLayouts` would catch the misaligned tables.
 */
import { ProtocolError } from '../errors.js';
import { BufferReader, asBuffer } from './buffer-reader.js';
import { RESPONSE_FIELD } from './constants.js';
import { decodeSerializedException, type SerializedException } from './exception.js';
import { readTableLayout, type TableLayout } from './table-layout.js';

export type { SerializedException } from './exception.js';
export type { TableLayout, ColumnInfo } from './table-layout.js';

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
const HANDLE_OFFSET = 5;

/** One reader reused by every call: the codec is synchronous and this module never re-enters itself. */
const reader = new BufferReader(Buffer.alloc(0));

/** The client handle of a response frame (the i64 at offset 5), without reading the rest. */
export function peekHandle(frame: Uint8Array): bigint {
  if (frame.length < HANDLE_OFFSET + 8) {
    throw new ProtocolError(`truncated response: ${frame.length} bytes cannot hold a client handle at offset 5`, {
      offset: frame.length,
    });
  }
  return asBuffer(frame).readBigInt64BE(HANDLE_OFFSET);
}

/** 2^32, to join the two u32 halves of a handle. */
const TWO_32 = 4294967296;
/** The smallest frame a handle can be read from: i32 length, i8 version, i64 handle. */
const HANDLE_END = HANDLE_OFFSET + 8;

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
  const high = ((frame[5]! << 24) | (frame[6]! << 16) | (frame[7]! << 8) | frame[8]!) >>> 0;
  if (high > 0x1fffff) return -1;
  const low = ((frame[9]! << 24) | (frame[10]! << 16) | (frame[11]! << 8) | frame[12]!) >>> 0;
  return high * TWO_32 + low;
}

/** Read and validate a response header; `frame` is one whole frame including its length prefix. */
export function readResponseHeader(frame: Uint8Array): ResponseHeader {
  if (frame.length < MIN_RESPONSE_BYTES) {
    throw new ProtocolError(`truncated response: ${frame.length} bytes, a response needs at least ${MIN_RESPONSE_BYTES}`, {
      offset: frame.length,
    });
  }
  const r = reader.reset(frame);
  try {
    return readFields(r, frame);
  } finally {
    // Do not keep the last frame (possibly 64 MiB) alive through the shared reader.
    r.bytes = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

function readFields(r: BufferReader, frame: Uint8Array): ResponseHeader {
  const bodyLength = r.int32('frame length');
  if (bodyLength !== frame.length - 4) {
    throw new ProtocolError(
      `frame length prefix ${bodyLength} does not match the ${frame.length - 4} bytes after it`,
      { offset: 0 },
    );
  }
  const version = r.int8('response version');
  if (version !== 0) throw new ProtocolError(`response version ${version} is not 0`, { offset: 4 });
  const handle = r.int64('client handle');
  const fields = r.uint8('fieldsPresent');
  const status = r.int8('status');
  const statusString = (fields & RESPONSE_FIELD.STATUS_STRING) !== 0 ? r.string('status string') : null;
  const appStatus = r.int8('app status');
  const appStatusString = (fields & RESPONSE_FIELD.APP_STATUS_STRING) !== 0 ? r.string('app status string') : null;
  const clusterRoundTripMs = r.int32('cluster round trip');
  let exception: SerializedException | null = null;
  if ((fields & RESPONSE_FIELD.EXCEPTION) !== 0) {
    const at = r.offset;
    const length = r.int32('exception length');
    if (length < 0 || length > r.remaining) {
      throw new ProtocolError(
        `exception blob length ${length} is the wrong size: ${r.remaining} bytes follow it in the frame`,
        { offset: at },
      );
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
  const countAt = r.offset;
  const tableCount = r.int16('table count');
  if (tableCount < 0) throw new ProtocolError(`table count ${tableCount} is negative`, { offset: countAt });
  return {
    handle,
    status,
    statusString,
    appStatus,
    appStatusString,
    clusterRoundTripMs,
    exception,
    tableCount,
    tablesOffset: r.offset,
  };
}

/**
 * The layout of every table of a response, validated (table-layout.ts); the tables must fill
 * the frame exactly, so trailing bytes are a {@link ProtocolError}.
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
    throw new ProtocolError(
      `${frame.length - offset} trailing bytes after the ${header.tableCount} tables the response announced`,
      { offset },
    );
  }
  return layouts;
}
