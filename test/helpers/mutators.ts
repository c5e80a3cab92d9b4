/**
 * Byte mutators for the fuzzer (`scripts/fuzz.ts`) and the fuzz property tests.
 *
 * A mutation is plain data ({@link Mutation}) applied by {@link applyMutation}, so fast-check
 * can generate (and shrink) the same operations the seeded fuzzer draws with {@link Random}.
 * Positions are taken modulo the input length when applied, so an operation list is valid for
 * any input. Everything here is deterministic for a given seed: an input is fully described by
 * `(seed, target, index)` and can be regenerated to print or replay it.
 */

/** splitmix32 finaliser: a good 32-bit mix of one word. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash of a list of numbers and strings (for per-input seeds). */
export function hash32(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) h = mix32(h ^ part.charCodeAt(i));
    } else {
      // Numbers above 2^32 (large indexes) contribute both halves.
      h = mix32(h ^ (part >>> 0));
      h = mix32(h ^ Math.floor(part / 0x100000000));
    }
  }
  return h;
}

/** sfc32: small, fast, and good enough for fuzzing; seeded through splitmix32. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix32(seed);
    this.b = mix32(this.a ^ 0x5bd1e995);
    this.c = mix32(this.b ^ 0x27d4eb2f);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The generator of input `index` of `target` in a run seeded with `seed`. */
  static forInput(seed: number, target: string, index: number): Random {
    return new Random(hash32(seed, target, index));
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 0x100000000;
  }

  /** An integer in [0, n) (n ≥ 1, up to 2^53). */
  int(n: number): number {
    if (n <= 0x100000000) return Math.floor(this.float() * n);
    return Math.floor((this.u32() * 0x100000000 + this.u32()) / 2 ** 64 * n);
  }

  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A size biased towards small values: mostly ≤ 16, sometimes up to `max`. */
  smallSize(max: number): number {
    const r = this.float();
    if (r < 0.6) return this.int(Math.min(17, max + 1));
    if (r < 0.9) return this.int(Math.min(257, max + 1));
    return this.int(max + 1);
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** A signed 64-bit bigint. */
  int64(): bigint {
    return BigInt.asIntN(64, (BigInt(this.u32()) << 32n) | BigInt(this.u32()));
  }
}

/** One edit of a byte string. Positions are reduced modulo the length when applied. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'i32'; at: number; value: number }
  | { kind: 'i16'; at: number; value: number }
  | { kind: 'copy'; from: number; to: number; count: number }
  | { kind: 'fixPrefix' };

/**
 * The values a length or count field is set to: the extremes, and values next to what would
 * be right (filled in by the caller from the field's current value and the bytes left).
 */
export const EXTREME_I32: readonly number[] = [0, -1, 1, -2, 0x7fffffff, -0x80000000, 0x7ffffffe, 0x3fffffff, 0xffff, 0x10000, 0x7fff, 0x8000];
export const EXTREME_I16: readonly number[] = [0, -1, 1, 0x7fff, -0x8000, 0x7ffe, 0xff, 0x100];

/** Apply one mutation; returns a new buffer (the input is never modified). */
export function applyMutation(input: Uint8Array, m: Mutation): Buffer {
  const n = input.length;
  const out = Buffer.from(input);
  switch (m.kind) {
    case 'flip':
      if (n > 0) out[m.at % n]! ^= 1 << (m.bit & 7);
      return out;
    case 'set':
      if (n > 0) out[m.at % n] = m.value & 0xff;
      return out;
    case 'truncate':
      return out.subarray(0, m.length % (n + 1));
    case 'insert': {
      const at = m.at % (n + 1);
      return Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
    }
    case 'delete': {
      if (n === 0) return out;
      const at = m.at % n;
      return Buffer.concat([out.subarray(0, at), out.subarray(Math.min(n, at + m.count))]);
    }
    case 'i32':
      if (n >= 4) out.writeInt32BE(m.value | 0, m.at % (n - 3));
      return out;
    case 'i16':
      if (n >= 2) out.writeInt16BE((m.value << 16) >> 16, m.at % (n - 1));
      return out;
    case 'copy': {
      if (n === 0) return out;
      const from = m.from % n;
      const count = Math.min(m.count, n - from);
      const to = m.to % (n + 1);
      return Buffer.concat([out.subarray(0, to), Buffer.from(input.subarray(from, from + count)), out.subarray(to)]);
    }
    case 'fixPrefix':
      if (n >= 4) out.writeInt32BE(n - 4, 0);
      return out;
  }
}

/** Apply mutations in order. */
export function applyMutations(input: Uint8Array, mutations: readonly Mutation[]): Buffer {
  let out: Buffer = Buffer.from(input);
  for (const m of mutations) out = applyMutation(out, m);
  return out;
}

/**
 * Offsets where an i32 could be a length or count: its value is −1 or fits the bytes after it.
 * A cheap, structure-blind way to aim "length set to an extreme" at real length fields.
 */
export function plausibleLengthFields(bytes: Uint8Array, limit = 256): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: number[] = [];
  for (let at = 0; at + 4 <= bytes.length && found.length < limit; at++) {
    const value = view.getInt32(at);
    if (value === -1 || (value >= 0 && value <= bytes.length - at - 4)) found.push(at);
  }
  return found;
}

/**
 * A random mutation of `input`. `fields` are known length/count offsets (i32 unless listed
 * in `shortFields`); when given, a third of the length edits aim at them.
 */
