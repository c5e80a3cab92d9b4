/**
 * VoltDB's elastic hashinator (PROTOCOL.md 8.5): which partition owns a partition-column value.
 *
 * value → bytes (integers as 8 bytes little-endian, strings as UTF-8, varbinary raw)
 *       → MurmurHash3 x64 128 (seed 0), upper 32 bits of the first half as a signed int32
 *       → the partition owning the largest ring token ≤ hash.
 *
 * The hash is computed here (MurmurHash3 on pairs of uint32 halves, below); the bytes of a
 * non-integer value come from hashinator-bytes.ts.
 *
 * The ring travels in `@Statistics('TOPO', 0)` as `HASHCONFIG` (PROTOCOL.md 8.2):
 *   i32 n, then n × (i32 token, i32 partitionId), tokens ascending, big-endian.
 * Pure: no sockets, timers or promises.
 */
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import { NULL_VALUE } from './constants.js';
import { INTEGER_NULL, INTEGER_TYPES, hashinatorBytes } from './hashinator-bytes.js';

// ---------------------------------------------------------------------------------------------
// Value → hash

/** {@link INTEGER_NULL} as numbers (the BIGINT one is not a safe integer, so no safe key equals it). */
const INTEGER_NULL_NUMBER: Readonly<Record<number, number>> = Object.fromEntries(Object.entries(INTEGER_NULL).map(([type, value]) => [type, Number(value)]));
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const scratch8 = new Uint8Array(8);
const scratchView = new DataView(scratch8.buffer);

