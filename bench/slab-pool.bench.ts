/**
 * Pooled slabs vs a fresh Buffer per call, for the client's write path (tinybench).
 *
 *   npx tsc -p . && node dist/bench/slab-pool.bench.js
 *
 * Each task encodes a batch of 1000 `Vote(BIGINT, INTEGER, BIGINT)` invocations (declared
 * types, ~40 bytes each) — the work of one flush at pipeline depth 1000:
 * - "pooled": `writeInvocation` into a slab taken from a `SlabPool` and given back (what the
 *   write scheduler does); zero Buffers allocated per call after warm-up;
 * - "scheduler": the same through a real `WriteScheduler.flush()` into a socket stand-in
 *   (queueing, slab hand-off, write callbacks included);
 * - "fresh": `encodeInvocation` per call (an exactly-sized Buffer each) — what a client
 *   without pools does;
 * - "fresh + concat": fresh Buffers joined into one chunk per batch, the usual way to get
 *   one write per batch without pools.
 * Parameters and the batch are built once, outside timing. Buffer allocations per call are
 * counted by wrapping Buffer's factories during one extra run of each task.
 */
import { EventEmitter } from 'node:events';
import { Bench } from 'tinybench';
import { SlabPool, WriteScheduler, type WriteTarget } from '../src/connection/write-scheduler.js';
import { BufferWriter } from '../src/protocol/buffer-writer.js';
import { encodeInvocation, writeInvocation, type InvocationRequest, type ParameterType } from '../src/protocol/invocation-writer.js';

const BATCH = 1000;
const TYPES: readonly ParameterType[] = ['BIGINT', 'INTEGER', 'BIGINT'];
const params = Array.from({ length: BATCH }, (_, i) => [5551234567n + BigInt(i), (i % 6) + 1, 10n] as const);
const request: InvocationRequest = { procedure: 'Vote', handle: 0n, params: [], types: TYPES };
let sink = 0;

const pool = new SlabPool({ slabBytes: 64 * 1024, maxSlabs: 4 });
const writer = new BufferWriter(Buffer.alloc(0));
function pooled(): void {
  const slab = pool.acquire()!;
  writer.useSlab(slab.buffer, 0);
  for (let i = 0; i < BATCH; i++) {
    request.handle = BigInt(i + 1);
    request.params = params[i]!;
    writeInvocation(writer, request);
  }
  sink += writer.offset;
  slab.retire();
}

class NullSocket extends EventEmitter implements WriteTarget {
  readonly writableNeedDrain = false;
  readonly destroyed = false;
  cork(): void {}
  uncork(): void {}
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean {
    sink += chunk.length;
    callback(null); // the kernel took it at once
    return true;
  }
}
const schedulerRequest: InvocationRequest = { procedure: 'Vote', handle: 1n, params: [], types: TYPES };
const scheduler = new WriteScheduler<readonly unknown[]>(new NullSocket(), new SlabPool({ slabBytes: 64 * 1024, maxSlabs: 4 }), {
  mayWrite: () => true,
  encode(w, item) {
    schedulerRequest.params = item;
    writeInvocation(w, schedulerRequest);
    return true;
  },
  encodeFailed(_item, error) {
    throw error;
  },
});
function viaScheduler(): void {
  for (let i = 0; i < BATCH; i++) scheduler.enqueue(params[i]!);
  scheduler.flush(); // what the setImmediate would run
}

function fresh(): void {
  for (let i = 0; i < BATCH; i++) {
    const frame = encodeInvocation({ procedure: 'Vote', handle: BigInt(i + 1), params: params[i]!, types: TYPES });
    sink += frame.length;
  }
}

function freshConcat(): void {
  const frames: Buffer[] = new Array<Buffer>(BATCH);
  for (let i = 0; i < BATCH; i++) frames[i] = encodeInvocation({ procedure: 'Vote', handle: BigInt(i + 1), params: params[i]!, types: TYPES });
  sink += Buffer.concat(frames).length;
}

const tasks: [string, () => void][] = [
  ['pooled: writeInvocation into a pooled slab', pooled],
  ['scheduler: WriteScheduler.flush of 1000 queued calls', viaScheduler],
  ['fresh: encodeInvocation per call', fresh],
  ['fresh + concat: one chunk per batch', freshConcat],
];

// Buffer allocations per call, one counted run each (after a warm-up run).
const factories = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat'] as const;
const originals = factories.map((name) => Buffer[name]);
let allocations = 0;
const perCall = new Map<string, number>();
for (const [name, fn] of tasks) {
  fn();
  factories.forEach((factory, i) => {
    const original = originals[i] as (...a: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[factory] = (...a: unknown[]): Buffer => {
      allocations++;
      return original.apply(Buffer, a);
    };
  });
  allocations = 0;
  fn();
  perCall.set(name, allocations / BATCH);
  factories.forEach((factory, i) => ((Buffer as unknown as Record<string, unknown>)[factory] = originals[i]));
}

const bench = new Bench({ name: 'slab-pool', time: 1500, warmupTime: 300 });
for (const [name, fn] of tasks) bench.add(name, fn);
await bench.run();

console.table(
  bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number; rme?: number } } | undefined;
    const meanMs = result?.latency?.mean ?? Number.NaN;
    return {
      task: task.name,
      'µs / 1000 calls': (meanMs * 1000).toFixed(1),
      'calls/s': Math.round((BATCH / meanMs) * 1000).toLocaleString('en-US'),
      'Buffer allocs/call': perCall.get(task.name)!.toFixed(3),
      '± %': result?.latency?.rme?.toFixed(2) ?? '',
    };
  }),
);
console.log(`node ${process.version}, ${process.platform}/${process.arch}; pool allocations after the run: ${pool.allocations} (${pool.size} slabs)${sink < 0 ? '' : ''}`);
scheduler.close();
