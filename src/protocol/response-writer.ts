/**
 * Writes invocation responses (PROTOCOL.md 5) — the embedded server's side of the codec.
 *
 * ```
 * i32 N | i8 0 | i64 handle | u8 fieldsPresent | i8 status | [str statusString] | i8 appStatus
 * | [str appStatusString] | i32 clusterRoundTrip | [i32 L, L bytes exception] | i16 tableCount | tables
 * ```
 *
 * fieldsPresent is derived from the input: 0x20 when `statusString` is not null (an empty
 * string is present, as in `invocation_response_select_with_date.msg`), 0x80 when
 * `appStatusString` is not null, 0x40 when `exception` holds at least one byte. Bit 0x10
 * (determinism hashes) is server-internal and never written.
 *
 * Tables are either already-encoded VoltTables (copied in as they are) or `{ columns, rows }`
 * encoded by `writeTable` (value-writer.ts, the one VoltTable encoder). Every scalar is
 * checked before the first byte is written; if a table value is refused midway, the writer is
 * rolled back to the frame start and the {@link ParameterError} propagates.
 */
import { Buffer } from 'node:buffer';
import { ParameterError, VoltError } from '../errors.js';
import { APP_STATUS_UNSET, RESPONSE_FIELD } from './constants.js';
import { int32At } from './buffer-reader.js';
import { BufferWriter } from './buffer-writer.js';
import { writeTable } from './value-writer.js';
import type { ColumnInfo } from './response-reader.js';
import { decodeSerializedException } from './exception.js';
import { describeValue } from './value-errors.js';

/** A table to send: encoded bytes (a whole VoltTable, from its i32 length) or columns and rows of JS values. */
export type TableInput =
  | Uint8Array
  | { columns: readonly ColumnInfo[]; rows: readonly (readonly unknown[])[]; status?: number };

/** What `encodeResponse` / `writeResponse` write: status fields, an optional exception and the tables. */
export interface ResponseInput {
  handle: bigint;
  status: number;
  statusString?: string | null;
  /** Default −128 (APP_STATUS_UNSET). */
  appStatus?: number;
  appStatusString?: string | null;
  /** Default 0. */
  clusterRoundTripMs?: number;
  /** A serialized exception blob without its i32 length (see exception.ts); null/empty = none. */
  exception?: Uint8Array | null;
  tables?: readonly TableInput[];
}

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;
const NO_TABLES: readonly TableInput[] = [];
/** Java and the EE's general serializer write −128; the EE's DML row-count template writes 0. */
const DEFAULT_TABLE_STATUS = -128;

function refuse(what: string, value: unknown, expected: string): never {
  throw new ParameterError(`response ${what}: ${describeValue(value)} does not fit ${expected}`, { type: expected });
}

function checkInt(what: string, value: number, min: number, max: number, type: string): void {
  if (!Number.isInteger(value) || value < min || value > max) refuse(what, value, type);
}

/** Check what can be checked before writing, so a refused response leaves no bytes behind. */
function checkInput(r: ResponseInput, tables: readonly TableInput[]): void {
  if (typeof r.handle !== 'bigint' || r.handle < MIN_I64 || r.handle > MAX_I64) refuse('handle', r.handle, 'i64');
  checkInt('status', r.status, -128, 127, 'i8');
  if (r.appStatus !== undefined) checkInt('appStatus', r.appStatus, -128, 127, 'i8');
  if (r.clusterRoundTripMs !== undefined) {
    checkInt('clusterRoundTripMs', r.clusterRoundTripMs, -0x80000000, 0x7fffffff, 'i32');
  }
  if (tables.length > 0x7fff) refuse('table count', tables.length, 'i16');
  for (let i = 0; i < tables.length; i++) {
    const table = tables[i]!;
    if (table instanceof Uint8Array) {
      // An encoded table starts with its own non-inclusive length: catch a wrong slice early.
      if (table.length < 4 || int32At(table, 0) !== table.length - 4) {
        throw new ParameterError(
          `response table ${i}: ${table.length} encoded bytes do not start with their own length (${table.length - 4})`,
          { index: i, type: 'VOLTTABLE' },
        );
      }
    } else if (table.status !== undefined) {
      checkInt(`table ${i} status`, table.status, -128, 127, 'i8');
    }
  }
}

/**
 * Write one whole response frame (with its i32 length) at the writer's position. Calls
 * `w.begin()` first, so the frame is the writer's current message (`w.message()`).
 */
export function writeResponse(w: BufferWriter, r: ResponseInput): void {
  const tables = r.tables ?? NO_TABLES;
  checkInput(r, tables);
  const statusString = r.statusString ?? null;
  const appStatusString = r.appStatusString ?? null;
  const exception = r.exception ?? null;
  const hasException = exception !== null && exception.length > 0;
  // Never write a frame our own decoder would refuse: the blob must parse as an exception.
  if (hasException) checkException(exception);
  let fields = 0;
  if (statusString !== null) fields |= RESPONSE_FIELD.STATUS_STRING;
  if (hasException) fields |= RESPONSE_FIELD.EXCEPTION;
  if (appStatusString !== null) fields |= RESPONSE_FIELD.APP_STATUS_STRING;

  w.begin();
  try {
    const frame = w.reserveLength();
    w.int8(0);
    w.int64(r.handle);
    w.int8((fields << 24) >> 24); // fieldsPresent is a u8; the writer has only i8
    w.int8(r.status);
    if (statusString !== null) w.string(statusString);
    w.int8(r.appStatus ?? APP_STATUS_UNSET);
    if (appStatusString !== null) w.string(appStatusString);
    w.int32(r.clusterRoundTripMs ?? 0);
    if (hasException) w.varbinary(exception);
    w.int16(tables.length);
    for (let i = 0; i < tables.length; i++) {
      const table = tables[i]!;
      if (table instanceof Uint8Array) w.raw(table);
      else writeTable(w, table.columns, table.rows, table.status ?? DEFAULT_TABLE_STATUS);
    }
    w.fillLength(frame);
  } catch (error) {
    w.rollback();
    if (VoltError.is(error)) throw error;
    throw new ParameterError(`response for handle ${r.handle} could not be encoded: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Most responses are small; larger ones make the scratch slab grow (kept up to 1 MiB). */
const SCRATCH_KEEP_BYTES = 1 << 20;
let scratch = new BufferWriter(Buffer.allocUnsafeSlow(4096));

/** Encode one response frame into a `Buffer` of exactly its size. */
export function encodeResponse(r: ResponseInput): Buffer {
  const w = scratch;
  w.useSlab(w.buffer, 0);
  writeResponse(w, r);
  const frame = Buffer.from(w.message());
  if (w.buffer.length > SCRATCH_KEEP_BYTES) scratch = new BufferWriter(Buffer.allocUnsafeSlow(4096));
  return frame;
}

function checkException(blob: Uint8Array): void {
  try {
    decodeSerializedException(blob, 0, blob.length);
  } catch (cause) {
    throw new ParameterError(`response exception: ${(cause as Error).message}`, { type: 'serialized exception', cause });
  }
}
