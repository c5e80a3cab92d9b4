/**
 * The public client: connect, call, procedure handles, ad-hoc queries, settled batches, ping,
 * statistics, backpressure events and a draining close.
 *
 * ```ts
 * const client = await Client.connect({ hosts: ['localhost:21212'] });
 * const res = await client.call('Vote', [5551234567n, 3, 10n]);
 * await client.close();
 * ```
 *
 * `Client` is the facade: its state lives in a private {@link ClientEngine} (client-engine.ts),
 * which checks a call once, admits it (the queue accounting: `needsDrain`, `'drain'`,
 * `BackpressureError`), has the cluster layer pick its connection and starts it there; the
 * calls layer (`src/calls`) settles it. docs/client.md, "How a call travels", walks the path.
 */
import { performance } from 'node:perf_hooks';
import { EventEmitter } from 'node:events';
import { AdminApi } from './admin.js';
import { callMany, type BatchClient, type CallManyResult } from './call-many.js';
import type { ServerInfo } from './server-info.js';
import { extract as startExtraction, type Extraction } from './extract/extract.js';
import { extractTo as extractToFile, type ExtractToOptions, type ExtractToResult } from './extract/extract-to.js';
import type { ExtractOptions } from './extract/options.js';
import { bulkLoad as runBulkLoad } from './bulk-load/bulk-load.js';
import type { BulkLoadOptions, BulkLoadReport } from './bulk-load/options.js';
import type { BulkLoadSource } from './bulk-load/row-source.js';
import { ParameterError } from './errors.js';
import type { ParameterType } from './protocol/invocation-writer.js';
import type { DecodedResponse } from './decode/decode-response.js';
import type { RowObject } from './decode/decode-response.js';
import { FAILURE_KIND } from './calls/call-tracker.js';
import { checkedTypes, countersFor } from './calls/start-call.js';
import type { Connection } from './connection/connection.js';
import { callAllPartitions, type PartitionResult } from './cluster/all-partitions.js';
import type { ConnectResult, HostStatus } from './cluster/connection-set.js';
import type { ClientEvents } from './client-events.js';
import type { ClusterTopology } from './cluster/topology.js';
import type { ClientStats } from './calls/stats.js';
import { resolveClientOptions, type CallOptions, type CallSpec, type ClientOptions, type ResolvedClientOptions } from './options.js';
import { ProcedureHandle } from './procedure-handle.js';
import { ClientEngine } from './client-engine.js';
import { RowStream, type StreamOptions } from './row-stream.js';

// The option and statistics types of the public API, re-exported beside the client.
export type { CallOptions, CallSpec, ClientOptions } from './options.js';
export { ProcedureHandle } from './procedure-handle.js';
export type { ClientStats, ProcedureStats, LatencySummary } from './calls/stats.js';

/**
 * A procedure's response: status fields, result tables, and the first table's `rows` (typed
 * `Row`), `rowCount` and `fields`.
 */
export type Response<Row = RowObject> = DecodedResponse<Row>;
export type { RowObject, ResponseJson, TableJson } from './decode/decode-response.js';
export type { Field, JsonRow, JsonValue } from './decode/presentation.js';
export type { BigIntMode } from './decode/bigint-mode.js';
export { RowStream, type StreamOptions } from './row-stream.js';
export type { CallManyResult, SettledCall } from './call-many.js';
export type { ServerInfo } from './server-info.js';
export type { ConnectResult, HostStatus } from './cluster/connection-set.js';
export type { ClientEvents } from './client-events.js';
export type { PartitionResult } from './cluster/all-partitions.js';
export type { ClusterTopology } from './cluster/topology.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/** A VoltDB client: see the file comment and the README's "Client" section. */
export class Client extends EventEmitter<ClientEvents> implements AsyncDisposable {
  /** The options in effect (defaults applied). */
  readonly options: ResolvedClientOptions;
  /** The call path, the connections and everything they share (kept off the public type). */
  readonly #engine: ClientEngine;
  #adminApi: AdminApi | null = null;
  /** callMany's view of this client: send a call; wait at the queue's hard limit for 'drain' (or a loss). */
  readonly #batchClient: BatchClient = {
    send: (spec, options) =>
      spec.types === undefined ? this.call(spec.procedure, spec.params ?? NO_PARAMS, options) : this.procedure(spec.procedure, spec.types).call(spec.params ?? NO_PARAMS, options),
    roomForNext: () => {
      const flow = this.#engine.flow;
      if (this.#engine.state !== 'open' || flow.pending < flow.levels.hard) return null;
      return new Promise<void>((resolve) => {
        const done = (): void => {
          this.off('drain', done);
          this.off('disconnect', done);
          resolve();
        };
        this.on('drain', done);
        this.on('disconnect', done);
      });
    },
  };

