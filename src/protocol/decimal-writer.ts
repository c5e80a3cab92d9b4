/**
 * DECIMAL(38, 12) written from digits — the encoder's hot path for DECIMAL parameters and table
 * cells. Layout written (PROTOCOL.md 4.2): the unscaled value `round(x × 10^12)` as 16 big-endian
 * two's-complement bytes.
 *
 * Why not `toUnscaledDecimal` (decimal.ts): it builds decimal.js text and a bigint per value
 * (about 3 µs), which a bulk load of a DECIMAL-heavy table cannot pay per cell. Here the
 * unscaled magnitude is accumulated straight from the input's digits — a plain numeric string,
 * a number (its shortest round-trip digits, as decimal.js reads a number), a bigint, a Decimal's
 * own base-10^7 limbs (`d`, `e`, `s`, documented by decimal.js) — in six 24-bit words held as
 * doubles: a word × factor + carry with factor ≤ 2^28 stays below 2^53, so every step is exact.
 * Anything else (exponents, NaN, more digits than fit, huge bigints) takes the exact path, so
 * the results are the exact path's by construction (HALF_UP at 12 places, 26 integer digits at
 * most); test/protocol/decimal-digits.test.ts checks that against decimal.js for any input.
 *
 * Measured (bench/RESULTS.md, issue 20): 24-bit words and 8-digit chunks instead of 16-bit words
 * and 7-digit chunks, and numbers scaled without `String(x)`.
 */
import { Decimal } from 'decimal.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from './constants.js';
import { DECIMAL_MAX_UNSCALED, TOO_MANY_INTEGER_DIGITS, readUnscaledDecimal, toUnscaledDecimal, writeUnscaledDecimal, type DecimalInput } from './decimal.js';

const WORD = 16_777_216; // 2^24
const INV_WORD = 1 / WORD; // a power of two: `t * INV_WORD` is exact
const WORD_COUNT = 6; // 144 bits: 10^38 and the carry past it
/** 10^0 … 10^12 (exact doubles); factors up to 10^8 < 2^28 go into one multiply. */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
const CHUNK_DIGITS = 8;
/**
 * Numbers with a fraction are scaled by 10^f only while `|x| × 10^f < 2^47`: then the nearest
 * integer to the product is exactly the f-digit decimal that reads back as x, the smallest such f
 * gives `String(x)`'s digits, and no shorter decimal can tie with it (see scaleNumber).
 */
const SCALE_LIMIT = 2 ** 47;
const SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_128 = 1n << 128n;
/** The top 32 bits of 10^38 − 1: values whose signed top word is within ±this (exclusive above) fit. */
const TOP_WORD_LIMIT = Number(DECIMAL_MAX_UNSCALED >> 96n);

/** The unscaled magnitude, 24 bits per word, least significant first; words at `used` and above are 0. */
const WORDS = new Float64Array(WORD_COUNT);
let used = 0;
/** 10^38 − 1 in the same words. */
const MAX_WORDS = Float64Array.from({ length: WORD_COUNT }, (_, i) => Number((DECIMAL_MAX_UNSCALED >> BigInt(24 * i)) & 0xffffffn));

/** WORDS = an integer below 2^53. */
function setWords(magnitude: number): void {
  used = 0;
  while (magnitude > 0) {
    const high = Math.floor(magnitude * INV_WORD);
    WORDS[used++] = magnitude - high * WORD;
    magnitude = high;
  }
}

/** WORDS = WORDS × factor + add (factor, add ≤ 2^28); false when it passes 2^144. */
function mulAdd(factor: number, add: number): boolean {
  let carry = add;
  let i = 0;
  for (; i < used; i++) {
    const t = WORDS[i]! * factor + carry;
    carry = Math.floor(t * INV_WORD);
    WORDS[i] = t - carry * WORD;
  }
  while (carry > 0) {
    if (i === WORD_COUNT) return false;
    const next = Math.floor(carry * INV_WORD);
    WORDS[i++] = carry - next * WORD;
    carry = next;
  }
  used = i;
  return true;
}

