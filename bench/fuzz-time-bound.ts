/**
 * What one fuzz input costs the harness, by the units of work that are not bytes: the figures
 * behind the time bound's per-row and per-column terms (test/fuzz/runner.ts).
 *
 *   npx tsc -p . && node dist/bench/fuzz-time-bound.js [--rounds N]
 *
 * Valid tables of three extreme shapes, each at four sizes, go through the fuzzer's table and
 * response exercises (every reader, every value, every path); per size the best of N rounds.
 * A slope (least squares over the four sizes) per row, per column, per KiB shows the work is
 * linear in that unit; the per-KiB term alone underestimates inputs whose units are a few bytes
 * each (a row of one TINYINT is 5 bytes, a column header 5 bytes).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { VOLT_TYPE } from '../src/protocol/constants.js';
import { exerciseBareTable, exerciseResponse } from '../test/fuzz/exercise.js';
import { frameOf } from '../test/helpers/mutators.js';
import { ONE_TABLE_HEADER } from '../test/fuzz/regressions/tables.js';

/** A table of `types` columns (empty names) and `rows` rows, each value its smallest non-NULL form or NULL. */
function table(types: readonly number[], rows: number): Buffer {
  const width = (type: number): number => (type === VOLT_TYPE.NULL ? 0 : type === VOLT_TYPE.TINYINT ? 1 : 4);
  const rowLength = types.reduce((sum, type) => sum + width(type), 0);
  const headerLength = 3 + types.length + 4 * types.length;
  const bytes = Buffer.alloc(4 + 4 + headerLength + 4 + rows * (4 + rowLength));
  bytes.writeInt32BE(bytes.length - 4, 0);
  bytes.writeInt32BE(headerLength, 4);
  bytes.writeInt8(-128, 8);
  bytes.writeInt16BE(types.length, 9);
  types.forEach((type, c) => bytes.writeInt8(type, 11 + c));
  let at = 8 + headerLength;
  bytes.writeInt32BE(rows, at);
  at += 4;
  const row = Buffer.alloc(rowLength);
  let r = 0;
  for (const type of types) {
    if (type === VOLT_TYPE.STRING) row.writeInt32BE(-1, r);
    r += width(type);
  }
  for (let i = 0; i < rows; i++, at += 4 + rowLength) {
    bytes.writeInt32BE(rowLength, at);
    row.copy(bytes, at + 4);
  }
  return bytes;
}

interface Shape {
  name: string;
  unit: string;
  sizes: number[];
  make: (n: number) => Buffer;
}

const SHAPES: Shape[] = [
  { name: 'rows of one TINYINT (5 bytes a row)', unit: 'row', sizes: [5000, 10_000, 20_000, 40_000], make: (n) => table([VOLT_TYPE.TINYINT], n) },
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

function best(rounds: number, run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
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
console.log(`fuzz exercise cost by unit — best of ${rounds} rounds; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const shape of SHAPES) {
  for (const [kind, exercise] of [
    ['table', (bytes: Buffer) => exerciseBareTable(bytes, 'bigint')],
    ['response', (bytes: Buffer) => exerciseResponse(frameOf(Buffer.concat([ONE_TABLE_HEADER, bytes])), 'date')],
  ] as const) {
    const xs: number[] = [];
    const ys: number[] = [];
    const cells: string[] = [];
    for (const size of shape.sizes) {
      const bytes = shape.make(size);
      for (let i = 0; i < 3; i++) exercise(bytes); // warm up
      const ms = best(rounds, () => exercise(bytes));
      const x = shape.unit === 'KiB' ? bytes.length / 1024 : size;
      xs.push(x);
      ys.push(ms);
      cells.push(`${x.toFixed(0)} ${shape.unit}s (${(bytes.length / 1024).toFixed(0)} KiB): ${ms.toFixed(1)} ms`);
    }
    const { slope, intercept } = fit(xs, ys);
    console.log(`\n${kind} exercise, ${shape.name}\n  ${cells.join('\n  ')}\n  slope ${(slope * 1000).toFixed(2)} µs per ${shape.unit}, intercept ${intercept.toFixed(1)} ms`);
  }
}
console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
