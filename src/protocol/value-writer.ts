/**
 * Writing single values: the one place a JS value is checked against a VoltDB type and written
 * (PROTOCOL.md 4). Parameters (with a type byte in front), array elements and table cells
 * (without one) all go through {@link writeValue} — and so does a VOLTTABLE value, whose table
 * (PROTOCOL.md 6) is written here too, each cell through `writeValue` again: a table holds
 * values and a value may be a table, so both live in this file.
 *
 * JS mapping (DESIGN.md): TINYINT/SMALLINT/INTEGER/FLOAT ← number, BIGINT ← bigint (or a safe
 * integer number), DECIMAL ← decimal.js `Decimal`, TIMESTAMP ← `Date` (or bigint µs), STRING ←
 * string, VARBINARY ← Uint8Array, GEOGRAPHY_POINT, GEOGRAPHY, DATE ← VoltDate, BOOLEAN ←
 * boolean, NULL ← null; what else each type accepts is in value-inputs.ts. A refused value
 * throws a ParameterError before any of its bytes are written; `describePlace` names where it
 * was. Reading values back is value-reader.ts.
 *
 * ```
 * VOLTTABLE:
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
import { Buffer } from 'node:buffer';
import { ParameterError } from '../errors.js';
import type { BufferWriter } from './buffer-writer.js';
import { COLUMN_TYPES, MAX_VALUE_BYTES, NULL_VALUE, VOLT_TYPE } from './constants.js';
import { DECIMAL_NULL_UNSCALED, Decimal, writeUnscaledDecimal } from './decimal.js';
import { writeDecimal } from './decimal-writer.js';
import { Geography, GeographyPoint, writeGeography, writeGeographyPoint } from './geography.js';
import { bytesValue, dateValue, geographyValue, isDecimalInput, pointValue } from './value-inputs.js';
import { describePlace, describeValue, placePrefix, placeOptions, refuse, type ValueContext } from './value-errors.js';
import { VoltDate } from './volt-date.js';

export { describePlace, describeValue, refuse, type ValueContext } from './value-errors.js';

/**
 * FLOAT NULL: Java writes exactly -1.7E308, the real 11.4 server's engine writes −Double.MAX_VALUE
 * (fixtures/real/select_all_types), and C++ reads anything ≤ -1.7E308 as NULL — so do we.
 * Writing refuses the values in that range, except −MAX_VALUE itself, which the embedded server
 * writes on purpose to reproduce the engine's bytes (it reads back as NULL, like the engine's).
 */
export const ENGINE_FLOAT_NULL = -Number.MAX_VALUE;
const FLOAT_NULL_RANGE = 'values ≤ -1.7E308 are NULL on the wire; pass null';
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** Above this many UTF-16 units a string may exceed 1 MiB of UTF-8 (3 bytes per unit at most). */
const STRING_CHECK_UNITS = Math.floor(MAX_VALUE_BYTES / 3);

/**
 * Validate `value` for `type` and write it WITHOUT a type byte (row / element encoding).
 * `null`/`undefined` writes the type's NULL sentinel. Throws ParameterError (nothing written).
 */
