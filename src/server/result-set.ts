/**
 * Query results on their way to the wire. A result is columns plus random access to its rows,
 * so a large SELECT (the analytics table has millions of rows) is encoded straight from the
 * store by `writeTable`, row by row, without first building millions of row arrays.
 */
import { Buffer } from 'node:buffer';
import { BufferWriter } from '../protocol/buffer-writer.js';
import { FIXED_VALUE_BYTES, VOLT_TYPE } from '../protocol/constants.js';
import type { TableInput } from '../protocol/response-writer.js';
import type { ColumnInfo } from '../protocol/response-reader.js';
import { writeTable } from '../protocol/value-writer.js';
import { Geography, geographyByteLength } from '../protocol/geography.js';
import { ENGINE_FLOAT_NULL } from '../protocol/value-writer.js';
import { sqlError } from './failure-responses.js';

export interface ResultSet {
  columns: ColumnInfo[];
  rowCount: number;
  row(index: number): unknown[];
  /** Table status byte (−128 unless a DML count, which the real server sends as 0). */
  status?: number;
}

/** A result over rows already in memory. */
export function resultSet(columns: ColumnInfo[], rows: readonly unknown[][], status?: number): ResultSet {
  return { columns, rowCount: rows.length, row: (i) => rows[i]!, status };
}

/** DML answers one BIGINT `modified_tuples` (table status 0, as the real server's DML template). */
export function modifiedTuples(count: number): ResultSet {
  return resultSet([{ name: 'modified_tuples', type: VOLT_TYPE.BIGINT }], [[BigInt(count)]], 0);
}

/** DDL answers one BIGINT `STATUS` 0. */
export function ddlStatus(): ResultSet {
  return resultSet([{ name: 'STATUS', type: VOLT_TYPE.BIGINT }], [[0n]]);
}

/** Results up to this many rows are handed over as row arrays; larger ones are encoded by streaming. */
const INLINE_ROWS = 4096;

/**
 * The real server refuses a statement whose result outgrows its 50 MB network buffer (less
 * 32 KiB for headers) instead of sending it; so does this one. Clients page big extractions.
 */
export const MAX_RESULT_BYTES = 50 * 1024 * 1024 - 32 * 1024;

/** The one check of the limit: `bytes` of encoded result so far against `limit`. */
function checkResultBytes(bytes: number, procedure: string, limit: number): void {
  if (bytes > limit) {
    throw sqlError(procedure, 'Output from SQL stmt overflowed output/network buffer of 50mb (-32k for message headers). Try a "limit" clause or a stronger predicate.');
  }
}

/** The rows of `result`; with a writer, the bytes written so far are checked before each row. */
function* rowsOf(result: ResultSet, w?: BufferWriter, procedure = '@AdHoc', limit = MAX_RESULT_BYTES): Generator<unknown[]> {
  for (let i = 0; i < result.rowCount; i++) {
    if (w !== undefined) checkResultBytes(w.messageLength, procedure, limit);
    yield result.row(i);
  }
}

/** At least the bytes of one variable-width cell after its i32 length; Infinity when it cannot tell cheaply. */
function cellBytesBound(type: number, value: unknown): number {
  if (value === null || value === undefined) return 0;
  // A UTF-16 unit never needs more than 3 UTF-8 bytes.
  if (type === VOLT_TYPE.STRING && typeof value === 'string') return value.length * 3;
  if (type === VOLT_TYPE.VARBINARY && value instanceof Uint8Array) return value.length;
  if (type === VOLT_TYPE.GEOGRAPHY && value instanceof Geography) return geographyByteLength(value);
  return Infinity;
}

/**
 * An upper bound of the encoded size of in-memory rows, without encoding them: fixed widths
 * times rows, plus the variable-width cells one by one.
 */
function encodedBytesBound(columns: readonly ColumnInfo[], rows: readonly (readonly unknown[])[]): number {
  let header = 16;
  let rowBytes = 4;
  const variable: number[] = [];
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c]!;
    header += 5 + column.name.length * 3;
    const fixed = FIXED_VALUE_BYTES.get(column.type);
    if (fixed === undefined) variable.push(c);
    else rowBytes += fixed;
  }
  let bytes = header + rows.length * rowBytes;
  for (const c of variable) {
    const type = columns[c]!.type;
    for (let r = 0; r < rows.length; r++) bytes += 4 + cellBytesBound(type, rows[r]![c]);
  }
  return bytes;
}

/**
 * The response table for a result: row arrays when small (encoded later, straight into the
 * response slab), else the table encoded once by `writeTable` from a row generator (only the
 * encoded bytes stay in memory). A result over `limit` ({@link MAX_RESULT_BYTES} by default) is
 * the real server's "overflowed output/network buffer" failure, whatever its row count: a
 * small one whose size bound passes the limit is encoded here, through the same check.
 */
export function toTableInput(result: ResultSet, procedure = '@AdHoc', limit = MAX_RESULT_BYTES): TableInput {
  const status = result.status ?? -128;
  let source = result;
  if (result.rowCount <= INLINE_ROWS) {
    const rows = new Array<unknown[]>(result.rowCount);
    for (let i = 0; i < rows.length; i++) rows[i] = result.row(i);
    if (encodedBytesBound(result.columns, rows) <= limit) return { columns: result.columns, rows, status };
    source = resultSet(result.columns, rows);
  }
  const w = new BufferWriter(Buffer.allocUnsafe(Math.min(limit, 64 + result.rowCount * 32)));
  writeTable(w, result.columns, rowsOf(source, w, procedure, limit), status);
  checkResultBytes(w.messageLength, procedure, limit);
  return w.message();
}

/** A result encoded once as VoltTable bytes (for answers that never change, like `@Ping`'s). */
export function encodeTable(result: ResultSet): Uint8Array {
  const w = new BufferWriter(Buffer.allocUnsafe(256));
  writeTable(w, result.columns, rowsOf(result), result.status ?? -128);
  return Buffer.from(w.message());
}

/**
 * The execution engine writes a NULL FLOAT in query results as −Double.MAX_VALUE
 * (0xFFEFFFFF_FFFFFFFF), not as the −1.7E308 sentinel Java-built tables use — the real
 * `select_all_types` capture shows it. SQL results go through here to send the same bytes.
 */
export function withEngineFloatNulls(result: ResultSet): ResultSet {
  const floats = result.columns.flatMap((c, i) => (c.type === VOLT_TYPE.FLOAT ? [i] : []));
  if (floats.length === 0) return result;
  const row = result.row;
  return {
    ...result,
    row: (index) => {
      const values = row(index);
      for (const c of floats) if (values[c] === null) values[c] = ENGINE_FLOAT_NULL;
      return values;
    },
  };
}
