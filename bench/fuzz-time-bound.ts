/**
 * What one fuzz input costs the harness, by the units of work that are not bytes: the figures
 * behind the time bound's per-row and per-column terms (test/fuzz/runner.ts).
 *
 *   npx tsc -p . && node dist/bench/fuzz-time-bound.js [--rounds N]
 *
 * Valid tables of four extreme shapes, each at four sizes, go through the fuzzer's table and
 * response exercises (every reader, every value, every path); per size the best of N rounds of
 * this thread's CPU time.
 * A slope (least squares over the four sizes) per row, per column, per KiB shows the work is
 * linear in that unit; the per-KiB term alone underestimates inputs whose units are a few bytes
 * each (a row of one TINYINT is 5 bytes, a column header 5 bytes).
 *
 * Every time is also given in units of the fuzzer's reference workload (`referenceWork`, the
 * load gauge's yardstick), timed in the same process: a ratio that a busy or a faster machine
 * changes far less than milliseconds. From the two row shapes (1 and 10 TINYINT columns) and
 * the column shape it derives the cost of a row, of a cell and of a column — the time bound's
 * terms (`WORK_UNITS` in test/fuzz/runner.ts) — and checks them against the plain table, which
 * none of them was fitted on.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { VOLT_TYPE } from '../src/protocol/constants.js';
import { exerciseBareTable, exerciseResponse } from '../test/fuzz/exercise.js';
import { frameOf } from '../test/helpers/mutators.js';
import { ONE_TABLE_HEADER, typedColumnsTable as table } from '../test/fuzz/regressions/tables.js';
import { loadCorpus } from '../test/fuzz/corpus.js';
import { MS_PER_KIB, referenceWork, WORK_UNITS } from '../test/fuzz/runner.js';
import { JUDGE_CLOCK, perRunMs } from '../test/fuzz/thread-clock.js';

interface Shape {
  name: string;
  unit: string;
  sizes: number[];
  make: (n: number) => Buffer;
}

const SHAPES: Shape[] = [
  { name: 'rows of one TINYINT (5 bytes a row)', unit: 'row', sizes: [5000, 10_000, 20_000, 40_000], make: (n) => table([VOLT_TYPE.TINYINT], n) },
  { name: 'rows of ten TINYINT (15 bytes a row)', unit: 'row', sizes: [2500, 5000, 10_000, 20_000], make: (n) => table(Array<number>(10).fill(VOLT_TYPE.TINYINT), n) },
  {
    name: 'columns × 2 rows (3 TINYINT : 1 STRING NULL : 16 NULL-typed, as the hostile shapes)',
    unit: 'column',
    sizes: [250, 500, 1000, 2000],
    make: (n) => table(Array.from({ length: n }, (_, c) => (c % 20 < 3 ? VOLT_TYPE.TINYINT : c % 20 === 3 ? VOLT_TYPE.STRING : VOLT_TYPE.NULL)), 2),
  },
  {
    name: 'a plain table: 8 INTEGER + 2 STRING NULL columns (44 bytes a row)',
    unit: 'KiB',
    sizes: [2000, 4000, 8000, 16_000],
    make: (n) => table([...Array<number>(8).fill(VOLT_TYPE.INTEGER), VOLT_TYPE.STRING, VOLT_TYPE.STRING], n),
  },
];

/**
 * Best of `rounds` spans of at least 20 ms (repeating `run`), in ms per run of the clock the fuzzer's time bound judges by (this thread's CPU
 * time on Linux, test/fuzz/thread-clock.ts): on a machine at load 20–30 wall time mostly
 * measures the wait for a core, CPU time the work.
 */
function best(rounds: number, run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) fastest = Math.min(fastest, perRunMs(JUDGE_CLOCK, run));
  return fastest;
}

