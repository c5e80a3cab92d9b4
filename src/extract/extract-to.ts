/**
 * `extractTo(client, path, options)`: run an extraction straight into a file — Arrow IPC
 * (file or stream), Parquet, CSV or NDJSON — or into a writable stream. Each batch is encoded and written (awaited) before the
 * next one is pulled, so the disk's pace, like a slow consumer's, holds the requests back.
 * On failure or cancellation the requests are stopped, the file is closed and — unless
 * `keepPartial` — removed; the promise rejects with the error (the signal's reason).
 */
import { ParameterError } from '../errors.js';
import { extract } from './extract.js';
import type { ExtractClient, ExtractOptions } from './options.js';
import type { ExtractProgress } from './progress.js';
import { ArrowWriter } from './writers/arrow-writer.js';
import { EXTRACT_FORMATS, FORMAT_EXTENSIONS, formatOfPath, type BatchWriter, type ExtractFormat } from './writers/batch-writer.js';
import { CsvWriter, type CsvOptions } from './writers/csv-writer.js';
import { FileSink, StreamSink, type ByteSink } from './writers/file-sink.js';
import { NdjsonWriter } from './writers/ndjson-writer.js';
import { ParquetWriter, type ParquetOptions } from './writers/parquet-writer.js';
import type { BinaryText } from '../decode/value-text.js';

/** Progress of `extractTo`: the extraction's, plus the bytes in the file. */
export interface ExtractToProgress extends ExtractProgress {
  bytesWritten: number;
}

/** `extractTo` options: those of `extract`, plus the output format and the CSV and Parquet details. */
export interface ExtractToOptions extends Omit<ExtractOptions, 'onProgress'>, Omit<CsvOptions, 'binary'>, ParquetOptions {
  /**
   * Output format. Default: from the file extension (`.arrow`, `.arrows`, `.parquet`, `.csv`,
   * `.ndjson`/`.jsonl`); a name with another ending, or a stream, needs it.
   */
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
  /** The file written, or `'-'` for a stream. */
  path: string;
  format: ExtractFormat;
  rows: number;
  batches: number;
  /** Bytes in the file. */
  bytesWritten: number;
  elapsedMs: number;
  progress: ExtractProgress;
}

/** Options of the writers (each takes its own). */
export type WriterOptions = Omit<CsvOptions, 'binary'> & { binary?: BinaryText } & ParquetOptions;

/** The writer for `format` over `sink`. */
export function createWriter(format: ExtractFormat, sink: ByteSink, options: WriterOptions = {}): BatchWriter {
  switch (format) {
    case 'arrow':
      return new ArrowWriter(sink, { ipc: 'file' });
    case 'arrow-stream':
      return new ArrowWriter(sink, { ipc: 'stream' });
    case 'parquet':
      return new ParquetWriter(sink, options);
    case 'csv':
      return new CsvWriter(sink, options);
    case 'ndjson':
      return new NdjsonWriter(sink, options);
  }
}

/** The format of `target`: the one asked for, else the one its file name says; anything else is refused. */
function outputFormat(target: string | NodeJS.WritableStream, format: ExtractFormat | undefined): ExtractFormat {
  if (format !== undefined) {
    if (!EXTRACT_FORMATS.includes(format)) throw new ParameterError(`extract: format must be one of ${EXTRACT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`, { procedure: 'extract' });
    return format;
  }
  if (typeof target !== 'string') throw new ParameterError(`extract: writing to a stream needs a format (one of ${EXTRACT_FORMATS.join(', ')})`, { procedure: 'extract' });
  const known = formatOfPath(target);
  if (known === null) {
    const endings = EXTRACT_FORMATS.map((f) => FORMAT_EXTENSIONS[f][0]).join(', ');
    throw new ParameterError(`extract: cannot tell the output format from the name ${JSON.stringify(target)}: end it with ${endings}, or give the format`, { procedure: 'extract' });
  }
  return known;
}

/**
 * Extract into `target`: a file path (created, or truncated), or a writable stream (written,
 * never ended: standard output for instance).
 */
export async function extractTo(client: ExtractClient, target: string | NodeJS.WritableStream, options: ExtractToOptions): Promise<ExtractToResult> {
  if (target === '' || (typeof target !== 'string' && typeof (target as Partial<NodeJS.WritableStream> | null)?.write !== 'function')) {
    throw new ParameterError('extract: the output must be a non-empty path or a writable stream', { procedure: 'extract' });
  }
  const format = outputFormat(target, options.format);
  const { format: _format, keepPartial, onProgress, delimiter, nullText, header, newline, binary, compression, rowGroupRows, ...extractOptions } = options;
  const writerOptions: WriterOptions = {
    ...(delimiter === undefined ? {} : { delimiter }),
    ...(nullText === undefined ? {} : { nullText }),
    ...(header === undefined ? {} : { header }),
    ...(newline === undefined ? {} : { newline }),
    ...(binary === undefined ? {} : { binary }),
    ...(compression === undefined ? {} : { compression }),
    ...(rowGroupRows === undefined ? {} : { rowGroupRows }),
  };
  // Check every option (the writer's too) before the file is created.
  const extraction = extract(client, extractOptions);
  createWriter(format, NO_SINK, writerOptions);
  const path = typeof target === 'string' ? target : '-';
  const sink = typeof target === 'string' ? await FileSink.open(target, { keepPartial: keepPartial ?? false }) : new StreamSink(target);
  const writer = createWriter(format, sink, writerOptions);
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
