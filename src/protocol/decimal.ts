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
const TOO_MANY_INTEGER_DIGITS = `has more than ${INTEGER_DIGITS} integer digits (DECIMAL(${DECIMAL_PRECISION}, ${DECIMAL_SCALE}))`;

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
  const high = ((source[offset]! << 24) | (source[offset + 1]! << 16) | (source[offset + 2]! << 8) | source[offset + 3]!) >>> 0;
  const low =
    ((source[offset + 4]! << 24) | (source[offset + 5]! << 16) | (source[offset + 6]! << 8) | source[offset + 7]!) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}

// ---------------------------------------------------------------------------------------------
// Fast DECIMAL encoding from digits. `toUnscaledDecimal` builds decimal.js text and a bigint
// per value (about 3 µs); a bulk load of a DECIMAL-heavy table cannot pay that per cell. The
// unscaled value is accumulated instead straight from the digits — of a plain numeric string,
// a safe integer, or a Decimal's own base-10^7 limbs (`d`, `e`, `s`, documented by decimal.js)
// — in eight 16-bit words (a word × 10^7 + carry stays below 2^41: exact in a double), then
// written big-endian. Anything else (exponents, NaN, more digits than fit) takes the exact path.

/** The unscaled magnitude, 16 bits per word, least significant first. */
const WORDS = new Float64Array(8);
/** 10^38 − 1 in the same words, most significant last. */
const MAX_WORDS = wordsOf(DECIMAL_MAX_UNSCALED);
const POWERS = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

function wordsOf(value: bigint): Float64Array {
  const out = new Float64Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((value >> BigInt(16 * i)) & 0xffffn);
  return out;
}

/** Words of WORDS in use (the rest are 0): a small value multiplies one or two words, not eight. */
let used = 0;

function clearWords(): void {
  WORDS.fill(0);
  used = 0;
}

/** WORDS = WORDS × 10^digits + add (digits ≤ 7, add < 10^7); false when it passes 2^128. */
function mulAdd(digits: number, add: number): boolean {
  const factor = POWERS[digits]!;
  let carry = add;
  let i = 0;
  for (; i < used; i++) {
    const t = WORDS[i]! * factor + carry;
    carry = Math.floor(t / 65536);
    WORDS[i] = t - carry * 65536;
  }
  while (carry > 0) {
    if (i === 8) return false;
    const next = Math.floor(carry / 65536);
    WORDS[i++] = carry - next * 65536;
    carry = next;
  }
  used = i;
  return true;
}

/** WORDS > 10^38 − 1? */
function aboveMax(): boolean {
  for (let i = 7; i >= 0; i--) {
    if (WORDS[i] !== MAX_WORDS[i]) return WORDS[i]! > MAX_WORDS[i]!;
  }
  return false;
}

/** Write ±WORDS as 16 big-endian two's-complement bytes. */
function writeWords(target: Uint8Array, offset: number, negative: boolean): void {
  let borrow = negative ? 1 : 0;
  for (let i = 0; i < 8; i++) {
    let word = WORDS[i]!;
    if (negative) {
      word = (~word & 0xffff) + borrow;
      borrow = word >>> 16;
      word &= 0xffff;
    }
    const at = offset + 14 - 2 * i;
    target[at] = word >>> 8;
    target[at + 1] = word & 0xff;
  }
}

/**
 * Accumulate a plain decimal string (`-123.45`, `+7`, `.5`, `12.`) into WORDS, rounded HALF_UP
 * to 12 places. Returns the sign (1/−1), 0 for text this path does not read (the exact path
 * decides), or 2 when the magnitude is too large.
 */
function accumulateText(text: string): number {
  const length = text.length;
  let i = 0;
  let sign = 1;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    if (first === 45) sign = -1;
    i = 1;
  }
  clearWords();
  let chunk = 0;
  let chunkDigits = 0;
  let digits = 0; // significant digits taken (leading zeros skipped)
  let fraction = -1; // fraction digits taken; −1 before the point
  let roundUp = false;
  let any = false;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 /* . */) {
      if (fraction >= 0) return 0;
      fraction = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9) return 0;
    any = true;
    if (fraction >= DECIMAL_SCALE) {
      // Only the first dropped digit decides HALF_UP; the rest must still be digits.
      if (fraction === DECIMAL_SCALE) roundUp = digit >= 5;
      fraction++;
      continue;
    }
    if (fraction >= 0) fraction++;
    if (digits === 0 && digit === 0) continue;
    digits++;
    if (digits > DECIMAL_PRECISION) return 2;
    chunk = chunk * 10 + digit;
    if (++chunkDigits === 7) {
      if (!mulAdd(7, chunk)) return 2;
      chunk = 0;
      chunkDigits = 0;
    }
  }
  if (!any) return 0;
  if (fraction > DECIMAL_SCALE) fraction = DECIMAL_SCALE;
  if (chunkDigits > 0 && !mulAdd(chunkDigits, chunk)) return 2;
  let pad = DECIMAL_SCALE - Math.max(fraction, 0);
  while (pad > 0) {
    const step = Math.min(pad, 7);
    if (!mulAdd(step, 0)) return 2;
    pad -= step;
  }
  if (roundUp && !mulAdd(0, 1)) return 2;
  return sign;
}

/**
 * Accumulate a finite Decimal from its limbs: value = Σ d[i] × 10^(e − k + 1 − 7i), k the digit
 * count of d[0]; in the unscaled value each power is 12 higher. Horner over the limbs down to the
 * 12th fraction digit, HALF_UP on the first digit dropped, then the missing powers of ten.
 * Returns the sign, 0 when the limbs are not what this path reads, 2 when too large.
 */
