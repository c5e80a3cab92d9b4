/**
 * How results look to people and to `JSON.stringify`: fields (name + VoltDB type name),
 * JSON-safe row values, and the `util.inspect` text of tables and responses (status, row
 * count, fields, the first rows — not the frame's bytes or private fields).
 *
 * JSON values: BIGINT (a `bigint`) → its decimal string (exact; `bigint: 'number'` tables
 * already hold numbers), DECIMAL → its exact string, TIMESTAMP → ISO-8601 (`Date`) or the
 * microseconds' string, DATE → `YYYY-MM-DD`, VARBINARY → lower-case hex, GEOGRAPHY and
 * GEOGRAPHY_POINT → WKT; everything else as is.
 */
import { Buffer } from 'node:buffer';
import { typeName } from '../protocol/constants.js';
import { Geography, GeographyPoint } from '../protocol/geography.js';
import type { ColumnInfo } from './column.js';

/** A column as node-postgres users know `result.fields`: its name and VoltDB type. */
export interface Field {
  readonly name: string;
  /** The VoltDB type name: `'BIGINT'`, `'STRING'`, `'TIMESTAMP'`, … */
  readonly type: string;
}

/** A value `JSON.stringify` writes as is. */
export type JsonValue = string | number | boolean | null;

/** A row of {@link JsonValue}s by column name. */
export type JsonRow = Record<string, JsonValue>;

/** `{ name, type }` of each column. */
export function fieldsOf(columns: readonly ColumnInfo[]): Field[] {
  return columns.map(({ name, type }) => Object.freeze({ name, type: typeName(type) ?? `type ${type}` }));
}

/** A row value as a JSON-safe value (see the file comment). */
export function jsonValue(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return String(value);
    default:
      break;
  }
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof GeographyPoint || value instanceof Geography) return value.toString();
  const withJson = value as { toJSON?: () => unknown };
  // Decimal (decimal.js) and VoltDate carry their own exact text.
  if (typeof withJson.toJSON === 'function') return jsonValue(withJson.toJSON());
  return String(value);
}

/** A row object with every value made JSON-safe (a fresh object; `__proto__` kept as a column). */
export function jsonRow(row: Record<string, unknown>): JsonRow {
  const out: JsonRow = {};
  for (const name of Object.keys(row)) {
    const value = jsonValue(row[name]);
    if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true });
    else out[name] = value;
  }
  return out;
}

/** Rows shown by `util.inspect` before `… N more rows`. */
export const INSPECT_ROWS = 5;

/** The third argument Node passes to a `[util.inspect.custom]` method. */
export type InspectFunction = (value: unknown, options?: object) => string;

/** What {@link inspectResult} shows. */
export interface InspectShape {
  rowCount: number;
  fields: readonly Field[];
  /** The first rows (at most {@link INSPECT_ROWS}). */
  rows: readonly Record<string, unknown>[];
}

/** `fields` as one line: `ID BIGINT, NAME STRING`. */
export function fieldsText(fields: readonly Field[]): string {
  return fields.map((f) => `${f.name} ${f.type}`).join(', ');
}

/**
 * The plain object `util.inspect` prints for a table or a response: `head` (status fields)
 * first, then the row count, the fields and the first rows.
 */
export function inspectView(head: Record<string, unknown>, shape: InspectShape): Record<string, unknown> {
  const rows: unknown[] = shape.rows.map((row) => new RowLine(row));
  const more = shape.rowCount - shape.rows.length;
  if (more > 0) rows.push(new MoreRows(more));
  return { ...head, rowCount: shape.rowCount, fields: new FieldList(shape.fields), rows };
}

/** A row on one line, its values one level deep: `{ ID: 1n, NAME: 'a', PAYLOAD: [Uint8Array] }`. */
class RowLine {
  constructor(private readonly row: Record<string, unknown>) {}
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: InspectFunction): string {
    return inspect(this.row, { ...options, depth: 0, breakLength: Infinity });
  }
}

/** Prints as `… 95 more rows` (not as a quoted string). */
class MoreRows {
  constructor(private readonly count: number) {}
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `… ${this.count} more row${this.count === 1 ? '' : 's'}`;
  }
}

/** Prints as `[ ID BIGINT, NAME STRING ]`. */
class FieldList {
  constructor(private readonly fields: readonly Field[]) {}
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.fields.length === 0 ? '[]' : `[ ${fieldsText(this.fields)} ]`;
  }
}

/** `Name { … }` for a `[util.inspect.custom]` method; `[Name]` below the depth limit. */
export function inspectAs(name: string, view: Record<string, unknown>, depth: number, options: { depth?: number | null }, inspect: InspectFunction): string {
  if (depth < 0) return `[${name}]`;
  return `${name} ${inspect(view, { ...options, depth: options.depth === null || options.depth === undefined ? null : Math.max(2, options.depth) })}`;
}

/** The symbol Node's `util.inspect` looks for (`Symbol.for`, so no `node:util` import is needed here). */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');
