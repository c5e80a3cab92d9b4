/**
 * The columnar decoders: a VoltTable's rows → one {@link ColumnParts} per column.
 *
 * `decodeTable` picks the decoder: the one generated for the table's shape
 * (`generated-decoder.ts`) when it applies, else the general decoder below, which is also the
 * reference both are tested against and the one that names what is wrong with bad bytes.
 *
 * The general decoder:
 *
 * Rows (PROTOCOL.md 6), starting at `layout.rowsOffset`:
 *
 * ```
 * R x { i32 rowLength; C values back to back, no type bytes }
 * ```
 *
 * The plan, made once per table, is one builder per column type and a list of steps: a run of
 * fixed-width columns is read at constant offsets from a per-row cursor, then the cursor is
 * moved past the run once; a variable-width column reads at the cursor and moves it. Rows are
 * taken in blocks sized to stay in cache: the block's row headers are walked first, then each
 * step decodes the whole block in one tight loop. When every column is fixed-width, each row
 * must be exactly as long as its values (one check per row); otherwise each row must be
 * consumed exactly. The same function runs inline and in the decode worker.
 *
 * Why a column at a time (bench/fixed-width-strategies.bench.ts, 16 MB narrow frame, best
 * times of four runs): a loop written for that one table shape, all four columns per row, took
 * 2.96–3.91 ms against 6.34–8.99 ms for this plan, but it is code per shape, which a general
 * decoder could only get by generating code; a generic row loop (a switch on the width per
 * value) took 8.54–10.71 ms; the three 8-byte columns decoded together, row by row into one
 * shared array, 6.31–7.62 ms (0–22 % faster, for tables with several 8-byte columns only: not
 * adopted).
 */
import { ProtocolError } from '../errors.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { asBuffer } from '../protocol/buffer-reader.js';
import type { ColumnBuilder, RowBlock } from './column-builder.js';
import type { ColumnInfo, ColumnParts } from './column.js';
import { privateMemory, type ColumnMemory } from './column-memory.js';
import { FIXED_WIDTH_TYPES, FixedWidthBuilder } from './fixed-width-builders.js';
import { codegenAvailable, decodeGenerated, MAX_GENERATED_COLUMNS, MIN_GENERATED_ROWS } from './generated-decoder.js';
import { VariableWidthBuilder } from './variable-width-builder.js';

/** Where a table's rows are and what its columns are: the parts of `TableLayout` the decoders use. */
export interface TableShape {
  readonly columns: readonly ColumnInfo[];
  readonly rowCount: number;
  /** Offset of the first row's i32 length. */
  readonly rowsOffset: number;
  /** Offset just past the table's last byte. */
  readonly end: number;
}

/**
 * Rows per block aim at about this many bytes, so a block's rows stay in cache across columns
 * (8 to 128 KiB blocks made no measurable difference on the narrow, wide and all-fixed tables).
 */
const BLOCK_BYTES = 64 * 1024;
const MIN_BLOCK_ROWS = 16;
const MAX_BLOCK_ROWS = 8192;

/** One step of the plan: a builder with its offset (fixed width) or tail (variable width), or a cursor move. */
interface Step {
  builder: ColumnBuilder | null;
  /** Fixed width: offset from the cursor; variable width: bytes later columns need; move: bytes to skip. */
  arg: number;
}

/** How `decodeTable` decodes. */
export interface TableDecodeOptions {
  /**
   * Use a decoder generated for the table's shape when it applies (default true). False: the
   * general decoder always. Code generation is skipped anyway, without an error, in a process
   * that forbids it (`--disallow-code-generation-from-strings`).
   */
  codegen?: boolean;
  /** Where the columns are allocated (default: private memory, which a decode worker uses too). */
  memory?: ColumnMemory;
}

