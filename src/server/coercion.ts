/**
 * Converting parameter and literal values to a column's type, the way VoltDB's
 * ParameterConverter does: wider integers narrow when they fit, numeric strings parse, hex
 * strings become bytes, WKT becomes geography. A refusal is a reason in VoltDB's words (the
 * caller decides whether it is a parameter TYPE ERROR or a SQL error).
 *
 * Stored representation (the codec's row mapping, so rows go to `writeTable` as they are):
 * TINYINT/SMALLINT/INTEGER/FLOAT → number, BIGINT → bigint, TIMESTAMP → bigint microseconds,
 * DECIMAL → Decimal (rounded to scale 12), STRING → string, VARBINARY → Uint8Array,
 * GEOGRAPHY_POINT → GeographyPoint, GEOGRAPHY → Geography, NULL → null.
 */
import { Buffer } from 'node:buffer';
import { VOLT_TYPE } from '../protocol/constants.js';
import { Decimal, decimalFromUnscaled, toUnscaledDecimal } from '../protocol/decimal.js';
import { Geography, GeographyPoint } from '../protocol/geography.js';

/** The converted value, or why it could not be converted. */
export type Conversion = { ok: true; value: unknown } | { ok: false; reason: string };

const RANGE: Readonly<Record<number, readonly [number, number]>> = {
  [VOLT_TYPE.TINYINT]: [-127, 127],
  [VOLT_TYPE.SMALLINT]: [-32767, 32767],
  [VOLT_TYPE.INTEGER]: [-2147483647, 2147483647],
};
const BIGINT_MIN = -(2n ** 63n) + 1n;
const BIGINT_MAX = 2n ** 63n - 1n;

/** Java's name for the target type, as VoltDB's messages print it. */
export function javaTargetName(type: number): string {
  switch (type) {
    case VOLT_TYPE.TINYINT:
      return 'byte';
    case VOLT_TYPE.SMALLINT:
      return 'short';
    case VOLT_TYPE.INTEGER:
      return 'int';
    case VOLT_TYPE.BIGINT:
      return 'long';
    case VOLT_TYPE.FLOAT:
      return 'double';
    case VOLT_TYPE.DECIMAL:
      return 'java.math.BigDecimal';
    case VOLT_TYPE.STRING:
      return 'java.lang.String';
    case VOLT_TYPE.VARBINARY:
      return '[B';
    case VOLT_TYPE.TIMESTAMP:
      return 'org.voltdb.types.TimestampType';
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return 'org.voltdb.types.GeographyPointValue';
    case VOLT_TYPE.GEOGRAPHY:
      return 'org.voltdb.types.GeographyValue';
    default:
      return `type ${type}`;
  }
}

/** Java's class name for a decoded JS value. */
function javaSourceName(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? (Math.abs(value) <= 2147483647 ? 'java.lang.Integer' : 'java.lang.Long') : 'java.lang.Double';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (value instanceof Uint8Array) return '[B';
  if (value instanceof Date) return 'org.voltdb.types.TimestampType';
  if (Decimal.isDecimal(value)) return 'java.math.BigDecimal';
  if (value instanceof GeographyPoint) return 'org.voltdb.types.GeographyPointValue';
  if (value instanceof Geography) return 'org.voltdb.types.GeographyValue';
  if (Array.isArray(value)) return 'java.lang.Object[]';
  return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'java.lang.Object') : String(typeof value);
}

function mismatch(value: unknown, type: number): Conversion {
  return {
    ok: false,
    reason: `The provided value: (${show(value)}) of type: ${javaSourceName(value)} is not a match or is out of range for the target parameter type: ${javaTargetName(type)}`,
  };
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function ok(value: unknown): Conversion {
  return { ok: true, value };
}

const NUMERIC_STRING = /^\s*[-+]?\d+\s*$/;

function toInteger(value: unknown, type: number): Conversion {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return mismatch(value, type);
    n = BigInt(value);
  } else if (typeof value === 'bigint') {
    n = value;
  } else if (typeof value === 'string') {
    if (value.trim() === '\\N') return ok(null);
    if (!NUMERIC_STRING.test(value)) return { ok: false, reason: `Unable to convert string ${value} to long value for target parameter.` };
    n = BigInt(value.trim());
  } else if (typeof value === 'boolean') {
    n = value ? 1n : 0n;
  } else if (Decimal.isDecimal(value)) {
    if (!value.isInteger()) return mismatch(value, type);
    n = BigInt(value.toFixed(0));
  } else {
    return mismatch(value, type);
  }
  if (type === VOLT_TYPE.BIGINT) {
    if (n < BIGINT_MIN || n > BIGINT_MAX) return n === BIGINT_MIN - 1n ? ok(null) : mismatch(value, type);
    return ok(n);
  }
  const [min, max] = RANGE[type]!;
  if (n < BigInt(min) || n > BigInt(max)) return n === BigInt(min) - 1n && typeof value === 'number' ? ok(null) : mismatch(value, type);
  return ok(Number(n));
}