  /**
   * Connect to every host in `options.hosts` and log in. `options` may also be a connection
   * string (`'voltdb://user:password@h1,h2:21214?tls=true'`) or a host list (`'h1:21212,h2'`);
   * unknown keys and values of the wrong kind are refused with `InvalidArgumentError`. Resolves once at least one host
   * accepted; rejects with that host's error when there is one host, with the first
   * `AuthenticationError` when every host refused the login, else with `NoConnectionsError`
   * listing each host's failure.
   */
  static connect(connectionString: string): Promise<Client>;
  static connect(target: ClientOptions | string): Promise<Client>;
  static connect(options?: ClientOptions): Promise<Client>;
  static async connect(options: ClientOptions | string = {}): Promise<Client> {
    const client = new Client(resolveClientOptions(options));
    await client.#engine.open();
    return client;
  }

  private constructor(options: ResolvedClientOptions) {
    super();
    this.options = options;
    this.#engine = new ClientEngine(options, this);
  }

  /** Each host's outcome at connect time (discovered nodes included, marked `discovered`). */
  get connectResults(): readonly ConnectResult[] {
    return this.#engine.cluster.connectResults;
  }

  /** Every host now: address, weight, backup, host id, connected, reconnect attempts, last error. */
  get hosts(): HostStatus[] {
    return this.#engine.cluster.hosts;
  }

  /** Partitions, leaders and the hash ring, once learned (null with `clientAffinity: false` and `discover: false`). */
  get topology(): ClusterTopology | null {
    return this.#engine.cluster.topology;
  }

