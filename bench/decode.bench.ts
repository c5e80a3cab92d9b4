/**
 * Result decoding throughput (tinybench): GB/s of frame bytes and rows/s, against `Buffer.copy`
 * of the same bytes measured in the same run, and the sweep that picks `offThreadBytes`.
 *
 *   npx tsc -p . && node --expose-gc dist/bench/decode.bench.js [--quick] [--sweep-only]
 *
 * Datasets (bench/datasets, built once outside timing; one response frame each, ~16 MB, i.e.
 * larger than L2 and than any per-core cache): narrow (4 fixed-width columns, 32 B rows),
 * wide (20 mixed columns, ~174 B rows, 10 % NULL), strings (BIGINT + 4 STRING, ~135 B rows).
 *
 * Reported per task: mean and min latency (the min — the best iteration — is the figure least
 * disturbed by other processes on a shared machine), GB/s of frame bytes, rows/s, and the time
 * relative to the two copy floors. Strategies, each producing the whole table's values in its own form:
 * - row objects: `decodeResponse` then `rowObjects()` (one object per row);
 * - row arrays: `decodeResponse` then `rows()` (one array per row);
 * - lazy view get(): `decodeResponse` then `table.get(r, c)` for every cell (the random-access path);
 * - columnar inline: `decodeResponse` then `decodeColumns()` (typed arrays, strings left as UTF-8);
 * - columnar via pool: `DecodePool.decode(frame)` awaited (1 worker; the frame is a fresh copy
 *   in its own ArrayBuffer made in `beforeEach`, outside timing, as the FrameDecoder hands it over);
 * - copy floors: `Buffer.copy` of the frame into a warm buffer (the issue's reference), and into
 *   a fresh `allocUnsafeSlow` buffer (what writing any new output of that size costs).
 *
 * The sweep decodes the wide table at frame sizes from 4 KiB to 8 MiB: inline (columnar, on the
 * main thread) vs the pool round trip. Offloading trades latency for responsiveness: the
 * threshold is the smallest size where the latency a round trip adds (round trip − inline) is no
 * more than the main-thread time it saves (inline − the pool's own main-thread time), both at
 * that size and at twice it.
 */
import { Bench } from 'tinybench';
import { decodeResponse } from '../src/decode/decode-response.js';
import { DecodePool } from '../src/decode/decode-pool.js';
import type { VoltTable } from '../src/decode/volt-table.js';
import { narrowFrame } from './datasets/narrow.js';
import { stringsFrame } from './datasets/strings.js';
import { wideFrame } from './datasets/wide.js';

const quick = process.argv.includes('--quick');
const sweepOnly = process.argv.includes('--sweep-only');
const TIME_MS = quick ? 400 : 1500;
const gc = (globalThis as { gc?: () => void }).gc;

interface Dataset {
  name: string;
  frame: Buffer;
  rows: number;
}

function table(frame: Uint8Array): VoltTable {
  return decodeResponse(frame).tables[0]!;
}

function ownCopy(frame: Uint8Array): Uint8Array {
  // Shared memory, as the FrameDecoder assembles frames bound for the pool (nothing is transferred).
  const copy = new Uint8Array(new SharedArrayBuffer(frame.byteLength));
  copy.set(frame);
  return copy;
}

let sink = 0;

async function throughput(datasets: Dataset[], pool: DecodePool): Promise<string[]> {
  const lines = [
    '| dataset | strategy | mean ms | GB/s | M rows/s | × warm copy time | × fresh copy time | min ms | GB/s at min | × warm copy (min/min) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, frame, rows } of datasets) {
    const bench = new Bench({ name, time: TIME_MS, warmupTime: TIME_MS / 5, iterations: 5, setup: () => gc?.() });
    const warm = Buffer.allocUnsafeSlow(frame.length);
    let pending: Uint8Array = ownCopy(frame);
    bench
      .add('Buffer.copy (warm target)', () => {
        frame.copy(warm);
      })
      .add('Buffer.copy (fresh target)', () => {
        const fresh = Buffer.allocUnsafeSlow(frame.length);
        frame.copy(fresh);
        sink += fresh[0]!;
      })
      .add('row objects', () => {
        for (const row of table(frame).rowObjects()) sink += row === null ? 0 : 1;
      })
      .add('row arrays', () => {
        for (const row of table(frame).rows()) sink += row.length;
      })
      .add('lazy view get()', () => {
        const t = table(frame);
        const columns = t.columns.length;
        for (let r = 0; r < t.rowCount; r++) for (let c = 0; c < columns; c++) sink += t.get(r, c) === null ? 0 : 1;
      })
      .add('columnar inline', () => {
        sink += table(frame).decodeColumns().length;
      })
      .add(
        'columnar via pool',
        async () => {
          const response = await pool.decode(pending);
          sink += response.tables[0]!.rowCount;
        },
        {
          beforeEach: () => {
            pending = ownCopy(frame);
          },
        },
      );
    await bench.run();
    const stat = (taskName: string, key: 'mean' | 'min'): number => {
      const result = bench.tasks.find((task) => task.name === taskName)?.result as { latency?: { mean: number; min: number } } | undefined;
      return result?.latency?.[key] ?? Number.NaN;
    };
    const warmCopy = stat('Buffer.copy (warm target)', 'mean');
    const freshCopy = stat('Buffer.copy (fresh target)', 'mean');
    const warmCopyMin = stat('Buffer.copy (warm target)', 'min');
    for (const task of bench.tasks) {
      const ms = stat(task.name, 'mean');
      const min = stat(task.name, 'min');
      lines.push(
        `| ${name} (${(frame.length / 1e6).toFixed(1)} MB, ${rows.toLocaleString('en-US')} rows) | ${task.name} | ${ms.toFixed(2)} | ` +
          `${(frame.length / ms / 1e6).toFixed(2)} | ${(rows / ms / 1e3).toFixed(2)} | ${(ms / warmCopy).toFixed(1)} | ${(ms / freshCopy).toFixed(1)} | ` +
          `${min.toFixed(2)} | ${(frame.length / min / 1e6).toFixed(2)} | ${(min / warmCopyMin).toFixed(1)} |`,
      );
    }
    console.error(`done: ${name}`);
  }
  return lines;
}

