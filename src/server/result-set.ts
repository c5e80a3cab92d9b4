/**
 * Query results on their way to the wire. A result is columns plus random access to its rows,
 * so a large SELECT (the analytics table has millions of rows) is encoded straight from the
 * store by `writeTable`, row by row, without first building millions of row arrays.
 */
import { BufferWriter } from '../protocol/buffer-writer.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import type { TableInput } from '../protocol/response-writer.js';
import type { ColumnInfo } from '../protocol/table-layout.js';
import { writeTable } from '../protocol/table-writer.js';
import { ENGINE_FLOAT_NULL } from '../protocol/values.js';
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

function overflowed(procedure: string): Error {
  return sqlError(procedure, 'Output from SQL stmt overflowed output/network buffer of 50mb (-32k for message headers). Try a "limit" clause or a stronger predicate.');
}

function* rowsOf(result: ResultSet, w?: BufferWriter, procedure = '@AdHoc', limit = MAX_RESULT_BYTES): Generator<unknown[]> {
  for (let i = 0; i < result.rowCount; i++) {
    // checked every 1024 rows: the limit is a guard against runaway results, not a byte-exact cut
    if (w !== undefined && (i & 1023) === 0 && w.messageLength > limit) throw overflowed(procedure);
    yield result.row(i);
  }
}

/**
 * The response table for a result: row arrays when small, else the table encoded once by
 * `writeTable` from a row generator (only the encoded bytes stay in memory). A result over
 * {@link MAX_RESULT_BYTES} is the real server's "overflowed output/network buffer" failure.
 */
export function toTableInput(result: ResultSet, procedure = '@AdHoc', limit = MAX_RESULT_BYTES): TableInput {
  const status = result.status ?? -128;
  if (result.rowCount <= INLINE_ROWS) {
    const rows = new Array<unknown[]>(result.rowCount);
    for (let i = 0; i < rows.length; i++) rows[i] = result.row(i);
    return { columns: result.columns, rows, status };
  }
  const w = new BufferWriter(Buffer.allocUnsafe(Math.min(limit, 64 + result.rowCount * 32)));
  writeTable(w, result.columns, rowsOf(result, w, procedure, limit), status);
  if (w.messageLength > limit) throw overflowed(procedure);
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