function accumulateLimbs(value: Decimal): number {
  const limbs = (value as unknown as { d?: unknown }).d;
  const exponent = value.e;
  if (!Array.isArray(limbs) || limbs.length === 0 || typeof exponent !== 'number' || !Number.isInteger(exponent)) return 0;
  if (exponent >= DECIMAL_PRECISION - DECIMAL_SCALE) return 2;
  clearWords();
  const sign = value.s < 0 ? -1 : 1;
  const head = limbs[0] as number;
  const k = head >= 1e6 ? 7 : head >= 1e5 ? 6 : head >= 1e4 ? 5 : head >= 1e3 ? 4 : head >= 100 ? 3 : head >= 10 ? 2 : 1;
  const power0 = exponent - k + 1 + DECIMAL_SCALE;
  let roundUp = false;
  let power = power0;
  for (let i = 0; i < limbs.length; i++, power -= 7) {
    const limb = limbs[i] as number;
    const width = i === 0 ? k : 7;
    if (power >= 0) {
      if (!mulAdd(width, limb)) return 2;
      if (i === limbs.length - 1 && !pad(power)) return 2;
      continue;
    }
    const dropped = -power;
    if (dropped < width) {
      const divisor = POWERS[dropped]!;
      const kept = Math.floor(limb / divisor);
      if (!mulAdd(width - dropped, kept)) return 2;
      roundUp = limb - kept * divisor >= 5 * POWERS[dropped - 1]!;
    } else {
      // The whole limb is past the scale: its leading digit (or a zero before it) decides.
      roundUp = dropped === width && limb >= 5 * POWERS[width - 1]!;
    }
    break;
  }
  if (roundUp && !mulAdd(0, 1)) return 2;
  return sign;
}

/** WORDS × 10^count. */
function pad(count: number): boolean {
  while (count > 0) {
    const step = Math.min(count, 7);
    if (!mulAdd(step, 0)) return false;
    count -= step;
  }
  return true;
}

/**
 * Write `value` as DECIMAL(38, 12) — 16 big-endian bytes at `offset` — from its digits when it
 * is a plain numeric string, a safe integer, another finite number, or a Decimal; returns null,
 * or the reason it cannot be a DECIMAL (nothing written). Same results as
 * {@link toUnscaledDecimal} (HALF_UP at 12 places, 26 integer digits at most).
 */
export function writeDecimal(target: Uint8Array, offset: number, value: DecimalInput): string | null {
  let sign = 0;
  if (typeof value === 'string') {
    if (value.length <= 80) sign = accumulateText(value);
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      clearWords();
      const magnitude = Math.abs(value);
      const high = Math.floor(magnitude / 1e7);
      mulAdd(0, high >= 1e7 ? Math.floor(high / 1e7) : high);
      if (high >= 1e7) mulAdd(7, high % 1e7);
      mulAdd(7, magnitude % 1e7);
      pad(DECIMAL_SCALE);
      sign = value < 0 ? -1 : 1;
    } else if (Number.isFinite(value)) {
      sign = accumulateText(String(value)); // shortest round-trip digits, as decimal.js reads a number
    }
  } else if (Decimal.isDecimal(value)) {
    sign = accumulateLimbs(value);
  }
  if (sign === 2 || ((sign === 1 || sign === -1) && aboveMax())) return TOO_MANY_INTEGER_DIGITS;
  if (sign === 1 || sign === -1) {
    writeWords(target, offset, sign < 0);
    return null;
  }
  const unscaled = toUnscaledDecimal(value);
  if (typeof unscaled === 'string') return unscaled;
  writeUnscaledDecimal(target, offset, unscaled);
  return null;
}

/**
 * Write an Arrow Decimal128 value (four little-endian uint32 words at `words[index * 4]`, with
 * `scale` fraction digits) as DECIMAL(38, 12). Scale 12 is a byte reversal; another scale is
 * rescaled exactly (HALF_UP when digits are dropped). Returns null, or why it does not fit.
 */
export function writeDecimal128(target: Uint8Array, offset: number, words: Uint32Array, index: number, scale: number): string | null {
  const at = index * 4;
  if (scale === DECIMAL_SCALE) {
    for (let w = 0; w < 4; w++) {
      const word = words[at + w]!;
      const out = offset + 12 - 4 * w;
      target[out] = word >>> 24;
      target[out + 1] = (word >>> 16) & 0xff;
      target[out + 2] = (word >>> 8) & 0xff;
      target[out + 3] = word & 0xff;
    }
    // Decimal128 holds up to ±(2^127 − 1); DECIMAL(38, 12) only ±(10^38 − 1), and −2^127 is its NULL.
    const unscaled = readUnscaledDecimal(target, offset);
    if (unscaled > DECIMAL_MAX_UNSCALED || unscaled < -DECIMAL_MAX_UNSCALED) return TOO_MANY_INTEGER_DIGITS;
    return null;
  }
  let bits = 0n;
  for (let w = 3; w >= 0; w--) bits = (bits << 32n) | BigInt(words[at + w]!);
  if (bits >= 1n << 127n) bits -= TWO_128;
  let unscaled: bigint;
  if (scale < DECIMAL_SCALE) unscaled = bits * 10n ** BigInt(DECIMAL_SCALE - scale);
  else {
    const divisor = 10n ** BigInt(scale - DECIMAL_SCALE);
    const magnitude = bits < 0n ? -bits : bits;
    let kept = magnitude / divisor;
    if ((magnitude % divisor) * 2n >= divisor) kept += 1n;
    unscaled = bits < 0n ? -kept : kept;
  }
  if (unscaled > DECIMAL_MAX_UNSCALED || unscaled < -DECIMAL_MAX_UNSCALED) return TOO_MANY_INTEGER_DIGITS;
  writeUnscaledDecimal(target, offset, unscaled);
  return null;
}
