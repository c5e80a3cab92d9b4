/**
 * Single values: the one place a JS value is checked against a VoltDB type and written, and
 * the one place a value is read back (PROTOCOL.md 4). Parameters (with a type byte in front),
 * array elements and table cells (without one) all go through here.
 *
 * JS mapping (DESIGN.md): TINYINT/SMALLINT/INTEGER/FLOAT ↔ number, BIGINT ↔ bigint, DECIMAL ↔
 * decimal.js `Decimal`, TIMESTAMP ↔ `Date` (or bigint µs), STRING ↔ string, VARBINARY ↔
 * Uint8Array, GEOGRAPHY_POINT ↔ GeographyPoint, GEOGRAPHY ↔ Geography, DATE ↔ VoltDate,
 * BOOLEAN ↔ boolean, NULL ↔ null. A refused value throws a ParameterError before any of its
 * bytes are written; `describePlace` names where it was.
 */
import { ParameterError, ProtocolError } from '../errors.js';
import type { BufferReader } from './buffer-reader.js';
import type { BufferWriter } from './buffer-writer.js';
import { MAX_VALUE_BYTES, NULL_VALUE, VOLT_TYPE } from './constants.js';
import { DECIMAL_NULL_UNSCALED, Decimal, decimalFromUnscaled, readUnscaledDecimal, writeUnscaledDecimal } from './decimal.js';
import { writeDecimal } from './decimal-writer.js';
import {
  Geography,
  GeographyPoint,
  geographyProblem,
  pointProblem,
  readGeography,
  readGeographyPoint,
  writeGeography,
  writeGeographyPoint,
} from './geography.js';
import { isTableLike, readTable, writeTableLike } from './table-writer.js';
import { EncodedTable } from './table-builder.js';
import { describeValue, placePrefix, placeOptions, refuse, type ValueContext } from './value-errors.js';
import { VoltDate, isValidDay } from './volt-date.js';

/** How TIMESTAMP values are read: `Date` (milliseconds, the default) or `bigint` microseconds (lossless). */
export type TimestampMode = 'date' | 'bigint';
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

function dateValue(value: unknown, where: ValueContext): VoltDate {
  if (value instanceof VoltDate && isValidDay(value.year, value.month, value.day)) return value;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isNaN(ms) && ms % 86_400_000 === 0) {
      const date = VoltDate.fromDate(value);
      if (isValidDay(date.year, date.month, date.day)) return date;
    }
  } else if (typeof value === 'string') {
    const date = VoltDate.parse(value);
    if (date !== undefined) return date;
  } else if (typeof value === 'object' && value !== null && !(value instanceof VoltDate)) {
    const { year, month, day } = value as { year?: unknown; month?: unknown; day?: unknown };
    if (isValidDay(year, month, day)) return new VoltDate(year as number, month as number, day as number);
  }
  throw refuse(where, value, VOLT_TYPE.DATE, 'expected a real day as VoltDate, {year, month, day}, "YYYY-MM-DD" or a Date at UTC midnight; years 0..32767');
}

function isDecimalInput(value: unknown): value is Decimal | string | number | bigint {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' || value instanceof Decimal || Decimal.isDecimal(value);
}

function bytesValue(value: unknown, where: ValueContext): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else throw refuse(where, value, VOLT_TYPE.VARBINARY, 'expected a Uint8Array or ArrayBuffer');
  if (bytes.length > MAX_VALUE_BYTES) throw refuse(where, value, VOLT_TYPE.VARBINARY, `longer than ${MAX_VALUE_BYTES} bytes`);
  return bytes;
}

function pointValue(value: unknown, where: ValueContext): GeographyPoint {
  let point: GeographyPoint;
  if (value instanceof GeographyPoint) point = value;
  else if (typeof value === 'string') point = fromWkt(value, where, VOLT_TYPE.GEOGRAPHY_POINT, GeographyPoint.fromWKT);
  else if (typeof value === 'object' && value !== null && 'longitude' in value && 'latitude' in value) {
    point = new GeographyPoint(value.longitude as number, value.latitude as number);
  } else throw refuse(where, value, VOLT_TYPE.GEOGRAPHY_POINT, 'expected a GeographyPoint or POINT WKT');
  const problem = pointProblem(point);
  if (problem !== undefined) throw refuse(where, value, VOLT_TYPE.GEOGRAPHY_POINT, problem);
  return point;
}

function geographyValue(value: unknown, where: ValueContext): Geography {
  let geography: Geography;
  if (value instanceof Geography) geography = value;
  else if (typeof value === 'string') geography = fromWkt(value, where, VOLT_TYPE.GEOGRAPHY, Geography.fromWKT);
  else if (typeof value === 'object' && value !== null && 'rings' in value) geography = new Geography(value.rings as LngLatRings);
  else throw refuse(where, value, VOLT_TYPE.GEOGRAPHY, 'expected a Geography or POLYGON WKT');
  const problem = geographyProblem(geography);
  if (problem !== undefined) throw refuse(where, value, VOLT_TYPE.GEOGRAPHY, problem);
  return geography;
}

type LngLatRings = ConstructorParameters<typeof Geography>[0];

function fromWkt<T>(text: string, where: ValueContext, type: number, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    throw refuse(where, text, type, (error as Error).message, error);
  }
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
 * DECIMAL_STRING: the exact decimal text of a Decimal / numeric string / number / bigint, sent
 * as a STRING parameter (the server parses and rounds it as VoltDB does for DECIMAL).
 *
 * Rule: the value must be finite and its exact text (`Decimal.toFixed()`, no exponent) must fit
 * the 1 MiB value limit (`MAX_VALUE_BYTES`, as any STRING). The text's length is computed from
 * the exponent and the number of fractional digits *before* the text is built, so an absurd
 * exponent (`"1e900000000"`, `"1e-2000000"`) is refused at once instead of being expanded into
 * gigabytes of digits. (Whether the server's DECIMAL(38, 12) can hold the value is left to the
 * server, which refuses more than 26 integer digits after rounding.)
 */
export function decimalText(value: unknown, where: ValueContext): string {
  let decimal: Decimal | undefined;
  try {
    if (isDecimalInput(value)) decimal = new Decimal(typeof value === 'bigint' ? value.toString() : value);
  } catch {
    // not a number: refused below
  }
  if (decimal === undefined || !decimal.isFinite()) {
    throw refuse(where, value, 'DECIMAL_STRING', 'expected a finite Decimal, numeric string, number or bigint');
  }
  // sign + integer digits + '.' + fractional digits, as toFixed() will write them.
  const exponent = decimal.e;
  const places = decimal.decimalPlaces();
  const length = 1 + (exponent >= 0 ? exponent + 1 : 1) + (places > 0 ? places + 1 : 0);
  if (!(length <= MAX_VALUE_BYTES + 1)) throw refuse(where, value, 'DECIMAL_STRING', `its decimal text would be longer than the ${MAX_VALUE_BYTES}-byte value limit`);
  const text = decimal.toFixed();
  if (text.length > MAX_VALUE_BYTES) throw refuse(where, value, 'DECIMAL_STRING', `its decimal text would be longer than the ${MAX_VALUE_BYTES}-byte value limit`);
  return text;
}
