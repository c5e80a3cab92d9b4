/**
 * What a few Node built-ins cost on the call path (tinybench), the reasons behind two habits of
 * the sources:
 * - the `Buffer` and `performance` globals are accessors in Node 20: reading one runs a getter,
 *   where an imported binding is a plain load (so every source file imports them; a test keeps
 *   it so);
 * - `Buffer#readInt32BE` and its kin check their offset through a wrapper that costs more than
 *   the read, where `int32At` (buffer-reader.ts) reads four bytes the caller has bounds-checked;
 * - a view of part of a Buffer (`subarray`) is an object made per frame.
 *
 *   npx tsc -p . && node dist/bench/node-builtins.bench.js
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { int32At } from '../src/protocol/buffer-reader.js';

const bytes = Buffer.alloc(4096, 7);
/** The globals, read as a source file without the import reads them (an accessor on the global object). */
const global = globalThis as unknown as { Buffer: typeof Buffer; performance: typeof performance };
const N = 1000;
let sink = 0;

const bench = new Bench({ name: 'node-builtins', time: 1000, warmupTime: 200 });
bench
  .add(`global Buffer.isBuffer ×${N}`, () => {
    for (let i = 0; i < N; i++) if (global.Buffer.isBuffer(bytes)) sink++;
  })
  .add(`imported Buffer.isBuffer ×${N}`, () => {
    for (let i = 0; i < N; i++) if (Buffer.isBuffer(bytes)) sink++;
  })
  .add(`global performance.now() ×${N}`, () => {
    for (let i = 0; i < N; i++) sink += global.performance.now();
  })
  .add(`imported performance.now() ×${N}`, () => {
    for (let i = 0; i < N; i++) sink += performance.now();
  })
  .add(`Buffer#readInt32BE ×${N}`, () => {
    for (let i = 0; i < N; i++) sink += bytes.readInt32BE(i);
  })
  .add(`int32At ×${N}`, () => {
    for (let i = 0; i < N; i++) sink += int32At(bytes, i);
  })
  .add(`Buffer#subarray (a frame's view) ×${N}`, () => {
    for (let i = 0; i < N; i++) sink += bytes.subarray(i, i + 67).length;
  });

await bench.run();

console.table(
  bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number; min: number; rme?: number } } | undefined;
    return {
      task: task.name,
      'ns per use (mean)': (((result?.latency?.mean ?? Number.NaN) * 1e6) / N).toFixed(1),
      'ns per use (min)': (((result?.latency?.min ?? Number.NaN) * 1e6) / N).toFixed(1),
      '± %': result?.latency?.rme?.toFixed(2) ?? '',
    };
  }),
);
console.log(`node ${process.version}; sink ${sink !== 0}`);
