/**
 * Shared walk of the STRING columns for the eager/lazy string strategies. Both walk the rows
 * the same way (Buffer#readInt32BE for lengths, skipping other columns by width); they differ
 * only in what they keep: the eager walk makes a JS string of every value as it passes
 * (`decodeUtf8`: ASCII fast path, strict UTF-8), the lazy walk keeps where each value is
 * (start, length; -1 = NULL) and leaves the bytes in the frame until someone asks.
 */
import type { TableLayout } from '../../../src/protocol/response.js';
import { decodeUtf8 } from '../../../src/protocol/buffer-reader.js';
import { canonicalValue, type CanonicalTable } from '../../harness/canonical.js';
import { projectionColumns, valueWidth } from './projection.js';

export interface EagerStrings {
  indexes: number[];
  rowCount: number;
  /** Per STRING column, its values. */
  values: (string | null)[][];
}

export interface LazyStrings {
  indexes: number[];
  rowCount: number;
  bytes: Buffer;
  /** Per STRING column: byte offset of each value, and its length (-1 = NULL). */
  starts: Int32Array[];
  lengths: Int32Array[];
}

function plan(layout: TableLayout): { widths: Int32Array; slots: Int32Array; indexes: number[] } {
  const indexes = projectionColumns(layout.columns, 'strings');
  const widths = new Int32Array(layout.columns.map((c) => valueWidth(c.type)));
  const slots = new Int32Array(layout.columns.length).fill(-1);
  indexes.forEach((column, slot) => (slots[column] = slot));
  return { widths, slots, indexes };
}

export function eagerStrings(frame: Buffer, layout: TableLayout): EagerStrings {
  const { widths, slots, indexes } = plan(layout);
  const values = indexes.map(() => new Array<string | null>(layout.rowCount));
  let at = layout.rowsOffset;
  for (let r = 0; r < layout.rowCount; r++) {
    const rowEnd = at + 4 + frame.readInt32BE(at);
    let p = at + 4;
    for (let c = 0; c < widths.length; c++) {
      const w = widths[c]!;
      if (w >= 0) {
        p += w;
        continue;
      }
      const length = frame.readInt32BE(p);
      p += 4;
      const slot = slots[c]!;
      if (slot >= 0) values[slot]![r] = length < 0 ? null : decodeUtf8(frame, p, p + length);
      if (length > 0) p += length;
    }
    at = rowEnd;
  }
  return { indexes, rowCount: layout.rowCount, values };
}

export function lazyStrings(frame: Buffer, layout: TableLayout): LazyStrings {
  const { widths, slots, indexes } = plan(layout);
  const starts = indexes.map(() => new Int32Array(layout.rowCount));
  const lengths = indexes.map(() => new Int32Array(layout.rowCount));
  let at = layout.rowsOffset;
  for (let r = 0; r < layout.rowCount; r++) {
    const rowEnd = at + 4 + frame.readInt32BE(at);
    let p = at + 4;
    for (let c = 0; c < widths.length; c++) {
      const w = widths[c]!;
      if (w >= 0) {
        p += w;
        continue;
      }
      const length = frame.readInt32BE(p);
      p += 4;
      const slot = slots[c]!;
      if (slot >= 0) {
        starts[slot]![r] = p;
        lengths[slot]![r] = length;
      }
      if (length > 0) p += length;
    }
    at = rowEnd;
  }
  return { indexes, rowCount: layout.rowCount, bytes: frame, starts, lengths };
}

/** Every value of a lazy walk as a string (what reading all of them costs afterwards). */
export function readAll(lazy: LazyStrings): EagerStrings {
  const values = lazy.starts.map((starts, slot) => {
    const lengths = lazy.lengths[slot]!;
    const out = new Array<string | null>(lazy.rowCount);
    for (let r = 0; r < lazy.rowCount; r++) {
      const length = lengths[r]!;
      out[r] = length < 0 ? null : decodeUtf8(lazy.bytes, starts[r]!, starts[r]! + length);
    }
    return out;
  });
  return { indexes: lazy.indexes, rowCount: lazy.rowCount, values };
}

export function canonicalStrings(table: EagerStrings): CanonicalTable {
  const rows: string[][] = [];
  for (let r = 0; r < table.rowCount; r++) rows.push(table.values.map((column) => canonicalValue(column[r])));
  return { columns: table.indexes, rows };
}
