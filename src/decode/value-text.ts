/**
 * The one text form of every VoltDB value, used by every text output — the extraction's CSV and
 * NDJSON writers and the command line's aligned, `--csv` and `--json` output of `query` and
 * `call` — so the same value prints the same everywhere, without loss. Values are read straight
 * from the Arrow-layout column buffers (no per-value `Date` or `Decimal` objects):
 *
 * | VoltDB          | text                                                        |
 * | --------------- | ----------------------------------------------------------- |
 * | integer types   | decimal digits                                              |
 * | FLOAT           | shortest round-trip decimal (`-0`, `NaN`, `Infinity` kept)  |
 * | DECIMAL         | exact: sign, digits, up to 12 decimals, no trailing zeros   |
 * | TIMESTAMP       | ISO-8601 UTC with microseconds: `2023-11-14T22:13:20.000001Z` |
 * | DATE            | `YYYY-MM-DD`                                                |
 * | VARCHAR         | the string                                                  |
 * | VARBINARY       | hex (lower case) or base64                                  |
 * | GEOGRAPHY(_POINT) | WKT                                                       |
 */
import { Buffer } from 'node:buffer';
import type { Column } from './column.js';
import { civilFromDays } from './calendar.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { decodeUtf8 } from '../protocol/buffer-reader.js';

/** How VARBINARY is written as text. */
export type BinaryText = 'hex' | 'base64';

/** Text of row `i`, or null for NULL. */
export type CellText = (i: number) => string | null;

const SCALE = 10n ** 12n;
const TWO_53 = 2 ** 53;

/** An exact decimal string of an unscaled DECIMAL (value × 10^12). */
export function decimalText(unscaled: bigint): string {
  const negative = unscaled < 0n;
  const abs = negative ? -unscaled : unscaled;
  const whole = abs / SCALE;
  const fraction = abs % SCALE;
  const sign = negative ? '-' : '';
  if (fraction === 0n) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(12, '0').replace(/0+$/, '')}`;
}

const MICROS_PER_DAY = 86_400_000_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * ISO-8601 UTC with six fractional digits, from microseconds since the epoch. Years 0..9999
 * with a safe-integer µs count (1685..2255) are formatted by arithmetic — a `Date` and
 * `toISOString()` per value cost about as much as the rest of a CSV row; other values go
 * through `Date` (which writes years outside 0..9999 as ±YYYYYY).
 */
export function timestampText(micros: bigint): string {
  const n = Number(micros);
  if (n > -TWO_53 && n < TWO_53) {
    const days = Math.floor(n / MICROS_PER_DAY);
    const inDay = n - days * MICROS_PER_DAY;
    const { year, month, day } = civilFromDays(days);
    if (year >= 0 && year <= 9999) {
      const seconds = Math.floor(inDay / 1_000_000);
      const fraction = inDay - seconds * 1_000_000;
      const h = Math.floor(seconds / 3600);
      const m = Math.floor((seconds % 3600) / 60);
      return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(m)}:${pad2(seconds % 60)}.${String(fraction).padStart(6, '0')}Z`;
    }
  }
  let msBig = micros / 1000n;
  if (micros < 0n && msBig * 1000n !== micros) msBig -= 1n;
  const sub = Number(micros - msBig * 1000n);
  const iso = new Date(Number(msBig)).toISOString();
  return `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}Z`;
}

/** `YYYY-MM-DD` of a day count since 1970-01-01. */
export function dateText(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** FLOAT text that reads back to the same double. */
export function floatText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** True when every value of this column type is written as a bare JSON number by NDJSON. */
export function isJsonNumber(type: number): boolean {
  return type === VOLT_TYPE.TINYINT || type === VOLT_TYPE.SMALLINT || type === VOLT_TYPE.INTEGER || type === VOLT_TYPE.FLOAT;
}

/** True for types whose text is made of digits, signs, `.`, `e`, `NaN`, `Infinity` only. */
export function isNumeric(type: number): boolean {
  return isJsonNumber(type) || type === VOLT_TYPE.BIGINT || type === VOLT_TYPE.DECIMAL;
}

/** JSON text of row `i`, `null` included: what NDJSON and `query --json` write for a value. */
export type CellJson = (i: number) => string;

/**
 * A reader of the JSON text of each row of one column: TINYINT, SMALLINT, INTEGER and finite
 * FLOAT as bare numbers (`-0` kept), every other value as the JSON string of its `cellText`
 * (BIGINT and DECIMAL too: most JSON readers round numbers past 2^53), NULL as `null`.
 */
export function cellJson(column: Column, binary: BinaryText = 'hex'): CellJson {
  const text = cellText(column, binary);
  if (isJsonNumber(column.type)) {
    return (i) => {
      const t = text(i);
      if (t === null) return 'null';
      return t === 'NaN' || t === 'Infinity' || t === '-Infinity' ? `"${t}"` : t;
    };
  }
  return (i) => {
    const t = text(i);
    return t === null ? 'null' : JSON.stringify(t);
  };
}

/** A reader of row texts for one column. */
export function cellText(column: Column, binary: BinaryText = 'hex'): CellText {
  const validity = column.validity;
  const text = valueText(column, binary);
  if (validity === null) return text;
  return (i) => ((validity[i >> 3]! & (1 << (i & 7))) === 0 ? null : text(i));
}

function valueText(column: Column, binary: BinaryText): CellText {
  const values = column.values;
  switch (column.type) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER: {
      const ints = values as Int8Array | Int16Array | Int32Array;
      return (i) => String(ints[i]!);
    }
    case VOLT_TYPE.BIGINT: {
      const longs = values as BigInt64Array;
      return (i) => String(longs[i]!);
    }
    case VOLT_TYPE.FLOAT: {
      const doubles = values as Float64Array;
      return (i) => floatText(doubles[i]!);
    }
    case VOLT_TYPE.TIMESTAMP: {
      const micros = values as BigInt64Array;
      return (i) => timestampText(micros[i]!);
    }
    case VOLT_TYPE.DATE: {
      const days = values as Int32Array;
      return (i) => dateText(days[i]!);
    }
    case VOLT_TYPE.DECIMAL: {
      const bytes = values as Uint8Array;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return (i) => {
        // 16 bytes little-endian two's complement: low word first.
        const low = view.getBigUint64(i * 16, true);
        const high = view.getBigInt64(i * 16 + 8, true);
        return decimalText((high << 64n) | low);
      };
    }
    case VOLT_TYPE.STRING: {
      const bytes = values as Uint8Array;
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const offsets = column.offsets!;
      return (i) => decodeUtf8(buffer, offsets[i]!, offsets[i + 1]!);
    }
    case VOLT_TYPE.VARBINARY: {
      const bytes = values as Uint8Array;
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const offsets = column.offsets!;
      return (i) => buffer.toString(binary, offsets[i]!, offsets[i + 1]!);
    }
    case VOLT_TYPE.GEOGRAPHY_POINT:
    case VOLT_TYPE.GEOGRAPHY:
      return (i) => (column.get(i) as { toWKT(): string }).toWKT();
    default:
      return () => null;
  }
}
