/**
 * A small seeded pseudo-random generator for the load workloads.
 *
 * Load tests must be repeatable: the same `--seed` gives the same sequence of calls, so two
 * runs differ only by the system under test. `Math.random()` cannot be seeded, hence this.
 * The generator is sfc32 (Chris Doty-Humphrey's "small fast chaotic" design, public domain):
 * four 32-bit words of state, no allocation per draw, a period of at least 2^32 and good
 * statistical quality for workload generation (it is not for cryptography).
 */
export class SeededRandom {
  /**
   * The four state words a, b, c, d. In a typed array a uint32 is stored as it is; in object
   * fields, words above 2^30 were boxed numbers and every draw allocated (5× slower, measured:
   * bench/RESULTS.md, issue 15).
   */
  private readonly state = new Uint32Array(4);

  constructor(seed: number) {
    // Spread one integer seed over the 128-bit state with splitmix32 steps, then discard the
    // first outputs so that nearby seeds (1, 2, 3…) do not start with correlated draws.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.state[i] = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const state = this.state;
    const b = state[1]!;
    const c = state[2]!;
    const d = state[3]!;
    const t = (((state[0]! + b) >>> 0) + d) >>> 0;
    state[3] = d + 1;
    state[0] = b ^ (b >>> 9);
    state[1] = c + (c << 3);
    state[2] = ((c << 21) | (c >>> 11)) + t;
    return t;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [0, bound) for 0 < bound ≤ 2^32 (multiply-shift; the bias is below 2^-32 · bound). */
  int(bound: number): number {
    return Math.floor(this.float() * bound);
  }

  /** True with probability one half. */
  bool(): boolean {
    return (this.uint32() & 1) === 1;
  }

  /** Fill `bytes` with values in [0, range) — range 256 gives uniformly random bytes. */
  fill(bytes: Uint8Array, range = 256): Uint8Array {
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(range);
    return bytes;
  }
}
