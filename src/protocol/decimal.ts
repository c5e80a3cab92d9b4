/**
 * DECIMAL(38, 12) on the wire (PROTOCOL.md 4.2): the unscaled value `round(x × 10^12)` as a
 * 16-byte big-endian two's-complement integer; NULL is -2^127.
 *
 * Conversions go through the exact decimal text, never through Decimal arithmetic, so the
 * result does not depend on any decimal.js precision setting. Inputs with more than 12
 * fractional digits are rounded HALF_UP (ties away from zero), as VoltDB's Java client does;
 * values with more than 26 integer digits (38 in all) are refused.
 */
import { Decimal } from 'decimal.js';
import { int32At } from './buffer-reader.js';
import { writeInt64 } from './buffer-writer.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from './constants.js';

export { Decimal };

/** -2^127: the NULL DECIMAL. */
export const DECIMAL_NULL_UNSCALED = -(1n << 127n);
/** The largest unscaled magnitude VoltDB accepts: 10^38 - 1. */
export const DECIMAL_MAX_UNSCALED = 10n ** BigInt(DECIMAL_PRECISION) - 1n;
const TWO_128 = 1n << 128n;
const MASK_64 = (1n << 64n) - 1n;
const SCALE_FACTOR = 10n ** BigInt(DECIMAL_SCALE);
/** Integer digits DECIMAL(38, 12) holds: 26. */
const INTEGER_DIGITS = DECIMAL_PRECISION - DECIMAL_SCALE;
/** 10^26: the smallest integer magnitude DECIMAL(38, 12) cannot hold. */
const INTEGER_LIMIT = 10n ** BigInt(INTEGER_DIGITS);
/** Why a value is refused for its magnitude (shared with the digit writer, so both refuse alike). */
export const TOO_MANY_INTEGER_DIGITS = `has more than ${INTEGER_DIGITS} integer digits (DECIMAL(${DECIMAL_PRECISION}, ${DECIMAL_SCALE}))`;

/** A decimal.js value, a numeric string, a finite number or a bigint, accepted where a DECIMAL is declared. */
export type DecimalInput = Decimal | string | number | bigint;

/**
 * The unscaled 128-bit integer for a value, or a reason it cannot be one (`string`).
 * Rounds HALF_UP to 12 fractional digits. The magnitude is judged from the exponent before
 * any digits are expanded, so `"1e900000000"` is refused at once and `"1e-900000000"` is 0:
 * the cost is bounded by the input's own digits, never by its exponent.
 */
export function toUnscaledDecimal(value: DecimalInput): bigint | string {
  let decimal: Decimal;
  if (typeof value === 'bigint') {
    // Exact and cheap: no text for a huge bigint, no Decimal at all.
    if (value >= INTEGER_LIMIT || value <= -INTEGER_LIMIT) return TOO_MANY_INTEGER_DIGITS;
    return value * SCALE_FACTOR;
  } else if (typeof value === 'number' || typeof value === 'string') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'is not a finite number';
    try {
      decimal = new Decimal(value);
    } catch {
      return 'is not a decimal number';
    }
  } else if (Decimal.isDecimal(value)) {
    decimal = value;
  } else {
    return 'is not a Decimal, numeric string, number or bigint';
  }
  if (!decimal.isFinite()) return 'is not a finite decimal';
  // Judge the magnitude from the exponent before any text is built: `toFixed` expands
  // "1e900000000" digit by digit (a fatal out-of-memory), only for it to be refused.
  const exponent = decimal.e; // |x| is in [10^e, 10^(e+1)); 0 has e = 0
  if (!(exponent < INTEGER_DIGITS)) return TOO_MANY_INTEGER_DIGITS; // also refuses a non-number e (a foreign "Decimal")
  if (exponent < -(DECIMAL_SCALE + 1)) return 0n; // |x| < 10^-13 rounds HALF_UP to 0 at 12 places
  const text = decimal.toFixed(DECIMAL_SCALE, Decimal.ROUND_HALF_UP);
  const unscaled = BigInt(text.replace('.', ''));
  // 26 integer digits can still round up to 10^26 (…999.9999999999995).
  if (unscaled > DECIMAL_MAX_UNSCALED || unscaled < -DECIMAL_MAX_UNSCALED) return TOO_MANY_INTEGER_DIGITS;
  return unscaled;
}

/** Write an unscaled value as 16 big-endian bytes at `offset`. */
export function writeUnscaledDecimal(target: Uint8Array, offset: number, unscaled: bigint): void {
  const bits = unscaled < 0n ? unscaled + TWO_128 : unscaled;
  writeInt64(target, offset, bits >> 64n);
  writeInt64(target, offset + 8, bits & MASK_64);
}

/** Read 16 big-endian bytes at `offset` as a signed 128-bit integer. */
export function readUnscaledDecimal(source: Uint8Array, offset: number): bigint {
  const bits = (readUint64(source, offset) << 64n) | readUint64(source, offset + 8);
  return bits >= 1n << 127n ? bits - TWO_128 : bits;
}

/** The exact `Decimal` for an unscaled value (not NULL). */
export function decimalFromUnscaled(unscaled: bigint): Decimal {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(DECIMAL_SCALE + 1, '0');
  const split = digits.length - DECIMAL_SCALE;
  return new Decimal(`${negative ? '-' : ''}${digits.slice(0, split)}.${digits.slice(split)}`);
}

/** The unscaled value of a whole number of units (e.g. for tests): `3n` → 3 × 10^12. */
export function unscaledFromInteger(units: bigint): bigint {
  return units * SCALE_FACTOR;
}

function readUint64(source: Uint8Array, offset: number): bigint {
  const high = int32At(source, offset) >>> 0;
  const low = int32At(source, offset + 4) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}
