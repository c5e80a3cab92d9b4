/**
 * The files `voltwire load` reads, each turned into what `client.bulkLoad` takes:
 *
 * | format   | read by                          | rows as                                        |
 * | -------- | -------------------------------- | ---------------------------------------------- |
 * | csv      | csv-parse (RFC 4180 quoting)     | arrays in table order, text cells converted (text-cells.ts); an unquoted `--null` field is NULL, a quoted one is text |
 * | ndjson   | one JSON object per line         | objects by column name                         |
 * | arrow    | apache-arrow (file or stream)    | RecordBatches, straight from their buffers     |
 * | parquet  | parquet-wasm → Arrow IPC         | RecordBatches                                  |
 *
 * Every row remembers where it came from (`line` of a CSV record or NDJSON line), so the
 * rejected-rows report points into the file.
 */
import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseRecord } from 'csv-parse/sync';
import { InvalidArgumentError, ParameterError } from '../errors.js';
import type { TableColumn } from '../protocol/value-writer.js';
import { textConverter, valueFromJson, type BinaryEncoding, type TextConverter } from '../bulk-load/text-cells.js';
import type { BulkLoadSource } from '../bulk-load/row-source.js';

export const LOAD_FORMATS = ['csv', 'ndjson', 'arrow', 'parquet'] as const;
export type LoadFormat = (typeof LOAD_FORMATS)[number];

export interface FileReadOptions {
  format: LoadFormat;
  /** The table's columns in order. */
  columns: readonly TableColumn[];
  table: string;
  /** CSV: names of the file's fields when it has no header (default: the header line). */
  fieldNames?: readonly string[];
  /** CSV: the file has a header line (default true; false without `fieldNames` means table order). */
  header: boolean;
  separator: string;
  /** CSV: the unquoted text that means NULL (default empty). */
  nullText: string;
  binary: BinaryEncoding;
}

/** The format a file name implies, or undefined. */
export function formatOf(path: string): LoadFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.arrow') || lower.endsWith('.arrows') || lower.endsWith('.feather')) return 'arrow';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** Source line of each row handed to the loader, by the row's index (kept for the report). */
export class RowLines {
  private readonly lines: number[] = [];
  add(line: number): void {
    this.lines.push(line);
  }
  /** The line of row `index` (1-based), or null when the format has no lines. */
  lineOf(index: number): number | null {
    return this.lines[index] ?? null;
  }
}

/** Map the file's field names to table column positions (columns without a field are NULL); an unknown name is a usage error. */
function fieldOrder(fields: readonly string[], columns: readonly TableColumn[], table: string): number[] {
  const order = fields.map((field) => {
    const at = columns.findIndex((c) => c.name === field || c.name.toUpperCase() === field.trim().toUpperCase());
    if (at < 0) throw new ParameterError(`load: the file's field ${JSON.stringify(field)} is not a column of ${table} (${columns.map((c) => c.name).join(', ')})`, { procedure: 'load' });
    return at;
  });
  return order;
}

/** What csv-parse hands over with `raw: true`: the fields, and the record's own text with its line end. */
interface RawRecord {
  record: string[];
  raw: string;
}

/**
 * Line ends in a record's text: each `\n`, and each `\r` not followed by one (`\r\n` is one end;
 * csv-parse leaves the `\n` of a CRLF record delimiter out of the raw text).
 */
function lineEnds(raw: string): number {
  let count = 0;
  for (let at = raw.indexOf('\n'); at >= 0; at = raw.indexOf('\n', at + 1)) count++;
  for (let at = raw.indexOf('\r'); at >= 0; at = raw.indexOf('\r', at + 1)) if (raw.charCodeAt(at + 1) !== 10) count++;
  return count;
}

/** Which fields of one record were quoted: that record's text parsed again, with a cast that reports quoting. */
function quotedFields(raw: string, separator: string): boolean[] {
  const [flags] = parseRecord(raw, { delimiter: separator, relax_column_count: true, cast: (_value, context) => context.quoting }) as unknown as boolean[][];
  return flags ?? [];
}

/**
 * CSV rows. csv-parse reads the text (RFC 4180); the cells are converted here, by a converter
 * picked once per column. An unquoted `--null` field is NULL and a quoted one is text: csv-parse
 * tells quoting only to a `cast` callback, which builds a context object per field and made
 * reading about 7× slower (bench/RESULTS.md) — so records come with their raw text instead, and
 * only a record that has a `--null` field *and* a quote is parsed again to learn which was quoted.
 */
