/**
 * Reading single values back (PROTOCOL.md 4): the per-type NULL sentinels become `null`, and a
 * VOLTTABLE value becomes plain rows ({@link readTable}, each cell read here again). The
 * parameters of an invocation (the embedded server's side), table parameters and the lazy row
 * view all read through {@link readValue}; result tables are decoded by `src/decode`.
 * Writing values is value-writer.ts.
 */
import { ProtocolError } from '../errors.js';
import type { BufferReader } from './buffer-reader.js';
import { COLUMN_TYPES, NULL_VALUE, VOLT_TYPE } from './constants.js';
import { DECIMAL_NULL_UNSCALED, decimalFromUnscaled, readUnscaledDecimal } from './decimal.js';
import { readGeography, readGeographyPoint } from './geography.js';
import { checkZeroWidthCells } from './response-reader.js';
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
