/**
 * `VoltTable`: the one result table type, whether it came back from `client.call`, from
 * `decodeResponse`, or from a decode worker.
 *
 * A table is backed either by the bytes it arrived in (a small response decoded inline: a
 * lazy {@link RowView}, values decoded when read) or by decoded {@link Column}s (a large
 * response decoded off-thread, or a byte-backed table after `column()`/`decodeColumns()`,
 * which runs the columnar decode once for all columns and keeps the result). Once columns
 * exist every accessor reads from them. A byte-backed table keeps its frame alive.
 */
import type * as Arrow from 'apache-arrow';
import { VoltError } from '../errors.js';
import { VOLT_TYPE, typeName } from '../protocol/constants.js';
import type { Decimal } from '../protocol/decimal.js';
import { readTableLayout } from '../protocol/response-reader.js';
import type { VoltDate } from '../protocol/volt-date.js';
import { decodeUtf8, asBuffer } from '../protocol/buffer-reader.js';
import { tableToArrow } from './arrow.js';
import { Column, type ColumnInfo, type ColumnParts } from './column.js';
import { decodeTable, type TableShape } from './decode-table.js';
import { RowView, checkRow } from './row-view.js';
import { timestampToDate, type TimestampMode } from '../protocol/value-reader.js';
import { bigintInMode, type BigIntMode } from './bigint-mode.js';
import { INSPECT, INSPECT_ROWS, fieldsOf, inspectAs, inspectView, jsonRow, type Field, type InspectFunction, type JsonRow } from './presentation.js';

/** How row values are shaped. */
export interface TableOptions {
  /** TIMESTAMP as `Date` (default; millisecond precision) or `bigint` microseconds (lossless). */
  timestamps?: TimestampMode;
  /**
   * Decode columns with a decoder generated for the table's shape when it applies (default
   * true; see docs/results.md). False: always the general decoder.
   */
  codegen?: boolean;
  /**
   * BIGINT (and TIMESTAMP µs with `timestamps: 'bigint'`) in rows and `get()`: `'bigint'`
   * (default), `'string'`, or `'number'` (refusing values beyond ±(2^53 − 1)). The typed
   * getters and the columns keep their own types.
   */
  bigint?: BigIntMode;
}

/** The last column list {@link VoltTable.fromLayout} found frozen (a frozen list stays frozen). */
let lastFrozenColumns: readonly ColumnInfo[] | null = null;

/** What a table needs to be built from decoded columns. */
export interface TableParts {
  columns: ColumnParts[];
  rowCount: number;
  status: number;
}

/** One result table: lazy row access over the bytes it arrived in, typed getters, and columns decoded once on demand. */
export class VoltTable implements Iterable<unknown[]> {
  /** Name and wire type code (VOLT_TYPE) of each column, in order. */
  readonly columns: readonly ColumnInfo[];
  readonly rowCount: number;
  /** The table status byte (informational; −128 from Java/EE tables, 0 from DML counts). */
  readonly status: number;
  readonly timestamps: TimestampMode;
  private readonly codegen: boolean;
  readonly bigint: BigIntMode;
  private view: RowView | null;
  private bytes: Uint8Array | null;
  private shape: TableShape | null;
  private decoded: Column[] | null;
  private names: Map<string, number> | null = null;
  /** Per column, 1 when its row values are 64-bit integers shown in `bigint` mode; null in the default mode (nothing to convert). */
  private readonly wide: Uint8Array | null;
  private fieldList: readonly Field[] | null = null;

  private constructor(
    columns: readonly ColumnInfo[],
    rowCount: number,
    status: number,
    options: TableOptions,
    // Either the bytes and their shape, or decoded columns (positional: no source object per table).
    bytes: Uint8Array | null,
    shape: TableShape | null,
    decoded: Column[] | null,
  ) {
    this.columns = columns;
    this.rowCount = rowCount;
    this.status = status;
    this.timestamps = options.timestamps ?? 'date';
    this.codegen = options.codegen ?? true;
    this.bigint = options.bigint ?? 'bigint';
    this.wide = this.bigint === 'bigint' ? null : wideColumns(columns, this.timestamps);
    this.bytes = bytes;
    this.shape = shape;
    // The row view is made on first read: a response whose rows are never read does not pay for it.
    this.view = null;
    this.decoded = decoded;
  }

