/**
 * The key-value workload: VoltDB's voltkv example.
 *
 * A pool of `keys` string keys of `keySize` characters; each call is a `Get(key)` with
 * probability `getRatio`, otherwise a `Put(key, value)`; keys are uniform over the pool. Values
 * are between `minValueSize` and `maxValueSize` bytes, each byte drawn from `[0, entropy)` —
 * a small entropy makes values compressible, 256 makes them random (voltkv's "entropy").
 * `preload` puts every key once before the measured run, so gets hit.
 *
 * Values come from a pool built once (deterministic from the seed), so the generator does not
 * allocate a fresh value per call and does not become the bottleneck it measures.
 */
import { performance } from 'node:perf_hooks';
import { SeededRandom } from './random.js';
import type { Workload, WorkloadCall, WorkloadClient, WorkloadResponse } from './workload.js';

export interface KvOptions {
  keys?: number;
  /** Fraction of calls that are gets, 0 … 1 (voltkv's default is 0.9). */
  getRatio?: number;
  keySize?: number;
  minValueSize?: number;
  maxValueSize?: number;
  /** Byte values are drawn from [0, entropy); 1 … 256. */
  entropy?: number;
  preload?: boolean;
  seed?: number;
}

const GET_TYPES = ['STRING'] as const;
const PUT_TYPES = ['STRING', 'VARBINARY'] as const;
const VALUE_POOL = 256;
const PRELOAD_WINDOW = 256;

export class KvWorkload implements Workload {
  readonly name = 'kv';
  readonly keys: number;
  readonly getRatio: number;
  readonly keySize: number;
  readonly minValueSize: number;
  readonly maxValueSize: number;
  readonly entropy: number;
  readonly preload: boolean;
  private readonly random: SeededRandom;
  private readonly values: Uint8Array[] = [];

  constructor(options: KvOptions = {}) {
    this.keys = options.keys ?? 100_000;
    this.getRatio = options.getRatio ?? 0.9;
    this.keySize = options.keySize ?? 32;
    this.minValueSize = options.minValueSize ?? 1024;
    this.maxValueSize = options.maxValueSize ?? this.minValueSize;
    this.entropy = options.entropy ?? 127;
    this.preload = options.preload ?? true;
    const digits = String(Math.max(this.keys - 1, 0)).length;
    check(Number.isInteger(this.keys) && this.keys >= 1, `kv keys must be a positive integer, got ${this.keys}`);
    check(this.getRatio >= 0 && this.getRatio <= 1, `kv get ratio must be between 0 and 1, got ${this.getRatio}`);
    check(
      Number.isInteger(this.keySize) && this.keySize > digits && this.keySize <= 1_048_576,
      `kv key size must hold "K" and ${digits} digits (at least ${digits + 1}), got ${this.keySize}`,
    );
    check(
      Number.isInteger(this.minValueSize) && this.minValueSize >= 0 && this.maxValueSize >= this.minValueSize && this.maxValueSize <= 1_048_576,
      `kv value sizes must satisfy 0 ≤ min ≤ max ≤ 1 MiB, got ${this.minValueSize} … ${this.maxValueSize}`,
    );
    check(Number.isInteger(this.entropy) && this.entropy >= 1 && this.entropy <= 256, `kv entropy must be 1 to 256, got ${this.entropy}`);
    this.random = new SeededRandom(options.seed ?? 1);
    // The value pool has its own generator so that every worker of a run sends the same values.
    const valueRandom = new SeededRandom(0x6b76);
    const spread = this.maxValueSize - this.minValueSize + 1;
    for (let i = 0; i < VALUE_POOL; i++) {
      const size = this.minValueSize + valueRandom.int(spread);
      this.values.push(valueRandom.fill(new Uint8Array(size), this.entropy));
    }
  }

  describe(): string {
    const sizes = this.minValueSize === this.maxValueSize ? `${this.minValueSize}` : `${this.minValueSize}–${this.maxValueSize}`;
    return (
      `kv: ${this.keys} keys of ${this.keySize} chars, values ${sizes} bytes (entropy ${this.entropy}), ` +
      `${Math.round(this.getRatio * 100)}% gets${this.preload ? ', preloaded' : ''}`
    );
  }

  /** The key of pool index `i`: "K" then the zero-padded index, padded with "-" to keySize. */
  key(i: number): string {
    return ('K' + String(i).padStart(String(this.keys - 1).length, '0')).padEnd(this.keySize, '-');
  }

  async setup(client: WorkloadClient, log: (line: string) => void): Promise<void> {
    if (!this.preload) return;
    const started = performance.now();
    let nextKey = 0;
    // A fixed window of puts in flight: fast without flooding the client queue.
    const lane = async (): Promise<void> => {
      while (nextKey < this.keys) {
        const i = nextKey++;
        await client.call('Put', [this.key(i), this.values[i % VALUE_POOL]!]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PRELOAD_WINDOW, this.keys) }, lane));
    log(`kv: preloaded ${this.keys} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  next(): WorkloadCall {
    const random = this.random;
    const key = this.key(random.int(this.keys));
    if (random.float() < this.getRatio) return { procedure: 'Get', types: GET_TYPES, params: [key] };
    return { procedure: 'Put', types: PUT_TYPES, params: [key, this.values[random.int(VALUE_POOL)]!] };
  }

  outcome(procedure: string, response: WorkloadResponse): string | undefined {
    if (procedure === 'Put') return 'put';
    if (procedure !== 'Get') return undefined;
    const table = response.tables?.[0];
    return table !== undefined && table.rowCount > 0 ? 'get hit' : 'get miss';
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(message);
}
