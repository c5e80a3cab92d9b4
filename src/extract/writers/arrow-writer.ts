/**
 * Arrow IPC output, file format (`.arrow`, with the footer readers seek to) or stream format
 * (`.arrows`), through apache-arrow's `RecordBatchFileWriter` / `RecordBatchStreamWriter`.
 * apache-arrow is a dependency, loaded on the first write.
 *
 * Each batch is wrapped as a RecordBatch over its column buffers (no copy, see
 * src/decode/arrow.ts: Decimal128(38,12), Timestamp(µs, UTC), Utf8, Binary, …). The writer's
 * output is caught by a sink that only collects the chunks it is given — views of those same
 * buffers plus the IPC metadata — and they go to the file in one `writev` before the next
 * batch: nothing is copied on the way, and nothing accumulates.
 */
import type * as Arrow from 'apache-arrow';
import { loadArrow } from '../../decode/arrow.js';
import type { ExtractBatch } from '../batch.js';
import { sameColumns, type BatchWriter } from './batch-writer.js';
import type { ColumnInfo } from '../../decode/column.js';
import type { ByteSink } from './file-sink.js';

type ArrowModule = typeof Arrow;

export interface ArrowOptions {
  /** `'file'` (default; random access, footer at the end) or `'stream'`. */
  ipc?: 'file' | 'stream';
}

/** An `AsyncByteQueue` the writer accepts as its sink, that hands its chunks to us instead of queueing them. */
function collectingSink(arrow: ArrowModule, chunks: Uint8Array[]): Arrow.AsyncByteQueue {
  class CollectingSink extends arrow.AsyncByteQueue {
    override write(value: Parameters<Arrow.AsyncByteQueue['write']>[0]): void {
      // The IPC writer hands over Uint8Arrays (metadata, padding, the column buffers as views).
      const bytes = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value as ArrayBufferLike);
      if (bytes.byteLength > 0) chunks.push(bytes);
    }
  }
  return new CollectingSink();
}

export class ArrowWriter implements BatchWriter {
  private schema: readonly ColumnInfo[] | null = null;
  private writer: Arrow.RecordBatchWriter | null = null;
  private readonly chunks: Uint8Array[] = [];
  private readonly ipc: 'file' | 'stream';

  constructor(
    private readonly sink: ByteSink,
    options: ArrowOptions = {},
  ) {
    this.ipc = options.ipc ?? 'file';
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  private async open(): Promise<Arrow.RecordBatchWriter> {
    const arrow = await loadArrow();
    const writer = this.ipc === 'file' ? new arrow.RecordBatchFileWriter() : new arrow.RecordBatchStreamWriter();
    writer.reset(collectingSink(arrow, this.chunks));
    return writer;
  }

  async write(batch: ExtractBatch): Promise<void> {
    this.schema = sameColumns(this.schema, batch);
    this.writer ??= await this.open();
    this.writer.write(await batch.toArrow());
    await this.flush();
  }

  async finish(): Promise<void> {
    // The writer writes the schema with its first batch; an extraction without one gets none (and no file body).
    if (this.writer !== null) {
      this.writer.finish();
      await this.flush();
    }
    await this.sink.close();
  }

  abort(): Promise<void> {
    return this.sink.abort();
  }

  private async flush(): Promise<void> {
    const chunks = this.chunks.splice(0);
    await this.sink.write(chunks);
  }
}
