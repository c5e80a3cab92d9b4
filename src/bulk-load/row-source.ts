/**
 * Sources of rows for a bulk load, as chunks the loader reads a row at a time: an array of
 * rows, any (async) iterable of rows (arrays in column order, or objects by column name), an
 * Arrow `Table`, or an (async) iterable of Arrow `RecordBatch`es (see arrow-chunk.ts).
 *
 * A chunk answers three questions per row: its partition column's value (to pick the
 * partition), its cells written into a batch (each value checked for its column's type), and
 * its values for a report when it does not land.
 */
import { ParameterError } from '../errors.js';
import type { RecordBatch, Table } from 'apache-arrow';
import type { BufferWriter } from '../protocol/buffer-writer.js';
import type { TableColumn } from '../protocol/value-writer.js';
import { describeValue, writeValue, type ValueContext } from '../protocol/value-writer.js';
import { arrowChunk, isArrowBatch, isArrowTable } from './arrow-chunk.js';
import type { BulkRow } from './options.js';

/** Rows the loader reads in one go. */
export interface RowChunk {
  readonly length: number;
  /** The partition column's value of row `i`. */
  key(i: number, partitionIndex: number): unknown;
  /** Write row `i`'s cells (no row header); a refused value throws a ParameterError naming `where`'s row and the column. */
  encode(i: number, w: BufferWriter, where: ValueContext): void;
  /** Row `i`'s values in column order. */
  values(i: number): unknown[];
}

/** What `bulkLoad` reads: rows, an Arrow `Table`, or Arrow `RecordBatch`es (read by shape, see arrow-chunk.ts). */
export type BulkLoadSource = Iterable<BulkRow> | AsyncIterable<BulkRow> | Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>;

/** Plain rows are gathered this many at a time. */
const CHUNK_ROWS = 1024;

/** Chunks of plain JS rows (arrays, or objects keyed by column name). */
class RowsChunk implements RowChunk {
  constructor(
    private readonly rows: readonly BulkRow[],
    private readonly shape: RowShape,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  key(i: number, partitionIndex: number): unknown {
    return this.shape.cell(this.rows[i]!, partitionIndex, i);
  }

  encode(i: number, w: BufferWriter, where: ValueContext): void {
    const row = this.rows[i]!;
    const columns = this.shape.columns;
    this.shape.check(row, where.row ?? i);
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      where.column = column.name;
      writeValue(w, column.type, this.shape.cell(row, c, i), where);
    }
  }

  values(i: number): unknown[] {
    const row = this.rows[i]!;
    return this.shape.columns.map((_, c) => this.shape.cell(row, c, i));
  }
}

/** How a plain row maps to the table's columns. */
class RowShape {
  private readonly byName = new Map<string, number>();
  constructor(
    readonly columns: readonly TableColumn[],
    private readonly table: string,
  ) {
    columns.forEach((c, i) => {
      this.byName.set(c.name, i);
      this.byName.set(c.name.toUpperCase(), i);
    });
  }

  /** The value of column `c` (an object's missing property is NULL). */
  cell(row: BulkRow, c: number, _i: number): unknown {
    if (Array.isArray(row)) return (row as readonly unknown[])[c];
    return (row as Readonly<Record<string, unknown>>)[this.columns[c]!.name] ?? this.lowerCase(row as Readonly<Record<string, unknown>>, c);
  }

  private lowerCase(row: Readonly<Record<string, unknown>>, c: number): unknown {
    return row[this.columns[c]!.name.toLowerCase()];
  }

  /** An array row has one value per column; an object row names only columns of the table. */
  check(row: BulkRow, index: number): void {
    if (Array.isArray(row)) {
      if (row.length !== this.columns.length) throw new ParameterError(`row ${index} has ${row.length} values for the ${this.columns.length} columns of ${this.table}`, { procedure: 'bulkLoad' });
      return;
    }
    if (typeof row !== 'object' || row === null) throw new ParameterError(`row ${index} is ${describeValue(row)}, not an array or an object`, { procedure: 'bulkLoad' });
    for (const name in row) {
      if (!this.byName.has(name) && !this.byName.has(name.toUpperCase())) {
        throw new ParameterError(`row ${index} has a value for ${name}, which is not a column of ${this.table} (${this.columns.map((c) => c.name).join(', ')})`, { procedure: 'bulkLoad' });
      }
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

/**
 * The source as chunks for the table's columns. Arrow batches become one chunk each; plain
 * rows are gathered up to 1024 per chunk. Anything else is a ParameterError.
 */
export async function* chunksOf(source: BulkLoadSource, columns: readonly TableColumn[], table: string): AsyncGenerator<RowChunk> {
  if (isArrowTable(source)) {
    for (const batch of source.batches) yield arrowChunk(batch, columns, table);
    return;
  }
  if (Array.isArray(source)) {
    const shape = new RowShape(columns, table);
    for (let i = 0; i < source.length; i += CHUNK_ROWS) yield new RowsChunk(source.slice(i, i + CHUNK_ROWS) as BulkRow[], shape);
    return;
  }
  if (!isAsyncIterable(source) && !isIterable(source)) {
    throw new ParameterError(`bulkLoad: source ${describeValue(source)} is not an array, an iterable of rows, an Arrow Table or an iterable of RecordBatches`, { procedure: 'bulkLoad' });
  }
  const shape = new RowShape(columns, table);
  let pending: BulkRow[] = [];
  for await (const item of source as AsyncIterable<unknown>) {
    if (isArrowBatch(item)) {
      if (pending.length > 0) yield new RowsChunk(pending, shape);
      pending = [];
      yield arrowChunk(item, columns, table);
      continue;
    }
    pending.push(item as BulkRow);
    if (pending.length === CHUNK_ROWS) {
      yield new RowsChunk(pending, shape);
      pending = [];
    }
  }
  if (pending.length > 0) yield new RowsChunk(pending, shape);
}
