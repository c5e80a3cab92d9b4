/**
 * Text cells (CSV fields, NDJSON strings) as the values the encoder takes for a column type —
 * the inverse of the extraction's text (src/decode/value-text.ts):
 *
 * | column            | text read                                                      |
 * | ----------------- | -------------------------------------------------------------- |
 * | TINYINT..INTEGER  | decimal digits → number                                        |
 * | BIGINT            | decimal digits → bigint                                        |
 * | FLOAT             | any JS number text (`-0`, `NaN`, `Infinity`, `1e-7`)            |
 * | DECIMAL           | the text itself (written from its digits)                      |
 * | TIMESTAMP         | ISO-8601 (`2023-11-14T22:13:20.000001Z`, `2023-11-14 22:13:20.5`, a date alone) or integer µs |
 * | DATE, VARCHAR, GEOGRAPHY(_POINT) | the text itself (`YYYY-MM-DD`, the string, WKT) |
 * | VARBINARY         | hex (`DEADBEEF`, `x'..'`) or base64                            |
 *
 * Text that is not of the column's form is passed on unchanged, so the encoder refuses it with
 * the row, the column and the text in its message.
 */
import { Buffer } from 'node:buffer';
import { VOLT_TYPE } from '../protocol/constants.js';

/** How VARBINARY cells are written. */
export type BinaryEncoding = 'hex' | 'base64';

const INTEGER = /^[-+]?\d+$/;
const TIMESTAMP = /^([-+]?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]00:?00)?$/;
const HEX = /^(?:[xX]'([0-9a-fA-F]*)'|([0-9a-fA-F]*))$/;

/** Microseconds since the epoch of an ISO-8601 UTC text, or undefined. */
export function parseTimestampText(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (Number.isNaN(ms)) return undefined;
  // Date.UTC maps years 0..99 to 1900..1999; set the year again to keep it.
  const date = new Date(ms);
  date.setUTCFullYear(year);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const fraction = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(date.getTime()) * 1000n + BigInt(fraction);
}

/** The value for a cell of column type `type`; see the file comment. */
export function valueFromText(text: string, type: number, binary: BinaryEncoding = 'hex'): unknown {
  switch (type) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
      return INTEGER.test(text) ? Number(text) : text;
    case VOLT_TYPE.BIGINT:
      return INTEGER.test(text) ? BigInt(text) : text;
    case VOLT_TYPE.FLOAT: {
      const n = Number(text);
      return text.trim() === '' || (Number.isNaN(n) && text !== 'NaN') ? text : n;
    }
    case VOLT_TYPE.TIMESTAMP:
      if (INTEGER.test(text)) return BigInt(text);
      return parseTimestampText(text) ?? text;
    case VOLT_TYPE.VARBINARY: {
      if (binary === 'base64') return Buffer.from(text, 'base64');
      const m = HEX.exec(text);
      const hex = m === null ? null : (m[1] ?? m[2] ?? '');
      return hex === null || hex.length % 2 !== 0 ? text : Buffer.from(hex, 'hex');
    }
    default:
      return text;
  }
}

/** A cell's text to its value, chosen once per column (see {@link textConverter}). */
export type TextConverter = (text: string) => unknown;

const asInteger: TextConverter = (text) => (INTEGER.test(text) ? Number(text) : text);
const asBigint: TextConverter = (text) => (INTEGER.test(text) ? BigInt(text) : text);
const asFloat: TextConverter = (text) => valueFromText(text, VOLT_TYPE.FLOAT);
const asTimestamp: TextConverter = (text) => valueFromText(text, VOLT_TYPE.TIMESTAMP);
const asHex: TextConverter = (text) => valueFromText(text, VOLT_TYPE.VARBINARY, 'hex');
const asBase64: TextConverter = (text) => Buffer.from(text, 'base64');

/**
 * The converter of a column's cells — {@link valueFromText} with the type's branch picked once,
 * not per cell; null for the types whose text is the value itself (DECIMAL, strings, DATE, WKT),
 * so a reader can skip the call.
 */
export function textConverter(type: number, binary: BinaryEncoding = 'hex'): TextConverter | null {
  switch (type) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
      return asInteger;
    case VOLT_TYPE.BIGINT:
      return asBigint;
    case VOLT_TYPE.FLOAT:
      return asFloat;
    case VOLT_TYPE.TIMESTAMP:
      return asTimestamp;
    case VOLT_TYPE.VARBINARY:
      return binary === 'base64' ? asBase64 : asHex;
    default:
      return null;
  }
}

/**
 * A JSON value (NDJSON) for a column: strings go through {@link valueFromText}, numbers are
 * kept (BIGINT as bigint when integral), everything else is passed on.
 */
export function valueFromJson(value: unknown, type: number, binary: BinaryEncoding = 'hex'): unknown {
  if (typeof value === 'string') return valueFromText(value, type, binary);
  if (typeof value === 'number' && (type === VOLT_TYPE.BIGINT || type === VOLT_TYPE.TIMESTAMP) && Number.isSafeInteger(value)) return BigInt(value);
  return value;
}
