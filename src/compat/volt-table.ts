/**
 * The Python client's `VoltTable` (`columns` as `VoltColumn[]`, `tuples` as rows of values) as
 * a view over voltwire's one table type (`src/decode/volt-table.ts`): the view holds the
 * decoded table and reads from it; it never copies the rows.
 *
 * `tuples` is a read-only array whose elements are made when read: `tuples[i]` asks the table
 * for row i (a byte-backed table decodes that row's values from the response bytes; a columnar
 * table reads its columns). So `tuples.length`, indexing, `for…of`, `map`, spreading and
 * `Array.isArray` all behave as on an array, and nothing is materialised until it is used.
 */
import { Buffer } from 'node:buffer';
import { inspect, type InspectOptions } from 'node:util';
import type { VoltTable as ResultTable } from '../decode/volt-table.js';
import { VoltColumn } from './volt-types.js';

/** A canonical array index ("0", "1", …, no sign, no leading zeros), or -1. */
function arrayIndex(key: string): number {
  if (key.length === 0 || key.length > 10) return -1;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && key.length > 1)) return -1;
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(key);
}

function rowAt(table: ResultTable, row: number): unknown[] {
  const width = table.columns.length;
  const values = new Array<unknown>(width);
  for (let c = 0; c < width; c++) values[c] = table.get(row, c);
  return values;
}

function rowsOf(table: ResultTable): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 0; r < table.rowCount; r++) rows.push(rowAt(table, r));
  return rows;
}

/**
 * A read-only array view of the rows of `table`. `util.inspect` (and so `console.log`) shows
 * a proxy's target, not what its traps report, so the target carries a custom inspector that
 * prints the rows.
 */
function tupleView(table: ResultTable): readonly unknown[][] {
  const target: unknown[][] = [];
  Object.defineProperty(target, inspect.custom, {
    value: (_depth: number, options: InspectOptions) => inspect(rowsOf(table), { ...options, customInspect: true }),
    configurable: true,
  });
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string') {
        if (key === 'length') return table.rowCount;
        const index = arrayIndex(key);
        if (index !== -1) return index < table.rowCount ? rowAt(table, index) : undefined;
      }
      return Reflect.get(t, key, receiver) as unknown;
    },
    has(t, key) {
      if (typeof key === 'string') {
        const index = arrayIndex(key);
        if (index !== -1) return index < table.rowCount;
      }
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      const keys: (string | symbol)[] = [];
      for (let r = 0; r < table.rowCount; r++) keys.push(String(r));
      return keys.concat(Reflect.ownKeys(t));
    },
    getOwnPropertyDescriptor(t, key) {
      if (typeof key === 'string') {
        if (key === 'length') return { value: table.rowCount, writable: true, enumerable: false, configurable: false };
        const index = arrayIndex(key);
        if (index !== -1) return index < table.rowCount ? { value: rowAt(table, index), writable: false, enumerable: true, configurable: true } : undefined;
      }
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
    // Read-only: assignments and deletions fail (a TypeError in strict-mode code).
    set: () => false,
    deleteProperty: () => false,
    defineProperty: () => false,
  });
}

/** Python-style rendering of one value inside a printed row. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "'NULL'";
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (value instanceof Uint8Array) return `'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase()}'`;
  return String(value);
}

/**
 * The Python client's `VoltTable`, over voltwire's table (same object: {@link table}). Also a
 * VOLTTABLE parameter value as it is (`columns` plus `rows()`).
 */
export class VoltTable {
  /** The voltwire table this view reads from. */
  readonly table: ResultTable;
  private columnList: VoltColumn[] | null = null;
  private tupleList: readonly unknown[][] | null = null;

  constructor(table: ResultTable) {
    this.table = table;
  }

  /** The columns, as `VoltColumn`s (made once; metadata only). */
  get columns(): VoltColumn[] {
    this.columnList ??= this.table.columns.map((column) => new VoltColumn(column.type, column.name));
    return this.columnList;
  }

  /** The rows as arrays of values (DESIGN.md mapping), read from the table when accessed. */
  get tuples(): readonly unknown[][] {
    this.tupleList ??= tupleView(this.table);
    return this.tupleList;
  }

  get rowCount(): number {
    return this.table.rowCount;
  }

  /** The table status byte. */
  get status(): number {
    return this.table.status;
  }

  /** Rows as arrays (the voltwire table's iterator). */
  rows(): IterableIterator<unknown[]> {
    return this.table.rows();
  }

  [Symbol.iterator](): IterableIterator<unknown[]> {
    return this.table.rows();
  }

  /** The Python client's printout: counts, columns, then one line per row. */
  toString(): string {
    const lines = [
      `column count: ${this.table.columns.length}`,
      `row count: ${this.table.rowCount}`,
      `cols: ${this.columns.map(String).join(', ')}`,
      'rows -',
    ];
    let text = `${lines.join('\n')}\n`;
    const rows: string[] = [];
    for (const row of this.table.rows()) rows.push(`[${row.map(cellText).join(', ')}]`);
    text += rows.join('\n');
    return text;
  }
}
