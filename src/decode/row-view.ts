/**
 * The lazy row view: a table left as the bytes it arrived in, values decoded only when read.
 *
 * Rows (PROTOCOL.md 6): `R x { i32 rowLength; C values back to back }`. Each value is read by
 * the protocol's `readValue`, the one implementation of single values, so a row read here and
 * a parameter decoded by the server side can never disagree.
 *
 * Sequential reads (`rows()`) walk the rows with one reader. Random reads (`get(row, column)`)
 * use an index of row offsets built once on first use (one i32 read per row, 4 bytes per row
 * of memory); inside a row, a column whose preceding columns are all fixed-width sits at a
 * constant offset, and any other column is reached by skipping the values before it.
 */
import { Buffer } from 'node:buffer';
import { VoltError, ProtocolError } from '../errors.js';
import { BufferReader, asBuffer, int32At } from '../protocol/buffer-reader.js';
import { FIXED_VALUE_BYTES, VOLT_TYPE } from '../protocol/constants.js';
import { readValue } from '../protocol/value-reader.js';
import { FLOAT_NULL_MAX } from './fixed-width-builders.js';
import type { ColumnInfo } from './column.js';
import type { TableShape } from './decode-table.js';
import type { TimestampMode } from '../protocol/value-reader.js';

/**
 * Each column list's constant offsets (see `RowView.fixedOffsets`). A call's answers repeat one
 * header, and the table layout reader hands them the same frozen column list, so the offsets
 * are worked out once per shape rather than once per response.
 */
const FIXED_OFFSETS = new WeakMap<readonly ColumnInfo[], readonly number[]>();

function fixedOffsetsOf(columns: readonly ColumnInfo[]): readonly number[] {
  let offsets = FIXED_OFFSETS.get(columns);
  if (offsets === undefined) {
    const computed = new Array<number>(columns.length).fill(-1);
    let at = 0;
    for (let c = 0; c < columns.length; c++) {
      computed[c] = at;
      const size = FIXED_VALUE_BYTES.get(columns[c]!.type);
      if (size === undefined) break;
      at += size;
    }
    offsets = computed;
    FIXED_OFFSETS.set(columns, offsets);
  }
  return offsets;
}

export class RowView {
  private readonly bytes: Buffer;
  private readonly shape: TableShape;
  private readonly reader: BufferReader;
  // Offsets lie inside one frame, which is below 2^31 bytes: an Int32Array is exact and costs
  // 4 bytes per row, never more than the rows themselves (each has a 4-byte length).
  /** `index[r]` = offset of row r's i32 length; `index[rowCount]` = end of the rows. */
  private index: Int32Array | null = null;
  /** Per column: its constant offset inside a row (after the i32 length), or -1 when it moves. */
  private readonly fixedOffsets: readonly number[];

  constructor(bytes: Uint8Array, shape: TableShape) {
    this.bytes = asBuffer(bytes);
    this.shape = shape;
    this.reader = new BufferReader(this.bytes, shape.rowsOffset, shape.end);
    this.fixedOffsets = fixedOffsetsOf(shape.columns);
  }

  /**
   * `readValue`, except that a FLOAT ≤ −1.7E308 is NULL: the real 11.4 server sends NULL FLOAT
   * as −Double.MAX_VALUE, which `readValue`'s exact −1.7E308 check misses (see FLOAT_NULL_MAX).
   */
  private static read(reader: BufferReader, type: number, timestamps: TimestampMode): unknown {
    const value = readValue(reader, type, timestamps);
    return type === VOLT_TYPE.FLOAT && (value as number) <= FLOAT_NULL_MAX ? null : value;
  }

  /** Every row as an array of values, in order. */
  *rows(timestamps: TimestampMode): IterableIterator<unknown[]> {
    const { columns, rowCount, rowsOffset, end } = this.shape;
    // A reader of its own: the caller may interleave get() calls with this iteration.
    const reader = new BufferReader(this.bytes, rowsOffset, end);
    for (let r = 0; r < rowCount; r++) {
      reader.end = end;
      const length = reader.length(`row ${r}`, false);
      const rowEnd = reader.offset + length;
      reader.end = rowEnd;
      const row = new Array<unknown>(columns.length);
      for (let c = 0; c < columns.length; c++) row[c] = RowView.read(reader, columns[c]!.type, timestamps);
      if (reader.offset !== rowEnd) {
        throw new ProtocolError(`row ${r}: ${rowEnd - reader.offset} bytes left after its ${columns.length} values`, {
          offset: reader.offset,
        });
      }
      yield row;
    }
  }

  /** The value at (`row`, `column`); both already range-checked by the caller. */
  get(row: number, column: number, timestamps: TimestampMode): unknown {
    const reader = this.seek(row, column);
    return RowView.read(reader, this.shape.columns[column]!.type, timestamps);
  }

  /** The bytes of a STRING/VARBINARY/GEOGRAPHY value (a view), or null for NULL. */
  valueBytes(row: number, column: number): Uint8Array | null {
    return this.seek(row, column).varbinary(`column ${this.shape.columns[column]!.name}`);
  }

  /** A reader positioned at the value, bounded by the row's end. */
  private seek(row: number, column: number): BufferReader {
    const reader = this.reader;
    let start = this.shape.rowsOffset + 4;
    let rowEnd = -1;
    // The only row (a call's usual answer) needs no row index when it ends where the table does
    // (else `rowIndex` says what is wrong).
    if (this.index === null && this.shape.rowCount === 1 && start <= this.shape.end && start <= this.bytes.length) rowEnd = start + int32At(this.bytes, start - 4);
    if (rowEnd === this.shape.end) {
      reader.offset = start;
      reader.end = rowEnd;
    } else {
      const index = this.rowIndex();
      start = index[row]! + 4;
      reader.offset = start;
      reader.end = index[row + 1]!;
    }
    const fixed = this.fixedOffsets[column]!;
    if (fixed >= 0) {
      reader.offset = start + fixed;
      return reader;
    }
    const columns = this.shape.columns;
    for (let c = 0; c < column; c++) {
      const size = FIXED_VALUE_BYTES.get(columns[c]!.type);
      if (size !== undefined) {
        reader.skip(size, `column ${columns[c]!.name}`);
      } else {
        const length = reader.length(`column ${columns[c]!.name}`, true);
        if (length > 0) reader.skip(length);
      }
    }
    return reader;
  }

  private rowIndex(): Int32Array {
    if (this.index !== null) return this.index;
    const { rowCount, rowsOffset, end } = this.shape;
    const index = new Int32Array(rowCount + 1);
    const reader = new BufferReader(this.bytes, rowsOffset, end);
    for (let r = 0; r < rowCount; r++) {
      index[r] = reader.offset;
      reader.skip(reader.length(`row ${r}`, false));
    }
    index[rowCount] = reader.offset;
    if (reader.offset !== end) {
      throw new ProtocolError(`table has ${end - reader.offset} bytes after its ${rowCount} rows`, { offset: reader.offset });
    }
    this.index = index;
    return index;
  }
}

/** Range checks shared by the table's accessors. */
export function checkRow(row: number, rowCount: number): void {
  if (!(Number.isInteger(row) && row >= 0 && row < rowCount)) {
    throw new VoltError(`row ${row} is out of range: the table has ${rowCount} rows`);
  }
}