/** Median of `runs` results of `measure` (each returns its own ms), after 3 warm-ups. */
async function median(runs: number, measure: () => number | Promise<number>): Promise<number> {
  for (let i = 0; i < 3; i++) await measure();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await measure());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function sweep(pool: DecodePool): Promise<{ lines: string[]; threshold: number | undefined }> {
  const lines = [
    '| frame | rows | inline columnar ms (main thread blocked) | pool round trip ms | pool main-thread ms | added latency ≤ saved blocking? |',
    '|---:|---:|---:|---:|---:|:---:|',
  ];
  const verdicts: { bytes: number; offload: boolean }[] = [];
  for (let kib = 4; kib <= 8192; kib *= 2) {
    const rows = Math.max(1, Math.round((kib * 1024) / 174));
    const frame = wideFrame(rows);
    const runs = quick ? 9 : 21;
    const inline = await median(runs, () => {
      const start = performance.now();
      sink += table(frame).decodeColumns().length;
      return performance.now() - start;
    });
    let blocked = 0;
    const blockedTimes: number[] = [];
    const roundTrip = await median(runs, async () => {
      const copy = ownCopy(frame); // outside timing: the FrameDecoder hands large frames over this way
      const start = performance.now();
      const promise = pool.decode(copy);
      blockedTimes.push(performance.now() - start);
      const response = await promise;
      sink += response.tables[0]!.rowCount;
      return performance.now() - start;
    });
    blocked = blockedTimes.sort((a, b) => a - b)[Math.floor(blockedTimes.length / 2)]!;
    // Offload when the latency the round trip adds is at most the main-thread time it saves.
    const offload = roundTrip - inline <= inline - blocked;
    verdicts.push({ bytes: frame.length, offload });
    lines.push(`| ${(frame.length / 1024).toFixed(0)} KiB | ${rows} | ${inline.toFixed(3)} | ${roundTrip.toFixed(3)} | ${blocked.toFixed(3)} | ${offload ? 'yes' : 'no'} |`);
  }
  // The smallest size where the trade-off holds both at that size and at twice it: one noisy
  // sample (a shared machine) can neither pick nor veto a threshold on its own.
  const at = verdicts.findIndex((v, i) => v.offload && verdicts[i + 1]?.offload === true);
  return { lines, threshold: at < 0 ? undefined : verdicts[at]!.bytes };
}

const pool = new DecodePool({ workers: 1, offThreadBytes: 0, maxQueue: 4 });
const output: string[] = [];
if (!sweepOnly) {
  const scale = quick ? 0.25 : 1;
  const datasets: Dataset[] = [
    { name: 'narrow', rows: Math.round(500_000 * scale), frame: narrowFrame(Math.round(500_000 * scale)) },
    { name: 'wide', rows: Math.round(92_000 * scale), frame: wideFrame(Math.round(92_000 * scale)) },
    { name: 'strings', rows: Math.round(120_000 * scale), frame: stringsFrame(Math.round(120_000 * scale)) },
  ];
  output.push(...(await throughput(datasets, pool)));
}
const { lines, threshold } = await sweep(pool);
output.push('', ...lines, '', `sweep: smallest frame where the round trip adds no more latency than it saves main-thread time, there and at twice the size: ${threshold === undefined ? 'none up to 8 MiB' : `${(threshold / 1024).toFixed(0)} KiB`}`);
await pool.close();
console.log(output.join('\n'));
console.log(`\nnode ${process.version}, ${process.platform}/${process.arch}, sink ${sink > 0 ? 'ok' : 'empty'}`);
