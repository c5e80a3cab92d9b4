/**
 * A VoltTable built a row at a time, for VOLTTABLE parameters that are filled as rows arrive
 * (the bulk loader's per-partition batches). Every row is encoded — and so checked — when it
 * is added; a refused row leaves nothing behind. The finished table is an {@link EncodedTable}:
 * bytes the parameter encoder copies as they are, with no second pass over the values.
 *
 * ```
 * i32  totalLength                       filled by build()
 * i32  headerLength, i8 status -128, i16 C, u8[C] types, C × str names   written once
 * i32  rowCount                          filled by build()
 * R × (i32 rowLength, C values)          appended by beginRow() … endRow()
 * ```
 * Pure: no sockets, timers or promises.
 */
import { Buffer } from 'node:buffer';
import { BufferWriter } from './buffer-writer.js';
import { EncodedTable, TABLE_STATUS_DEFAULT, type TableColumn } from './value-writer.js';

export { EncodedTable } from './value-writer.js';

/** Appends encoded rows after a fixed header; see the file comment. */
export class TableBuilder {
  /** Write the cells of the current row here, between {@link beginRow} and {@link endRow}. */
  readonly writer: BufferWriter;
  /** Offset of each finished row's i32 length. */
  private starts: number[] = [];
  private rowStart = -1;
  private readonly headerEnd: number;

  constructor(
    readonly columns: readonly TableColumn[],
    initialBytes = 4096,
  ) {
    const w = new BufferWriter(Buffer.allocUnsafe(Math.max(256, initialBytes)));
    w.int32(0); // total length, filled by build()
    const header = w.reserveLength();
    w.int8(TABLE_STATUS_DEFAULT);
    w.int16(columns.length);
    for (const column of columns) w.int8(column.type);
    for (const column of columns) w.string(column.name);
    w.fillLength(header);
    w.int32(0); // row count, filled by build()
    this.headerEnd = w.offset;
    this.writer = w;
  }

  /** Rows added so far. */
  get rowCount(): number {
    return this.starts.length;
  }

  /** Bytes the table would have if built now. */
  get byteLength(): number {
    return this.writer.offset;
  }

  /** Start a row: reserve its length. */
  beginRow(): void {
    this.rowStart = this.writer.offset;
    this.writer.int32(0);
  }

  /** Finish the row begun last: fill its length. */
  endRow(): void {
    const w = this.writer;
    w.buffer.writeInt32BE(w.offset - this.rowStart - 4, this.rowStart);
    this.starts.push(this.rowStart);
    this.rowStart = -1;
  }

  /** Drop the row begun last (a cell was refused): the table is as it was before {@link beginRow}. */
  cancelRow(): void {
    if (this.rowStart >= 0) this.writer.offset = this.rowStart;
    this.rowStart = -1;
  }

  /** The table of every row added. Add no rows afterwards ({@link singleRow} still works). */
  build(): EncodedTable {
    const w = this.writer;
    w.buffer.writeInt32BE(w.offset - 4, 0);
    w.buffer.writeInt32BE(this.starts.length, this.headerEnd - 4);
    return new EncodedTable(w.buffer.subarray(0, w.offset), this.starts.length);
  }

  /**
   * A table of row `index` alone (built or not), in a buffer of its own — to send one row
   * again after its batch failed.
   */
  singleRow(index: number): EncodedTable {
    const buffer = this.writer.buffer;
    const start = this.starts[index];
    if (start === undefined) throw new RangeError(`row ${index} of ${this.starts.length} does not exist`);
    const end = index + 1 < this.starts.length ? this.starts[index + 1]! : this.writer.offset;
    const out = Buffer.allocUnsafe(this.headerEnd + end - start);
    buffer.copy(out, 0, 0, this.headerEnd);
    buffer.copy(out, this.headerEnd, start, end);
    out.writeInt32BE(out.length - 4, 0);
    out.writeInt32BE(1, this.headerEnd - 4);
    return new EncodedTable(out, 1);
  }
}