export function writeValue(w: BufferWriter, type: number, value: unknown, where: ValueContext): void {
  switch (type) {
    case VOLT_TYPE.TINYINT: {
      const n = value == null ? NULL_VALUE.TINYINT : typeof value === 'boolean' ? (value ? 1 : 0) : smallInteger(value, 127, type, where);
      w.int8(n);
      return;
    }
    case VOLT_TYPE.SMALLINT:
      w.int16(value == null ? NULL_VALUE.SMALLINT : smallInteger(value, 32767, type, where));
      return;
    case VOLT_TYPE.INTEGER:
      w.int32(value == null ? NULL_VALUE.INTEGER : smallInteger(value, 2147483647, type, where));
      return;
    case VOLT_TYPE.BIGINT:
      if (value == null) w.int64(NULL_VALUE.BIGINT);
      else if (typeof value === 'number' && Number.isSafeInteger(value)) w.int64(value);
      // Number(bigint) is exact below 2^53 and rounds to an unsafe number above: a safe result
      // means a safe value, written without the four BigInt comparisons of the general range check.
      else if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) w.int64(Number(value));
      else if (typeof value === 'bigint' && value > INT64_MIN && value <= INT64_MAX) w.int64(value);
      else throw refuse(where, value, type, rangeDetail(value, 'an integer (number or bigint)', '-9223372036854775807..9223372036854775807'));
      return;
    case VOLT_TYPE.FLOAT:
      if (value == null) w.float64(NULL_VALUE.FLOAT);
      else if (typeof value === 'number' && (value > NULL_VALUE.FLOAT || value === ENGINE_FLOAT_NULL) && value < Infinity) w.float64(value);
      else throw refuse(where, value, type, typeof value !== 'number' ? 'expected a number' : Number.isFinite(value) ? FLOAT_NULL_RANGE : 'finite numbers only');
      return;
    case VOLT_TYPE.STRING:
      if (value == null) w.string(null);
      else if (typeof value !== 'string') throw refuse(where, value, type, 'expected a string');
      // UTF-8 cannot carry a lone surrogate: refuse rather than send U+FFFD in its place (a silent change).
      else if (!value.isWellFormed()) throw refuse(where, value, type, 'it contains a lone UTF-16 surrogate, which UTF-8 cannot carry');
      else if (value.length > STRING_CHECK_UNITS && Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
        throw refuse(where, value, type, `longer than ${MAX_VALUE_BYTES} UTF-8 bytes`);
      } else w.string(value);
      return;
    case VOLT_TYPE.TIMESTAMP:
      writeTimestamp(w, value, where);
      return;
    case VOLT_TYPE.DATE:
      w.int32(value == null ? NULL_VALUE.DATE : dateValue(value, where).pack());
      return;
    case VOLT_TYPE.DECIMAL: {
      w.ensure(16);
      if (value == null) writeUnscaledDecimal(w.buffer, w.offset, DECIMAL_NULL_UNSCALED);
      else {
        const problem = isDecimalInput(value) ? writeDecimal(w.buffer, w.offset, value) : 'expected a Decimal, numeric string, number or bigint';
        if (problem !== null) throw refuse(where, value, type, problem);
      }
      w.offset += 16;
      return;
    }
    case VOLT_TYPE.VARBINARY:
      w.varbinary(value == null ? null : bytesValue(value, where));
      return;
    case VOLT_TYPE.GEOGRAPHY_POINT:
      writeGeographyPoint(w, value == null ? null : pointValue(value, where));
      return;
    case VOLT_TYPE.GEOGRAPHY:
      if (value == null) w.int32(NULL_VALUE.LENGTH);
      else writeGeography(w, geographyValue(value, where));
      return;
    case VOLT_TYPE.BOOLEAN:
      if (typeof value !== 'boolean') throw refuse(where, value, type, 'expected true or false (BOOLEAN has no NULL)');
      w.int8(value ? 1 : 0);
      return;
    case VOLT_TYPE.NULL:
      if (value != null) throw refuse(where, value, type, 'only null');
      return;
    case VOLT_TYPE.VOLTTABLE:
      if (value instanceof EncodedTable) {
        w.raw(value.bytes); // encoded (and checked) row by row when it was built
        return;
      }
      if (!isTableLike(value)) throw refuse(where, value, type, 'expected { columns, rows } (VOLTTABLE has no NULL)');
      writeTableLike(w, value, where);
      return;
    default:
      throw new ParameterError(`${placePrefix(where)}type code ${describeValue(type)} is not a value type`, placeOptions(where, describeValue(type)));
  }
}

/** TINYINT/SMALLINT/INTEGER: an integer number or bigint in `-max..max` (−max−1 is NULL). */
function smallInteger(value: unknown, max: number, type: number, where: ValueContext): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value <= max && value >= -max) return value;
  } else if (typeof value === 'bigint') {
    if (value <= BigInt(max) && value >= BigInt(-max)) return Number(value);
  }
  throw refuse(where, value, type, rangeDetail(value, 'an integer (number or bigint)', `-${max}..${max}`));
}

function rangeDetail(value: unknown, expected: string, range: string): string {
  const isNumeric = typeof value === 'bigint' || (typeof value === 'number' && !Number.isNaN(value));
  if (!isNumeric) return `${range}; expected ${expected}`;
  if (typeof value === 'number' && !Number.isInteger(value)) return `${range}; not an integer`;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return `${range}; not a safe integer, pass a bigint`;
  const min = BigInt(range.slice(0, range.indexOf('..')));
  if (BigInt(value as number | bigint) === min - 1n) return `${range}; ${String(value)} is the NULL sentinel, pass null`;
  return range;
}