  /** A byte-backed table over `bytes` (usually the whole frame) as described by a validated layout. */
  static fromLayout(
    bytes: Uint8Array,
    layout: TableShape & { status: number },
    options: TableOptions = {},
  ): VoltTable {
    // A layout from `readTableLayout` has frozen columns that tables may share; copy any other.
    // Answers of one shape share one column list (response-reader.ts), so it is checked once.
    let columns = layout.columns;
    if (columns !== lastFrozenColumns) {
      if (Object.isFrozen(columns)) lastFrozenColumns = columns;
      else columns = columns.map(({ name, type }) => ({ name, type }));
    }
    return new VoltTable(columns, layout.rowCount, layout.status, options, bytes, layout, null);
  }

  /** A bare serialized VoltTable (PROTOCOL.md 6), e.g. `serialized_table.bin`, starting at `offset`. */
  static fromBytes(bytes: Uint8Array, options: TableOptions = {}, offset = 0): VoltTable {
    return VoltTable.fromLayout(bytes, readTableLayout(bytes, offset), options);
  }

  /** A column-backed table, e.g. from a decode worker. */
  static fromColumns(parts: TableParts, options: TableOptions = {}): VoltTable {
    const decoded = parts.columns.map((column) => new Column(column, options));
    for (const column of decoded) {
      if (column.length !== parts.rowCount) {
        throw new VoltError(`column ${column.name} has ${column.length} rows, the table ${parts.rowCount}`);
      }
    }
    const infos = decoded.map(({ name, type }) => ({ name, type }));
    return new VoltTable(infos, parts.rowCount, parts.status, options, null, null, decoded);
  }

  /** The lazy row view over the bytes (only while the table is byte-backed). */
  private rowView(): RowView {
    return (this.view ??= new RowView(this.bytes!, this.shape!));
  }

  /** True when the values are held in decoded columns rather than read from the bytes. */
  get isColumnar(): boolean {
    return this.decoded !== null;
  }

  /** The index of a column by position or name (exact match first, then case-insensitive). */
  columnIndex(column: number | string): number {
    if (typeof column === 'number') {
      if (Number.isInteger(column) && column >= 0 && column < this.columns.length) return column;
      throw new VoltError(`column ${column} is out of range: the table has ${this.columns.length} columns`);
    }
    if (this.names === null) {
      this.names = new Map();
      // Later duplicates do not shadow earlier columns; the upper-case key serves loose lookups.
      this.columns.forEach(({ name }, i) => {
        if (!this.names!.has(name)) this.names!.set(name, i);
      });
      this.columns.forEach(({ name }, i) => {
        const upper = `\u0000${name.toUpperCase()}`;
        if (!this.names!.has(upper)) this.names!.set(upper, i);
      });
    }
    const index = this.names.get(column) ?? this.names.get(`\u0000${column.toUpperCase()}`);
    if (index === undefined) {
      throw new VoltError(`no column named ${column}; the columns are ${this.columns.map((c) => c.name).join(', ')}`);
    }
    return index;
  }

  /** One value by row index and column index or name, per the row mapping (NULL → null). */
  get(row: number, column: number | string): unknown {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    const value = this.decoded !== null ? this.decoded[c]!.get(row) : this.rowView().get(row, c, this.timestamps);
    return this.wide !== null && this.wide[c] === 1 ? this.inMode(value as bigint | null, row, c) : value;
  }

  isNull(row: number, column: number | string): boolean {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.isNull(row);
    return this.rowView().get(row, c, 'bigint') === null;
  }

