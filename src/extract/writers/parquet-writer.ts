/**
 * Parquet output (`.parquet`), written from the same Arrow batches as the Arrow writer by
 * parquet-wasm (the Rust `parquet` crate compiled to WebAssembly, shipped inside its npm
 * package), compressed with zstd (default) or snappy. parquet-wasm is a dependency, loaded on
 * the first write only.
 *
 * Streamed, in bounded memory: each batch goes into WebAssembly memory as an Arrow IPC message
 * and is handed to parquet-wasm's streaming writer (`transformParquetStream`), which encodes it
 * into the open row group and emits each finished row group's bytes; those are written to the
 * file as they come. A row group holds at most `rowGroupRows` rows (default 100,000), so the
 * writer holds about one row group's encoded pages at a time, plus one batch waiting — never the
 * whole result. `write()` resolves once the writer has taken the batch, and the next batch is
 * not pulled before that: a slow disk holds the extraction back, as with the other formats.
 */
import type * as ParquetWasm from 'parquet-wasm';
import type { ColumnInfo } from '../../decode/column.js';
import { loadArrow } from '../../decode/arrow.js';
import { ParameterError, VoltError } from '../../errors.js';
import type { ExtractBatch } from '../batch.js';
import { sameColumns, type BatchWriter } from './batch-writer.js';
import type { ByteSink } from './file-sink.js';

type ParquetModule = typeof ParquetWasm;

/** Parquet page compression. */
export type ParquetCompression = 'zstd' | 'snappy' | 'none';

/** Every Parquet compression the writer offers. */
export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = Object.freeze(['zstd', 'snappy', 'none']);

/** Options of the Parquet writer. */
export interface ParquetOptions {
  /** Page compression: `'zstd'` (default), `'snappy'` or `'none'`. */
  compression?: ParquetCompression;
  /** Most rows in one row group (default 100,000): what the writer holds encoded at a time. */
  rowGroupRows?: number;
}

const DEFAULT_ROW_GROUP_ROWS = 100_000;

let loading: Promise<ParquetModule> | null = null;

/** Load parquet-wasm once (its WebAssembly module is compiled at import). */
export function loadParquet(): Promise<ParquetModule> {
  loading ??= import('parquet-wasm').catch((cause: unknown) => {
    loading = null;
    throw new VoltError('the Parquet writer could not load parquet-wasm (a dependency of voltwire: reinstall it)', { cause });
  });
  return loading;
}

/** Check the options (before any file is created). */
export function checkParquetOptions(options: ParquetOptions): void {
  if (options.compression !== undefined && !PARQUET_COMPRESSIONS.includes(options.compression)) {
    throw new ParameterError(`extract: parquet compression must be one of ${PARQUET_COMPRESSIONS.join(', ')}, got ${JSON.stringify(options.compression)}`, { procedure: 'extract' });
  }
  const rows = options.rowGroupRows;
  if (rows !== undefined && (!Number.isSafeInteger(rows) || rows < 1)) {
    throw new ParameterError(`extract: parquet rowGroupRows must be a positive integer, got ${String(rows)}`, { procedure: 'extract' });
  }
}

/**
 * The batches handed to parquet-wasm, as the `ReadableStream` it reads: a batch is queued only
 * when the writer has asked for the next one, so at most one waits.
 */
class BatchFeed {
  readonly stream: ReadableStream<ParquetWasm.RecordBatch>;
  private controller!: ReadableStreamDefaultController<ParquetWasm.RecordBatch>;
  private wanted!: Promise<void>;
  private want!: () => void;

  constructor() {
    this.expect();
    this.stream = new ReadableStream<ParquetWasm.RecordBatch>(
      {
        start: (controller) => void (this.controller = controller),
        pull: () => this.want(),
      },
      { highWaterMark: 1 },
    );
  }

  /** Hand over `batch` once the reader wants one. */
  async push(batch: ParquetWasm.RecordBatch): Promise<void> {
    await this.wanted;
    this.expect();
    this.controller.enqueue(batch);
  }

  close(): void {
    this.controller.close();
  }

  error(reason: unknown): void {
    this.controller.error(reason);
    this.want();
  }

  /** The reader failed: a `push` waiting for it goes on (and its caller finds the failure). */
  release(): void {
    this.want();
  }

  private expect(): void {
    this.wanted = new Promise((resolve) => (this.want = resolve));
  }
}

/** Writes an extraction's batches as one Parquet file, a row group at a time (see the file comment). */
export class ParquetWriter implements BatchWriter {
  private schema: readonly ColumnInfo[] | null = null;
  private feed: BatchFeed | null = null;
  /** Copies parquet-wasm's output to the sink; settles when the output ends. */
  private pump: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly compression: ParquetCompression;
  private readonly rowGroupRows: number;

  constructor(
    private readonly sink: ByteSink,
    options: ParquetOptions = {},
  ) {
    checkParquetOptions(options);
    this.compression = options.compression ?? 'zstd';
    this.rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  async write(batch: ExtractBatch): Promise<void> {
    this.schema = sameColumns(this.schema, batch);
    this.check();
    const [parquet, arrow] = await Promise.all([loadParquet(), loadArrow()]);
    // One IPC stream message (schema + batch) into WebAssembly memory: the copy the wasm writer needs.
    const ipc = arrow.tableToIPC(new arrow.Table(await batch.toArrow()), 'stream');
    const table = parquet.Table.fromIPCStream(ipc);
    const wasmBatch = table.recordBatch(0);
    table.free();
    if (wasmBatch === undefined) return;
    if (this.feed === null) {
      const feed = new BatchFeed();
      this.feed = feed;
      await feed.push(wasmBatch);
      // The writer reads the first batch (for the schema) before it returns its output stream.
      const output = await parquet.transformParquetStream(feed.stream, this.properties(parquet));
      this.pump = this.copy(output.getReader() as ReadableStreamDefaultReader<Uint8Array>);
    } else {
      await this.feed.push(wasmBatch);
    }
    this.check();
  }

  async finish(): Promise<void> {
    // An extraction without a batch writes no file body, as the Arrow writer.
    if (this.feed !== null) {
      this.check();
      this.feed.close();
      await this.pump;
      this.check();
    }
    await this.sink.close();
  }

  async abort(): Promise<void> {
    const aborted = new VoltError('extract: the Parquet output was aborted');
    this.failure ??= aborted;
    if (this.feed !== null) {
      this.feed.error(aborted);
      await this.pump;
    }
    await this.sink.abort();
  }

  private properties(parquet: ParquetModule): ParquetWasm.WriterProperties {
    const codec = { zstd: parquet.Compression.ZSTD, snappy: parquet.Compression.SNAPPY, none: parquet.Compression.UNCOMPRESSED }[this.compression];
    return new parquet.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(this.rowGroupRows).setCreatedBy('voltwire').build();
  }

  private async copy(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        await this.sink.write([value]);
      }
    } catch (error) {
      this.failure ??= error;
      this.feed?.release();
    }
  }

  /** Rethrow a failure of the output side (parquet-wasm or the disk). */
  private check(): void {
    if (this.failure !== null) {
      const failure = this.failure;
      throw VoltError.is(failure) || (failure instanceof Error && 'syscall' in failure)
        ? failure
        : new VoltError(`extract: parquet-wasm could not write the batch: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
    }
  }
}
