/**
 * `client.bulkLoad(table, source, options)`: rows into one table through VoltDB's own
 * `@LoadSinglepartitionTable` / `@LoadMultipartitionTable`, the way Java's VoltBulkLoader does it.
 *
 * 1. The table's columns, types and partition column come from the catalog, the ring from the
 *    topology (load-target.ts).
 * 2. Each row's partition is hashed from its partition column; the row is encoded into that
 *    partition's open batch — every value checked for its column there, before anything is
 *    sent. A refused value fails that row alone (`onError`, naming row and column).
 * 3. A batch that reaches `batchSize` rows (or 4 MiB) is sent with the partition value's
 *    hashinator bytes as the first parameter, so the client's routing sends it to the
 *    partition's leader like any single-partition call. Up to `concurrency` batches are in
 *    flight, of any partitions; reading the source waits while they are.
 * 4. A batch the server refused was rolled back whole: its rows are sent again one by one
 *    (pipelined), so every good row lands and every bad one is reported once, with the
 *    server's message. A batch whose answer was lost is reported as unknown — sent again only
 *    with `upsert`, which makes it idempotent. See batch-outcome.ts.
 */
import { performance } from 'node:perf_hooks';
import { BulkLoadError, CallTimeoutError, ParameterError, VoltError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { hashinatorBytes } from '../protocol/hashinator-bytes.js';
import { TableBuilder, type EncodedTable } from '../protocol/table-builder.js';
import type { ValueContext } from '../protocol/value-writer.js';
import { failureKind, type FailureKind } from './batch-outcome.js';
import { loadTarget, type BulkLoadClient, type LoadTarget } from './load-target.js';
import { MAX_BATCH_BYTES, resolveBulkLoadOptions, type BulkLoadOptions, type BulkLoadProgress, type BulkLoadReport, type ResolvedBulkLoadOptions } from './options.js';
import { chunksOf, type BulkLoadSource, type RowChunk } from './row-source.js';

const SINGLE = '@LoadSinglepartitionTable';
const MULTI = '@LoadMultipartitionTable';
/** Attempts for a batch that was not sent (or, with upsert, whose answer was lost). */
const SEND_ATTEMPTS = 3;
/** Single-row retries of one refused batch in flight at once. */
const RETRY_WINDOW = 64;

/** The rows of one partition waiting to be sent. */
class OpenBatch {
  readonly builder: TableBuilder;
  readonly keys: unknown[] = [];
  readonly chunks: RowChunk[] = [];
  readonly positions: number[] = [];
  readonly indexes: number[] = [];
  constructor(target: LoadTarget) {
    this.builder = new TableBuilder(target.columns);
  }
}

type Attempt = { ok: true; count: number } | { ok: false; kind: FailureKind; error: unknown };

class Loader {
  private readonly report: BulkLoadReport = { rows: 0, inserted: 0, failed: 0, unknown: 0, bytes: 0, calls: 0, seconds: 0 };
  private readonly open = new Map<number, OpenBatch>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly started = performance.now();
  private readonly deadline: number;
  private readonly concurrency: number;
  private readonly upsertFlag: number;
  /** Why the load stopped early, once it has. */
  private stop: unknown = null;
  private readonly where: ValueContext = { row: 0, column: '' };

  constructor(
    private readonly client: BulkLoadClient,
    private readonly target: LoadTarget,
    private readonly options: ResolvedBulkLoadOptions,
  ) {
    this.deadline = options.timeoutMs === null ? Infinity : this.started + options.timeoutMs;
    this.concurrency = options.concurrency ?? Math.min(64, Math.max(4, 2 * target.partitionCount));
    this.upsertFlag = options.upsert ? 1 : 0;
  }

  async run(source: BulkLoadSource): Promise<BulkLoadReport> {
    try {
      for await (const chunk of chunksOf(source, this.target.columns, this.target.name)) {
        for (let i = 0; i < chunk.length; i++) {
          if (this.checkStop()) break;
          await this.add(chunk, i);
        }
        if (this.stop !== null) break;
      }
    } catch (error) {
      this.stop ??= error;
    }
    if (this.stop === null) for (const batch of [...this.open.values()]) await this.dispatch(batch);
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.report.seconds = (performance.now() - this.started) / 1000;
    this.progress(true);
    if (this.stop !== null) throw this.stop;
    return { ...this.report };
  }

  /** True once the load must stop (signal, deadline, too many errors). */
  private checkStop(): boolean {
    if (this.stop !== null) return true;
    const signal = this.options.signal;
    if (signal !== null && signal.aborted) this.stop = signal.reason;
    else if (performance.now() > this.deadline) {
      this.stop = new CallTimeoutError(`bulkLoad into ${this.target.name} did not finish within ${this.options.timeoutMs} ms`, { timeoutMs: this.options.timeoutMs!, sent: this.report.calls > 0 });
    }
    return this.stop !== null;
  }

  /** Read row `i` of `chunk` into its partition's batch; send the batch when full. */
  private async add(chunk: RowChunk, i: number): Promise<void> {
    const index = this.report.rows++;
    const target = this.target;
    let partition = -1;
    let key: unknown = null;
    try {
      if (target.hashinator !== null) {
        key = chunk.key(i, target.partitionIndex);
        const column = target.columns[target.partitionIndex]!;
        if (key === null || key === undefined) throw new ParameterError(`row ${index}, column ${column.name}: the partition column cannot be NULL`, { procedure: 'bulkLoad' });
        partition = target.hashinator.partitionFor(key, column.type);
      }
    } catch (error) {
      this.rowFailed(chunk, i, index, placed(error, index, target.columns[target.partitionIndex]!.name));
      return;
    }
    let batch = this.open.get(partition);
    if (batch === undefined) {
      batch = new OpenBatch(target);
      this.open.set(partition, batch);
    }
    const builder = batch.builder;
    this.where.row = index;
    builder.beginRow();
    try {
      chunk.encode(i, builder.writer, this.where);
    } catch (error) {
      builder.cancelRow();
      this.rowFailed(chunk, i, index, error);
      return;
    }
    builder.endRow();
    batch.keys.push(key);
    batch.chunks.push(chunk);
    batch.positions.push(i);
    batch.indexes.push(index);
    if (builder.rowCount >= this.options.batchSize || builder.byteLength >= MAX_BATCH_BYTES) {
      this.open.delete(partition);
      await this.dispatch(batch);
    }
  }

  /** Send a batch once fewer than `concurrency` are in flight. */
  private async dispatch(batch: OpenBatch): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.checkStop()) return;
    const sending: Promise<void> = this.send(batch).finally(() => {
      this.inFlight.delete(sending);
      this.progress(false);
    });
    this.inFlight.add(sending);
  }

  private async send(batch: OpenBatch): Promise<void> {
    const table = batch.builder.build();
    const first = await this.attempt(table, batch.keys[0]);
    if (first.ok) {
      this.report.inserted += first.count;
      return;
    }
    if (first.kind !== 'refused' || table.rowCount === 1) {
      for (let r = 0; r < table.rowCount; r++) this.settleRow(batch, r, first);
      return;
    }
    // Rolled back whole: find the bad rows one by one, a window of calls at a time.
    for (let from = 0; from < table.rowCount; from += RETRY_WINDOW) {
      const to = Math.min(table.rowCount, from + RETRY_WINDOW);
      const retries: Promise<void>[] = [];
      for (let r = from; r < to; r++) {
        retries.push(this.attempt(batch.builder.singleRow(r), batch.keys[r]).then((outcome) => this.settleRow(batch, r, outcome)));
      }
      await Promise.all(retries);
    }
  }

  private settleRow(batch: OpenBatch, r: number, outcome: Attempt): void {
    if (outcome.ok) {
      this.report.inserted += outcome.count;
      return;
    }
    if (outcome.kind === 'fatal') this.stop ??= outcome.error;
    const chunk = batch.chunks[r]!;
    if (outcome.kind === 'unknown') {
      this.report.unknown++;
      this.notify(chunk, batch.positions[r]!, batch.indexes[r]!, asError(outcome.error));
    } else {
      this.rowFailed(chunk, batch.positions[r]!, batch.indexes[r]!, outcome.error);
    }
  }

  /** One call, sent again while it was not sent (or, with upsert, lost). */
  private async attempt(table: EncodedTable, key: unknown): Promise<Attempt> {
    const target = this.target;
    const params =
      target.hashinator === null
        ? [target.name, this.upsertFlag, table]
        : [hashinatorBytes(key, target.columns[target.partitionIndex]!.type), target.name, this.upsertFlag, table];
    const procedure = target.hashinator === null ? MULTI : SINGLE;
    for (let attempt = 1; ; attempt++) {
      const options: CallOptions = {};
      if (this.deadline !== Infinity) options.timeoutMs = Math.max(1, this.deadline - performance.now());
      this.report.calls++;
      this.report.bytes += table.bytes.length;
      try {
        const response = await this.client.call(procedure, params, options);
        return { ok: true, count: Number(response.tables[0]?.get(0, 0) ?? table.rowCount) };
      } catch (error) {
        const kind = failureKind(error, this.options.signal);
        const again = kind === 'not-sent' || (kind === 'unknown' && this.options.upsert);
        if (!again || attempt >= SEND_ATTEMPTS || this.stop !== null) return { ok: false, kind, error };
      }
    }
  }

  private rowFailed(chunk: RowChunk, i: number, index: number, error: unknown): void {
    this.report.failed++;
    this.notify(chunk, i, index, asError(error));
    if (this.report.failed > this.options.maxErrors && this.stop === null) {
      this.stop = new BulkLoadError(`bulkLoad into ${this.target.name} stopped: ${this.report.failed} rows failed, more than maxErrors ${this.options.maxErrors}`, {
        report: this.report,
        cause: error,
      });
    }
  }

  private notify(chunk: RowChunk, i: number, index: number, error: Error): void {
    const onError = this.options.onError;
    if (onError === null) return;
    try {
      onError(chunk.values(i), error, index);
    } catch (thrown) {
      this.stop ??= thrown; // the caller's callback failed: stop rather than lose its error
    }
  }

  private progress(done: boolean): void {
    const onProgress = this.options.onProgress;
    if (onProgress === null) return;
    const elapsed = (performance.now() - this.started) / 1000;
    const report: BulkLoadProgress = {
      ...this.report,
      seconds: elapsed,
      inFlight: this.inFlight.size,
      rowsPerSecond: elapsed > 0 ? this.report.inserted / elapsed : 0,
      bytesPerSecond: elapsed > 0 ? this.report.bytes / elapsed : 0,
      done,
    };
    try {
      onProgress(report);
    } catch (thrown) {
      this.stop ??= thrown;
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new VoltError(String(error));
}

/** A hashing refusal names the row and column it came from. */
function placed(error: unknown, index: number, column: string): unknown {
  if (error instanceof ParameterError && !error.message.startsWith('row ')) {
    return new ParameterError(`row ${index}, column ${column}: ${error.message}`, { procedure: 'bulkLoad', type: error.type, cause: error });
  }
  return error;
}

/** See the file comment. Resolves with the report; rejects when stopped (BulkLoadError for maxErrors, the signal's reason, CallTimeoutError). */
export async function bulkLoad(client: BulkLoadClient, table: string, source: BulkLoadSource, options?: BulkLoadOptions): Promise<BulkLoadReport> {
  const resolved = resolveBulkLoadOptions(options);
  if (resolved.signal?.aborted === true) throw resolved.signal.reason;
  const callOptions: CallOptions = resolved.timeoutMs === null ? {} : { timeoutMs: resolved.timeoutMs };
  const target = await loadTarget(client, table, callOptions);
  return new Loader(client, target, resolved).run(source);
}