/** Which decoder `decodeTable` would run on a table of `columns` columns and `rowCount` rows. */
export function chooseDecoder(columns: number, rowCount: number, codegen = true): 'generated' | 'general' {
  const generated = codegen && columns > 0 && columns <= MAX_GENERATED_COLUMNS && rowCount >= MIN_GENERATED_ROWS && codegenAvailable();
  return generated ? 'generated' : 'general';
}

/**
 * Decode every column of the table in `bytes` (the frame, or a bare table) described by
 * `layout`: with the decoder generated for its shape when {@link chooseDecoder} says so, else
 * (or when the generated decoder finds the bytes wrong, to name the fault) the general one.
 */
export function decodeTable(bytes: Uint8Array, layout: TableShape, options: TableDecodeOptions = {}): ColumnParts[] {
  const memory = options.memory ?? privateMemory;
  checkBounds(bytes, layout);
  if (chooseDecoder(layout.columns.length, layout.rowCount, options.codegen) === 'generated') {
    const columns = decodeGenerated(bytes, layout, memory);
    if (columns !== null) return columns;
  }
  return decodeTableGeneral(bytes, layout, memory);
}

function checkBounds(bytes: Uint8Array, layout: TableShape): void {
  const { rowCount, rowsOffset, end } = layout;
  if (rowsOffset < 0 || end > bytes.length || rowsOffset > end || rowCount < 0) {
    throw new ProtocolError(`table rows ${rowsOffset}..${end} (${rowCount} rows) are outside the ${bytes.length}-byte frame`);
  }
  if (end > 0x7fffffff) throw new ProtocolError(`table ends at byte ${end}, beyond the 2 GiB a frame can hold`);
}

/** The builder for a column's wire type; an unknown type is a ProtocolError. */
export function createBuilder(info: ColumnInfo, columnIndex: number, rowCount: number, memory: ColumnMemory = privateMemory): ColumnBuilder {
  const fixed = FIXED_WIDTH_TYPES.get(info.type);
  if (fixed !== undefined) return new FixedWidthBuilder(fixed, info, columnIndex, rowCount, memory);
  switch (info.type) {
    case VOLT_TYPE.STRING:
    case VOLT_TYPE.VARBINARY:
    case VOLT_TYPE.GEOGRAPHY:
      return new VariableWidthBuilder(info, columnIndex, rowCount, memory);
    default:
      throw new ProtocolError(`column ${columnIndex} (${info.name}) has type ${info.type}, which cannot appear in a table`);
  }
}

/** The steps for `builders`; `need[c]` = fewest bytes columns c.. take. */
function plan(builders: readonly ColumnBuilder[], need: readonly number[], fixedRows: boolean): Step[] {
  const steps: Step[] = [];
  let run = 0;
  builders.forEach((builder, c) => {
    if (builder.fixed) {
      if (builder.minBytes > 0) steps.push({ builder, arg: run });
      run += builder.minBytes;
    } else {
      if (run > 0) steps.push({ builder: null, arg: run });
      run = 0;
      steps.push({ builder, arg: need[c + 1]! });
    }
  });
  // Rows of variable width end with a check that the cursor reached the row end.
  if (!fixedRows && run > 0) steps.push({ builder: null, arg: run });
  return steps;
}