/** WORDS × 10^count; false when it passes 2^144. */
function pad(count: number): boolean {
  if (used === 0) return true;
  while (count > 0) {
    const step = count < CHUNK_DIGITS ? count : CHUNK_DIGITS;
    if (!mulAdd(POW10[step]!, 0)) return false;
    count -= step;
  }
  return true;
}

/** WORDS > 10^38 − 1? (Five words hold less than 2^120 < 10^38.) */
function aboveMax(): boolean {
  if (used < WORD_COUNT) return false;
  for (let i = WORD_COUNT - 1; i >= 0; i--) {
    if (WORDS[i] !== MAX_WORDS[i]) return WORDS[i]! > MAX_WORDS[i]!;
  }
  return false;
}

/** Write ±WORDS as 16 big-endian two's-complement bytes: word i at bytes 13−3i..15−3i, word 5's low byte at 0. */
function writeWords(target: Uint8Array, offset: number, negative: boolean): void {
  let borrow = negative ? 1 : 0;
  for (let i = 0; i < WORD_COUNT; i++) {
    let word = i < used ? WORDS[i]! : 0;
    if (negative) {
      word = WORD - 1 - word + borrow;
      if (word === WORD) word = 0;
      else borrow = 0;
    }
    if (i === WORD_COUNT - 1) {
      target[offset] = word & 0xff;
    } else {
      const at = offset + 13 - 3 * i;
      target[at] = word >>> 16;
      target[at + 1] = (word >>> 8) & 0xff;
      target[at + 2] = word & 0xff;
    }
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
  used = 0;
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
    if (++digits > DECIMAL_PRECISION) return 2;
    chunk = chunk * 10 + digit;
    if (++chunkDigits === CHUNK_DIGITS) {
      mulAdd(POW10[CHUNK_DIGITS]!, chunk); // 38 digits fit in 144 bits
      chunk = 0;
      chunkDigits = 0;
    }
  }
  if (!any) return 0;
  if (chunkDigits > 0) mulAdd(POW10[chunkDigits]!, chunk);
  pad(DECIMAL_SCALE - (fraction < 0 ? 0 : fraction > DECIMAL_SCALE ? DECIMAL_SCALE : fraction)); // ≤ 38 digits: fits
  if (roundUp) mulAdd(1, 1);
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
  used = 0;
  const sign = value.s < 0 ? -1 : 1;
  const head = limbs[0] as number;
  const k = head >= 1e6 ? 7 : head >= 1e5 ? 6 : head >= 1e4 ? 5 : head >= 1e3 ? 4 : head >= 100 ? 3 : head >= 10 ? 2 : 1;
  let power = exponent - k + 1 + DECIMAL_SCALE;
  let roundUp = false;
  for (let i = 0; i < limbs.length; i++, power -= 7) {
    const limb = limbs[i] as number;
    const width = i === 0 ? k : 7;
    if (power >= 0) {
      if (!mulAdd(POW10[width]!, limb)) return 2;
      if (i === limbs.length - 1 && !pad(power)) return 2;
      continue;
    }
    const dropped = -power;
    if (dropped < width) {
      const divisor = POW10[dropped]!;
      const kept = Math.floor(limb / divisor);
      if (!mulAdd(POW10[width - dropped]!, kept)) return 2;
      roundUp = limb - kept * divisor >= 5 * POW10[dropped - 1]!;
    } else {
      // The whole limb is past the scale: its leading digit (or a zero before it) decides.
      roundUp = dropped === width && limb >= 5 * POW10[width - 1]!;
    }
    break;
  }
  if (roundUp && !mulAdd(1, 1)) return 2;
  return sign;
}

