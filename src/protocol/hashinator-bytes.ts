/**
 * The bytes VoltDB's hashinator hashes for a partition value (PROTOCOL.md 8.5) — integers of any
 * width as the same 8 little-endian bytes, STRING as UTF-8, VARBINARY raw — and their hash,
 * MurmurHash3 over bytes ({@link murmur3Hash32}). The hashinator's integer keys skip the bytes
 * (hashinator.ts hashes the 64-bit value directly); strings, byte arrays and the bulk loader's
 * `@LoadSinglepartitionTable` key (sent as these bytes) come here.
 * Pure: no sockets, timers or promises.
 */
import { Buffer } from 'node:buffer';
import { ParameterError } from '../errors.js';
import { NULL_VALUE, VOLT_TYPE } from './constants.js';

/** The integer column types: all hash as the same 8 little-endian bytes. */
export const INTEGER_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT]);
/** Each integer type's NULL sentinel (SQL NULL has no hash: it goes to partition 0). */
export const INTEGER_NULL: Readonly<Record<number, bigint>> = {
  [VOLT_TYPE.TINYINT]: BigInt(NULL_VALUE.TINYINT),
  [VOLT_TYPE.SMALLINT]: BigInt(NULL_VALUE.SMALLINT),
  [VOLT_TYPE.INTEGER]: BigInt(NULL_VALUE.INTEGER),
  [VOLT_TYPE.BIGINT]: NULL_VALUE.BIGINT,
};
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const encoder = new TextEncoder();

function integerKey(value: unknown, type: number): bigint | null {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) n = BigInt(value.trim());
  else throw new ParameterError(`partition value ${describe(value)} is not an integer`, { type: typeNameOf(type) });
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new ParameterError(`partition value ${n} does not fit BIGINT`, { type: typeNameOf(type) });
  }
  return n === INTEGER_NULL[type] || n === NULL_VALUE.BIGINT ? null : n;
}

function hexToBytes(text: string): Uint8Array | null {
  const hex = /^[xX]'([0-9a-fA-F]*)'$/.exec(text)?.[1] ?? text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * The bytes VoltDB hashes for a partition value of column type `type`, or `null` for SQL NULL
 * (which goes to partition 0 without hashing). Integers of any width hash as the same 8
 * little-endian bytes; a numeric string is parsed for an integer column (as the Java client
 * does); STRING hashes UTF-8; VARBINARY hashes raw bytes (a hex string is accepted).
 * Throws {@link ParameterError} for a value that cannot be a partition key of that type.
 */
export function hashinatorBytes(value: unknown, type: number): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (INTEGER_TYPES.has(type)) {
    const n = integerKey(value, type);
    if (n === null) return null;
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, n, true);
    return out;
  }
  if (type === VOLT_TYPE.STRING) {
    if (typeof value === 'string') return encoder.encode(value);
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'number' || typeof value === 'bigint') return encoder.encode(String(value));
    throw new ParameterError(`partition value ${describe(value)} is not a string`, { type: 'STRING' });
  }
  if (type === VOLT_TYPE.VARBINARY) {
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'string') {
      const bytes = hexToBytes(value);
      if (bytes !== null) return bytes;
    }
    throw new ParameterError(`partition value ${describe(value)} is not a byte array or hex string`, { type: 'VARBINARY' });
  }
  throw new ParameterError(`type ${typeNameOf(type)} cannot be a partition column (integer, STRING or VARBINARY only)`, {
    type: typeNameOf(type),
  });
}

