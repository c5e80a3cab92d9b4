/**
 * Shared scaffolding of the three fixed-width read strategies (Buffer methods, DataView,
 * manual shifts): the per-table plan, the output columns, and the canonical form. Only the
 * hot loop differs between them, and each strategy file owns its loop, so the JIT sees three
 * separate monomorphic functions rather than one function with three personalities.
 *
 * Output per table: for every fixed-width numeric column a typed array (Int8/Int16/Int32/
 * BigInt64/Float64; TIMESTAMP as BigInt64 µs) and an LSB-first validity bitmap, as the
 * columnar layout does. These decoders trust the bytes (no row-length validation beyond
 * what the read method itself checks): they measure the read technique, the product's
 * decoder is `columnar-inline`.
 */
import type { TableLayout } from '../../../src/protocol/response.js';
import { VOLT_TYPE } from '../../../src/protocol/constants.js';
import { canonicalValue, type CanonicalTable } from '../../harness/canonical.js';
import { FIXED_WIDTH_BYTES, valueWidth } from './projection.js';

export type FixedValues = Int8Array | Int16Array | Int32Array | BigInt64Array | Float64Array;

export interface FixedColumn {
  /** Column index in the table. */
  index: number;
  type: number;
  values: FixedValues;
  /** LSB-first, 1 = valid. */
  validity: Uint8Array;
}

export interface FixedTable {
  rowCount: number;
  columns: FixedColumn[];
}

/** What the hot loops need, per column: width in the row (-1 = length-prefixed) and output slot (-1 = skipped). */
export interface FixedPlan {
  widths: Int32Array;
  slots: Int32Array;
  types: Int32Array;
  table: FixedTable;
}

export const MIN_I64 = -(2n ** 63n);
/**
 * FLOAT NULL is any value ≤ −1.7E308, as the reference decoder reads it: PROTOCOL.md names the
 * bits of −1.7E308, but a real 11.4 server sends −Double.MAX_VALUE (fixtures/real/select_all_types).
 */
export const FLOAT_NULL = -1.7e308;
/** The high big-endian word of −1.7E308 (0xFFEE42D1): no double with a smaller high word (as unsigned) is ≤ it. */
export const FLOAT_NULL_HI_UNSIGNED = 0xffee42d1;

function allocate(type: number, rows: number): FixedValues {
  switch (type) {
    case VOLT_TYPE.TINYINT:
      return new Int8Array(rows);
    case VOLT_TYPE.SMALLINT:
      return new Int16Array(rows);
    case VOLT_TYPE.INTEGER:
      return new Int32Array(rows);
    case VOLT_TYPE.FLOAT:
      return new Float64Array(rows);
    default:
      return new BigInt64Array(rows);
  }
}

/** The plan and freshly allocated output arrays for one table (allocation is part of decoding: timed). */
export function planTable(layout: TableLayout): FixedPlan {
  const n = layout.columns.length;
  const widths = new Int32Array(n);
  const slots = new Int32Array(n).fill(-1);
  const types = new Int32Array(n);
  const columns: FixedColumn[] = [];
  for (let c = 0; c < n; c++) {
    const type = layout.columns[c]!.type;
    widths[c] = valueWidth(type);
    types[c] = type;
    if (FIXED_WIDTH_BYTES.has(type)) {
      slots[c] = columns.length;
      columns.push({ index: c, type, values: allocate(type, layout.rowCount), validity: new Uint8Array((layout.rowCount + 7) >> 3).fill(0xff) });
    }
  }
  return { widths, slots, types, table: { rowCount: layout.rowCount, columns } };
}

function valueAt(column: FixedColumn, row: number): unknown {
  if ((column.validity[row >> 3]! & (1 << (row & 7))) === 0) return null;
  return column.values[row];
}

/** Rows of the fixed-width columns, compared with the `bigint:fixed` reference flavour. */
export function canonicalFixed(table: FixedTable): CanonicalTable {
  const rows: string[][] = [];
  for (let r = 0; r < table.rowCount; r++) rows.push(table.columns.map((column) => canonicalValue(valueAt(column, r))));
  return { columns: table.columns.map((c) => c.index), rows };
}
