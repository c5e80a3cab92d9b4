/**
 * Printing result tables for people (aligned columns) and for programs (JSON).
 *
 * Text: a header, a rule, one line per row; numbers right-aligned, everything else left;
 * NULL printed as `NULL`, VARBINARY as hex, TIMESTAMP as ISO-8601, geography as WKT, as
 * VoltDB's sqlcmd does. JSON: one object per table with `columns` (name and type) and `rows`
 * (arrays); BIGINT values that fit a double exactly are numbers, larger ones strings, so a
 * JSON reader never silently rounds them.
 */
import { VOLT_TYPE, typeName } from '../protocol/constants.js';

export interface TableLike {
  readonly columns: readonly { name: string; type: number }[];
  readonly rowCount: number;
  rows(): Iterable<readonly unknown[]>;
}

const NUMERIC = new Set<number>([
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.FLOAT,
  VOLT_TYPE.DECIMAL,
]);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** A column's header: its name, or `C1`, `C2`… for an unnamed one (a procedure's returned long). */
export function columnLabel(name: string, index: number): string {
  return name === '' ? `C${index + 1}` : name;
}

/** One value as sqlcmd-style text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array) return hex(value);
  if (typeof value === 'object' && 'toFixed' in value && typeof value.toFixed === 'function') {
    // decimal.js: toFixed() prints every digit, never exponent notation.
    return String((value as { toFixed(): string }).toFixed());
  }
  return String(value);
}

/** One value as a JSON-safe value (see the file comment). */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return hex(value);
  return formatValue(value);
}

/** Aligned text of one table, with a row-count footer. */
export function formatTable(table: TableLike): string {
  const headers = table.columns.map((c, i) => columnLabel(c.name, i));
  const right = table.columns.map((c) => NUMERIC.has(c.type));
  const cells: string[][] = [];
  for (const row of table.rows()) cells.push(table.columns.map((_, i) => formatValue(row[i])));
  const widths = headers.map((h, i) => cells.reduce((w, row) => Math.max(w, row[i]!.length), h.length));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (right[i] === true ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(headers), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) out.push(line(row));
  out.push(`(${table.rowCount} row${table.rowCount === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

/** Every table, separated by a blank line. */
export function formatTables(tables: readonly TableLike[]): string {
  if (tables.length === 0) return '(no tables)\n';
  return tables.map(formatTable).join('\n');
}

/** The JSON shape of one table. */
export function tableToJson(table: TableLike): { columns: { name: string; type: string }[]; rows: unknown[][] } {
  const rows: unknown[][] = [];
  for (const row of table.rows()) rows.push(table.columns.map((_, i) => jsonValue(row[i])));
  return { columns: table.columns.map((c, i) => ({ name: columnLabel(c.name, i), type: typeName(c.type) ?? `TYPE(${c.type})` })), rows };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : formatValue(value);
  if (text === '') return '""'; // an empty string, told apart from NULL (an empty cell)
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV lines (RFC 4180) of a table's rows; with `header`, the column names first. NULL is an empty cell. */
export function tableToCsv(table: TableLike, header: boolean): string {
  const lines: string[] = [];
  if (header) lines.push(table.columns.map((c, i) => csvCell(columnLabel(c.name, i))).join(','));
  for (const row of table.rows()) lines.push(table.columns.map((_, i) => csvCell(row[i])).join(','));
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
