/**
 * A small seeded generator (xorshift32) so every generated dataset is the same bytes on every
 * run and machine: the figures compare like with like.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    // xorshift has one fixed point, 0: keep the state away from it.
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A uint32. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * bound);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  /** `length` deterministic bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const word = this.next();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (j * 8)) & 0xff;
    }
    return out;
  }

  /** A digit string of `length` digits (no leading zero unless length is 1). */
  digits(length: number): string {
    let text = String(1 + this.below(9));
    for (let i = 1; i < length; i++) text += String(this.below(10));
    return length === 1 ? String(this.below(10)) : text;
  }
}
