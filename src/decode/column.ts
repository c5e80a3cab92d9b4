/**
 * One decoded result column, laid out the way Apache Arrow lays out its arrays, so that
 * `toArrow()` wraps the same memory and a worker can transfer it without a copy.
 *
 * | VoltDB type            | `values`                                   | `offsets`            | Arrow type              |
 * | ---------------------- | ------------------------------------------ | -------------------- | ----------------------- |
 * | TINYINT/SMALLINT/INT   | `Int8Array` / `Int16Array` / `Int32Array`  | —                    | Int8 / Int16 / Int32    |
 * | BIGINT                 | `BigInt64Array`                            | —                    | Int64                   |
 * | TIMESTAMP              | `BigInt64Array` of microseconds since 1970 | —                    | Timestamp(µs, UTC)      |
 * | FLOAT                  | `Float64Array`                             | —                    | Float64                 |
 * | DATE                   | `Int32Array` of days since 1970-01-01      | —                    | Date32 (DateDay)        |
 * | DECIMAL                | `Uint8Array`, 16 bytes per row, little-endian two's complement of value × 10^12 | — | Decimal128(38, 12) |
 * | STRING / VARBINARY     | `Uint8Array` of all values back to back    | `Int32Array` (n + 1) | Utf8 / Binary           |
 * | GEOGRAPHY              | `Uint8Array` of the wire bodies            | `Int32Array` (n + 1) | Binary                  |
 * | GEOGRAPHY_POINT        | `Float64Array` (longitude, latitude) pairs | —                    | FixedSizeList(2, Float64) |
 * | NULL (type 1)          | `null`                                     | —                    | Null                    |
 *
 * NULLs clear a bit of `validity` (LSB first, 1 = valid); `validity` is `null` when the column
 * has no NULL. A NULL slot holds zeros. Geography values and strings stay as bytes until a
 * value is asked for (a JS string has no transferable form, and a class instance would lose
 * its prototype crossing threads), so `get(i)` builds them on demand.
 */
import { Buffer } from 'node:buffer';
import { VoltError } from '../errors.js';
import { VOLT_TYPE, typeName } from '../protocol/constants.js';
import { Decimal, decimalFromUnscaled } from '../protocol/decimal.js';
import { Geography, GeographyPoint, readGeography } from '../protocol/geography.js';
import { decodeUtf8 } from '../protocol/buffer-reader.js';
import { civilFromDays } from './calendar.js';
import { timestampToDate, type TimestampMode } from '../protocol/value-reader.js';
import { VoltDate } from '../protocol/volt-date.js';

/** Name and wire type code of a result column. */
export interface ColumnInfo {
  readonly name: string;
  readonly type: number;
}

/** The arrays a column is made of; plain data that crosses a thread boundary as is. */
export interface ColumnParts {
  name: string;
  type: number;
  /** Row count. */
  length: number;
  nullCount: number;
  values: Int8Array | Int16Array | Int32Array | BigInt64Array | Float64Array | Uint8Array | null;
  /** Variable-width columns only: value `i` is `values[offsets[i] .. offsets[i + 1])`. */
  offsets: Int32Array | null;
  /** LSB-first validity bitmap (1 = valid), or `null` when no value is NULL. */
  validity: Uint8Array | null;
}

/** Options that shape row values (not the stored arrays). */
export interface ColumnOptions {
  /** TIMESTAMP as `Date` (default, millisecond precision) or `bigint` microseconds (lossless). */
  timestamps?: TimestampMode;
}

/** One decoded column in Apache Arrow's layout (typed values, validity bitmap, offsets), with per-row getters. */
export class Column implements ColumnParts {
  readonly name: string;
  readonly type: number;
  readonly length: number;
  readonly nullCount: number;
  readonly values: ColumnParts['values'];
  readonly offsets: Int32Array | null;
  readonly validity: Uint8Array | null;
  readonly timestamps: TimestampMode;
  /** `values` as a Buffer view (STRING, VARBINARY, GEOGRAPHY) for the UTF-8 and geography readers. */
  private readonly bytes: Buffer | null;

  constructor(parts: ColumnParts, options: ColumnOptions = {}) {
    this.name = parts.name;
    this.type = parts.type;
    this.length = parts.length;
    this.nullCount = parts.nullCount;
    this.values = parts.values;
    this.offsets = parts.offsets;
    this.validity = parts.validity;
    this.timestamps = options.timestamps ?? 'date';
    const values = parts.values;
    this.bytes =
      parts.offsets !== null && values !== null ? Buffer.from(values.buffer, values.byteOffset, values.byteLength) : null;
  }

  /** The wire type's name, e.g. `'INTEGER'`. */
  get typeName(): string {
    return typeName(this.type) ?? `TYPE(${this.type})`;
  }

  isNull(index: number): boolean {
    this.check(index);
    const validity = this.validity;
    return validity !== null && (validity[index >> 3]! & (1 << (index & 7))) === 0;
  }

