/**
 * The interface every output format implements, and the format names.
 */
import type { ColumnInfo } from '../../decode/column.js';
import { VoltError } from '../../errors.js';
import type { ExtractBatch } from '../batch.js';

/** Output formats: Arrow IPC file (`.arrow`), Arrow IPC stream (`.arrows`), Parquet, CSV, NDJSON. */
export type ExtractFormat = 'arrow' | 'arrow-stream' | 'parquet' | 'csv' | 'ndjson';

/** Every output format of `extractTo`. */
export const EXTRACT_FORMATS: readonly ExtractFormat[] = Object.freeze(['arrow', 'arrow-stream', 'parquet', 'csv', 'ndjson']);

/** The file name endings each format is known by (the first is the one to suggest). */
export const FORMAT_EXTENSIONS: Readonly<Record<ExtractFormat, readonly string[]>> = Object.freeze({
  arrow: ['.arrow', '.feather', '.ipc'],
  'arrow-stream': ['.arrows'],
  parquet: ['.parquet'],
  csv: ['.csv', '.tsv'],
  ndjson: ['.ndjson', '.jsonl'],
});

export interface BatchWriter {
  /** Encode and write one batch; resolves when its bytes are written. */
  write(batch: ExtractBatch): Promise<void>;
  /** Write what closes the output (Arrow footer) and close it. */
  finish(): Promise<void>;
  /** Stop: close the output (removing an incomplete file unless asked to keep it). */
  abort(): Promise<void>;
  /** Bytes written so far. */
  readonly bytesWritten: number;
}

/** The format a file name implies, or null. */
export function formatOfPath(path: string): ExtractFormat | null {
  const lower = path.toLowerCase();
  for (const format of EXTRACT_FORMATS) {
    if (FORMAT_EXTENSIONS[format].some((extension) => lower.endsWith(extension))) return format;
  }
  return null;
}

/**
 * Every batch of one output must have the columns of the first (a multi-statement `sql` can
 * return tables of different shapes; one file holds one schema). Returns the schema to keep.
 */
export function sameColumns(first: readonly ColumnInfo[] | null, batch: ExtractBatch): readonly ColumnInfo[] {
  const schema = batch.schema;
  if (first === null) return schema;
  const text = (columns: readonly ColumnInfo[]): string => columns.map((c) => `${c.name}:${c.type}`).join(',');
  if (text(first) !== text(schema)) {
    throw new VoltError(`extract: a batch has columns (${text(schema)}) unlike the first batch's (${text(first)}); one output file holds one set of columns`);
  }
  return first;
}
