/**
 * Decoding a table with a decoder generated for its shape (source: `shape-source.ts`).
 *
 * Why: bench/RESULTS.md measured a row loop written for one table shape at 2.8–3.6× the time
 * of `Buffer.copy` of the same bytes, against 7–8× for the general column-at-a-time plan. The
 * shape-specific loop is what a general decoder can only have by generating it.
 *
 * When it is used (`decodeTable` decides, see there): code generation from strings is allowed
 * in this thread (not `--disallow-code-generation-from-strings`), the caller did not opt out
 * (`codegen: false`), the table has 1..{@link MAX_GENERATED_COLUMNS} columns and at least
 * {@link MIN_GENERATED_ROWS} rows. Anything the generated loop finds wrong (a row length, a
 * value length, bad UTF-8, an impossible DATE) makes this return `null`, and the general
 * decoder decodes the table again to raise its precise error: the two never disagree on what
 * is refused or why.
 *
 * Generated functions are cached by the table's type signature in a small LRU
 * ({@link MAX_CACHED_SHAPES}); a cached shape never pays for generation again.
 */
import { performance } from 'node:perf_hooks';
import { VOLT_TYPE } from '../protocol/constants.js';
import { isValidDay } from '../protocol/volt-date.js';
import { asBuffer } from '../protocol/buffer-reader.js';
import { daysFromCivil } from './calendar.js';
import type { ColumnParts } from './column.js';
import { privateMemory, type ColumnMemory } from './column-memory.js';
import { FIXED_WIDTH_TYPES } from './fixed-width-builders.js';
import { shapeSource, WORD_PAD, wireWidth } from './shape-source.js';
import type { TableShape } from './decode-table.js';
import { isUtf8Column } from './variable-width-builder.js';

/**
 * Wider tables use the general decoder: one generated function per shape grows with its
 * columns, and past a few hundred values per row V8 stops optimizing it whole.
 */
export const MAX_GENERATED_COLUMNS = 128;
/**
 * Smaller tables use the general decoder, whose loops are shared by every table and already
 * optimized: a new shape's loop starts in the interpreter, which only pays off over many rows.
 */
export const MIN_GENERATED_ROWS = 512;
/** Shapes whose generated decoder is kept. */
export const MAX_CACHED_SHAPES = 256;

type RowDecoder = (
  view: DataView,
  bytes: Uint8Array,
  state: Int32Array,
  out: readonly (Int8Array | Int16Array | Int32Array | null)[],
  validity: readonly Uint8Array[],
  data: readonly (Uint8Array | null)[],
  dataViews: readonly (DataView | null)[],
) => number;

const DONE = 0;
const GROW = 1;

let codegenAllowed: boolean | undefined;

/**
 * True when this thread may compile code from strings. A process started with
 * `--disallow-code-generation-from-strings` (or a policy that forbids it) gets an EvalError
 * from `new Function`; that is the only thing this looks at, and it is looked at once.
 */
export function codegenAvailable(): boolean {
  if (codegenAllowed === undefined) {
    try {
      codegenAllowed = new Function('return 1')() === 1;
    } catch {
      codegenAllowed = false;
    }
  }
  return codegenAllowed;
}

const cache = new Map<string, RowDecoder>();
/** Generated shapes and the time spent generating them (for benchmarks). */
export const generationStats = { shapes: 0, microseconds: 0 };

/** The decoder for `types`, generated on first use; `null` if a type cannot appear in a table. */
export function rowDecoderFor(types: readonly number[]): RowDecoder | null {
  const key = types.join(',');
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Most recently used last: the Map keeps insertion order.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  if (types.some((type) => wireWidth(type) === -2)) return null;
  const started = performance.now();
  const decoder = new Function(shapeSource(types))() as RowDecoder;
  generationStats.shapes++;
  generationStats.microseconds += (performance.now() - started) * 1000;
  if (cache.size >= MAX_CACHED_SHAPES) cache.delete(cache.keys().next().value!);
  cache.set(key, decoder);
  return decoder;
}

/** Forget every generated decoder (benchmarks measure generation with it). */
export function clearGeneratedDecoders(): void {
  cache.clear();
}

/**
 * Every column of the table, decoded by its shape's generated decoder; `null` when the table
 * must go to the general decoder (a shape that cannot be generated, or bytes it refuses).
 * The caller has checked the table's bounds (`decodeTable`).
 */
