/**
 * VoltDB's elastic hashinator (PROTOCOL.md 8.5): which partition owns a partition-column value.
 *
 * value → bytes (integers as 8 bytes little-endian, strings as UTF-8, varbinary raw)
 *       → MurmurHash3 x64 128 (seed 0), upper 32 bits of the first half as a signed int32
 *       → the partition owning the largest ring token ≤ hash.
 *
 * The hash itself is in murmur3.ts.
 *
 * The ring travels in `@Statistics('TOPO', 0)` as `HASHCONFIG` (PROTOCOL.md 8.2):
 *   i32 n, then n × (i32 token, i32 partitionId), tokens ascending, big-endian.
 * Pure: no sockets, timers or promises.
 */
import { InvalidArgumentError, ParameterError, ProtocolError } from '../errors.js';
import { NULL_VALUE, VOLT_TYPE } from './constants.js';
import { murmur3Hash32, murmur3Int64 } from './murmur3.js';

export { murmur3Hash32 } from './murmur3.js';

// ---------------------------------------------------------------------------------------------
// Value → hashed bytes

const INTEGER_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT]);
const INTEGER_NULL: Readonly<Record<number, bigint>> = {
  [VOLT_TYPE.TINYINT]: BigInt(NULL_VALUE.TINYINT),
  [VOLT_TYPE.SMALLINT]: BigInt(NULL_VALUE.SMALLINT),
  [VOLT_TYPE.INTEGER]: BigInt(NULL_VALUE.INTEGER),
  [VOLT_TYPE.BIGINT]: NULL_VALUE.BIGINT,
};
/** {@link INTEGER_NULL} as numbers (the BIGINT one is not a safe integer, so no safe key equals it). */
const INTEGER_NULL_NUMBER: Readonly<Record<number, number>> = Object.fromEntries(Object.entries(INTEGER_NULL).map(([type, value]) => [type, Number(value)]));
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const encoder = new TextEncoder();
const scratch8 = new Uint8Array(8);
const scratchView = new DataView(scratch8.buffer);

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
