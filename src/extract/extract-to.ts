/**
 * `extractTo(client, path, options)`: run an extraction straight into a file — Arrow IPC
 * (file or stream), CSV or NDJSON. Each batch is encoded and written (awaited) before the
 * next one is pulled, so the disk's pace, like a slow consumer's, holds the requests back.
 * On failure or cancellation the requests are stopped, the file is closed and — unless
 * `keepPartial` — removed; the promise rejects with the error (the signal's reason).
 */
import { ParameterError } from '../errors.js';
import { extract } from './extract.js';
import type { ExtractClient, ExtractOptions } from './options.js';
import type { ExtractProgress } from './progress.js';
import { ArrowWriter } from './writers/arrow-writer.js';
import { EXTRACT_FORMATS, formatOfPath, type BatchWriter, type ExtractFormat } from './writers/batch-writer.js';
import { CsvWriter, type CsvOptions } from './writers/csv-writer.js';
import { FileSink, type ByteSink } from './writers/file-sink.js';
import { NdjsonWriter } from './writers/ndjson-writer.js';
import type { BinaryText } from './writers/value-text.js';

/** Progress of `extractTo`: the extraction's, plus the bytes in the file. */
export interface ExtractToProgress extends ExtractProgress {
  bytesWritten: number;
}

/** `extractTo` options: those of `extract`, plus the output format and the CSV details. */
export interface ExtractToOptions extends Omit<ExtractOptions, 'onProgress'>, Omit<CsvOptions, 'binary'> {
  /** Output format. Default: from the file extension (`.arrow`, `.arrows`, `.csv`, `.ndjson`/`.jsonl`), else `'arrow'`. */
  format?: ExtractFormat;
  /** VARBINARY in CSV and NDJSON as `'hex'` (default) or `'base64'`. */
  binary?: BinaryText;
  /** Keep an incomplete file after a failure or cancellation (default: remove it). */
  keepPartial?: boolean;
  /** Called after each batch is written, and once at the end. */
  onProgress?: (progress: ExtractToProgress) => void;
}

/** What `extractTo` wrote: path, format, rows, batches, bytes, time and the final progress. */
export interface ExtractToResult {
  path: string;
  format: ExtractFormat;
  rows: number;
  batches: number;
  /** Bytes in the file. */
  bytesWritten: number;
  elapsedMs: number;
  progress: ExtractProgress;
}

/** The writer for `format` over `sink`. */
export function createWriter(format: ExtractFormat, sink: ByteSink, options: Omit<CsvOptions, 'binary'> & { binary?: BinaryText } = {}): BatchWriter {
  switch (format) {
    case 'arrow':
      return new ArrowWriter(sink, { ipc: 'file' });
    case 'arrow-stream':
      return new ArrowWriter(sink, { ipc: 'stream' });
    case 'csv':
      return new CsvWriter(sink, options);
    case 'ndjson':
      return new NdjsonWriter(sink, options);
  }
}

/** Extract into a file (Arrow IPC, Arrow stream, CSV or NDJSON), in bounded memory; on failure or abort the partial file is removed unless `keepPartial`. */
export async function extractTo(client: ExtractClient, path: string, options: ExtractToOptions): Promise<ExtractToResult> {
  if (typeof path !== 'string' || path === '') throw new ParameterError('extract: the output path must be a non-empty string', { procedure: 'extract' });
  const format = options.format ?? formatOfPath(path) ?? 'arrow';
  if (!EXTRACT_FORMATS.includes(format)) throw new ParameterError(`extract: format must be one of ${EXTRACT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`, { procedure: 'extract' });
  const { format: _format, keepPartial, onProgress, delimiter, nullText, header, newline, binary, ...extractOptions } = options;
  const textOptions = {
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(nullText === undefined ? {} : { nullText }),
    ...(header === undefined ? {} : { header }),
    ...(newline === undefined ? {} : { newline }),
    ...(binary === undefined ? {} : { binary }),
  };
  // Check every option (the writer's too) before the file is created.
  const extraction = extract(client, extractOptions);
  createWriter(format, NO_SINK, textOptions);
  const sink = await FileSink.open(path, { keepPartial: keepPartial ?? false });
  const writer = createWriter(format, sink, textOptions);
  const report = (): void => onProgress?.({ ...extraction.progress(), bytesWritten: writer.bytesWritten });
  try {
    for await (const batch of extraction) {
      await writer.write(batch);
      report();
    }
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  report();
  const progress = extraction.progress();
  return { path, format, rows: progress.rows, batches: progress.batches, bytesWritten: writer.bytesWritten, elapsedMs: progress.elapsedMs, progress };
}

/** A sink for validating writer options only. */
const NO_SINK: ByteSink = {
  bytesWritten: 0,
  write: () => Promise.resolve(),
  close: () => Promise.resolve(),
  abort: () => Promise.resolve(),
};
