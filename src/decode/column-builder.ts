/**
 * The base of the per-type column decoders that the per-table plan (`decode-table.ts`) runs.
 *
 * Each builder owns exact-size output arrays (the row count precedes the rows) and decodes
 * its column for a block of rows at a time. `cursor[k]` locates row `first + k` inside the
 * frame:
 * - a fixed-width builder reads its value at `cursor[k] + offset` (its offset inside the run of
 *   fixed-width columns that starts at the cursor) and leaves the cursor alone — the plan moves
 *   the cursor past the whole run once. In a table of equal fixed-width rows the cursor is
 *   relative to the block's first row and `offset` includes the block's start;
 * - a variable-width builder reads `i32 length` + bytes at `cursor[k]` and advances the cursor.
 *
 * Reads go through a DataView (big-endian, PROTOCOL.md 0). Bounds: before column `c` the plan
 * guarantees `cursor[k] + need[c] ≤ rowEnd[k]`, `need[c]` being the fewest bytes columns
 * `c..C-1` take; a variable-width builder checks each length against `rowEnd − tail` (`tail` =
 * `need[c + 1]`), which keeps the guarantee. So no read can leave its row.
 */
import { ProtocolError } from '../errors.js';
import { typeName } from '../protocol/constants.js';
import type { ColumnInfo, ColumnParts } from './column.js';
import type { ColumnMemory } from './column-memory.js';

/** The rows of one block and where each one is. */
export interface RowBlock {
  view: DataView;
  bytes: Buffer;
  /** Per row of the block: the offset (in `bytes`) the current column run starts at. */
  cursor: Int32Array;
  /** Per row of the block: the offset just past the row's last byte. */
  rowEnd: Int32Array;
  /** Index of the block's first row in the table. */
  first: number;
  count: number;
}

export abstract class ColumnBuilder {
  nullCount = 0;
  /**
   * LSB-first validity (1 = valid), allocated all-valid up front so the hot loops clear a bit
   * inline instead of calling out; dropped in `parts()` when no value was NULL.
   */
  readonly validity: Uint8Array;

  constructor(
    readonly info: ColumnInfo,
    readonly columnIndex: number,
    readonly length: number,
    /** Where the output arrays are allocated (private, or shared in a decode worker). */
    protected readonly memory: ColumnMemory,
  ) {
    this.validity = new Uint8Array(memory((length + 7) >> 3)).fill(0xff);
    // Padding bits past the last row are cleared so two decodes compare byte for byte.
    if (length & 7) this.validity[this.validity.length - 1] = (1 << (length & 7)) - 1;
  }

  /** Fewest bytes a value of this column takes in a row. */
  abstract readonly minBytes: number;
  /** True when every value takes exactly `minBytes`. */
  abstract readonly fixed: boolean;
  /** Decode the block: `arg` is the offset in the run (fixed width) or the tail (variable width). */
  abstract decode(block: RowBlock, arg: number): void;
  /** The finished column; `bytes` is the frame (variable-width builders copy their values out of it). */
  abstract finish(bytes: Buffer): ColumnParts;

  protected parts(values: ColumnParts['values'], offsets: Int32Array | null = null): ColumnParts {
    return {
      name: this.info.name,
      type: this.info.type,
      length: this.length,
      nullCount: this.nullCount,
      values,
      offsets,
      validity: this.nullCount === 0 ? null : this.validity,
    };
  }

  /** The error for a bad value of this column at `row`, frame offset `offset`. */
  fail(message: string, row: number, offset: number): ProtocolError {
    const { name, type } = this.info;
    return new ProtocolError(`column ${this.columnIndex} (${name} ${typeName(type) ?? type}) row ${row}: ${message}`, {
      offset,
    });
  }
}