/** The general decoder (the reference): every column of the table, a column at a time over blocks of rows. */
export function decodeTableGeneral(bytes: Uint8Array, layout: TableShape, memory: ColumnMemory = privateMemory): ColumnParts[] {
  const { columns, rowCount, rowsOffset, end } = layout;
  const buffer = asBuffer(bytes);
  checkBounds(buffer, layout);

  const builders = columns.map((column, index) => createBuilder(column, index, rowCount, memory));
  const need = new Array<number>(builders.length + 1).fill(0);
  for (let c = builders.length - 1; c >= 0; c--) need[c] = need[c + 1]! + builders[c]!.minBytes;
  const minRow = need[0]!;
  const fixedRows = builders.every((builder) => builder.fixed);
  // A fixed-width table whose size is exactly rowCount rows of minRow bytes needs one check per row.
  const uniform = fixedRows && end - rowsOffset === rowCount * (minRow + 4);
  const steps = plan(builders, need, fixedRows);

  const averageRow = rowCount === 0 ? 0 : (end - rowsOffset) / rowCount;
  const blockRows = Math.max(MIN_BLOCK_ROWS, Math.min(MAX_BLOCK_ROWS, rowCount, Math.floor(BLOCK_BYTES / Math.max(averageRow, 1))));
  const block: RowBlock = {
    view: new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength),
    bytes: buffer,
    cursor: new Int32Array(blockRows),
    rowEnd: new Int32Array(blockRows),
    first: 0,
    count: 0,
  };
  const { view, cursor, rowEnd } = block;

  // Uniform rows: the cursor holds each row's values relative to the block's first row
  // (k × row size), written once; each block only checks its row lengths, and the block's
  // start is added to the builders' offsets instead (only fixed-width builders run, and they
  // read `cursor[k] + offset`). Dropping the per-row cursor store took the narrow table from
  // 8.7 to 8.2 ms (best of 8 fresh processes; medians 9.3 and 8.6).
  const stride = minRow + 4;
  if (uniform) for (let k = 0; k < blockRows; k++) cursor[k] = k * stride;
  let at = rowsOffset;
  for (let first = 0; first < rowCount; first += blockRows) {
    const count = Math.min(blockRows, rowCount - first);
    let base = 0;
    if (uniform) {
      base = at + 4;
      for (let k = 0; k < count; k++, at += stride) {
        const length = view.getInt32(at);
        if (length !== minRow) throw rowLengthError(first + k, length, minRow, end - at - 4, at, true);
      }
    } else {
      for (let k = 0; k < count; k++) {
        if (end - at < 4) throw new ProtocolError(`row ${first + k} of ${rowCount}: truncated row length`, { offset: at });
        const length = view.getInt32(at);
        if (length < minRow || length > end - at - 4 || (fixedRows && length !== minRow)) {
          throw rowLengthError(first + k, length, minRow, end - at - 4, at, fixedRows);
        }
        cursor[k] = at + 4;
        at += 4 + length;
        rowEnd[k] = at;
      }
    }
    block.first = first;
    block.count = count;
    runSteps(steps, block, base);
    if (!fixedRows) {
      for (let k = 0; k < count; k++) {
        if (cursor[k] !== rowEnd[k]) {
          throw new ProtocolError(`row ${first + k}: ${rowEnd[k]! - cursor[k]!} bytes left after its ${columns.length} values`, {
            offset: cursor[k]!,
          });
        }
      }
    }
  }
  if (at !== end) throw new ProtocolError(`table has ${end - at} bytes after its ${rowCount} rows`, { offset: at });
  return builders.map((builder) => builder.finish(buffer));
}

/**
 * One block through every step of the plan. An indexed loop rather than `for…of` with
 * destructuring: with it, the narrow table decoded in 7.4–7.6 ms against 8.3 ms (best of 6
 * fresh processes, bench/decode-table-ab.ts).
 */
function runSteps(steps: readonly Step[], block: RowBlock, base: number): void {
  const { cursor, count } = block;
  for (let s = 0; s < steps.length; s++) {
    const { builder, arg } = steps[s]!;
    if (builder !== null) {
      builder.decode(block, base + arg);
    } else {
      for (let k = 0; k < count; k++) cursor[k] += arg;
    }
  }
}

function rowLengthError(row: number, length: number, minimum: number, left: number, offset: number, fixed: boolean): ProtocolError {
  if (length > left) return new ProtocolError(`row ${row}: length ${length} exceeds the ${left} bytes left in the table`, { offset });
  if (length < minimum) {
    return new ProtocolError(`row ${row}: length ${length} is shorter than the ${minimum} bytes its values take at least`, {
      offset,
    });
  }
  return new ProtocolError(`row ${row}: length ${length}, but its fixed-width values take ${minimum} bytes`, { offset });
}
