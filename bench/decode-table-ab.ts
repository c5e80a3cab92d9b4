/**
 * A/B of the columnar decoder across builds: `decodeTable` of each compiled tree, each
 * (build, dataset) pair in a fresh node process, builds alternated round by round, best and
 * median of the rounds, with `Buffer.copy` of the same frame timed in the same processes.
 *
 *   npx tsc -p . && node dist/bench/decode-table-ab.js [--rounds N] [--data narrow,wide,…] [--full] BUILD…
 *
 * A BUILD is a compiled tree holding `src/decode/decode-table.js` — `dist`, or a copy of `dist`
 * made before a change (e.g. `cp -r dist bench/out/dist-before`). A fresh process per
 * measurement keeps one build's JIT state (feedback, inlining, deoptimisations) from leaking
 * into the next: in one process, the order of two builds swung their figures by ±25 %.
 * `--full` times `decodeResponse(frame)` + `decodeColumns()` (header, layout walk, Column
 * objects) instead of `decodeTable` alone.
 *
 * Datasets (frames written once to bench/out/ab-frames): narrow (16 MB, 500 000 rows), wide
 * (16 MB), strings (16 MB), sparse (BIGINT + 8 INTEGER 90 % NULL, 400 000 rows), decimal-heavy
 * (150 000 rows), all-fixed (one column of every fixed-width type, DATE included, 200 000 rows,
 * a row in ten all NULL).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VOLT_TYPE as T } from '../src/protocol/constants.js';
import { Decimal } from '../src/protocol/decimal.js';
import { GeographyPoint } from '../src/protocol/geography.js';
import { encodeResponse } from '../src/protocol/response-writer.js';
import { VoltDate } from '../src/protocol/volt-date.js';
import { decimalHeavyTable } from './datasets/decimal-heavy.js';
import { narrowFrame } from './datasets/narrow.js';
import { Prng } from './datasets/prng.js';
import { stringsFrame } from './datasets/strings.js';
import { wideFrame } from './datasets/wide.js';
import { REPOSITORY_ROOT } from './harness/repository.js';

const ITERATIONS = 30;
const FRAMES_DIR = join(REPOSITORY_ROOT, 'bench', 'out', 'ab-frames');

const frameOf = (table: { columns: { name: string; type: number }[]; rows: unknown[][] }): Buffer =>
  encodeResponse({ handle: 1n, status: 1, tables: [table] });

const DATASETS: Record<string, () => Buffer> = {
  narrow: () => narrowFrame(500_000),
  wide: () => wideFrame(92_000),
  strings: () => stringsFrame(120_000),
  sparse: () => {
    const prng = new Prng(0x5a125e);
    const columns = [{ name: 'ID', type: T.BIGINT }, ...Array.from({ length: 8 }, (_, i) => ({ name: `C${i}`, type: T.INTEGER }))];
    const rows = Array.from({ length: 400_000 }, (_, r) => [BigInt(r), ...columns.slice(1).map(() => (prng.chance(0.9) ? null : prng.below(1_000_000)))]);
    return frameOf({ columns, rows });
  },
  'decimal-heavy': () => frameOf(decimalHeavyTable(150_000)),
  'all-fixed': () => {
    const types = [T.TINYINT, T.SMALLINT, T.INTEGER, T.BIGINT, T.FLOAT, T.TIMESTAMP, T.DECIMAL, T.GEOGRAPHY_POINT, T.DATE];
    const columns = types.map((type, i) => ({ name: `C${i}`, type }));
    const rows = Array.from({ length: 200_000 }, (_, r) =>
      r % 10 === 3
        ? types.map(() => null)
        : [
            r % 100,
            r % 30_000,
            r * 7,
            BigInt(r) * 1_000_003n,
            r / 3,
            BigInt(r) * 1_000_000n,
            new Decimal(r).div(7).toDecimalPlaces(12),
            new GeographyPoint((r % 360) - 180, (r % 180) - 90),
            new VoltDate(2000 + (r % 20), 1 + (r % 12), 1 + (r % 28)),
          ],
    );
    return frameOf({ columns, rows });
  },
};

interface Measurement {
  ms: number;
  copy: number;
}

/** Child: time one build on one frame; prints a Measurement as JSON. */
async function child(build: string, file: string, full: boolean): Promise<void> {
  const load = async (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(resolve(build, path)).href) as Promise<Record<string, unknown>>;
  const { decodeTable } = (await load('src/decode/decode-table.js')) as { decodeTable: (frame: Uint8Array, shape: unknown) => unknown };
  const { decodeResponse } = (await load('src/decode/decode-response.js')) as {
    decodeResponse: (frame: Uint8Array) => { tables: { decodeColumns(): unknown }[] };
  };
  const { readResponseHeader, tableLayouts } = (await load('src/protocol/response.js')) as {
    readResponseHeader: (frame: Uint8Array) => unknown;
    tableLayouts: (frame: Uint8Array, header: unknown) => unknown[];
  };
  const frame = readFileSync(file);
  const layout = tableLayouts(frame, readResponseHeader(frame))[0];
  const decode = full ? () => decodeResponse(frame).tables[0]!.decodeColumns() : () => decodeTable(frame, layout);
  const best = (run: () => unknown, n: number): number => {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      run();
      min = Math.min(min, performance.now() - start);
    }
    return min;
  };
  const warm = Buffer.allocUnsafeSlow(frame.length);
  best(decode, 10);
  const copy = best(() => frame.copy(warm), ITERATIONS);
  const measurement: Measurement = { ms: best(decode, ITERATIONS), copy };
  console.log(JSON.stringify(measurement));
}

