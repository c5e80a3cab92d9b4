/**
 * Fixed-width columnar decoding: the product's decoder against the other ways of doing the same
 * work that were tried, on the 16 MB narrow frame (BIGINT, INTEGER 5 % NULL, FLOAT, TIMESTAMP;
 * 32-byte rows), with `Buffer.copy` of the same bytes in the same run.
 *
 *   npx tsc -p . && node --expose-gc dist/bench/fixed-width-strategies.bench.js [--quick] [--detached]
 *
 * Strategies (each produces every column's values and validity; checked against `decodeTable`
 * once, outside timing, before it is timed):
 * - decodeTable: the decoder (a column at a time over blocks of rows, words through a DataView);
 * - row loop for this shape: one pass over the rows, all four columns written per row — code
 *   written for this one table, the ceiling of a JS loop (a general decoder cannot be written so
 *   without generating code per table);
 * - generic row loop: one pass over the rows, a switch on each column's width per value;
 * - 8-byte columns in one pass: the three 8-byte columns row by row into one shared array,
 *   INTEGER a column at a time;
 * - aligned copy + native swap: each block's rows copied to an aligned scratch, each column
 *   gathered as raw words through an Int32Array, then `Buffer#swap64`/`swap32` on the column;
 * - BigInt reads: a column at a time, 8-byte values through `getBigInt64` into a BigInt64Array.
 *
 * `--detached` first detaches one unrelated ArrayBuffer (as any transfer to or from a worker
 * does): from then on V8 checks for detached buffers on typed-array and DataView accesses.
 * Reported: mean and min ms, GB/s of frame bytes at the min, and min ÷ the warm copy's min.
 */
import { Bench } from 'tinybench';
import { decodeTable } from '../src/decode/decode-table.js';
import type { ColumnParts } from '../src/decode/column.js';
import { readResponseHeader, tableLayouts } from '../src/protocol/response.js';
import { narrowFrame } from './datasets/narrow.js';

const quick = process.argv.includes('--quick');
if (process.argv.includes('--detached')) {
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
}
const TIME_MS = quick ? 400 : 1500;
const ROWS = quick ? 125_000 : 500_000;
const gc = (globalThis as { gc?: () => void }).gc;

const frame = narrowFrame(ROWS);
const layout = tableLayouts(frame, readResponseHeader(frame))[0]!;
const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
const R = layout.rowCount;
/** Row size with its length; value offsets inside a row (after the length); bytes per value. */
const STRIDE = 32;
const OFFSETS = [0, 8, 12, 20];
const WIDTHS = [8, 4, 8, 8];
const INT32_MIN = -2147483648;
const BLOCK = 2048;

/** Per column: the values' bytes (little-endian) and the validity bitmap (all-valid = 0xff). */
interface Output {
  values: Uint8Array[];
  validity: Uint8Array[];
}

