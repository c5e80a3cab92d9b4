/**
 * Decoding a fixed-width numeric table with WebAssembly SIMD byte swapping
 * (`byte-swap-module.ts`), for tables whose columns are all 1-, 2-, 4- or 8-byte numbers
 * (TINYINT … BIGINT, FLOAT, TIMESTAMP): per table, one WebAssembly memory sized for the rows
 * and the columns (never grown, so never detached); the rows copied in at once; the row
 * lengths checked; each column gathered and byte-swapped by SIMD into its packed place; then
 * one JavaScript pass per column turns the NULL sentinels into validity bits and zeros. The
 * columns are views of that memory. A benchmark strategy, compared with the product's decoders.
 */
import type { ColumnParts } from '../../src/decode/column.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import type { TableLayout } from '../../src/protocol/response.js';
import { byteSwapModule, wasm, type ByteSwap, type WasmModule } from './byte-swap-module.js';

const WIDTH = new Map<number, number>([
  [VOLT_TYPE.TINYINT, 1],
  [VOLT_TYPE.SMALLINT, 2],
  [VOLT_TYPE.INTEGER, 4],
  [VOLT_TYPE.BIGINT, 8],
  [VOLT_TYPE.TIMESTAMP, 8],
  [VOLT_TYPE.FLOAT, 8],
]);
const PAGE = 65536;
let compiled: WasmModule | null = null;

/** True when every column of the table is a 1-, 2-, 4- or 8-byte number. */
export const fits = (layout: TableLayout): boolean => layout.columns.length > 0 && layout.columns.every((column) => WIDTH.has(column.type));

function clearBit(validity: Uint8Array, row: number): void {
  validity[row >> 3]! &= ~(1 << (row & 7));
}

/** NULL sentinels → validity bits and zeros, on the little-endian packed column; returns the NULL count. */
function markNulls(type: number, buffer: ArrayBuffer, at: number, rows: number, validity: Uint8Array): number {
  let nulls = 0;
  switch (type) {
    case VOLT_TYPE.TINYINT: {
      const a = new Int8Array(buffer, at, rows);
      for (let r = 0; r < rows; r++) if (a[r] === -128) { clearBit(validity, r); a[r] = 0; nulls++; }
      break;
    }
    case VOLT_TYPE.SMALLINT: {
      const a = new Int16Array(buffer, at, rows);
      for (let r = 0; r < rows; r++) if (a[r] === -32768) { clearBit(validity, r); a[r] = 0; nulls++; }
      break;
    }
    case VOLT_TYPE.INTEGER: {
      const a = new Int32Array(buffer, at, rows);
      for (let r = 0; r < rows; r++) if (a[r] === -2147483648) { clearBit(validity, r); a[r] = 0; nulls++; }
      break;
    }
    case VOLT_TYPE.FLOAT: {
      const a = new Float64Array(buffer, at, rows);
      for (let r = 0; r < rows; r++) if (a[r]! <= -1.7e308) { clearBit(validity, r); a[r] = 0; nulls++; }
      break;
    }
    default: {
      const a = new Int32Array(buffer, at, rows * 2);
      for (let r = 0; r < rows; r++) if (a[2 * r + 1] === -2147483648 && a[2 * r] === 0) { clearBit(validity, r); a[2 * r + 1] = 0; nulls++; }
    }
  }
  return nulls;
}

function valuesOf(type: number, buffer: ArrayBuffer, at: number, rows: number): ColumnParts['values'] {
  switch (type) {
    case VOLT_TYPE.TINYINT: return new Int8Array(buffer, at, rows);
    case VOLT_TYPE.SMALLINT: return new Int16Array(buffer, at, rows);
    case VOLT_TYPE.INTEGER: return new Int32Array(buffer, at, rows);
    case VOLT_TYPE.FLOAT: return new Float64Array(buffer, at, rows);
    default: return new BigInt64Array(buffer, at, rows);
  }
}

/** The table's columns, decoded with SIMD byte swapping (compiles the module on first use). */
export function decodeWasm(frame: Uint8Array, layout: TableLayout): VoltTable {
  const { columns, rowCount: rows, rowsOffset, end } = layout;
  const widths = columns.map((column) => WIDTH.get(column.type)!);
  const rowBytes = widths.reduce((sum, width) => sum + width, 0);
  const stride = rowBytes + 4;
  if (end - rowsOffset !== rows * stride) throw new Error('rows of unexpected length');
  const rowsBytes = end - rowsOffset;
  // Rows at 0, 8 bytes of slack (a 4-byte load past the last 2-byte value), then each column 8-aligned.
  let at = (rowsBytes + 8 + 7) & ~7;
  const places = widths.map((width) => {
    const place = at;
    at = (at + rows * width + 7) & ~7;
    return place;
  });
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(at / PAGE)) });
  compiled ??= byteSwapModule();
  const swap = new wasm.Instance(compiled, { m: { mem: memory } }).exports as unknown as ByteSwap;
  const buffer = memory.buffer;
  const bytes = new Uint8Array(buffer);
  bytes.set(frame.subarray(rowsOffset, end));
  const view = new DataView(buffer);
  for (let r = 0, p = 0; r < rows; r++, p += stride) if (view.getInt32(p) !== rowBytes) throw new Error(`row ${r}: length`);
  const parts: ColumnParts[] = [];
  let offset = 4;
  columns.forEach((column, c) => {
    const width = widths[c]!;
    const place = places[c]!;
    if (width === 8) swap.swap64(offset, stride, rows, place);
    else if (width === 4) swap.swap32(offset, stride, rows, place);
    else if (width === 2) swap.swap16(offset, stride, rows, place);
    else for (let r = 0, p = offset; r < rows; r++, p += stride) bytes[place + r] = bytes[p]!;
    offset += width;
    const validity = new Uint8Array((rows + 7) >> 3).fill(0xff);
    if (rows & 7) validity[validity.length - 1] = (1 << (rows & 7)) - 1;
    const nullCount = markNulls(column.type, buffer, place, rows, validity);
    parts.push({ name: column.name, type: column.type, length: rows, nullCount, values: valuesOf(column.type, buffer, place, rows), offsets: null, validity: nullCount === 0 ? null : validity });
  });
  return VoltTable.fromColumns({ columns: parts, rowCount: rows, status: layout.status });
}