function typeNameOf(type: number): string {
  for (const [name, code] of Object.entries(VOLT_TYPE)) if (code === type) return name;
  return `type ${type}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// MurmurHash3 x64 128 (seed 0) as VoltDB's elastic hashinator reduces it: the upper 32 bits of
// the first 64-bit half, as a signed int32. The 64-bit arithmetic runs on pairs of uint32 halves
// (`hi`, `lo`) instead of `bigint`: bigint multiplication allocates, and the client hashes once
// per routed call.

// ---------------------------------------------------------------------------------------------
// 64-bit helpers over (hi, lo) uint32 halves. Results land in the two slots of `W` (high, low)
// so the hot loop allocates nothing: a typed-array slot holds any uint32 as it is, whereas a
// module-level `let` holding a value above 2^30 is a boxed heap number, allocated on every
// write (measured, Node 20: the integer-key hash went from ~1.3 µs to ~0.1 µs).

const W = new Uint32Array(2);

/** (ah:al) × (bh:bl) mod 2^64 → W[0]:W[1]. The low 32×32 product is built from 16-bit limbs. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  W[1] = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const high = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  W[0] = (high + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** Rotate (h:l) left by r (0 < r < 64) → W[0]:W[1]. */
function rotl64(h: number, l: number, r: number): void {
  if (r >= 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  if (r === 0) {
    W[0] = h >>> 0;
    W[1] = l >>> 0;
    return;
  }
  W[0] = ((h << r) | (l >>> (32 - r))) >>> 0;
  W[1] = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64 → W[0]:W[1]. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  const low = al + bl;
  W[1] = low >>> 0;
  W[0] = (ah + bh + (low > 0xffffffff ? 1 : 0)) >>> 0;
}

// c1 = 0x87c37b91114253d5, c2 = 0x4cf5ad432745937f
export const C1H = 0x87c37b91;
export const C1L = 0x114253d5;
export const C2H = 0x4cf5ad43;
export const C2L = 0x2745937f;

/** fmix64: k ^= k >>> 33; k *= 0xff51afd7ed558ccd; k ^= k >>> 33; k *= 0xc4ceb9fe1a85ec53; k ^= k >>> 33. */
function fmix64(h: number, l: number): void {
  l = (l ^ (h >>> 1)) >>> 0; // a 33-bit shift moves only the high word, by one, into the low word
  mul64(h, l, 0xff51afd7, 0xed558ccd);
  h = W[0];
  l = (W[1] ^ (W[0] >>> 1)) >>> 0;
  mul64(h, l, 0xc4ceb9fe, 0x1a85ec53);
  W[1] = (W[1] ^ (W[0] >>> 1)) >>> 0;
}

function readWordLE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * MurmurHash3 x64 128 with seed 0 over `bytes`, reduced as VoltDB does: the upper 32 bits of
 * the first 64-bit half, as a signed int32 (PROTOCOL.md 8.5; reference values are in the tests).
 */
export function murmur3Hash32(bytes: Uint8Array): number {
  const length = bytes.length;
  const blocks = length >>> 4;
  let h1h = 0;
  let h1l = 0;
  let h2h = 0;
  let h2l = 0;
  for (let i = 0; i < blocks; i++) {
    const at = i << 4;
    // k1 = block word 0 (little-endian), k2 = block word 1
    mul64(readWordLE(bytes, at + 4), readWordLE(bytes, at), C1H, C1L);
    rotl64(W[0], W[1], 31);
    mul64(W[0], W[1], C2H, C2L);
    h1h = (h1h ^ W[0]) >>> 0;
    h1l = (h1l ^ W[1]) >>> 0;
    rotl64(h1h, h1l, 27);
    add64(W[0], W[1], h2h, h2l);
    mul64(W[0], W[1], 0, 5);
    add64(W[0], W[1], 0, 0x52dce729);
    h1h = W[0];
    h1l = W[1];

    mul64(readWordLE(bytes, at + 12), readWordLE(bytes, at + 8), C2H, C2L);
    rotl64(W[0], W[1], 33);
    mul64(W[0], W[1], C1H, C1L);
    h2h = (h2h ^ W[0]) >>> 0;
    h2l = (h2l ^ W[1]) >>> 0;
    rotl64(h2h, h2l, 31);
    add64(W[0], W[1], h1h, h1l);
    mul64(W[0], W[1], 0, 5);
    add64(W[0], W[1], 0, 0x38495ab5);
    h2h = W[0];
    h2l = W[1];
  }

  // Tail: bytes 8..14 feed k2, bytes 0..7 feed k1, each little-endian, unsigned.
  const tail = blocks << 4;
  const rest = length & 15;
  if (rest > 8) {
    let kh = 0;
    let kl = 0;
    for (let i = rest - 1; i >= 8; i--) {
      const shift = (i - 8) * 8;
      if (shift >= 32) kh |= bytes[tail + i]! << (shift - 32);
      else kl |= bytes[tail + i]! << shift;
    }
    mul64(kh >>> 0, kl >>> 0, C2H, C2L);
    rotl64(W[0], W[1], 33);
    mul64(W[0], W[1], C1H, C1L);
    h2h = (h2h ^ W[0]) >>> 0;
    h2l = (h2l ^ W[1]) >>> 0;
  }
  if (rest > 0) {
    let kh = 0;
    let kl = 0;
    for (let i = Math.min(rest, 8) - 1; i >= 0; i--) {
      const shift = i * 8;
      if (shift >= 32) kh |= bytes[tail + i]! << (shift - 32);
      else kl |= bytes[tail + i]! << shift;
    }
    mul64(kh >>> 0, kl >>> 0, C1H, C1L);
    rotl64(W[0], W[1], 31);
    mul64(W[0], W[1], C2H, C2L);
    h1h = (h1h ^ W[0]) >>> 0;
    h1l = (h1l ^ W[1]) >>> 0;
  }

  // Finalise: h ^= len (len < 2^32 here); h1 += h2; h2 += h1; fmix both; h1 += h2.
  h1l = (h1l ^ length) >>> 0;
  h2l = (h2l ^ length) >>> 0;
  add64(h1h, h1l, h2h, h2l);
  h1h = W[0];
  h1l = W[1];
  add64(h2h, h2l, h1h, h1l);
  h2h = W[0];
  h2l = W[1];
  fmix64(h1h, h1l);
  h1h = W[0];
  h1l = W[1];
  fmix64(h2h, h2l);
  add64(h1h, h1l, W[0], W[1]);
  return W[0] | 0;
}
