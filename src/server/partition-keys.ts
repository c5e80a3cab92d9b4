/**
 * The partition keys `@GetPartitionKeys` reports: for every partition, the smallest i in
 * 0..499999 that hashes there — hashed as an integer, as its decimal string, or as its 4-byte
 * big-endian encoding (PROTOCOL.md 8.4). Computed once per ring and kind.
 */
import type { Hashinator } from '../protocol/hashinator.js';
import { murmur3Hash32 } from '../protocol/hashinator-bytes.js';

export type PartitionKeyKind = 'INTEGER' | 'STRING' | 'VARBINARY';

const KEY_SEARCH_LIMIT = 500_000;
const cache = new WeakMap<Hashinator, Map<PartitionKeyKind, [number, number][]>>();

/** `[partition, i]` pairs, in the order the search finds the partitions. */
export function partitionKeys(ring: Hashinator, kind: PartitionKeyKind): [number, number][] {
  let byKind = cache.get(ring);
  if (byKind === undefined) {
    byKind = new Map();
    cache.set(ring, byKind);
  }
  const cached = byKind.get(kind);
  if (cached !== undefined) return cached;
  const found = new Map<number, number>();
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  const encoder = new TextEncoder();
  for (let i = 0; i < KEY_SEARCH_LIMIT && found.size < ring.partitionCount; i++) {
    let hash: number;
    if (kind === 'INTEGER') {
      view.setBigInt64(0, BigInt(i), true);
      hash = murmur3Hash32(bytes);
    } else if (kind === 'STRING') {
      hash = murmur3Hash32(encoder.encode(String(i)));
    } else {
      view.setInt32(0, i, false);
      hash = murmur3Hash32(bytes.subarray(0, 4));
    }
    const partition = ring.partitionForHash(hash);
    if (!found.has(partition)) found.set(partition, i);
  }
  const keys = [...found];
  byKind.set(kind, keys);
  return keys;
}

/** The key of `partition` as a value of `kind` (number, decimal string, or 4 bytes), or undefined when none was found. */
export function partitionKeyValue(ring: Hashinator, kind: PartitionKeyKind, partition: number): number | string | Uint8Array | undefined {
  const entry = partitionKeys(ring, kind).find(([p]) => p === partition);
  if (entry === undefined) return undefined;
  const key = entry[1];
  if (kind === 'INTEGER') return key;
  if (kind === 'STRING') return String(key);
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, key, false);
  return bytes;
}
