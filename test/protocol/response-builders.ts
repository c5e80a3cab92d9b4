/**
 * Hand-built response frames and tables for tests, written field by field with the plain
 * BufferWriter (not with the response writer under test), so a mistake shared by the
 * reader and the writer cannot hide. Every field can be overridden to build bad input.
 */
import { BufferWriter } from '../../src/protocol/buffer-writer.js';

export interface RawTable {
  status?: number;
  columns: { name: string; type: number }[];
  /** Row bodies (without their i32 length). */
  rows: Uint8Array[];
  /** Overrides for building broken tables. */
  totalLength?: number;
  headerLength?: number;
  columnCount?: number;
  rowCount?: number;
}

export function buildTable(t: RawTable): Buffer {
  const w = new BufferWriter(Buffer.alloc(64));
  w.begin();
  const total = w.reserveLength();
  const header = w.reserveLength();
  w.int8(t.status ?? -128);
  w.int16(t.columnCount ?? t.columns.length);
  for (const c of t.columns) w.int8(c.type);
  for (const c of t.columns) w.string(c.name);
  w.fillLength(header);
  w.int32(t.rowCount ?? t.rows.length);
  for (const row of t.rows) w.varbinary(row);
  w.fillLength(total);
  const bytes = Buffer.from(w.message());
  if (t.totalLength !== undefined) bytes.writeInt32BE(t.totalLength, 0);
  if (t.headerLength !== undefined) bytes.writeInt32BE(t.headerLength, 4);
  return bytes;
}

export interface RawResponse {
  handle?: bigint;
  fields?: number;
  status?: number;
  statusString?: string | null;
  appStatus?: number;
  appStatusString?: string | null;
  roundTrip?: number;
  /** Exception block: the i32 length is written from `exceptionLength` or the blob size. */
  exception?: Uint8Array;
  exceptionLength?: number;
  hashes?: number[];
  hashCount?: number;
  tables?: Uint8Array[];
  tableCount?: number;
  version?: number;
  trailing?: Uint8Array;
}

export function buildResponse(r: RawResponse): Buffer {
  const w = new BufferWriter(Buffer.alloc(64));
  w.begin();
  const frame = w.reserveLength();
  w.int8(r.version ?? 0);
  w.int64(r.handle ?? 42n);
  let fields = 0;
  if (r.statusString !== undefined) fields |= 0x20;
  if (r.exception !== undefined) fields |= 0x40;
  if (r.appStatusString !== undefined) fields |= 0x80;
  if (r.hashes !== undefined) fields |= 0x10;
  w.int8(((r.fields ?? fields) << 24) >> 24); // u8 on the wire
  w.int8(r.status ?? 1);
  if (r.statusString !== undefined) w.string(r.statusString);
  w.int8(r.appStatus ?? -128);
  if (r.appStatusString !== undefined) w.string(r.appStatusString);
  w.int32(r.roundTrip ?? 3);
  if (r.exception !== undefined) {
    w.int32(r.exceptionLength ?? r.exception.length);
    w.raw(r.exception);
  }
  if (r.hashes !== undefined) {
    w.int16(r.hashCount ?? r.hashes.length);
    for (const h of r.hashes) w.int32(h);
  }
  const tables = r.tables ?? [];
  w.int16(r.tableCount ?? tables.length);
  for (const t of tables) w.raw(t);
  if (r.trailing !== undefined) w.raw(r.trailing);
  w.fillLength(frame);
  return Buffer.from(w.message());
}

/** A row body: i64 values. */
export function bigintRow(...values: bigint[]): Buffer {
  const row = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => row.writeBigInt64BE(v, i * 8));
  return row;
}

/** Prepend a 4-byte length prefix (for `invocation_response_select_with_date.msg`). */
export function withPrefix(body: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(body.length, 0);
  return Buffer.concat([prefix, body]);
}

/** The error `fn` throws (fails if it throws nothing). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}
