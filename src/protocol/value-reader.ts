/**
 * Reading single values back (PROTOCOL.md 4): the per-type NULL sentinels become `null`, and a
 * VOLTTABLE value becomes plain rows ({@link readTable}, each cell read here again). The
 * parameters of an invocation (the embedded server's side), table parameters and the lazy row
 * view all read through {@link readValue}; result tables are decoded by `src/decode`.
 * Writing values is value-writer.ts.
 */
import { ProtocolError } from '../errors.js';
import { int32At, type BufferReader } from './buffer-reader.js';
import { COLUMN_TYPES, NULL_VALUE, VOLT_TYPE } from './constants.js';
import { DECIMAL_NULL_UNSCALED, decimalFromUnscaled, readUnscaledDecimal } from './decimal.js';
import { readGeography, readGeographyPoint } from './geography.js';
import { readTableLayout } from './response-reader.js';
import type { TableColumn } from './value-writer.js';
import { VoltDate, isValidDay } from './volt-date.js';

/** How TIMESTAMP values are read: `Date` (milliseconds, the default) or `bigint` microseconds (lossless). */
export type TimestampMode = 'date' | 'bigint';

/** A table parameter as {@link readTable} returns it. */
export interface TableData {
  status: number;
  columns: TableColumn[];
  rows: unknown[][];
}

/**
 * Read one value of `type` (no type byte): the per-type NULL sentinels become `null`.
 * TIMESTAMP is a `Date` (floor to the millisecond) or, with `timestamps: 'bigint'`, bigint µs.
 */
export function readValue(r: BufferReader, type: number, timestamps: TimestampMode = 'date'): unknown {
  switch (type) {
    case VOLT_TYPE.TINYINT: {
      const v = r.int8('TINYINT');
      return v === NULL_VALUE.TINYINT ? null : v;
    }
    case VOLT_TYPE.SMALLINT: {
      const v = r.int16('SMALLINT');
      return v === NULL_VALUE.SMALLINT ? null : v;
    }
    case VOLT_TYPE.INTEGER: {
      const v = r.int32('INTEGER');
      return v === NULL_VALUE.INTEGER ? null : v;
    }
    case VOLT_TYPE.BIGINT: {
      const v = r.int64('BIGINT');
      return v === NULL_VALUE.BIGINT ? null : v;
    }
    case VOLT_TYPE.FLOAT: {
      const v = r.float64('FLOAT');
      return v <= NULL_VALUE.FLOAT ? null : v;
    }
    case VOLT_TYPE.STRING:
      return r.string('STRING');
    case VOLT_TYPE.TIMESTAMP: {
      const micros = r.int64('TIMESTAMP');
      if (micros === NULL_VALUE.TIMESTAMP) return null;
      return timestamps === 'bigint' ? micros : timestampToDate(micros);
    }
    case VOLT_TYPE.DATE: {
      const at = r.offset;
      const v = r.int32('DATE');
      if (v === NULL_VALUE.DATE) return null;
      const date = VoltDate.unpack(v);
      // The same rule as the columnar decode (src/decode): an impossible day is bad bytes.
      if (!isValidDay(date.year, date.month, date.day)) throw new ProtocolError(`DATE 0x${(v >>> 0).toString(16)} is not a calendar date`, { offset: at });
      return date;
    }
    case VOLT_TYPE.DECIMAL: {
      r.need(16, 'DECIMAL');
      const unscaled = readUnscaledDecimal(r.bytes, r.offset);
      r.offset += 16;
      return unscaled === DECIMAL_NULL_UNSCALED ? null : decimalFromUnscaled(unscaled);
    }
    case VOLT_TYPE.VARBINARY: {
      // A plain Uint8Array view of the frame (DESIGN.md mapping), not a Buffer.
      const length = r.length('VARBINARY', true);
      if (length === -1) return null;
      const view = new Uint8Array(r.bytes.buffer, r.bytes.byteOffset + r.offset, length);
      r.offset += length;
      return view;
    }
    case VOLT_TYPE.GEOGRAPHY_POINT: {
      r.need(16, 'GEOGRAPHY_POINT');
      const point = readGeographyPoint(r.bytes, r.offset);
      r.offset += 16;
      return point;
    }
    case VOLT_TYPE.GEOGRAPHY: {
      const length = r.length('GEOGRAPHY', true);
      if (length === -1) return null;
      const geography = readGeography(r.bytes, r.offset, length);
      r.offset += length;
      return geography;
    }
    case VOLT_TYPE.BOOLEAN:
      return r.int8('BOOLEAN') !== 0;
    case VOLT_TYPE.NULL:
      return null;
    case VOLT_TYPE.VOLTTABLE:
      return readTable(r, timestamps);
    default:
      throw new ProtocolError(`unknown value type code ${type}`, { offset: r.offset });
  }
}

/** Microseconds → Date, rounding toward −∞ to the millisecond (so −1 µs is 1969-12-31T23:59:59.999Z). */
export function timestampToDate(micros: bigint): Date {
  let ms = micros / 1000n;
  if (micros < 0n && ms * 1000n !== micros) ms -= 1n;
  return new Date(Number(ms));
}

/**
 * Read one serialized table (with its i32 total length) into plain rows via `readValue`. Its
 * layout is read and checked as a response's tables are (`readTableLayout`: every length,
 * column type and row length, within the reader's range); ProtocolError names the offset.
 */
export function readTable(r: BufferReader, timestamps: TimestampMode = 'date'): TableData {
  const end = r.end;
  // The layout reader checks against the end of the bytes it is given: bound them at the reader's end.
  const bytes = end === r.bytes.length ? r.bytes : r.bytes.subarray(0, end);
  const layout = readTableLayout(bytes, r.offset);
  const columns: TableColumn[] = layout.columns.map(({ name, type }) => ({ name, type }));
  const rows: unknown[][] = new Array<unknown[]>(layout.rowCount);
  let pos = layout.rowsOffset;
  for (let i = 0; i < layout.rowCount; i++) {
    // Row lengths were checked by the layout reader: each row lies inside the table.
    const rowEnd = pos + 4 + int32At(bytes, pos);
    r.offset = pos + 4;
    r.end = rowEnd;
    const row = new Array<unknown>(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = readValue(r, columns[c]!.type, timestamps);
    if (r.offset !== rowEnd) {
      throw new ProtocolError(`row ${i} has ${rowEnd - r.offset} bytes left after its ${columns.length} values`, { offset: r.offset });
    }
    rows[i] = row;
    pos = rowEnd;
  }
  r.offset = layout.end;
  r.end = end;
  return { status: layout.status, columns, rows };
}
