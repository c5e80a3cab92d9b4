/**
 * `extract(client, options)`: a large result as an async iterator of columnar batches.
 *
 * ```ts
 * for await (const batch of extract(client, { table: 'EVENTS', concurrency: 4 })) {
 *   batch.columns; // Arrow-layout columns
 * }
 * ```
 *
 * Nothing is sent until the first `next()`. Then the strategy plans (catalog, counts,
 * partition keys) and up to `concurrency` workers run its lanes (lane.ts). A worker sends one
 * request, waits for the (already decoded — large responses go through the client's worker
 * pool) table, hands the batch to a {@link BoundedQueue} of `maxQueuedBatches`, and only then
 * sends its next request. So at most `concurrency` requests are in flight and at most
 * `maxQueuedBatches + concurrency` decoded batches exist beside the one the consumer holds:
 * memory depends on the page size, never on the table size.
 *
 * Batches come in the order they complete (lanes interleave); with `concurrency: 1` a
 * `key-range` extraction yields them in key order. The first failure (or the `signal`, or the
 * consumer leaving the loop) aborts every request in flight and ends the iteration.
 */
import type { VoltTable } from '../decode/volt-table.js';
import { ParameterError, VoltError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { ExtractBatch } from './batch.js';
import { BoundedQueue } from './bounded-queue.js';
import { describeTable } from './catalog.js';
import type { Lane, LaneContext, Plan, PlanEnv } from './lane.js';
import { resolveExtractOptions, type ExtractClient, type ExtractOptions, type ExtractStrategy, type ResolvedExtractOptions } from './options.js';
import { ProgressTracker, type ExtractProgress } from './progress.js';
import { planKeyRange } from './strategies/key-range.js';
import { planPartition } from './strategies/partition.js';
import { planQuery } from './strategies/query.js';

/** Start an extraction (lazily: the first `next()` sends the first request). Options are checked now. */
export function extract(client: ExtractClient, options: ExtractOptions): Extraction {
  return new Extraction(client, resolveExtractOptions(options));
}

/** The reason given to requests still in flight when the consumer stops iterating early. */
function stoppedByConsumer(): VoltError {
  return new VoltError('extract: the consumer stopped iterating');
}

/** A running extraction: iterate it with `for await` to receive its batches; breaking out of the loop cancels the requests in flight. */
export class Extraction implements AsyncIterableIterator<ExtractBatch>, AsyncDisposable {
  private readonly options: ResolvedExtractOptions;
  private readonly tracker = new ProgressTracker();
  private readonly controller = new AbortController();
  private readonly queue: BoundedQueue<ExtractBatch>;
  private readonly ctx: LaneContext;
  private running: Promise<void> | null = null;
  private failed: { error: unknown } | null = null;
  private finished = false;
  private readonly onAbort: () => void;
  private emptySeen: ExtractBatch | null = null;
  /** The table's NOT NULL columns, once the plan has read the catalog (a table's extraction). */
  private notNull: ReadonlySet<string> | undefined;

  /** @internal Use {@link extract}. */
  constructor(
    private readonly client: ExtractClient,
    options: ResolvedExtractOptions,
  ) {
    this.options = options;
    this.queue = new BoundedQueue(options.maxQueuedBatches);
    const call: CallOptions = { signal: this.controller.signal, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
    this.ctx = { client, call, pageRows: { rows: options.batchRows } };
    this.onAbort = () => this.stop(options.signal!.reason);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Progress so far (also passed to `onProgress`). */
  progress(): ExtractProgress {
    return this.tracker.snapshot();
  }

  /** The page size in force (smaller than `batchRows` after a page overflowed the server's response limit). */
  get pageRows(): number {
    return this.ctx.pageRows.rows;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ExtractBatch, undefined>> {
    if (this.finished) return { done: true, value: undefined };
    if (this.running === null) {
      const signal = this.options.signal;
      if (signal?.aborted === true) this.stop(signal.reason);
      else this.running = this.run();
    }
    if (this.failed !== null) return this.end(this.failed.error);
    let result: IteratorResult<ExtractBatch, undefined>;
    try {
      result = await this.queue.pull();
    } catch (error) {
      return this.end(error);
    }
    if (result.done === true) return this.end(null);
    const batch = result.value;
    this.tracker.queued = this.queue.size;
    this.tracker.rows += batch.rowCount;
    this.tracker.bytes += batch.byteLength;
    this.tracker.batches++;
    this.report();
    return { done: false, value: batch };
  }

  /** Leaving the loop early: abort the requests in flight and wait for the workers to stop. */
  async return(): Promise<IteratorResult<ExtractBatch, undefined>> {
    if (!this.finished) {
      this.stop(stoppedByConsumer());
      await this.running;
      this.cleanup();
    }
    return { done: true, value: undefined };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** The first error wins: abort every request with it and wake the consumer. */
  private stop(error: unknown): void {
    if (this.failed !== null) return;
    this.failed = { error };
    this.controller.abort(error);
    this.queue.fail(error);
  }

  private async end(error: unknown): Promise<IteratorResult<ExtractBatch, undefined>> {
    // Let every worker settle before reporting, so no request outlives the iteration.
    await this.running;
    this.cleanup();
    if (error !== null) throw error;
    this.tracker.finish();
    this.report();
    return { done: true, value: undefined };
  }

  private cleanup(): void {
    this.finished = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private report(): void {
    this.options.onProgress?.(this.tracker.snapshot());
  }

  /** Plan, run the lanes, close the queue. Never rejects: failures go through `stop()`. */
  private async run(): Promise<void> {
    try {
      const plan = await this.plan();
      this.tracker.strategy = plan.strategy;
      this.tracker.lanesTotal = plan.lanesTotal;
      this.tracker.partitionsTotal = plan.partitionsTotal;
      this.tracker.totalRows = plan.totalRows;
      const workers = Math.min(this.options.concurrency, plan.lanesTotal ?? this.options.concurrency);
      const running: Promise<void>[] = [];
      // A failing worker stops the others (stop() aborts their requests); wait for all of them.
      for (let i = 0; i < workers; i++) running.push(this.work(plan).catch((error: unknown) => this.stop(error)));
      await Promise.all(running);
      if (this.failed !== null) return;
      // An empty result still tells the consumer its columns: one empty batch.
      if (this.tracker.batches === 0 && this.queue.size === 0 && this.emptySeen !== null) await this.queue.push(this.emptySeen);
      this.queue.close();
    } catch (error) {
      this.stop(error);
    }
  }

  private async plan(): Promise<Plan> {
    const env: PlanEnv = { client: this.client, options: this.options, call: this.ctx.call };
    const by = await this.strategy(env);
    let plan: Plan;
    if (by === 'partition') plan = await planPartition(env);
    else if (by === 'key-range') plan = await planKeyRange(env);
    else plan = await planQuery(env);
    if (env.info !== undefined) this.notNull = new Set(env.info.columns.filter((c) => !c.nullable).map((c) => c.name));
    return plan;
  }

  /** The `by` option, or the default: partition when the table is partitioned and a page procedure is given. */
  private async strategy(env: PlanEnv): Promise<ExtractStrategy> {
    const o = this.options;
    if (o.by !== null) return o.by;
    if (o.table === null) return 'query';
    if (o.procedure === null) return 'key-range';
    const info = await describeTable(env.client, o.table, env.call);
    env.info = info;
    if (info.partitionColumn === null) {
      throw new ParameterError(`extract: table ${info.name} is replicated; a page procedure only makes sense for a partitioned table (omit procedure to page it by key)`, { procedure: 'extract' });
    }
    return 'partition';
  }

  /** One worker: take lanes until none is left; within a lane, one request at a time. */
  private async work(plan: Plan): Promise<void> {
    for (let lane = plan.take(); lane !== null; lane = plan.take()) {
      await this.runLane(plan, lane);
      this.tracker.lanesDone++;
    }
  }

  private async runLane(plan: Plan, lane: Lane): Promise<void> {
    for (let page = 0; ; page++) {
      if (this.failed !== null) throw this.failed.error;
      let table: VoltTable | null;
      this.tracker.inFlight++;
      try {
        table = await lane.next(this.ctx);
      } finally {
        this.tracker.inFlight--;
      }
      if (table === null) return;
      this.tracker.requests++;
      const batch = new ExtractBatch(table, plan.project(table), { lane: lane.index, partition: lane.partition, page, ...(this.notNull === undefined ? {} : { notNull: this.notNull }) });
      if (table.rowCount === 0) {
        this.emptySeen ??= batch;
        continue;
      }
      await this.queue.push(batch);
      this.tracker.queued = this.queue.size;
    }
  }
}
