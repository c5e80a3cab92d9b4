/**
 * `ExtractBatch`: one page of an extraction — one response table, decoded to columns in Arrow
 * layout (typed arrays, validity bitmaps, offsets + bytes; see src/decode/column.ts).
 *
 * A large page was decoded in the client's worker pool and arrives columnar; a small one is
 * decoded here, once, on first access. `columns` may be a projection of the response's
 * columns: a key column the extraction needed for paging but the caller did not ask for is
 * left out.
 */
import type * as Arrow from 'apache-arrow';
import type { Column, ColumnInfo } from '../decode/column.js';
import { tableToArrow } from '../decode/arrow.js';
import type { VoltTable } from '../decode/volt-table.js';
import { VoltError } from '../errors.js';

/** Where a batch came from. */
export interface BatchOrigin {
  /** Index of the lane (a partition, a key range, or an offset-paging worker) that fetched it. */
  lane: number;
  /** The VoltDB partition id for the `partition` strategy, else `null`. */
  partition: number | null;
  /** 0-based page number within its lane. */
  page: number;
  /**
   * Names of the columns the catalog declares NOT NULL (a table's extraction knows them): their
   * Arrow fields are non-nullable. Absent: every field nullable.
   */
  notNull?: ReadonlySet<string>;
}

/** One page of an extraction as columns, with where it came from (`lane`, `partition`, `page`). */
export class ExtractBatch {
  /** The response table the batch was cut from (all of its columns). */
  readonly table: VoltTable;
  readonly rowCount: number;
  readonly lane: number;
  readonly partition: number | null;
  readonly page: number;
  /** Indices into `table.columns` of the batch's columns, in order. */
  private readonly projection: readonly number[];
  private decoded: readonly Column[] | null = null;
  private readonly notNull: ReadonlySet<string> | null;

  constructor(table: VoltTable, projection: readonly number[], origin: BatchOrigin) {
    this.table = table;
    this.rowCount = table.rowCount;
    this.projection = projection;
    this.lane = origin.lane;
    this.partition = origin.partition;
    this.page = origin.page;
    this.notNull = origin.notNull ?? null;
  }

  /** Name and VoltDB type code of each column. */
  get schema(): readonly ColumnInfo[] {
    return this.projection.map((i) => this.table.columns[i]!);
  }

  /** The columns in Arrow layout (decoded once; a pool-decoded table is already columnar). */
  get columns(): readonly Column[] {
    if (this.decoded === null) {
      const all = this.table.decodeColumns();
      this.decoded = this.projection.map((i) => all[i]!);
    }
    return this.decoded;
  }

  /** One column by position in the batch or by name (exact, then case-insensitive). */
  column(column: number | string): Column {
    const columns = this.columns;
    if (typeof column === 'number') {
      const found = columns[column];
      if (found === undefined) throw new VoltError(`column ${column} is out of range: the batch has ${columns.length} columns`);
      return found;
    }
    const found = columns.find((c) => c.name === column) ?? columns.find((c) => c.name.toUpperCase() === column.toUpperCase());
    if (found === undefined) throw new VoltError(`no column named ${column}; the batch has ${columns.map((c) => c.name).join(', ')}`);
    return found;
  }

  /** Bytes held by the column buffers (values, offsets, validity): the size of the batch in memory and in Arrow. */
  get byteLength(): number {
    let bytes = 0;
    for (const column of this.columns) {
      bytes += column.values?.byteLength ?? 0;
      bytes += column.offsets?.byteLength ?? 0;
      bytes += column.validity?.byteLength ?? 0;
    }
    return bytes;
  }

  /** Rows as arrays of values (the row mapping of DESIGN.md), for small batches and tests. */
  *rows(): IterableIterator<unknown[]> {
    const columns = this.columns;
    for (let r = 0; r < this.rowCount; r++) {
      const row = new Array<unknown>(columns.length);
      for (let c = 0; c < columns.length; c++) row[c] = columns[c]!.get(r);
      yield row;
    }
  }

  /**
   * An apache-arrow `RecordBatch` over the column buffers (no copy but GEOGRAPHY's WKB):
   * Decimal128(38,12), Timestamp(µs, UTC), Utf8, Binary, …, each field with its VoltDB type in
   * its metadata and non-nullable where the catalog says NOT NULL (see src/decode/arrow.ts).
   * Loads `apache-arrow` on first use.
   */
  async toArrow(): Promise<Arrow.RecordBatch> {
    const notNull = this.notNull;
    const columns = this.columns;
    const table = await tableToArrow(columns, notNull === null ? {} : { nullable: columns.map((c) => !notNull.has(c.name)) });
    return table.batches[0]!;
  }
}