const fresh = (bytes: number): ArrayBuffer => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
const allValid = (): Uint8Array => new Uint8Array((R + 7) >> 3).fill(0xff);
const bytesOf = (array: Int32Array | BigInt64Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

function checkLength(at: number, row: number): void {
  if (view.getInt32(at) !== STRIDE - 4) throw new Error(`row ${row}: unexpected length`);
}

/** The sentinel tests of the four columns, on (high, low) words. */
const isNullInt64 = (high: number, low: number): boolean => ((high ^ INT32_MIN) | low) === 0;
const isNullFloat = (high: number, at: number): boolean => high >>> 0 >= 0xffee42d1 && view.getFloat64(at) <= -1.7e308;

function rowLoopForShape(): Output {
  const ids = new Int32Array(fresh(R * 8));
  const quantities = new Int32Array(fresh(R * 4));
  const prices = new Int32Array(fresh(R * 8));
  const times = new Int32Array(fresh(R * 8));
  const validity = [allValid(), allValid(), allValid(), allValid()];
  const [v0, v1, v2, v3] = validity as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  for (let r = 0, at = layout.rowsOffset; r < R; r++, at += STRIDE) {
    checkLength(at, r);
    const w = r << 1;
    let high = view.getInt32(at + 4);
    let low = view.getInt32(at + 8);
    if (isNullInt64(high, low)) v0[r >> 3]! &= ~(1 << (r & 7));
    ids[w] = low;
    ids[w + 1] = isNullInt64(high, low) ? 0 : high;
    const quantity = view.getInt32(at + 12);
    if (quantity === INT32_MIN) v1[r >> 3]! &= ~(1 << (r & 7));
    quantities[r] = quantity === INT32_MIN ? 0 : quantity;
    high = view.getInt32(at + 16);
    low = view.getInt32(at + 20);
    if (isNullFloat(high, at + 16)) {
      v2[r >> 3]! &= ~(1 << (r & 7));
      high = low = 0;
    }
    prices[w] = low;
    prices[w + 1] = high;
    high = view.getInt32(at + 24);
    low = view.getInt32(at + 28);
    if (isNullInt64(high, low)) v3[r >> 3]! &= ~(1 << (r & 7));
    times[w] = low;
    times[w + 1] = isNullInt64(high, low) ? 0 : high;
  }
  return { values: [ids, quantities, prices, times].map(bytesOf), validity };
}

function genericRowLoop(): Output {
  const words = WIDTHS.map((width) => new Int32Array(fresh(R * width)));
  const validity = WIDTHS.map(allValid);
  for (let r = 0, at = layout.rowsOffset; r < R; r++, at += STRIDE) {
    checkLength(at, r);
    for (let c = 0; c < 4; c++) {
      const p = at + 4 + OFFSETS[c]!;
      const out = words[c]!;
      if (WIDTHS[c] === 4) {
        const value = view.getInt32(p);
        if (value === INT32_MIN) validity[c]![r >> 3]! &= ~(1 << (r & 7));
        out[r] = value === INT32_MIN ? 0 : value;
      } else {
        let high = view.getInt32(p);
        let low = view.getInt32(p + 4);
        if (c === 2 ? isNullFloat(high, p) : isNullInt64(high, low)) {
          validity[c]![r >> 3]! &= ~(1 << (r & 7));
          high = low = 0;
        }
        out[r << 1] = low;
        out[(r << 1) + 1] = high;
      }
    }
  }
  return { values: words.map(bytesOf), validity };
}

function eightByteColumnsInOnePass(): Output {
  // Columns 0, 2, 3 at word bases 0, 2R, 4R of one array; column 1 a column at a time.
  const shared = new Int32Array(fresh(R * 24));
  const quantities = new Int32Array(fresh(R * 4));
  const validity = WIDTHS.map(allValid);
  const columns = [0, 2, 3];
  for (let r = 0, at = layout.rowsOffset; r < R; r++, at += STRIDE) {
    checkLength(at, r);
    for (let j = 0; j < 3; j++) {
      const c = columns[j]!;
      const p = at + 4 + OFFSETS[c]!;
      let high = view.getInt32(p);
      let low = view.getInt32(p + 4);
      if (c === 2 ? isNullFloat(high, p) : isNullInt64(high, low)) {
        validity[c]![r >> 3]! &= ~(1 << (r & 7));
        high = low = 0;
      }
      const w = j * 2 * R + (r << 1);
      shared[w] = low;
      shared[w + 1] = high;
    }
  }
  for (let r = 0, at = layout.rowsOffset + 12; r < R; r++, at += STRIDE) {
    const value = view.getInt32(at);
    if (value === INT32_MIN) validity[1]![r >> 3]! &= ~(1 << (r & 7));
    quantities[r] = value === INT32_MIN ? 0 : value;
  }
  const column = (j: number): Uint8Array => new Uint8Array(shared.buffer, j * 8 * R, 8 * R);
  return { values: [column(0), bytesOf(quantities), column(1), column(2)], validity };
}

function alignedCopyAndNativeSwap(): Output {
  const scratch = Buffer.allocUnsafeSlow(BLOCK * STRIDE);
  const source = new Int32Array(scratch.buffer, scratch.byteOffset, scratch.length >> 2);
  const columns = WIDTHS.map((width) => Buffer.allocUnsafeSlow(R * width));
  const words = columns.map((column) => new Int32Array(column.buffer, column.byteOffset, column.length >> 2));
  const validity = WIDTHS.map(allValid);
  for (let first = 0, at = layout.rowsOffset; first < R; first += BLOCK) {
    const count = Math.min(BLOCK, R - first);
    for (let k = 0; k < count; k++) checkLength(at + k * STRIDE, first + k);
    frame.copy(scratch, 0, at, at + count * STRIDE);
    at += count * STRIDE;
    for (let c = 0; c < 4; c++) {
      const out = words[c]!;
      const valid = validity[c]!;
      // Raw wire words: a NULL BIGINT/TIMESTAMP reads (0x00000080, 0) and an INTEGER NULL 0x80.
      for (let k = 0, s = (4 + OFFSETS[c]!) >> 2, row = first; k < count; k++, s += STRIDE >> 2, row++) {
        if (WIDTHS[c] === 4) {
          const value = source[s]!;
          if (value === 0x80) valid[row >> 3]! &= ~(1 << (row & 7));
          out[row] = value === 0x80 ? 0 : value;
        } else {
          const a = source[s]!;
          const b = source[s + 1]!;
          // FLOAT NULL (≤ −1.7E308) needs the value: check it after the swap, below.
          const isNull = c !== 2 && ((a ^ 0x80) | b) === 0;
          if (isNull) valid[row >> 3]! &= ~(1 << (row & 7));
          out[row << 1] = isNull ? 0 : a;
          out[(row << 1) + 1] = isNull ? 0 : b;
        }
      }
    }
  }
  columns.forEach((column, c) => (WIDTHS[c] === 8 ? column.swap64() : column.swap32()));
  const prices = new Float64Array(columns[2]!.buffer, columns[2]!.byteOffset, R);
  for (let r = 0; r < R; r++) {
    if (prices[r]! <= -1.7e308) {
      validity[2]![r >> 3]! &= ~(1 << (r & 7));
      prices[r] = 0;
    }
  }
  return { values: columns.map((column) => new Uint8Array(column.buffer, column.byteOffset, column.length)), validity };
}

function bigIntReads(): Output {
  const MIN = -(1n << 63n);
  const int64 = [0, 3].map(() => new BigInt64Array(fresh(R * 8)));
  const quantities = new Int32Array(fresh(R * 4));
  const prices = new Int32Array(fresh(R * 8));
  const validity = WIDTHS.map(allValid);
  const at0 = layout.rowsOffset + 4;
  for (let r = 0; r < R; r++) checkLength(layout.rowsOffset + r * STRIDE, r);
  [0, 3].forEach((c, i) => {
    const out = int64[i]!;
    for (let r = 0, at = at0 + OFFSETS[c]!; r < R; r++, at += STRIDE) {
      const value = view.getBigInt64(at);
      if (value === MIN) validity[c]![r >> 3]! &= ~(1 << (r & 7));
      out[r] = value === MIN ? 0n : value;
    }
  });
  for (let r = 0, at = at0 + 8; r < R; r++, at += STRIDE) {
    const value = view.getInt32(at);
    if (value === INT32_MIN) validity[1]![r >> 3]! &= ~(1 << (r & 7));
    quantities[r] = value === INT32_MIN ? 0 : value;
  }
  for (let r = 0, at = at0 + 12; r < R; r++, at += STRIDE) {
    let high = view.getInt32(at);
    let low = view.getInt32(at + 4);
    if (isNullFloat(high, at)) {
      validity[2]![r >> 3]! &= ~(1 << (r & 7));
      high = low = 0;
    }
    prices[r << 1] = low;
    prices[(r << 1) + 1] = high;
  }
  return { values: [bytesOf(int64[0]!), bytesOf(quantities), bytesOf(prices), bytesOf(int64[1]!)], validity };
}

function product(): Output {
  const parts: ColumnParts[] = decodeTable(frame, layout);
  return {
    values: parts.map(({ values }) => new Uint8Array(values!.buffer, values!.byteOffset, values!.byteLength)),
    validity: parts.map(({ validity }) => validity ?? allValid()),
  };
}

const strategies: [string, () => Output][] = [
  ['decodeTable', product],
  ['row loop for this shape', rowLoopForShape],
  ['generic row loop', genericRowLoop],
  ['8-byte columns in one pass', eightByteColumnsInOnePass],
  ['aligned copy + native swap', alignedCopyAndNativeSwap],
  ['BigInt reads', bigIntReads],
];

const expected = product();
for (const [name, run] of strategies) {
  const got = run();
  for (let c = 0; c < 4; c++) {
    if (Buffer.compare(got.values[c]!, expected.values[c]!) !== 0 || Buffer.compare(got.validity[c]!, expected.validity[c]!) !== 0) {
      throw new Error(`${name}: column ${c} differs from decodeTable`);
    }
  }
}

let sink = 0;
const bench = new Bench({ name: 'fixed-width strategies', time: TIME_MS, warmupTime: TIME_MS / 5, iterations: 5, setup: () => gc?.() });
const warm = Buffer.allocUnsafeSlow(frame.length);
bench
  .add('Buffer.copy (warm target)', () => {
    frame.copy(warm);
  })
  .add('Buffer.copy (fresh target)', () => {
    const target = Buffer.allocUnsafeSlow(frame.length);
    frame.copy(target);
    sink += target[0]!;
  });
for (const [name, run] of strategies) bench.add(name, () => (sink += run().values.length));
await bench.run();

const latency = (name: string): { mean: number; min: number } => {
  const result = bench.tasks.find((task) => task.name === name)?.result as { latency?: { mean: number; min: number } } | undefined;
  return result?.latency ?? { mean: Number.NaN, min: Number.NaN };
};
const copyMin = latency('Buffer.copy (warm target)').min;
console.log(`narrow, ${(frame.length / 1e6).toFixed(1)} MB, ${R.toLocaleString('en-US')} rows${process.argv.includes('--detached') ? ', after one ArrayBuffer was detached' : ''}`);
console.log('| strategy | mean ms | min ms | GB/s at min | × warm copy (min/min) |');
console.log('|---|---:|---:|---:|---:|');
for (const task of bench.tasks) {
  const { mean, min } = latency(task.name);
  console.log(`| ${task.name} | ${mean.toFixed(2)} | ${min.toFixed(2)} | ${(frame.length / min / 1e6).toFixed(2)} | ${(min / copyMin).toFixed(1)} |`);
}
console.log(`\nnode ${process.version}, ${process.platform}/${process.arch}, sink ${sink > 0 ? 'ok' : 'empty'}`);
