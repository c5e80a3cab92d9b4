/**
 * Event-loop delay while a ≥ 100 MB response is decoded: inline vs the decode pool.
 *
 *   npx tsc -p . && node --expose-gc dist/bench/event-loop.bench.js [--rows N] [--dataset wide|narrow|strings]
 *
 * One response frame (default: the wide table, 600 000 rows ≈ 104 MB) is built once, outside
 * measurement. Each scenario runs 3 times; each time `perf_hooks.monitorEventLoopDelay`
 * (1 ms resolution) records the loop's delay from just before the decode starts until 50 ms
 * after the values are available (a 1 ms interval timer keeps the loop ticking, as a busy
 * server's sockets and timers would):
 * - inline columnar: `decodeResponse(frame)` + `decodeColumns()` on the main thread;
 * - inline rows: `decodeResponse(frame)` + reading every row with `rows()` (what a naive
 *   consumer of a lazy table does);
 * - pool: `await pool.decode(frame)` — the frame (in its own SharedArrayBuffer, as the
 *   FrameDecoder assembles large frames) is read by the worker in place, and the columns come
 *   back copied by the post (structured clone, on arrival): nothing is transferred.
 * Reported: delay p50 / p99 / max over all samples of the 3 runs, the decode's wall time, and
 * how many ArrayBuffers were detached in the process (none, since nothing is transferred).
 */
import { detachedReport } from './harness/detach-probe.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { decodeResponse } from '../src/decode/decode-response.js';
import { DecodePool } from '../src/decode/decode-pool.js';
import { narrowFrame } from './datasets/narrow.js';
import { stringsFrame } from './datasets/strings.js';
import { wideFrame } from './datasets/wide.js';

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
};
const dataset = argument('--dataset') ?? 'wide';
const makers = { wide: [wideFrame, 600_000], narrow: [narrowFrame, 3_300_000], strings: [stringsFrame, 780_000] } as const;
const [make, defaultRows] = makers[dataset as keyof typeof makers] ?? makers.wide;
const rows = Number(argument('--rows') ?? defaultRows);
const RUNS = 3;
const gc = (globalThis as { gc?: () => void }).gc;

const frame = make(rows);
console.error(`frame: ${dataset}, ${rows.toLocaleString('en-US')} rows, ${(frame.length / 1e6).toFixed(1)} MB`);

function ownCopy(source: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(source.byteLength));
  copy.set(source);
  return copy;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function scenario(name: string, decode: (frame: Uint8Array) => Promise<number> | number): Promise<string> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const walls: number[] = [];
  let checksum = 0;
  for (let run = 0; run < RUNS; run++) {
    const input = ownCopy(frame);
    gc?.();
    await sleep(50);
    const ticker = setInterval(() => {}, 1);
    histogram.enable();
    await sleep(5);
    const start = performance.now();
    checksum += await decode(input);
    walls.push(performance.now() - start);
    await sleep(50);
    histogram.disable();
    clearInterval(ticker);
  }
  const ms = (ns: number): string => (ns / 1e6).toFixed(1);
  const wall = walls.sort((a, b) => a - b)[Math.floor(walls.length / 2)]!;
  return `| ${name} | ${ms(histogram.percentile(50))} | ${ms(histogram.percentile(99))} | ${ms(histogram.max)} | ${wall.toFixed(0)} | ${checksum > 0 ? 'ok' : '—'} |`;
}

const pool = new DecodePool({ workers: 'auto', offThreadBytes: 0, workerFile: new URL('./harness/probed-decode-worker.js', import.meta.url) });
// Start the worker before measuring (the pool starts lazily on the first large frame).
await pool.decode(ownCopy(wideFrame(10)));

const lines = [
  `| ${dataset} ${(frame.length / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en-US')} rows | delay p50 ms | delay p99 ms | delay max ms | decode wall ms (median) | check |`,
  '|---|---:|---:|---:|---:|---|',
];
lines.push(
  await scenario('inline columnar (decodeColumns)', (input) => {
    const table = decodeResponse(input).tables[0]!;
    return table.decodeColumns().length * table.rowCount;
  }),
);
lines.push(
  await scenario('inline rows (rows() over the lazy view)', (input) => {
    let count = 0;
    for (const row of decodeResponse(input).tables[0]!.rows()) count += row.length > 0 ? 1 : 0;
    return count;
  }),
);
lines.push(
  await scenario(`pool (${pool.threads} worker${pool.threads === 1 ? '' : 's'}, frame in shared memory, columns copied back)`, async (input) => {
    const table = (await pool.decode(input)).tables[0]!;
    return table.decodeColumns().length * table.rowCount;
  }),
);
await pool.close();
console.log(lines.join('\n'));
console.log(`\nnode ${process.version}, ${process.platform}/${process.arch}, pool stats ${JSON.stringify(pool.stats)}`);
console.log(detachedReport());