/**
 * Accumulate a number. An integer below 2^53 is its own digits. A number with a fraction is
 * `round(|x| × 10^f) / 10^f` for the smallest f ≤ 12 that reads back as |x| — while
 * `|x| × 10^f < 2^47` the product's rounding error and x's own (half an ulp, ≤ 2^-6 after
 * scaling) stay below ½, so the nearest integer is exactly the f-digit decimal that rounds to x;
 * it is the only one (decimals 10^-f apart cannot both round to x), and no decimal with more
 * fraction digits can have as few significant digits — so it is `String(x)`, the digits
 * decimal.js reads. Other numbers go through `String(x)`. Returns the sign, 0 (exact path) or 2.
 */
function accumulateNumber(value: number): number {
  const sign = value < 0 ? -1 : 1;
  const magnitude = sign < 0 ? -value : value;
  if (Number.isInteger(magnitude) && magnitude <= Number.MAX_SAFE_INTEGER) {
    setWords(magnitude);
    pad(DECIMAL_SCALE); // < 2^53 × 10^12: fits
    return sign;
  }
  for (let f = 1; f <= DECIMAL_SCALE; f++) {
    const scaled = magnitude * POW10[f]!;
    if (!(scaled < SCALE_LIMIT)) break; // also NaN and Infinity
    const candidate = Math.round(scaled);
    if (candidate / POW10[f]! === magnitude) {
      setWords(candidate);
      pad(DECIMAL_SCALE - f);
      return sign;
    }
  }
  if (!Number.isFinite(value)) return 0;
  const text = String(value);
  return text.includes('e') ? accumulateExponential(text) : accumulateText(text);
}

/**
 * Accumulate `String(x)` of a number in exponential form (`-1.2345678901234568e+25`, `5e-324`):
 * at most 17 mantissa digits D and an exponent E, value = D × 10^(E − digits + 1); the unscaled
 * value keeps the digits down to 10^-12, HALF_UP on the first one dropped. Returns the sign, 2
 * when too large.
 */
function accumulateExponential(text: string): number {
  const sign = text.charCodeAt(0) === 45 /* - */ ? -1 : 1;
  const at = text.indexOf('e');
  const exponent = Number(text.slice(at + 1));
  if (exponent >= DECIMAL_PRECISION - DECIMAL_SCALE) return 2;
  // The first mantissa digit is at 10^E: the digits that land at or above 10^-12.
  const keep = exponent + DECIMAL_SCALE + 1;
  used = 0;
  if (keep < 0) return sign; // below 10^-13: rounds to 0
  let taken = 0;
  let roundUp = false;
  for (let i = sign < 0 ? 1 : 0; i < at; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) continue;
    if (taken === keep) {
      roundUp = code - 48 >= 5;
      break;
    }
    mulAdd(10, code - 48);
    taken++;
  }
  pad(keep - taken); // the exponent is below 26: fits
  if (roundUp) mulAdd(1, 1);
  return sign;
}

/**
 * Write `value` as DECIMAL(38, 12) — 16 big-endian bytes at `offset` — from its digits when it
 * is a plain numeric string, a number, a bigint or a Decimal; returns null, or the reason it
 * cannot be a DECIMAL (nothing written). Same results as {@link toUnscaledDecimal} (HALF_UP at
 * 12 places, 26 integer digits at most).
 */
export function writeDecimal(target: Uint8Array, offset: number, value: DecimalInput): string | null {
  let sign = 0;
  switch (typeof value) {
    case 'string':
      if (value.length <= 80) sign = accumulateText(value);
      break;
    case 'number':
      sign = accumulateNumber(value);
      break;
    case 'bigint':
      if (value <= SAFE_BIGINT && value >= -SAFE_BIGINT) sign = accumulateNumber(Number(value));
      break;
    default:
      if (value instanceof Decimal || Decimal.isDecimal(value)) sign = accumulateLimbs(value);
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
    // The top word alone settles all but the values within 2^96 of the limit (no bigint per value).
    const top = words[at + 3]! | 0;
    if (top >= -TOP_WORD_LIMIT && top < TOP_WORD_LIMIT) return null;
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