  /**
   * Run a single-partition procedure once on every partition (`@GetPartitionKeys` supplies a key
   * per partition, passed as the partitioning parameter). Resolves with one settled result per
   * partition, ascending — never rejects because one partition failed.
   */
  async callAllPartitions(procedure: string, params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<PartitionResult<Response>[]> {
    return callAllPartitions(this.#engine.cluster, (p, withKey) => this.call(p, withKey, options), procedure, params);
  }

  /** The first connection's login response. */
  get serverInfo(): ServerInfo {
    return this.#engine.info!;
  }

  /** Typed system-procedure helpers: systemInformation, topology, statistics, procedures, version. */
  get admin(): AdminApi {
    this.#adminApi ??= new AdminApi(this);
    return this.#adminApi;
  }

  /** True from the queue's `warn` level until it drains to `resume` (then `'drain'` is emitted). */
  get needsDrain(): boolean {
    return this.#engine.flow.needsDrain;
  }

  /** Calls accepted and not yet settled. */
  get pending(): number {
    return this.#engine.flow.pending;
  }

  /** The open connections (for diagnostics: address, outstanding, bytes, slab pool). */
  get connections(): readonly Connection[] {
    return this.#engine.cluster.connections;
  }

  /**
   * Call a stored procedure. Resolves with the response on SUCCESS; rejects with
   * `ProcedureError` for any other status, `CallTimeoutError`, `ConnectionLostError`,
   * `BackpressureError` (queue above its hard limit, nothing sent), `ParameterError`
   * (nothing sent), the signal's reason when aborted, or `ClientClosedError`.
   * With `{ response: false }` it resolves `null` once the request is written (fire and forget).
   * `Row` types `response.rows` (`client.call<{ ID: bigint }>('GetUser', [1n])`).
   */
  call<Row = RowObject>(procedure: string, params: readonly unknown[] | undefined, options: CallOptions & { response: boolean }): Promise<Response<Row> | null>;
  call<Row = RowObject>(procedure: string, params?: readonly unknown[], options?: CallOptions): Promise<Response<Row>>;
  call(procedure: string, params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<Response | null> {
    const engine = this.#engine;
    return engine.submit(procedure, params, undefined, options, countersFor(engine.stats, procedure));
  }

  /** A handle for `name` with declared parameter types (checked before sending) and cached statistics. */
  procedure(name: string, types?: readonly ParameterType[]): ProcedureHandle {
    if (typeof name !== 'string' || name === '') throw new ParameterError('procedure name must be a non-empty string');
    const checked = types === undefined ? undefined : checkedTypes(name, types);
    return new ProcedureHandle(this.#engine, name, checked, countersFor(this.#engine.stats, name));
  }

  /**
   * Run SQL through `@AdHoc`; `params` fill the `?` placeholders. `Row` types `response.rows`
   * (`client.query<{ ID: bigint; NAME: string }>('SELECT ID, NAME FROM T')`).
   */
  query<Row = RowObject>(sql: string, params: readonly unknown[] | undefined, options: CallOptions & { response: boolean }): Promise<Response<Row> | null>;
  query<Row = RowObject>(sql: string, params?: readonly unknown[], options?: CallOptions): Promise<Response<Row>>;
  query(sql: string, params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<Response | null> {
    const engine = this.#engine;
    const counters = countersFor(engine.stats, '@AdHoc');
    if (typeof sql !== 'string' || sql.trim() === '') {
      return engine.refuse(counters, new ParameterError('query needs a non-empty SQL string', { procedure: '@AdHoc', index: 0 }), FAILURE_KIND.PARAMETER);
    }
    return engine.submit('@AdHoc', [sql, ...params], undefined, options, counters);
  }

  /**
   * Run many calls; resolves with one entry per call (ok or error), in order — never rejects
   * as a whole. When the queue is at its hard limit the batch waits for `'drain'` instead of
   * failing calls with `BackpressureError`. `options` apply to every call without its own.
   * `response: false` does not apply here: every entry carries its call's outcome.
   */
  callMany(calls: readonly CallSpec[], options?: CallOptions): Promise<CallManyResult> {
    return callMany(this.#batchClient, calls, options);
  }

  /**
   * Stream a large result out as columnar batches (docs/extraction.md): a table split
   * by partition or key range, or any read-only SQL / procedure. Nothing is sent until the
   * first `next()`; at most `concurrency` requests are in flight, a slow consumer slows them,
   * `signal` (or leaving the loop) stops them.
   */
  extract(options: ExtractOptions): Extraction {
    return startExtraction(this, options);
  }

  /**
   * The rows of a query as a Node object-mode `Readable`: `for await (const row of
   * client.stream(sql, params))` or `.pipe(…)`, with backpressure and bounded memory (one page
   * in flight; `batchRows` pages an `ORDER BY` query). `signal` ends it (docs/results.md, "Row streams").
   */
  stream<Row = RowObject>(sql: string, params: readonly unknown[] = NO_PARAMS, options?: StreamOptions): RowStream<Row> {
    return new RowStream<Row>(this, sql, params, options);
  }

  /** Extract straight into an Arrow IPC (file or stream), CSV or NDJSON file. */
  extractTo(path: string, options: ExtractToOptions): Promise<ExtractToResult> {
    return extractToFile(this, path, options);
  }

  /**
   * Load rows into `table` (docs/loading.md): an array or (async) iterable of rows (arrays in
   * column order or objects by column name), an Arrow `Table`, or an (async) iterable of
   * `RecordBatch`es. Rows go per partition through `@LoadSinglepartitionTable` to the
   * partition's leader (`@LoadMultipartitionTable` for a replicated table), checked before
   * sending; a refused batch is retried row by row. Resolves with the report; rejects with
   * `BulkLoadError` past `maxErrors`, the signal's reason, or `CallTimeoutError` past `timeoutMs`.
   */
  bulkLoad(table: string, source: BulkLoadSource, options?: BulkLoadOptions): Promise<BulkLoadReport> {
    return runBulkLoad(this, table, source, options);
  }

  /** `@Ping` round trip; resolves with the milliseconds it took. */
  async ping(options?: CallOptions): Promise<number> {
    const start = performance.now();
    await this.call('@Ping', NO_PARAMS, options);
    return performance.now() - start;
  }

  /** Statistics of the current interval; `{ reset: true }` also starts a new interval. */
  stats(options: { reset?: boolean } = {}): ClientStats {
    return this.#engine.stats.snapshot(options.reset === true);
  }

  /**
   * Close gracefully: new calls are refused with `ClientClosedError`, calls in flight are
   * drained (each bounded by its timeout), then the connections, the decode workers and the
   * wire dump are closed. Idempotent.
   */
  close(): Promise<void> {
    return this.#engine.close();
  }

  /** Close now: pending calls fail with `ConnectionLostError`. */
  destroy(error?: Error): Promise<void> {
    return this.#engine.destroy(error);
  }

  /** `await using client = await Client.connect(…)` closes (draining) at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