/** The int32 hash of a partition value (NULL has no hash: `null`). */
export function hashValue(value: unknown, type: number): number | null {
  // Fast path for the common integer key: no bigint and no Uint8Array per call.
  // A bigint below 2^53 converts exactly (and one above converts to an unsafe number): the same
  // path as a number, no BigInt comparison.
  const safe = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : NaN;
  if (Number.isSafeInteger(safe) && INTEGER_TYPES.has(type)) {
    if (safe === INTEGER_NULL_NUMBER[type]) return null;
    const high = Math.floor(safe / 4294967296);
    return murmur3Int64(high, safe - high * 4294967296);
  }
  if (typeof value === 'bigint' && INTEGER_TYPES.has(type) && value >= INT64_MIN && value <= INT64_MAX) {
    if (value === INTEGER_NULL[type] || value === NULL_VALUE.BIGINT) return null;
    scratchView.setBigInt64(0, value, true);
    return murmur3Hash32(scratch8);
  }
  const bytes = hashinatorBytes(value, type);
  return bytes === null ? null : murmur3Hash32(bytes);
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
const C1H = 0x87c37b91;
const C1L = 0x114253d5;
const C2H = 0x4cf5ad43;
const C2L = 0x2745937f;

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

/**
 * {@link murmur3Hash32} of the 8 little-endian bytes of the 64-bit integer `high:low` (an
 * integer partition key), without going through bytes: with no 16-byte block, the whole input
 * is the first tail word k1.
 */
export function murmur3Int64(high: number, low: number): number {
  mul64(high >>> 0, low >>> 0, C1H, C1L);
  rotl64(W[0], W[1], 31);
  mul64(W[0], W[1], C2H, C2L);
  // h1 = k1 ^ len, h2 = 0 ^ len (len = 8); then h1 += h2; h2 += h1; fmix both; h1 += h2.
  const h1h = W[0];
  const h1l = (W[1] ^ 8) >>> 0;
  add64(h1h, h1l, 0, 8);
  const a1h = W[0];
  const a1l = W[1];
  add64(0, 8, a1h, a1l);
  const a2h = W[0];
  const a2l = W[1];
  fmix64(a1h, a1l);
  const f1h = W[0];
  const f1l = W[1];
  fmix64(a2h, a2l);
  add64(f1h, f1l, W[0], W[1]);
  return W[0] | 0;
}

// ---------------------------------------------------------------------------------------------
// The ring

/** Tokens VoltDB puts on a new ring (`ElasticHashinator` default, as in the real 8-partition capture). */
export const DEFAULT_TOKEN_COUNT = 16384;

/** An elastic token ring: sorted int32 tokens, each owned by a partition. Immutable. */
export class Hashinator {
  /** Ascending ring tokens. */
  readonly tokens: Int32Array;
  /** `owners[i]` is the partition owning `tokens[i]` up to the next token. */
  readonly owners: Int32Array;
  /** Distinct partition ids on the ring, ascending. */
  readonly partitionIds: readonly number[];

  private constructor(tokens: Int32Array, owners: Int32Array) {
    this.tokens = tokens;
    this.owners = owners;
    this.partitionIds = [...new Set(owners)].sort((a, b) => a - b);
  }

  /** Number of distinct partitions on the ring. */
  get partitionCount(): number {
    return this.partitionIds.length;
  }

  /**
   * Parse a binary `HASHCONFIG` (`@Statistics('TOPO', 0)`, table 1): `i32 n`, then `n ×
   * (i32 token, i32 partition)`, big-endian, tokens strictly ascending. {@link ProtocolError}
   * when the bytes do not follow that layout.
   */
  static fromConfig(config: Uint8Array): Hashinator {
    if (config.length < 4) throw new ProtocolError(`hash config of ${config.length} bytes has no token count`, { offset: 0 });
    const view = new DataView(config.buffer, config.byteOffset, config.byteLength);
    const count = view.getInt32(0);
    if (count <= 0) throw new ProtocolError(`hash config token count ${count} is not positive`, { offset: 0 });
    if (config.length !== 4 + count * 8) {
      throw new ProtocolError(`hash config of ${config.length} bytes does not hold ${count} tokens (needs ${4 + count * 8})`, {
        offset: 0,
      });
    }
    const tokens = new Int32Array(count);
    const owners = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const at = 4 + i * 8;
      tokens[i] = view.getInt32(at);
      owners[i] = view.getInt32(at + 4);
      if (owners[i]! < 0) throw new ProtocolError(`hash config partition ${owners[i]} is negative`, { offset: at + 4 });
      if (i > 0 && tokens[i]! <= tokens[i - 1]!) {
        throw new ProtocolError(`hash config tokens are not ascending: ${tokens[i]} after ${tokens[i - 1]}`, { offset: at });
      }
    }
    return new Hashinator(tokens, owners);
  }

  /**
   * The ring a fresh VoltDB cluster starts with for `partitions` partitions: `tokens` evenly
   * spaced tokens from −2^31 (step ⌊(2^31−1) / (tokens/2)⌋), all owned by partition 0, then
   * partitions 1, 2, … added one at a time; each new partition takes ⌊tokens/n⌋ tokens, one at a
   * time, always the lowest token of the partition that currently holds the most (ties go to
   * the highest partition id). This reproduces the real 11.4 server's 8-partition ring exactly
   * (checked against `fixtures/real/stats_topo`), so keys land where a real cluster puts them.
   */
  static uniform(partitions: number, tokens = DEFAULT_TOKEN_COUNT): Hashinator {
    if (!Number.isInteger(partitions) || partitions < 1) throw new InvalidArgumentError(`partitions must be a positive integer, got ${partitions}`);
    if (!Number.isInteger(tokens) || tokens <= partitions || tokens % 2 !== 0) {
      throw new InvalidArgumentError(`tokens must be an even integer above the partition count, got ${tokens}`);
    }
    const interval = Math.floor(0x7fffffff / (tokens / 2));
    // Each partition's tokens as an ascending queue of token indexes; `heads[p]` is the next to give away.
    const lists: Int32Array[] = [Int32Array.from({ length: tokens }, (_, i) => i)];
    const heads: number[] = [0];
    const counts: number[] = [tokens];
    for (let n = 2; n <= partitions; n++) {
      const target = Math.floor(tokens / n);
      const taken = new Int32Array(target);
      for (let k = 0; k < target; k++) {
        let donor = 0;
        for (let p = 1; p < n - 1; p++) if (counts[p]! >= counts[donor]!) donor = p;
        taken[k] = lists[donor]![heads[donor]!]!;
        heads[donor]!++;
        counts[donor]!--;
      }
      taken.sort();
      lists.push(taken);
      heads.push(0);
      counts.push(target);
    }
    const owners = new Int32Array(tokens);
    lists.forEach((list, partition) => {
      for (let i = heads[partition]!; i < list.length; i++) owners[list[i]!] = partition;
    });
    const ring = new Int32Array(tokens);
    for (let i = 0; i < tokens; i++) ring[i] = -0x80000000 + i * interval;
    return new Hashinator(ring, owners);
  }

  /** The binary `HASHCONFIG` of this ring (the inverse of {@link fromConfig}). */
  toConfig(): Buffer {
    const out = Buffer.allocUnsafe(4 + this.tokens.length * 8);
    out.writeInt32BE(this.tokens.length, 0);
    for (let i = 0; i < this.tokens.length; i++) {
      out.writeInt32BE(this.tokens[i]!, 4 + i * 8);
      out.writeInt32BE(this.owners[i]!, 8 + i * 8);
    }
    return out;
  }

  /** The partition owning hash value `hash`: the largest token ≤ hash (wrapping to the last token below the first). */
  partitionForHash(hash: number): number {
    const tokens = this.tokens;
    let low = 0;
    let high = tokens.length - 1;
    if (hash < tokens[0]!) return this.owners[high]!;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (tokens[mid]! <= hash) low = mid;
      else high = mid - 1;
    }
    return this.owners[low]!;
  }

  /**
   * The partition of a partition-column value of VoltDB type `type` (TINYINT…BIGINT, STRING,
   * VARBINARY). SQL NULL goes to partition 0, as on the server.
   */
  partitionFor(value: unknown, type: number): number {
    const hash = hashValue(value, type);
    return hash === null ? 0 : this.partitionForHash(hash);
  }
}