async function* csvRows(input: Readable, options: FileReadOptions, lines: RowLines): AsyncGenerator<unknown[]> {
  const { columns, nullText, separator } = options;
  const parser = input.pipe(parse({ delimiter: separator, bom: true, relax_column_count: true, raw: true }));
  let order: number[] | null = options.fieldNames === undefined ? (options.header ? null : columns.map((_, i) => i)) : fieldOrder(options.fieldNames, columns, options.table);
  let skipHeader = options.header && options.fieldNames !== undefined;
  const convertersOf = (fieldColumns: number[]): (TextConverter | null)[] => fieldColumns.map((c) => textConverter(columns[c]!.type, options.binary));
  let converters = order === null ? [] : convertersOf(order);
  let seen = 0; // line ends before this record
  for await (const { record: fields, raw } of parser as AsyncIterable<RawRecord>) {
    const ends = lineEnds(raw);
    const last = raw.charCodeAt(raw.length - 1);
    const line = seen + (last === 10 || last === 13 ? ends : ends + 1); // the record's last line
    seen += ends;
    if (order === null) {
      order = fieldOrder(fields, columns, options.table);
      converters = convertersOf(order);
      continue;
    }
    if (skipHeader) {
      skipHeader = false;
      continue;
    }
    lines.add(line);
    if (fields.length !== order.length) {
      // Left to the encoder to refuse, with the line in the report: a short row is not silently padded.
      yield fields;
      continue;
    }
    const row = new Array<unknown>(columns.length).fill(null);
    let quoted: boolean[] | null = null;
    for (let f = 0; f < fields.length; f++) {
      const text = fields[f]!;
      if (text === nullText) {
        quoted ??= raw.includes('"') ? quotedFields(raw, separator) : [];
        if (quoted[f] !== true) continue; // NULL
      }
      const convert = converters[f]!;
      row[order[f]!] = convert === null ? text : convert(text);
    }
    yield row;
  }
}

async function* ndjsonRows(input: Readable, options: FileReadOptions, lines: RowLines): AsyncGenerator<Record<string, unknown> | unknown[]> {
  const byName = new Map(options.columns.map((c) => [c.name.toUpperCase(), c.type]));
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    lines.add(line);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield [`line ${line} is not JSON: ${(error as Error).message}`]; // refused as a row of the wrong shape
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield Array.isArray(parsed) ? parsed : [parsed];
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed)) {
      const type = byName.get(key.toUpperCase());
      row[key] = type === undefined ? value : valueFromJson(value, type, options.binary);
    }
    yield row;
  }
}

async function arrowBatches(input: Readable): Promise<BulkLoadSource> {
  const arrow = await import('apache-arrow');
  // RecordBatchReader.from reads the file format and the stream format alike.
  const reader = await arrow.RecordBatchReader.from(input as unknown as AsyncIterable<Uint8Array>);
  return reader;
}

async function parquetTable(path: string, stdin: Readable): Promise<BulkLoadSource> {
  const bytes = path === '-' ? Buffer.concat(await stdin.toArray()) : await readFile(path);
  const [arrow, parquet] = await Promise.all([import('apache-arrow'), import('parquet-wasm')]);
  const wasmTable = parquet.readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

/** The rows (or batches) of `path` (`-` = `stdin`), with their source lines recorded in `lines`. */
export async function readLoadFile(path: string, options: FileReadOptions, lines: RowLines, stdin: Readable = process.stdin): Promise<BulkLoadSource> {
  if (options.separator.length !== 1 || /["\r\n]/.test(options.separator)) {
    throw new InvalidArgumentError(`load: --separator must be one character other than a quote, CR or LF, got ${JSON.stringify(options.separator)}`);
  }
  if (options.format === 'parquet') return parquetTable(path, stdin);
  const input = path === '-' ? stdin : createReadStream(path);
  // Surface a missing file before the load starts (a stream reports it only when read).
  if (path !== '-') await new Promise<void>((resolve, reject) => (input as ReturnType<typeof createReadStream>).once('open', () => resolve()).once('error', reject));
  switch (options.format) {
    case 'csv':
      return csvRows(input, options, lines);
    case 'ndjson':
      return ndjsonRows(input, options, lines);
    default:
      return arrowBatches(input);
  }
}