  /**
   * The row value per the mapping in DESIGN.md: integers and FLOAT → number, BIGINT → bigint,
   * TIMESTAMP → Date (or bigint µs), DECIMAL → Decimal, STRING → string, VARBINARY → Uint8Array
   * (a view), DATE → VoltDate (as the row view's `readValue` gives), geography → GeographyPoint / Geography, NULL → null.
   */
  get(index: number): unknown {
    if (this.isNull(index)) return null;
    switch (this.type) {
      case VOLT_TYPE.TINYINT:
      case VOLT_TYPE.SMALLINT:
      case VOLT_TYPE.INTEGER:
      case VOLT_TYPE.FLOAT:
      case VOLT_TYPE.BIGINT:
        return (this.values as Int8Array | Int16Array | Int32Array | Float64Array | BigInt64Array)[index];
      case VOLT_TYPE.TIMESTAMP: {
        const micros = (this.values as BigInt64Array)[index]!;
        return this.timestamps === 'bigint' ? micros : timestampToDate(micros);
      }
      case VOLT_TYPE.DATE: {
        const { year, month, day } = civilFromDays((this.values as Int32Array)[index]!);
        return new VoltDate(year, month, day);
      }
      case VOLT_TYPE.DECIMAL:
        return decimalFromUnscaled(this.unscaled(index));
      case VOLT_TYPE.STRING:
        return decodeUtf8(this.bytes!, this.offsets![index]!, this.offsets![index + 1]!);
      case VOLT_TYPE.VARBINARY:
        return (this.values as Uint8Array).subarray(this.offsets![index]!, this.offsets![index + 1]!);
      case VOLT_TYPE.GEOGRAPHY: {
        const start = this.offsets![index]!;
        return readGeography(this.bytes!, start, this.offsets![index + 1]! - start);
      }
      case VOLT_TYPE.GEOGRAPHY_POINT: {
        const coordinates = this.values as Float64Array;
        return new GeographyPoint(coordinates[2 * index]!, coordinates[2 * index + 1]!);
      }
      default:
        return null;
    }
  }

  /** TINYINT, SMALLINT, INTEGER or FLOAT as a number; BIGINT/TIMESTAMP only when exact. */
  getNumber(index: number): number | null {
    if (this.isNull(index)) return null;
    switch (this.type) {
      case VOLT_TYPE.TINYINT:
      case VOLT_TYPE.SMALLINT:
      case VOLT_TYPE.INTEGER:
      case VOLT_TYPE.FLOAT:
        return (this.values as Int8Array | Int16Array | Int32Array | Float64Array)[index]!;
      case VOLT_TYPE.BIGINT:
      case VOLT_TYPE.TIMESTAMP: {
        const value = (this.values as BigInt64Array)[index]!;
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new VoltError(`${this.where(index)}: ${value} is not a safe integer; use getBigInt`);
        }
        return Number(value);
      }
      default:
        throw this.wrongType('getNumber', 'a TINYINT, SMALLINT, INTEGER, BIGINT, TIMESTAMP or FLOAT');
    }
  }

  /** Any integer type, or TIMESTAMP as microseconds. */
  getBigInt(index: number): bigint | null {
    if (this.isNull(index)) return null;
    switch (this.type) {
      case VOLT_TYPE.TINYINT:
      case VOLT_TYPE.SMALLINT:
      case VOLT_TYPE.INTEGER:
        return BigInt((this.values as Int8Array | Int16Array | Int32Array)[index]!);
      case VOLT_TYPE.BIGINT:
      case VOLT_TYPE.TIMESTAMP:
        return (this.values as BigInt64Array)[index]!;
      default:
        throw this.wrongType('getBigInt', 'an integer or TIMESTAMP');
    }
  }

  /** STRING as a JS string. */
  getString(index: number): string | null {
    if (this.type !== VOLT_TYPE.STRING) throw this.wrongType('getString', 'a STRING');
    return this.get(index) as string | null;
  }

  /** STRING (UTF-8) or VARBINARY bytes, as a view (no copy). */
  getBytes(index: number): Uint8Array | null {
    if (this.type !== VOLT_TYPE.STRING && this.type !== VOLT_TYPE.VARBINARY) {
      throw this.wrongType('getBytes', 'a STRING or VARBINARY');
    }
    if (this.isNull(index)) return null;
    return (this.values as Uint8Array).subarray(this.offsets![index]!, this.offsets![index + 1]!);
  }

  /** DECIMAL as a decimal.js `Decimal` (exact). */
  getDecimal(index: number): Decimal | null {
    if (this.type !== VOLT_TYPE.DECIMAL) throw this.wrongType('getDecimal', 'a DECIMAL');
    return this.isNull(index) ? null : decimalFromUnscaled(this.unscaled(index));
  }

  /** TIMESTAMP as a `Date` (milliseconds), or DATE as a `Date` at UTC midnight, whatever `timestamps` says. */
  getDate(index: number): Date | null {
    if (this.isNull(index)) return null;
    if (this.type === VOLT_TYPE.TIMESTAMP) return timestampToDate((this.values as BigInt64Array)[index]!);
    if (this.type === VOLT_TYPE.DATE) return new Date((this.values as Int32Array)[index]! * 86_400_000);
    throw this.wrongType('getDate', 'a TIMESTAMP or DATE');
  }

  /** Every row value, in order. */
  toArray(): unknown[] {
    const out = new Array<unknown>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<unknown> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** The signed 128-bit unscaled DECIMAL of row `index` (little-endian storage). */
  private unscaled(index: number): bigint {
    const bytes = this.values as Uint8Array;
    const at = index * 16;
    let high = 0n;
    let low = 0n;
    for (let i = 7; i >= 0; i--) {
      low = (low << 8n) | BigInt(bytes[at + i]!);
      high = (high << 8n) | BigInt(bytes[at + 8 + i]!);
    }
    const bits = (high << 64n) | low;
    return bits >= 1n << 127n ? bits - (1n << 128n) : bits;
  }

  private check(index: number): void {
    if (!(index >= 0 && index < this.length && Number.isInteger(index))) {
      throw new VoltError(`row ${index} of column ${this.name} is out of range: it has ${this.length} rows`);
    }
  }

  private where(index: number): string {
    return `column ${this.name} (${this.typeName}) row ${index}`;
  }

  private wrongType(getter: string, expected: string): VoltError {
    return new VoltError(`${getter} needs ${expected} column; column ${this.name} is ${this.typeName}`);
  }
}

export { Decimal, Geography, GeographyPoint };