function parent(argv: string[]): void {
  const option = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const rounds = Number(option('--rounds') ?? 6);
  const data = (option('--data') ?? Object.keys(DATASETS).join(',')).split(',');
  const full = argv.includes('--full');
  const builds = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--rounds' && argv[i - 1] !== '--data');
  if (builds.length === 0) throw new Error('usage: decode-table-ab.js [--rounds N] [--data a,b] [--full] BUILD…');
  mkdirSync(FRAMES_DIR, { recursive: true });
  for (const name of data) {
    const make = DATASETS[name];
    if (make === undefined) throw new Error(`unknown dataset ${name}: ${Object.keys(DATASETS).join(', ')}`);
    const file = join(FRAMES_DIR, `${name}.bin`);
    if (!existsSync(file)) writeFileSync(file, make());
  }
  const self = fileURLToPath(import.meta.url);
  const results = new Map<string, Measurement[]>();
  for (let round = 0; round < rounds; round++) {
    for (const name of data) {
      for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
        const args = ['--expose-gc', self, '--child', build, join(FRAMES_DIR, `${name}.bin`), ...(full ? ['--full'] : [])];
        const measurement = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Measurement;
        const key = `${name}\u0000${build}`;
        results.set(key, [...(results.get(key) ?? []), measurement]);
      }
    }
  }
  console.log(`${full ? 'decodeResponse + decodeColumns' : 'decodeTable'}, best / median of ${rounds} fresh processes per build; × = best ÷ best Buffer.copy`);
  console.log(`| dataset | Buffer.copy ms | ${builds.map((b) => `${b} ms (×)`).join(' | ')} |`);
  console.log(`|---|---:|${builds.map(() => '---:').join('|')}|`);
  for (const name of data) {
    const all = builds.map((build) => results.get(`${name}\u0000${build}`)!);
    const copy = Math.min(...all.flat().map((m) => m.copy));
    const cells = all.map((ms) => {
      const sorted = ms.map((m) => m.ms).sort((a, b) => a - b);
      return `${sorted[0]!.toFixed(2)} / ${sorted[sorted.length >> 1]!.toFixed(2)} (${(sorted[0]! / copy).toFixed(1)})`;
    });
    console.log(`| ${name} | ${copy.toFixed(2)} | ${cells.join(' | ')} |`);
  }
  console.log(`\nnode ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, argv[2]!, argv.includes('--full'));
else parent(argv);