  /** TINYINT, SMALLINT, INTEGER, FLOAT; BIGINT and TIMESTAMP (µs) only when a safe integer. */
  getNumber(row: number, column: number | string): number | null {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.getNumber(row);
    this.expect(c, 'getNumber', NUMBER_TYPES, 'a TINYINT, SMALLINT, INTEGER, BIGINT, TIMESTAMP or FLOAT');
    const value = this.rowView().get(row, c, 'bigint') as number | bigint | null;
    if (typeof value !== 'bigint') return value;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new VoltError(`column ${this.columns[c]!.name} row ${row}: ${value} is not a safe integer; use getBigInt`);
    }
    return Number(value);
  }

  /** Any integer type, or TIMESTAMP as microseconds. */
  getBigInt(row: number, column: number | string): bigint | null {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.getBigInt(row);
    this.expect(c, 'getBigInt', BIGINT_TYPES, 'an integer or TIMESTAMP');
    const value = this.rowView().get(row, c, 'bigint') as number | bigint | null;
    return value === null ? null : BigInt(value);
  }

  getString(row: number, column: number | string): string | null {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.getString(row);
    this.expect(c, 'getString', STRING_TYPES, 'a STRING');
    const bytes = this.rowView().valueBytes(row, c);
    return bytes === null ? null : decodeUtf8(asBuffer(bytes), 0, bytes.length);
  }

  /** STRING (its UTF-8) or VARBINARY bytes, as a view (no copy). */
  getBytes(row: number, column: number | string): Uint8Array | null {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.getBytes(row);
    this.expect(c, 'getBytes', BYTES_TYPES, 'a STRING or VARBINARY');
    return this.rowView().valueBytes(row, c);
  }

  getDecimal(row: number, column: number | string): Decimal | null {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.getDecimal(row);
    this.expect(c, 'getDecimal', DECIMAL_TYPES, 'a DECIMAL');
    return this.rowView().get(row, c, 'date') as Decimal | null;
  }

  /** TIMESTAMP as a `Date` whatever `timestamps` says, or DATE as a `Date` at UTC midnight. */
  getDate(row: number, column: number | string): Date | null {
    const c = this.columnIndex(column);
    checkRow(row, this.rowCount);
    if (this.decoded !== null) return this.decoded[c]!.getDate(row);
    this.expect(c, 'getDate', DATE_TYPES, 'a TIMESTAMP or DATE');
    const value = this.rowView().get(row, c, 'bigint') as bigint | VoltDate | null;
    if (value === null) return null;
    return typeof value === 'bigint' ? timestampToDate(value) : value.toDate();
  }

  /** Rows as arrays of values (one new array per row; no per-row object). */
  rows(): IterableIterator<unknown[]> {
    const rows = this.rawRows();
    return this.wide === null ? rows : this.rowsInMode(rows);
  }

  private *rawRows(): IterableIterator<unknown[]> {
    if (this.decoded === null) {
      yield* this.rowView().rows(this.timestamps);
      return;
    }
    const columns = this.decoded;
    for (let r = 0; r < this.rowCount; r++) {
      const row = new Array<unknown>(columns.length);
      for (let c = 0; c < columns.length; c++) row[c] = columns[c]!.get(r);
      yield row;
    }
  }

  /** The 64-bit columns of each row converted to the table's `bigint` mode. */
  private *rowsInMode(rows: IterableIterator<unknown[]>): IterableIterator<unknown[]> {
    const wide = this.wide!;
    let r = 0;
    for (const row of rows) {
      for (let c = 0; c < wide.length; c++) if (wide[c] === 1) row[c] = this.inMode(row[c] as bigint | null, r, c);
      r++;
      yield row;
    }
  }

  private inMode(value: bigint | null, row: number, column: number): unknown {
    return bigintInMode(value, this.bigint, () => `column ${this.columns[column]!.name} row ${row}`);
  }

  /** Name and VoltDB type name of each column (`result.fields` in node-postgres terms). */
  get fields(): readonly Field[] {
    this.fieldList ??= Object.freeze(fieldsOf(this.columns));
    return this.fieldList;
  }

  /**
   * The rows as plain objects of JSON-safe values (BIGINT as a string unless `bigint: 'number'`,
   * VARBINARY as hex, …: see presentation.ts), for `JSON.stringify(table)`. Never the bytes.
   */
  toJSON(): JsonRow[] {
    const out: JsonRow[] = [];
    for (const row of this.rowObjects()) out.push(jsonRow(row));
    return out;
  }

  /** The first `count` rows as objects (what `util.inspect` shows). */
  headObjects(count: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    if (count <= 0) return out;
    for (const row of this.rowObjects()) {
      out.push(row);
      if (out.length >= count) break;
    }
    return out;
  }

  /** `util.inspect` / `console.log`: row count, fields and the first rows. */
  [INSPECT](depth: number, options: { depth?: number | null }, inspect: InspectFunction): string {
    const view = inspectView({}, { rowCount: this.rowCount, fields: this.fields, rows: this.headObjects(INSPECT_ROWS) });
    return inspectAs('VoltTable', view, depth, options, inspect);
  }

  [Symbol.iterator](): IterableIterator<unknown[]> {
    return this.rows();
  }

  /**
   * Rows as `{ COLUMN: value }` objects. With duplicate column names the later column's value
   * wins, as in SQL drivers that key rows by name; use `rows()` to see every column.
   */
  *rowObjects(): IterableIterator<Record<string, unknown>> {
    const names = this.columns.map((column) => column.name);
    for (const row of this.rows()) {
      const object: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) {
        const name = names[c]!;
        if (name === '__proto__') Object.defineProperty(object, name, { value: row[c], enumerable: true, writable: true });
        else object[name] = row[c];
      }
      yield object;
    }
  }

  /** One column in Arrow layout; on a byte-backed table the first call decodes all columns once. */
  column(column: number | string): Column {
    return this.decodeColumns()[this.columnIndex(column)]!;
  }

  /** Every column in Arrow layout (decoded once, then cached; later reads use the columns). */
  decodeColumns(): readonly Column[] {
    if (this.decoded === null) {
      const parts = decodeTable(this.bytes!, this.shape!, { codegen: this.codegen });
      this.decoded = parts.map((part) => new Column(part, { timestamps: this.timestamps }));
      // The columns hold copies of everything: drop the frame so it can be collected.
      this.view = null;
      this.bytes = null;
      this.shape = null;
    }
    return this.decoded;
  }

  /** An apache-arrow `Table` over the column buffers (no copy); `apache-arrow` is loaded on first use. */
  toArrow(): Promise<Arrow.Table> {
    return tableToArrow(this.decodeColumns());
  }

  private expect(column: number, getter: string, types: ReadonlySet<number>, expected: string): void {
    const { name, type } = this.columns[column]!;
    if (!types.has(type)) {
      throw new VoltError(`${getter} needs ${expected} column; column ${name} is ${typeName(type) ?? type}`);
    }
  }
}

/** Per column, 1 when its row value is a `bigint`: BIGINT, and TIMESTAMP read as microseconds. */
function wideColumns(columns: readonly ColumnInfo[], timestamps: TimestampMode): Uint8Array | null {
  const wide = new Uint8Array(columns.length);
  let any = false;
  columns.forEach(({ type }, c) => {
    if (type === VOLT_TYPE.BIGINT || (type === VOLT_TYPE.TIMESTAMP && timestamps === 'bigint')) {
      wide[c] = 1;
      any = true;
    }
  });
  return any ? wide : null;
}

const NUMBER_TYPES: ReadonlySet<number> = new Set([
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.TIMESTAMP,
  VOLT_TYPE.FLOAT,
]);
const BIGINT_TYPES: ReadonlySet<number> = new Set([
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.TIMESTAMP,
]);
const STRING_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.STRING]);
const BYTES_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.STRING, VOLT_TYPE.VARBINARY]);
const DECIMAL_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.DECIMAL]);
const DATE_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.TIMESTAMP, VOLT_TYPE.DATE]);
