/**
 * VoltDB's elastic hashinator (PROTOCOL.md 8.5): which partition owns a partition-column value.
 *
 * value → bytes (integers as 8 bytes little-endian, strings as UTF-8, varbinary raw)
 *       → MurmurHash3 x64 128 (seed 0), upper 32 bits of the first half as a signed int32
 *       → the partition owning the largest ring token ≤ hash.
 *
 * An integer key — the routed call's usual case — is hashed here, straight from its value; any
 * other key's bytes and their hash come from hashinator-bytes.ts.
 *
 * The ring travels in `@Statistics('TOPO', 0)` as `HASHCONFIG` (PROTOCOL.md 8.2):
 *   i32 n, then n × (i32 token, i32 partitionId), tokens ascending, big-endian.
 * Pure: no sockets, timers or promises.
 */
import { Buffer } from 'node:buffer';
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import { NULL_VALUE } from './constants.js';
import { C1H, C1L, C2H, C2L, INTEGER_NULL, INTEGER_TYPES, hashinatorBytes, murmur3Hash32 } from './hashinator-bytes.js';

// ---------------------------------------------------------------------------------------------
// Value → hash

/**
 * {@link INTEGER_NULL} as numbers, indexed by type code (the BIGINT one is not a safe integer, so
 * no safe key equals it); `undefined` for a type that is not an integer. One array read answers
 * both questions of the hot path, where a Set and a keyed object took two lookups.
 */
const INTEGER_NULL_NUMBER: readonly (number | undefined)[] = Array.from({ length: 256 }, (_, type) => (INTEGER_TYPES.has(type) ? Number(INTEGER_NULL[type]) : undefined));
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
  const nullNumber = INTEGER_NULL_NUMBER[type & 0xff];
  if (nullNumber !== undefined && Number.isSafeInteger(safe)) {
    if (safe === nullNumber) return null;
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
// MurmurHash3 of an integer key (the bytes of any other key are hashed in hashinator-bytes.ts)

/**
 * {@link murmur3Hash32} of the 8 little-endian bytes of the 64-bit integer `high:low` (an
 * integer partition key), without going through bytes: with no 16-byte block, the whole input
 * is the first tail word k1.
 *
 * This is the routed call's hash, so it is written out in local variables rather than through
 * the helpers above: V8 does not inline all six multiplications, and each uint32 above 2^30
 * passed to a call that is not inlined is boxed as a heap number (3× slower, measured:
 * bench/RESULTS.md, issue 15). Each block `(h:l) = (ah:al) × (bh:bl)` is the same sum as `mul64` in hashinator-bytes.ts.
 */
export function murmur3Int64(high: number, low: number): number {
  let ah = high >>> 0;
  let al = low >>> 0;
  let h = 0;
  let l = 0;
  // k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2.
  for (let step = 0; step < 2; step++) {
    const bh = step === 0 ? C1H : C2H;
    const bl = step === 0 ? C1L : C2L;
    const a0 = al & 0xffff;
    const a1 = al >>> 16;
    const p00 = a0 * (bl & 0xffff);
    const p01 = a0 * (bl >>> 16);
    const p10 = a1 * (bl & 0xffff);
    const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    l = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
    h = (a1 * (bl >>> 16) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
    if (step === 0) {
      ah = ((h << 31) | (l >>> 1)) >>> 0;
      al = ((l << 31) | (h >>> 1)) >>> 0;
    }
  }
  // h1 = k1 ^ len, h2 = len (8); h1 += h2; h2 += h1; fmix64 both; h1 += h2.
  l = (l ^ 8) >>> 0;
  const x1l = (l + 8) >>> 0;
  const x1h = (h + (l + 8 > 0xffffffff ? 1 : 0)) >>> 0;
  const x2l = (x1l + 8) >>> 0;
  const x2h = (x1h + (x1l + 8 > 0xffffffff ? 1 : 0)) >>> 0;
  let f1h = 0;
  let f1l = 0;
  for (let half = 0; half < 2; half++) {
    h = half === 0 ? x1h : x2h;
    l = half === 0 ? x1l : x2l;
    // fmix64: k ^= k >>> 33, then twice: k *= constant; k ^= k >>> 33.
    for (let step = 0; step < 2; step++) {
      const bh = step === 0 ? 0xff51afd7 : 0xc4ceb9fe;
      const bl = step === 0 ? 0xed558ccd : 0x1a85ec53;
      ah = h;
      al = (l ^ (h >>> 1)) >>> 0;
      const a0 = al & 0xffff;
      const a1 = al >>> 16;
      const p00 = a0 * (bl & 0xffff);
      const p01 = a0 * (bl >>> 16);
      const p10 = a1 * (bl & 0xffff);
      const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      l = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
      h = (a1 * (bl >>> 16) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
    }
    l = (l ^ (h >>> 1)) >>> 0;
    if (half === 0) {
      f1h = h;
      f1l = l;
    }
  }
  return (f1h + h + (f1l + l > 0xffffffff ? 1 : 0)) | 0;
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
  /** Token index per bucket of hash values (see {@link indexBuckets}); built at the first lookup. */
  private bucketStarts: Int32Array | null = null;
  private bucketShift = 32;

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

  /**
   * The partition owning hash value `hash`: the largest token ≤ hash (wrapping to the last token
   * below the first). A routed call asks this once, so it is a table lookup rather than a binary
   * search over the ring (16,384 tokens: 14 hard-to-predict steps): the hash's top bits index
   * {@link bucketStarts}, and at most a token or two are stepped over from there.
   */
  partitionForHash(hash: number): number {
    const starts = this.bucketStarts ?? this.indexBuckets();
    const tokens = this.tokens;
    const last = tokens.length - 1;
    let at = starts[(hash - -0x80000000) >>> this.bucketShift]!;
    while (at < last && tokens[at + 1]! <= hash) at++;
    return this.owners[at < 0 ? last : at]!;
  }

  /**
   * For each bucket of hash values (the ring's int32 range cut into 2^k equal buckets, about two
   * per token), the index of the largest token ≤ the bucket's first value, or −1 when that is
   * below the first token. Built at the first lookup: the server, which routes by the same ring,
   * may never need it.
   */
  private indexBuckets(): Int32Array {
    const tokens = this.tokens;
    const bits = Math.min(16, Math.max(1, Math.ceil(Math.log2(tokens.length)) + 1));
    const starts = new Int32Array(1 << bits);
    const shift = 32 - bits;
    let at = -1;
    for (let bucket = 0; bucket < starts.length; bucket++) {
      const first = bucket * 2 ** shift - 0x80000000;
      while (at + 1 < tokens.length && tokens[at + 1]! <= first) at++;
      starts[bucket] = at;
    }
    this.bucketShift = shift;
    this.bucketStarts = starts;
    return starts;
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
