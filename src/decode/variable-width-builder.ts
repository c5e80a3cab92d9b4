/**
 * The decoder of STRING, VARBINARY and GEOGRAPHY columns: `i32 length` (−1 = NULL) then the
 * bytes → one bytes buffer plus `Int32Array` offsets (n + 1), the Arrow Utf8/Binary layout.
 *
 * Values are gathered into the data buffer while the block's bytes are still in cache, 4 bytes
 * at a time through DataViews: ≈1.4× faster than byte by byte in a probe of 400 000 values of
 * 4–23 bytes (a `Buffer#copy` per value was 2× slower than bytes). A value's last word may read
 * up to 3 bytes past it (inside the frame; near the frame's end the value goes byte by byte) and
 * write up to 3 bytes past it, into the next value's place or the padding. Capacity is ensured
 * once per block, from the lengths of this column's values in it; at the end the buffer is
 * trimmed to size when the slack is worth a copy. STRING data is validated as UTF-8 once for the
 * whole column, so a JS string is only built when a value is asked for. GEOGRAPHY bodies stay
 * raw until read.
 */
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { asBuffer, decodeUtf8 } from '../protocol/buffer-reader.js';
import { ColumnBuilder, type RowBlock } from './column-builder.js';
import type { ColumnInfo, ColumnParts } from './column.js';
import type { ColumnMemory } from './column-memory.js';

/** Bytes of slack after the data, so the last value's last word can be written whole. */
const WORD_PAD = 3;
const MIN_CAPACITY = 4096;

/** What one block's scan found; `bad` ≥ 0 is the block row whose length is wrong (nothing else is valid then). */
interface Scan {
  nulls: number;
  total: number;
  bad: number;
}

/**
 * Walk one column's values over a block: copy each value into `data`, record the running
 * offsets, advance the cursors. A plain function with no call in the loop (see
 * fixed-width-builders.ts for why).
 */
function gatherValues(
  view: DataView,
  bytes: Uint8Array,
  cursor: Int32Array,
  rowEnd: Int32Array,
  tail: number,
  target: DataView,
  data: Uint8Array,
  offsets: Int32Array,
  validity: Uint8Array,
  first: number,
  count: number,
  total: number,
): Scan {
  const wordLimit = bytes.length - WORD_PAD;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    let from = cursor[k]!;
    const length = view.getInt32(from);
    from += 4;
    if (length === -1) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      cursor[k] = from;
    } else {
      if (length < 0 || length > rowEnd[k]! - from - tail) return { nulls, total, bad: k };
      const end = total + length;
      cursor[k] = from + length;
      if (from + length <= wordLimit) {
        for (let at = total; at < end; at += 4, from += 4) target.setInt32(at, view.getInt32(from));
      } else {
        for (let at = total; at < end; at++, from++) data[at] = bytes[from]!;
      }
      total = end;
    }
    offsets[row + 1] = total;
  }
  return { nulls, total, bad: -1 };
}

/**
 * The bytes this column's values take in a block: their lengths, each clamped to what is left
 * of its row (a wrong length is refused by {@link gatherValues}; it sizes nothing beyond its
 * row). Reserving the block's whole span instead — every column's bytes — made a table of
 * many variable-width columns allocate columns × bytes: 31 MB for a 300 KB frame of 2,000
 * columns (a fuzz finding, test/fuzz/regressions/wide-variable-tables.test.ts).
 */
function valueBytes(view: DataView, cursor: Int32Array, rowEnd: Int32Array, tail: number, count: number): number {
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const from = cursor[k]!;
    const length = view.getInt32(from);
    if (length > 0) sum += Math.max(0, Math.min(length, rowEnd[k]! - from - 4 - tail));
  }
  return sum;
}

export class VariableWidthBuilder extends ColumnBuilder {
  readonly minBytes = 4;
  readonly fixed = false;
  private readonly offsets: Int32Array;
  private data: Uint8Array = new Uint8Array(0);
  private target: DataView = new DataView(this.data.buffer);
  private total = 0;