function toFloat(value: unknown): Conversion {
  if (typeof value === 'number') return ok(value);
  if (typeof value === 'bigint') return ok(Number(value));
  if (Decimal.isDecimal(value)) return ok(value.toNumber());
  if (typeof value === 'string') {
    const n = Number(value.trim());
    if (value.trim() === '' || Number.isNaN(n)) return { ok: false, reason: `Unable to convert string ${value} to double value for target parameter.` };
    return ok(n);
  }
  return mismatch(value, VOLT_TYPE.FLOAT);
}

function toDecimal(value: unknown): Conversion {
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string' && !Decimal.isDecimal(value)) {
    return mismatch(value, VOLT_TYPE.DECIMAL);
  }
  const unscaled = toUnscaledDecimal(value as Decimal | string | number | bigint);
  if (typeof unscaled === 'string') {
    return typeof value === 'string'
      ? { ok: false, reason: `Unable to convert string ${value} to java.math.BigDecimal value for target parameter.` }
      : { ok: false, reason: `The provided value: (${show(value)}) ${unscaled}` };
  }
  return ok(decimalFromUnscaled(unscaled));
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/** `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` (UTC) → microseconds since the epoch; undefined when not a timestamp. */
export function parseTimestamp(text: string): bigint | undefined {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (m === null) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  date.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0);
  if (date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) return undefined;
  const fraction = BigInt((m[7] ?? '').padEnd(6, '0'));
  return BigInt(date.getTime()) * 1000n + fraction;
}

function toTimestamp(value: unknown): Conversion {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? mismatch(value, VOLT_TYPE.TIMESTAMP) : ok(BigInt(ms) * 1000n);
  }
  if (typeof value === 'bigint') return value >= BIGINT_MIN && value <= BIGINT_MAX ? ok(value) : mismatch(value, VOLT_TYPE.TIMESTAMP);
  if (typeof value === 'number') return Number.isSafeInteger(value) ? ok(BigInt(value)) : mismatch(value, VOLT_TYPE.TIMESTAMP);
  if (typeof value === 'string') {
    if (NUMERIC_STRING.test(value)) return ok(BigInt(value.trim()));
    const micros = parseTimestamp(value);
    if (micros === undefined) return { ok: false, reason: `Unable to convert string ${value} to org.voltdb.types.TimestampType value for target parameter.` };
    return ok(micros);
  }
  return mismatch(value, VOLT_TYPE.TIMESTAMP);
}

function toVarbinary(value: unknown): Conversion {
  if (value instanceof Uint8Array) return ok(value);
  if (typeof value === 'string') {
    const hex = /^[xX]'([0-9a-fA-F]*)'$/.exec(value)?.[1] ?? value;
    if (hex.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(hex)) return ok(new Uint8Array(Buffer.from(hex, 'hex')));
    return { ok: false, reason: `Unable to convert string ${value} to byte[] value for target parameter.` };
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= -128 && b <= 255)) {
    return ok(Uint8Array.from(value as number[], (b) => b & 0xff));
  }
  return mismatch(value, VOLT_TYPE.VARBINARY);
}

function toGeography(value: unknown, type: number): Conversion {
  const point = type === VOLT_TYPE.GEOGRAPHY_POINT;
  if (point && value instanceof GeographyPoint) return ok(value);
  if (!point && value instanceof Geography) return ok(value);
  if (typeof value === 'string') {
    try {
      return ok(point ? GeographyPoint.fromWKT(value) : Geography.fromWKT(value));
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
  return mismatch(value, type);
}

/**
 * Convert `value` to column type `type`. `null`/`undefined` (and VoltDB's `\N` for numbers)
 * are NULL; whether NULL is allowed is the table's business.
 */
export function convertValue(value: unknown, type: number): Conversion {
  if (value === null || value === undefined) return ok(null);
  switch (type) {
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
    case VOLT_TYPE.BIGINT:
      return toInteger(value, type);
    case VOLT_TYPE.FLOAT:
      return toFloat(value);
    case VOLT_TYPE.DECIMAL:
      return toDecimal(value);
    case VOLT_TYPE.STRING:
      if (typeof value === 'string') return ok(value);
      return mismatch(value, type);
    case VOLT_TYPE.TIMESTAMP:
      return toTimestamp(value);
    case VOLT_TYPE.VARBINARY:
      return toVarbinary(value);
    case VOLT_TYPE.GEOGRAPHY_POINT:
    case VOLT_TYPE.GEOGRAPHY:
      return toGeography(value, type);
    default:
      return ok(value);
  }
}

/** Length of a stored STRING in the unit its column counts: characters, or UTF-8 bytes for `n BYTES`. */
export function stringSize(value: string, inBytes: boolean): number {
  if (inBytes) return Buffer.byteLength(value, 'utf8');
  let count = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) count--; // a surrogate pair is one character
  }
  return count;
}
