/**
 * Printing result tables for people (aligned columns) and for programs (JSON).
 *
 * Every value is printed by the one value formatter, src/decode/value-text.ts, that the
 * extraction's CSV and NDJSON writers use, read from the table's decoded columns: TIMESTAMP as
 * ISO-8601 with microseconds, VARBINARY as lower-case hex, DECIMAL exact, FLOAT as the shortest
 * text that reads back to the same double, geography as WKT.
 *
 * Text: a header, a rule, one line per row; numbers right-aligned, everything else left; NULL
 * printed as `NULL` and CR, LF and tab inside strings as `\r`, `\n`, `\t`, as VoltDB's sqlcmd
 * does. JSON: one object per table with `columns` (name and type) and `rows` (arrays, one per
 * line), each value written as NDJSON writes it (`cellJson`).
 */
import type { Column, ColumnInfo } from '../decode/column.js';
import { cellJson, cellText } from '../decode/value-text.js';
import { VOLT_TYPE, typeName } from '../protocol/constants.js';

/** A result table as the printers read it: `VoltTable` is one. */
export interface TableLike {
  readonly columns: readonly ColumnInfo[];
  readonly rowCount: number;
  decodeColumns(): readonly Column[];
}

const NUMERIC = new Set<number>([
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.FLOAT,
  VOLT_TYPE.DECIMAL,
]);

/** A column's header: its name, or `C1`, `C2`… for an unnamed one (a procedure's returned long). */
export function columnLabel(name: string, index: number): string {
  return name === '' ? `C${index + 1}` : name;
}

const CONTROL = /[\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The text of every cell of one column for the aligned display. */
function displayColumn(column: Column, rowCount: number): string[] {
  const text = cellText(column);
  const out = new Array<string>(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const value = text(r);
    out[r] = value === null ? 'NULL' : value.replace(CONTROL, (c) => ESCAPES[c]!);
  }
  return out;
}

/** Aligned text of one table, with a row-count footer. */
export function formatTable(table: TableLike): string {
  const headers = table.columns.map((c, i) => columnLabel(c.name, i));
  const right = table.columns.map((c) => NUMERIC.has(c.type));
  const cells = table.rowCount === 0 ? table.columns.map(() => []) : table.decodeColumns().map((c) => displayColumn(c, table.rowCount));
  const widths = headers.map((h, i) => cells[i]!.reduce((w, text) => Math.max(w, text.length), h.length));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (right[i] === true ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(headers), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (let r = 0; r < table.rowCount; r++) out.push(line(cells.map((column) => column[r]!)));
  out.push(`(${table.rowCount} row${table.rowCount === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

/** Every table, separated by a blank line. */
export function formatTables(tables: readonly TableLike[]): string {
  if (tables.length === 0) return '(no tables)\n';
  return tables.map(formatTable).join('\n');
}

/** Name and VoltDB type name of each column, as the JSON output lists them. */
export function jsonColumns(table: TableLike): { name: string; type: string }[] {
  return table.columns.map((c, i) => ({ name: columnLabel(c.name, i), type: typeName(c.type) ?? `TYPE(${c.type})` }));
}

/**
 * The JSON text of one table, `{"columns": […], "rows": […]}`, indented by `indent` spaces
 * (the lines after the first), one row per line.
 */
export function tableJson(table: TableLike, indent = 0): string {
  const pad = ' '.repeat(indent);
  const columns = `${pad}  "columns": ${JSON.stringify(jsonColumns(table))}`;
  if (table.rowCount === 0) return `{\n${columns},\n${pad}  "rows": []\n${pad}}`;
  const texts = table.decodeColumns().map((c) => cellJson(c));
  const rows: string[] = [];
  for (let r = 0; r < table.rowCount; r++) rows.push(`${pad}    [${texts.map((text) => text(r)).join(', ')}]`);
  return `{\n${columns},\n${pad}  "rows": [\n${rows.join(',\n')}\n${pad}  ]\n${pad}}`;
}