  constructor(info: ColumnInfo, columnIndex: number, length: number, memory: ColumnMemory) {
    super(info, columnIndex, length, memory);
    // Uninitialised memory: every offset after the first is written as its row is decoded.
    this.offsets = new Int32Array(memory((length + 1) * 4));
    this.offsets[0] = 0;
  }

  decode(block: RowBlock, tail: number): void {
    const { view, bytes, cursor, rowEnd, first, count } = block;
    if (count === 0) return;
    this.reserve(valueBytes(view, cursor, rowEnd, tail, count), first, first + count < this.length);
    const result = gatherValues(view, bytes, cursor, rowEnd, tail, this.target, this.data, this.offsets, this.validity, first, count, this.total);
    if (result.bad >= 0) {
      const k = result.bad;
      const at = cursor[k]!;
      const length = view.getInt32(at);
      if (length < 0) throw this.fail(`length ${length} is negative`, first + k, at);
      throw this.fail(`length ${length} exceeds the ${rowEnd[k]! - at - 4 - tail} bytes left in the row`, first + k, at);
    }
    this.nullCount += result.nulls;
    this.total = result.total;
  }

  finish(): ColumnParts {
    const { total, offsets } = this;
    let data: Uint8Array = this.data.subarray(0, total);
    // Trim when more than an eighth would be slack (one native copy).
    if (this.data.length - total > (total >> 3) + MIN_CAPACITY) {
      data = new Uint8Array(this.memory(total));
      data.set(this.data.subarray(0, total));
    }
    if (this.info.type === VOLT_TYPE.STRING) this.validateUtf8(asBuffer(data));
    return this.parts(data, offsets);
  }

  /**
   * Room for `more` bytes after `total`, plus the word padding. The first block allocates for
   * itself (at least 4 KiB when more blocks follow); a later growth extrapolates the bytes per
   * row seen so far to the whole column (+1/8), so a column grows once or twice instead of
   * doubling from 4 KiB. A table that fits one block gets exactly its bytes: with the floor,
   * a small frame of 2,000 short STRING columns would take 2,000 × 4 KiB = 8 MB.
   */
  private reserve(more: number, rowsDone: number, moreBlocks: boolean): void {
    const needed = this.total + more + WORD_PAD;
    if (needed <= this.data.length) return;
    const projected = rowsDone === 0 ? 0 : Math.ceil((this.total / rowsDone) * this.length * 1.125);
    const grown = new Uint8Array(this.memory(Math.max(needed, projected + more + WORD_PAD, moreBlocks ? MIN_CAPACITY : 0)));
    grown.set(this.data.subarray(0, this.total));
    this.data = grown;
    this.target = new DataView(grown.buffer);
  }

  /** A ProtocolError naming the first row whose STRING is not UTF-8 when the column is not valid. */
  private validateUtf8(data: Buffer): void {
    if (isUtf8Column(data, this.offsets, this.length)) return;
    const offsets = this.offsets;
    for (let row = 0; row < this.length; row++) {
      // Find the culprit for the message; decodeUtf8 throws a ProtocolError on it.
      try {
        decodeUtf8(data, offsets[row]!, offsets[row + 1]!);
      } catch (cause) {
        // No frame offset: the column data no longer maps to it, the row number does.
        const { name } = this.info;
        throw new ProtocolError(`column ${this.columnIndex} (${name} STRING) row ${row}: invalid UTF-8`, { cause });
      }
    }
  }
}

/**
 * True when a STRING column's values (`data`, split at `offsets`) are each valid UTF-8: iff the
 * concatenation is valid and no value starts with a continuation byte (10xxxxxx) — a valid
 * sequence splits into characters one way only.
 */
export function isUtf8Column(data: Uint8Array, offsets: Int32Array, rows: number): boolean {
  if (!isUtf8(data)) return false;
  for (let row = 1; row < rows; row++) {
    const start = offsets[row]!;
    if (start < data.length && (data[start]! & 0xc0) === 0x80) return false;
  }
  return true;
}