/** Least-squares slope and intercept of y over x. */
function fit(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' } } });
const rounds = Number(values.rounds);
console.log(`clock: ${JUDGE_CLOCK.name}`);
const reference = referenceWork(loadCorpus());
for (let i = 0; i < 3; i++) reference();
/** The reference workload's CPU time: the best of every measurement in the run (it is re-measured beside every shape). */
let referenceBest = Infinity;
const referenceMs = (): number => (referenceBest = Math.min(referenceBest, best(rounds, reference)));
console.log(`fuzz exercise cost by unit — best of ${rounds} rounds; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
/** Slopes in reference units, by exercise and shape index: the steepest step between two sizes and the least-squares slope. */
const slopes = new Map<string, { steepest: number; fitted: number; x: number[]; y: number[] }>();
const measured: { key: string; xs: number[]; ys: number[] }[] = [];
for (const [s, shape] of SHAPES.entries()) {
  for (const [kind, exercise] of [
    ['table', (bytes: Buffer) => exerciseBareTable(bytes, 'bigint')],
    ['response', (bytes: Buffer) => exerciseResponse(frameOf(Buffer.concat([ONE_TABLE_HEADER, bytes])), 'date')],
  ] as const) {
    const xs: number[] = [];
    const ys: number[] = [];
    const cells: string[] = [];
    referenceMs();
    for (const size of shape.sizes) {
      const bytes = shape.make(size);
      for (let i = 0; i < 3; i++) exercise(bytes); // warm up
      const ms = best(rounds, () => exercise(bytes));
      const x = shape.unit === 'KiB' ? bytes.length / 1024 : size;
      xs.push(x);
      ys.push(ms);
      cells.push(`${x.toFixed(0)} ${shape.unit}s (${(bytes.length / 1024).toFixed(0)} KiB): ${ms.toFixed(1)} ms`);
    }
    referenceMs();
    measured.push({ key: `${kind} ${s}`, xs, ys });
    const { slope, intercept } = fit(xs, ys);
    console.log(`\n${kind} exercise, ${shape.name}\n  ${cells.join('\n  ')}\n  slope ${(slope * 1000).toFixed(2)} µs per ${shape.unit}, intercept ${intercept.toFixed(1)} ms`);
  }
}
// In reference workloads: every time over the best reference time of the run.
const unit = referenceBest;
console.log(`\nreference workload (the load gauge's yardstick): ${unit.toFixed(2)} ms of CPU, best of the run`);
for (const { key, xs, ys } of measured) {
  const units = ys.map((y) => y / unit);
  let steepest = 0;
  for (let i = 1; i < xs.length; i++) steepest = Math.max(steepest, (units[i]! - units[i - 1]!) / (xs[i]! - xs[i - 1]!));
  slopes.set(key, { steepest, fitted: fit(xs, units).slope, x: xs, y: units });
  console.log(`  ${key.padEnd(10)} least squares ${fit(xs, units).slope.toExponential(2)}, steepest step ${steepest.toExponential(2)} references per unit`);
}
// Per exercise: row = 1-column row − cell; cell = (10-column row − 1-column row) / 9; column = column slope − 2 cells (2 rows).
console.log('\nderived costs in reference workloads (steepest steps; the bound uses the larger of the two exercises)');
for (const kind of ['table', 'response']) {
  const one = slopes.get(`${kind} 0`)!.steepest;
  const ten = slopes.get(`${kind} 1`)!.steepest;
  const cell = Math.max(0, (ten - one) / 9);
  const row = Math.max(0, one - cell);
  const column = Math.max(0, slopes.get(`${kind} 2`)!.steepest - 2 * cell);
  console.log(`  ${kind.padEnd(8)} row ${row.toExponential(2)}, cell ${cell.toExponential(2)}, column ${column.toExponential(2)}`);
}
console.log(`  in use (test/fuzz/runner.ts WORK_UNITS): row ${WORK_UNITS.row.toExponential(2)}, cell ${WORK_UNITS.cell.toExponential(2)}, column ${WORK_UNITS.column.toExponential(2)}`);
// The plain table was not fitted: its largest size, measured against what the bound's terms allow.
for (const kind of ['table', 'response']) {
  const plain = slopes.get(`${kind} 3`)!;
  const rows = SHAPES[3]!.sizes.at(-1)!;
  const kib = plain.x.at(-1)!;
  const allowed = rows * WORK_UNITS.row + rows * 10 * WORK_UNITS.cell + 10 * WORK_UNITS.column;
  console.log(`  check, ${kind}, plain table of ${rows} rows (${kib.toFixed(0)} KiB): measured ${plain.y.at(-1)!.toFixed(1)} references; row/cell/column terms allow ${allowed.toFixed(1)} (plus 50 ms and ${MS_PER_KIB} ms/KiB)`);
}
console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