export function randomMutation(rng: Random, input: Uint8Array, fields: readonly number[] = [], shortFields: readonly number[] = []): Mutation {
  const n = Math.max(1, input.length);
  const at = rng.int(n);
  switch (rng.int(11)) {
    case 0:
    case 1:
      return { kind: 'flip', at, bit: rng.int(8) };
    case 2:
      return { kind: 'set', at, value: rng.pick([0, 0xff, 0x7f, 0x80, 1, rng.int(256)]) };
    case 3:
      return { kind: 'truncate', length: rng.chance(0.5) ? rng.int(n + 1) : Math.max(0, n - 1 - rng.int(8)) };
    case 4:
      return { kind: 'insert', at, bytes: rng.chance(0.5) ? rng.bytes(rng.smallSize(64)) : Buffer.alloc(rng.range(1, 16), rng.pick([0, 0xff])) };
    case 5:
      return { kind: 'delete', at, count: rng.smallSize(64) || 1 };
    case 6:
      return { kind: 'copy', from: rng.int(n), to: rng.int(n + 1), count: rng.smallSize(256) || 1 };
    case 7:
      if (shortFields.length > 0 && rng.chance(0.5)) return { kind: 'i16', at: rng.pick(shortFields), value: rng.pick(EXTREME_I16) };
      return { kind: 'i16', at, value: rng.pick(EXTREME_I16) };
    default: {
      // Length fields to extremes, or off by a little from their current value.
      const field = fields.length > 0 && rng.chance(0.75) ? rng.pick(fields) : at;
      const current = field + 4 <= input.length ? new DataView(input.buffer, input.byteOffset, input.byteLength).getInt32(field) : 0;
      const left = input.length - field - 4;
      const value = rng.chance(0.5) ? rng.pick(EXTREME_I32) : rng.pick([current, left, input.length - 4, current]) + rng.range(-8, 8);
      return { kind: 'i32', at: field, value };
    }
  }
}

/**
 * 1..`max` random mutations of `input`; then, most of the time, the frame's length prefix is
 * made right again so that the damage reaches the decoders behind the framing check.
 */
export function mutate(rng: Random, input: Uint8Array, options: { fields?: readonly number[]; shortFields?: readonly number[]; max?: number; fixPrefix?: number } = {}): { bytes: Buffer; mutations: Mutation[] } {
  const count = 1 + Math.min(rng.int(options.max ?? 4), rng.int(options.max ?? 4));
  const mutations: Mutation[] = [];
  let bytes: Buffer = Buffer.from(input);
  for (let i = 0; i < count; i++) {
    const m = randomMutation(rng, bytes, i === 0 ? options.fields : [], i === 0 ? options.shortFields : []);
    mutations.push(m);
    bytes = applyMutation(bytes, m);
  }
  if (rng.chance(options.fixPrefix ?? 0.7)) {
    mutations.push({ kind: 'fixPrefix' });
    bytes = applyMutation(bytes, { kind: 'fixPrefix' });
  }
  return { bytes, mutations };
}

/** Prefix of `a` + suffix of `b`, cut at random points (two frames spliced into one). */
export function spliceBytes(rng: Random, a: Uint8Array, b: Uint8Array): Buffer {
  const cutA = rng.int(a.length + 1);
  const cutB = rng.int(b.length + 1);
  return Buffer.concat([a.subarray(0, cutA), b.subarray(cutB)]);
}

/** A frame around `body`: its i32 length, then the body. */
export function frameOf(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  frame.set(body, 4);
  return frame;
}

/** Cut points for streaming `length` bytes: one chunk, single bytes, random, or at every header boundary. */
export function randomCuts(rng: Random, length: number, boundaries: readonly number[] = []): number[] {
  switch (rng.int(5)) {
    case 0:
      return [];
    case 1:
      // Byte by byte (long streams: byte by byte around their start only).
      return Array.from({ length: Math.max(0, Math.min(length, 4096) - 1) }, (_, i) => i + 1);
    case 2: {
      const cuts = new Set<number>();
      for (const b of boundaries) for (const d of [-1, 0, 1, 3, 4, 5]) if (b + d > 0 && b + d < length) cuts.add(b + d);
      return [...cuts].sort((x, y) => x - y);
    }
    default: {
      const count = rng.smallSize(Math.min(64, length));
      const cuts = new Set<number>();
      for (let i = 0; i < count; i++) cuts.add(1 + rng.int(Math.max(1, length - 1)));
      return [...cuts].filter((c) => c < length).sort((x, y) => x - y);
    }
  }
}

/** Split `bytes` at sorted `cuts`; each chunk gets its own ArrayBuffer (as from a socket). */
export function chunksAt(bytes: Uint8Array, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut < start || cut > bytes.length) continue;
    const chunk = Buffer.allocUnsafeSlow(cut - start);
    chunk.set(bytes.subarray(start, cut));
    chunks.push(chunk);
    start = cut;
  }
  return chunks;
}

/** Lowercase hex, at most `max` bytes of it (with a note of how many were left out). */
export function toHex(bytes: Uint8Array, max = Infinity): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('hex');
  return bytes.length > max ? `${shown}… (${bytes.length - max} more bytes)` : shown;
}

/** Bytes from hex (whitespace allowed), for regression tests. */
export function fromHex(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}