export function decodeGenerated(bytes: Uint8Array, shape: TableShape, memory: ColumnMemory = privateMemory): ColumnParts[] | null {
  const { columns, rowCount, rowsOffset, end } = shape;
  const C = columns.length;
  const types = columns.map((column) => column.type);
  const decoder = rowDecoderFor(types);
  if (decoder === null) return null;
  const buffer = asBuffer(bytes);
  const widths = types.map(wireWidth);
  const minRow = widths.reduce((sum, width) => sum + (width < 0 ? 4 : width), 0);
  const variable = widths.some((width) => width < 0);
  // All fixed width: a valid table is exactly rowCount rows of minRow bytes (the loop checks each length).
  if (!variable && end - rowsOffset !== rowCount * (minRow + 4)) return null;

  const fixedBuffers: (ArrayBuffer | SharedArrayBuffer | null)[] = new Array(C).fill(null);
  const out: (Int8Array | Int16Array | Int32Array | null)[] = new Array(C).fill(null);
  const validity: Uint8Array[] = [];
  const data: (Uint8Array | null)[] = new Array(C).fill(null);
  const dataViews: (DataView | null)[] = new Array(C).fill(null);
  // The variable-width columns share the rows' bytes: each starts with its share (the loop grows
  // a column that needs more). Each starting with all of them allocated columns × bytes — the
  // amplification the fuzzer found in the general decoder (variable-width-builder.ts).
  const variableColumns = widths.filter((width) => width < 0).length;
  const firstCapacity = Math.min(Math.ceil((end - rowsOffset) / Math.max(1, variableColumns)), 256 * 1024) + WORD_PAD;
  for (let c = 0; c < C; c++) {
    validity.push(allValid(memory, rowCount));
    const width = widths[c]!;
    if (width < 0) {
      out[c] = new Int32Array(memory((rowCount + 1) * 4));
      out[c]![0] = 0;
      data[c] = new Uint8Array(memory(firstCapacity));
      dataViews[c] = new DataView(data[c]!.buffer);
    } else if (width > 0) {
      const fixed = memory(rowCount * width);
      fixedBuffers[c] = fixed;
      out[c] = width === 1 ? new Int8Array(fixed) : width === 2 ? new Int16Array(fixed) : new Int32Array(fixed);
    }
  }

  const state = new Int32Array(4 + 2 * C);
  state[1] = rowsOffset;
  state[2] = end;
  state[3] = rowCount;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  for (;;) {
    const code = decoder(view, buffer, state, out, validity, data, dataViews);
    if (code === DONE) break;
    if (code !== GROW) return null;
    growData(memory, state, widths, data, dataViews, view, rowCount);
  }
  if (state[1] !== end) return null;

  const parts: ColumnParts[] = [];
  for (let c = 0; c < C; c++) {
    const { name, type } = columns[c]!;
    let nullCount = state[4 + c]!;
    let values: ColumnParts['values'] = null;
    let offsets: Int32Array | null = null;
    const width = widths[c]!;
    if (width < 0) {
      offsets = out[c] as Int32Array;
      const total = state[4 + C + c]!;
      let bytesOut = data[c]!.subarray(0, total);
      // Trim when more than an eighth would be slack (one native copy), as the general decoder does.
      if (data[c]!.length - total > (total >> 3) + 4096) bytesOut = copyInto(memory, bytesOut);
      if (type === VOLT_TYPE.STRING && !isUtf8Column(bytesOut, offsets, rowCount)) return null;
      values = bytesOut;
    } else if (width === 0) {
      nullCount = rowCount;
      validity[c]!.fill(0);
    } else {
      if (type === VOLT_TYPE.DATE && !convertDates(out[c] as Int32Array, validity[c]!, rowCount)) return null;
      values = FIXED_WIDTH_TYPES.get(type)!.values!(fixedBuffers[c] as ArrayBuffer);
    }
    parts.push({ name, type, length: rowCount, nullCount, values, offsets, validity: nullCount === 0 ? null : validity[c]! });
  }
  return parts;
}

/** LSB-first validity, all valid, padding bits past the last row clear (so decodes compare byte for byte). */
function allValid(memory: ColumnMemory, rows: number): Uint8Array {
  const validity = new Uint8Array(memory((rows + 7) >> 3)).fill(0xff);
  if (rows & 7) validity[validity.length - 1] = (1 << (rows & 7)) - 1;
  return validity;
}

/**
 * Room for the row at `state[1]` in every variable-width column that lacks it. As in the
 * general decoder, the bytes per row seen so far are extrapolated to the whole column (+1/8),
 * so a column grows once or twice.
 */
function growData(
  memory: ColumnMemory,
  state: Int32Array,
  widths: readonly number[],
  data: (Uint8Array | null)[],
  dataViews: (DataView | null)[],
  view: DataView,
  rowCount: number,
): void {
  const C = widths.length;
  const row = state[0]!;
  const rowBytes = view.getInt32(state[1]!);
  for (let c = 0; c < C; c++) {
    const current = data[c];
    if (current === null || current === undefined) continue;
    const total = state[4 + C + c]!;
    const needed = total + rowBytes + WORD_PAD;
    if (needed <= current.length) continue;
    const projected = row === 0 ? 0 : Math.ceil((total / row) * rowCount * 1.125);
    const grown = new Uint8Array(memory(Math.max(needed, projected + rowBytes + WORD_PAD, current.length * 2)));
    grown.set(current.subarray(0, total));
    data[c] = grown;
    dataViews[c] = new DataView(grown.buffer);
  }
}

function copyInto(memory: ColumnMemory, bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(memory(bytes.length));
  copy.set(bytes);
  return copy;
}

/** DATE: each valid packed day → days since 1970-01-01; false on an impossible day (the general decoder names it). */
function convertDates(values: Int32Array, validity: Uint8Array, rows: number): boolean {
  for (let row = 0; row < rows; row++) {
    if ((validity[row >> 3]! & (1 << (row & 7))) === 0) continue;
    const packed = values[row]!;
    const year = packed >> 16;
    const month = (packed >> 8) & 0xff;
    const day = packed & 0xff;
    if (!isValidDay(year, month, day)) return false;
    values[row] = daysFromCivil(year, month, day);
  }
  return true;
}