/** TIMESTAMP: `Date` (ms × 1000), bigint microseconds, or an integer number of milliseconds. */
function writeTimestamp(w: BufferWriter, value: unknown, where: ValueContext): void {
  if (value == null) {
    w.int64(NULL_VALUE.TIMESTAMP);
    return;
  }
  let ms: number;
  if (value instanceof Date) {
    ms = value.getTime();
    if (Number.isNaN(ms)) throw refuse(where, value, VOLT_TYPE.TIMESTAMP, 'an invalid Date');
  } else if (typeof value === 'bigint') {
    if (value <= INT64_MIN || value > INT64_MAX) throw refuse(where, value, VOLT_TYPE.TIMESTAMP, 'microseconds must fit int64 and not be the NULL sentinel');
    w.int64(value);
    return;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Math.abs(value) > 9223372036854775) {
      throw refuse(where, value, VOLT_TYPE.TIMESTAMP, 'a number is whole milliseconds within int64 microseconds; pass a bigint for microseconds');
    }
    ms = value;
  } else {
    throw refuse(where, value, VOLT_TYPE.TIMESTAMP, 'expected a Date, bigint microseconds or number milliseconds');
  }
  const micros = ms * 1000;
  if (Number.isSafeInteger(micros)) w.int64(micros);
  else w.int64(BigInt(ms) * 1000n);
}

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

/** The status byte of a table built by the client (VoltDB's default). */
export const TABLE_STATUS_DEFAULT = -128;

/** A serialized VoltTable (with its i32 total length) to send as a VOLTTABLE parameter as is. */
export class EncodedTable {
  constructor(
    /** The whole table, from its i32 total length on. */
    readonly bytes: Uint8Array,
    readonly rowCount: number,
  ) {}
}

/**
 * The VoltDB type of an undeclared value: bigint → BIGINT; an integer number in int32 →
 * INTEGER (as Java's Integer), another safe integer → BIGINT, any other number (and -0) → FLOAT;
 * string → STRING; boolean → TINYINT 0/1; Date → TIMESTAMP; Decimal → DECIMAL; Uint8Array /
 * ArrayBuffer → VARBINARY; GeographyPoint, Geography; VoltDate → DATE; `{ columns, rows }` →
 * VOLTTABLE; an array → ARRAY (-99); null/undefined → NULL. Anything else: ParameterError.
 */
export function inferType(value: unknown): number {
  const type = inferTypeOrZero(value);
  if (type === 0) throw new ParameterError(`cannot infer a VoltDB type for ${describeValue(value)}; declare the parameter types`);
  return type;
}

/** {@link inferType} without the throw: 0 (INVALID) when nothing fits. */
export function inferTypeOrZero(value: unknown): number {
  switch (typeof value) {
    case 'number':
      // INTEGER's NULL sentinel (-2^31) is an ordinary BIGINT value. -0 is FLOAT: an integer
      // type would send it back as 0, and only a float keeps its sign.
      if ((value | 0) === value && value !== NULL_VALUE.INTEGER) return value === 0 && 1 / value < 0 ? VOLT_TYPE.FLOAT : VOLT_TYPE.INTEGER;
      return Number.isSafeInteger(value) ? VOLT_TYPE.BIGINT : VOLT_TYPE.FLOAT;
    case 'string':
      return VOLT_TYPE.STRING;
    case 'bigint':
      return VOLT_TYPE.BIGINT;
    case 'boolean':
      return VOLT_TYPE.TINYINT;
    case 'undefined':
      return VOLT_TYPE.NULL;
    case 'object':
      if (value === null) return VOLT_TYPE.NULL;
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) return VOLT_TYPE.VARBINARY;
      if (Array.isArray(value)) return VOLT_TYPE.ARRAY;
      if (value instanceof Date) return VOLT_TYPE.TIMESTAMP;
      if (value instanceof Decimal || Decimal.isDecimal(value)) return VOLT_TYPE.DECIMAL;
      if (value instanceof GeographyPoint) return VOLT_TYPE.GEOGRAPHY_POINT;
      if (value instanceof Geography) return VOLT_TYPE.GEOGRAPHY;
      if (value instanceof VoltDate) return VOLT_TYPE.DATE;
      if (value instanceof EncodedTable || isTableLike(value)) return VOLT_TYPE.VOLTTABLE;
      return 0;
    default:
      return 0;
  }
}
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
