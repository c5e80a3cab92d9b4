/**
 * MurmurHash3 x64 128 (seed 0) as VoltDB's elastic hashinator reduces it: the upper 32 bits of
 * the first 64-bit half, as a signed int32 (PROTOCOL.md 8.5). Reference values are in the tests.
 *
 * The 64-bit arithmetic runs on pairs of uint32 halves (`hi`, `lo`) instead of `bigint`:
 * bigint multiplication allocates, and the client hashes once per routed call.
 * Pure: no sockets, timers or promises.
 */

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
