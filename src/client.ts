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
 * A call goes Client → the cluster layer's router (which connection: the partition's leader, or
 * a weighted choice) → Connection (queue, one write per tick) and comes back through the connection's handle table. The client itself keeps the
 * queue accounting (`needsDrain`, `'drain'`, `BackpressureError`), the statistics and the
 * timing wheel shared by all its connections.
 */
import { EventEmitter } from 'node:events';
import { AdminApi } from './admin.js';
import { callMany, type BatchClient, type CallManyResult } from './call-many.js';
import { serverInfoOf, type ServerInfo } from './server-info.js';
import { extract as startExtraction, type Extraction } from './extract/extract.js';
import { extractTo as extractToFile, type ExtractToOptions, type ExtractToResult } from './extract/extract-to.js';
import type { ExtractOptions } from './extract/options.js';
import { bulkLoad as runBulkLoad } from './bulk-load/bulk-load.js';
import type { BulkLoadOptions, BulkLoadReport } from './bulk-load/options.js';
import type { BulkLoadSource } from './bulk-load/row-source.js';
import { BackpressureError, ClientClosedError, ParameterError } from './errors.js';
import type { ParameterType } from './protocol/parameters.js';
import type { DecodedResponse } from './decode/decode-response.js';
import type { RowObject } from './decode/procedure-response.js';
import { CallTracker, FAILURE_KIND } from './connection/call-tracker.js';
import { Connection } from './connection/connection.js';
import { createResponseDecoder, type ClientDecoder } from './decode/response-decoder.js';
import { FlowControl, RateLimiter } from './connection/flow-control.js';
import type { PartitionRouter } from './cluster/partition-router.js';
import { callAllPartitions, type PartitionResult } from './cluster/all-partitions.js';
import { ConnectionSet, type ConnectResult, type HostStatus } from './cluster/connection-set.js';
import type { ClientEvents } from './client-events.js';
import { RetryPolicy } from './cluster/retry.js';
import type { ClusterTopology } from './cluster/topology.js';
import { StatsCollector, type ClientStats, type ProcedureCounters } from './connection/stats.js';
import { WireDumpWriter } from './connection/wire-dump.js';
import { connectionOptions, resolveClientOptions, type SharedByConnections, type CallOptions, type CallSpec, type ClientOptions, type ResolvedClientOptions, type ResolvedHost } from './options.js';
import { ProcedureHandle, checkTypes, type CallSubmitter } from './connection/procedure-handle.js';
import { isPartitionId, isPriority, partitionError, priorityError } from './connection/connection-call.js';
import { callOptionsError, perCallTypes } from './option-check.js';
import { RowStream, type StreamOptions } from './row-stream.js';

// The option and statistics types of the public API, re-exported beside the client.
export type { CallOptions, CallSpec, ClientOptions } from './options.js';
export { ProcedureHandle } from './connection/procedure-handle.js';
export type { ClientStats, ProcedureStats, LatencySummary } from './connection/stats.js';

/**
 * A procedure's response: status fields, result tables, and the first table's `rows` (typed
 * `Row`), `rowCount` and `fields`.
 */
export type Response<Row = RowObject> = DecodedResponse<Row>;
export type { RowObject, ResponseJson, TableJson } from './decode/procedure-response.js';
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

// One executor for every call's promise: it parks the resolvers here instead of closing over a call.
let parkedResolve: ((value: unknown) => void) | null = null;
let parkedReject: ((error: unknown) => void) | null = null;
function park(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  parkedResolve = resolve;
  parkedReject = reject;
}

/** A VoltDB client: see the file comment and the README's "Client" section. */
export class Client extends EventEmitter<ClientEvents> implements AsyncDisposable, CallSubmitter {
  /** The options in effect (defaults applied). */
  readonly options: ResolvedClientOptions;
  private readonly router: PartitionRouter;
  /** The hosts: connecting, discovery, routing, reconnects, keepalive, topology. */
  private readonly cluster: ConnectionSet;
  private readonly retry: RetryPolicy;
  /** The client option `retryOnConnectionLoss` is on (else only calls that ask are retried). */
  private readonly retryConfigured: boolean;
  private readonly tracker: CallTracker;
  private readonly flow: FlowControl;
  private readonly statsCollector = new StatsCollector();
  private readonly decoder: ClientDecoder;
  private readonly rate: RateLimiter | null;
  private readonly dump: WireDumpWriter | null;
  /** What every connection of this client shares. */
  private readonly shared: SharedByConnections;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;
  private info: ServerInfo | null = null;
  private adminApi: AdminApi | null = null;
  /** callMany's view of this client: send a call; wait at the queue's hard limit for 'drain' (or a loss). */
  private readonly batchClient: BatchClient = {
    send: (spec, options) =>
      spec.types === undefined ? this.call(spec.procedure, spec.params ?? NO_PARAMS, options) : this.procedure(spec.procedure, spec.types).call(spec.params ?? NO_PARAMS, options),
    roomForNext: () => {
      if (this.state !== 'open' || this.flow.pending < this.flow.levels.hard) return null;
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
    await client.open();
    return client;
  }

  private constructor(options: ResolvedClientOptions) {
    super();
    this.options = options;
    const cluster = new ConnectionSet(options.cluster, (host) => this.openConnection(host));
    cluster.on('connect', (info) => this.emit('connect', info));
    cluster.on('disconnect', (info) => this.emit('disconnect', info));
    cluster.on('reconnect', (info) => this.emit('reconnect', info));
    cluster.on('topology', (info) => this.emit('topology', info));
    this.cluster = cluster;
    this.router = cluster.router;
    this.retry = new RetryPolicy(options.cluster.retry, (procedure) => cluster.procedure(procedure)?.readOnly === true);
    this.retryConfigured = options.cluster.retry !== null;
    this.flow = new FlowControl(options.queue, {
      onBackpressure: (pending) => this.emit('backpressure', pending),
      onDrain: () => this.emit('drain'),
    });
    this.tracker = new CallTracker({ stats: this.statsCollector, flow: this.flow, timerResolutionMs: options.timerResolutionMs });
    this.decoder = createResponseDecoder({ ...options.decode, timestamps: options.timestamps, bigint: options.bigint });
    // A saturated decode pool stops every socket's reads until it drains (bounded memory).
    // (The keepalive sees `connection.readingPaused` and suspends dead-peer detection meanwhile.)
    this.decoder.onSaturation((saturated) => {
      for (const connection of this.router.connections) {
        if (saturated) connection.pauseReading();
        else connection.resumeReading();
      }
    });
    this.rate = options.maxCallsPerSecond === undefined ? null : new RateLimiter(options.maxCallsPerSecond);
    this.dump = options.dumpFile === undefined ? null : new WireDumpWriter(options.dumpFile);
    this.shared = { tracker: this.tracker, decoder: this.decoder, rateLimiter: this.rate, dump: this.dump };
  }

  private async open(): Promise<void> {
    try {
      // A dump file that cannot be written is refused before any host is contacted.
      await this.dump?.opened;
      await this.cluster.start();
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /**
   * @internal Open, log in and route to one more host with this client's settings (the
   * cluster layer uses it to reconnect and to add discovered nodes).
   */
  async openConnection(host: ResolvedHost): Promise<Connection> {
    const connection = await Connection.open(connectionOptions(this.options, host, this.shared));
    if (this.state !== 'open') {
      connection.destroy();
      throw new ClientClosedError('the client was closed while connecting');
    }
    // The cluster layer routes it once adopted, and drops it and reports its loss ('disconnect').
    if (this.decoder.saturated) connection.pauseReading();
    connection.on('late-response', (handle) => {
      if (this.listenerCount('late-response') > 0) this.emit('late-response', { host: connection.host, port: connection.port, handle });
    });
    this.info ??= serverInfoOf(connection);
    return connection;
  }

  /** Each host's outcome at connect time (discovered nodes included, marked `discovered`). */
  get connectResults(): readonly ConnectResult[] {
    return this.cluster.connectResults;
  }

  /** Every host now: address, weight, backup, host id, connected, reconnect attempts, last error. */
  get hosts(): HostStatus[] {
    return this.cluster.hosts;
  }

  /** Partitions, leaders and the hash ring, once learned (null with `clientAffinity: false` and `discover: false`). */
  get topology(): ClusterTopology | null {
    return this.cluster.topology;
  }

  /**
   * Run a single-partition procedure once on every partition (`@GetPartitionKeys` supplies a key
   * per partition, passed as the partitioning parameter). Resolves with one settled result per
   * partition, ascending — never rejects because one partition failed.
   */
  async callAllPartitions(procedure: string, params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<PartitionResult<Response>[]> {
    return callAllPartitions(this.cluster, (p, withKey) => this.call(p, withKey, options), procedure, params);
  }

  /** The first connection's login response. */
  get serverInfo(): ServerInfo {
    return this.info!;
  }

  /** Typed system-procedure helpers: systemInformation, topology, statistics, procedures, version. */
  get admin(): AdminApi {
    this.adminApi ??= new AdminApi(this);
    return this.adminApi;
  }

  /** True from the queue's `warn` level until it drains to `resume` (then `'drain'` is emitted). */
  get needsDrain(): boolean {
    return this.flow.needsDrain;
  }

  /** Calls accepted and not yet settled. */
  get pending(): number {
    return this.flow.pending;
  }

  /** The open connections (for diagnostics: address, outstanding, bytes, slab pool). */
  get connections(): readonly Connection[] {
    return this.router.connections;
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
    return this.submit(procedure, params, undefined, options, this.statsCollector.counters(procedure));
  }

  /** A handle for `name` with declared parameter types (checked before sending) and cached statistics. */
  procedure(name: string, types?: readonly ParameterType[]): ProcedureHandle {
    if (typeof name !== 'string' || name === '') throw new ParameterError('procedure name must be a non-empty string');
    if (types !== undefined) checkTypes(name, types);
    return new ProcedureHandle(this, name, types === undefined ? undefined : Object.freeze([...types]), this.statsCollector.counters(name));
  }

  /**
   * Run SQL through `@AdHoc`; `params` fill the `?` placeholders. `Row` types `response.rows`
   * (`client.query<{ ID: bigint; NAME: string }>('SELECT ID, NAME FROM T')`).
   */
  query<Row = RowObject>(sql: string, params: readonly unknown[] | undefined, options: CallOptions & { response: boolean }): Promise<Response<Row> | null>;
  query<Row = RowObject>(sql: string, params?: readonly unknown[], options?: CallOptions): Promise<Response<Row>>;
  query(sql: string, params: readonly unknown[] = NO_PARAMS, options?: CallOptions): Promise<Response | null> {
    if (typeof sql !== 'string' || sql.trim() === '') {
      return this.refuse(this.statsCollector.counters('@AdHoc'), new ParameterError('query needs a non-empty SQL string', { procedure: '@AdHoc', index: 0 }), FAILURE_KIND.PARAMETER);
    }
    return this.submit('@AdHoc', [sql, ...params], undefined, options, this.statsCollector.counters('@AdHoc'));
  }

  /**
   * Run many calls; resolves with one entry per call (ok or error), in order — never rejects
   * as a whole. When the queue is at its hard limit the batch waits for `'drain'` instead of
   * failing calls with `BackpressureError`. `options` apply to every call without its own.
   * `response: false` does not apply here: every entry carries its call's outcome.
   */
  callMany(calls: readonly CallSpec[], options?: CallOptions): Promise<CallManyResult> {
    return callMany(this.batchClient, calls, options);
  }

  /**
   * Stream a large result out as columnar batches (README, "Bulk extraction"): a table split
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
    return this.statsCollector.snapshot(options.reset === true);
  }

  /**
   * Close gracefully: new calls are refused with `ClientClosedError`, calls in flight are
   * drained (each bounded by its timeout), then the connections, the decode workers and the
   * wire dump are closed. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing === null) {
      this.state = 'closing';
      // No more reconnects or pings; calls waiting for a connection fail with ClientClosedError.
      this.cluster.close();
      this.closing = this.tracker.whenIdle().then(() => this.shutdown());
    }
    return this.closing;
  }

  /** Close now: pending calls fail with `ConnectionLostError`. */
  destroy(error?: Error): Promise<void> {
    this.cluster.close();
    for (const connection of [...this.router.connections]) connection.destroy(error);
    return this.close();
  }

  /** `await using client = await Client.connect(…)` closes (draining) at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal One call, retried after a connection loss when the call or the client option asks for it. */
  submit(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
  ): Promise<Response> {
    if (options !== undefined) {
      // Plain-JavaScript callers get their typos back instead of silence (option-check.ts).
      const problem = callOptionsError(options, procedure);
      if (problem !== null) return this.refuse(counters, problem, FAILURE_KIND.PARAMETER);
      if (options.types !== undefined) {
        const typed = perCallTypes(procedure, params, types, options.types);
        if (typed instanceof Error) return this.refuse(counters, typed, FAILURE_KIND.PARAMETER);
        types = typed;
      }
    }
    // No retry configured and none asked for: straight to the hot path, no closure, no await.
    if (!this.retryConfigured && (options === undefined || options.retryOnConnectionLoss === undefined)) {
      return this.submitOnce(procedure, params, types, options, counters);
    }
    const retry = this.retry;
    const attempts = retry.attemptsFor(procedure, options?.retryOnConnectionLoss);
    if (attempts <= 1) return this.submitOnce(procedure, params, types, options, counters);
    // The call's timeout covers all its attempts: each retry gets only the time left.
    const timeoutMs = options?.timeoutMs ?? this.options.callTimeoutMs;
    if (!(timeoutMs > 0)) return retry.run(attempts, () => this.submitOnce(procedure, params, types, options, counters));
    const deadline = performance.now() + timeoutMs;
    const attempt = (): Promise<Response> => this.submitOnce(procedure, params, types, { ...options, timeoutMs: Math.max(1, deadline - performance.now()) }, counters);
    return retry.run(attempts, attempt, undefined, deadline);
  }

  /** The hot path: admit, route, queue. */
  private submitOnce(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
  ): Promise<Response> {
    if (this.state !== 'open') return this.refuse(counters, new ClientClosedError(`the client is ${this.state}; ${procedure} was not sent`), FAILURE_KIND.CLOSED);
    if (typeof procedure !== 'string' || procedure === '') return this.refuse(counters, new ParameterError('procedure name must be a non-empty string'), FAILURE_KIND.PARAMETER);
    if (!Array.isArray(params)) return this.refuse(counters, new ParameterError(`parameters of ${procedure} must be an array`, { procedure }), FAILURE_KIND.PARAMETER);
    let signal: AbortSignal | null = null;
    let timeoutMs = this.options.callTimeoutMs;
    let queryTimeoutMs = this.options.queryTimeoutMs;
    let priority = this.options.priority;
    let partition: number | undefined;
    if (options !== undefined) {
      signal = options.signal ?? null;
      if (signal !== null && signal.aborted) return this.refuse(counters, signal.reason, FAILURE_KIND.ABORTED);
      if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
      if (options.queryTimeoutMs !== undefined) queryTimeoutMs = options.queryTimeoutMs;
      if (options.priority !== undefined) {
        priority = options.priority;
        if (!isPriority(priority)) return this.refuse(counters, priorityError(procedure, priority), FAILURE_KIND.PARAMETER);
      }
      partition = options.partition;
      if (partition !== undefined && !isPartitionId(partition)) return this.refuse(counters, partitionError(procedure, partition), FAILURE_KIND.PARAMETER);
    }
    if (!this.flow.tryAdmit()) {
      const levels = this.flow.levels;
      return this.refuse(counters, new BackpressureError(`${procedure} refused: ${this.flow.pending} calls pending, the queue's hard limit is ${levels.hard}`), FAILURE_KIND.BACKPRESSURE);
    }
    const connection = partition === undefined ? this.router.pick(procedure, params) : this.router.pickPartition(partition);
    if (connection === null) return this.whenConnected(procedure, params, types, options, counters, timeoutMs, signal);
    const call = this.tracker.create(procedure, params);
    call.types = types;
    call.queryTimeoutMs = queryTimeoutMs;
    call.priority = priority;
    call.partition = partition;
    call.counters = counters;
    if (options !== undefined && options.response === false) call.awaitResponse = false;
    const promise = new Promise<unknown>(park);
    call.resolve = parkedResolve;
    call.reject = parkedReject;
    parkedResolve = parkedReject = null;
    this.tracker.start(call, timeoutMs, signal, connection);
    connection.submit(call);
    return promise as Promise<Response>;
  }

  /**
   * No connection is open. Unless `failFast` (or nothing is being reconnected), the call keeps its
   * place in the queue and waits — up to its timeout — for a connection to come back, then is
   * sent with the time it has left.
   */
  private async whenConnected(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
    timeoutMs: number,
    signal: AbortSignal | null,
  ): Promise<Response> {
    const cluster = this.cluster;
    if (this.options.cluster.failFast || !cluster.reconnecting) {
      this.flow.release();
      const message = `${procedure} not sent: no connection is open`;
      return this.refuse(counters, cluster.noConnectionsError(message), FAILURE_KIND.NO_CONNECTION);
    }
    const started = performance.now();
    try {
      await cluster.whenConnected(timeoutMs, signal, procedure);
    } catch (error) {
      this.flow.release();
      return this.refuse(counters, error, FAILURE_KIND.NO_CONNECTION);
    }
    this.flow.release();
    const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : timeoutMs;
    return this.submitOnce(procedure, params, types, { ...options, timeoutMs: left }, counters);
  }

  /** @internal Reject a call that never reached a connection, and count it. */
  refuse(counters: ProcedureCounters, error: unknown, kind: string): Promise<never> {
    this.statsCollector.failure(counters, kind, -1);
    return Promise.reject(error);
  }

  private async shutdown(): Promise<void> {
    this.state = 'closing';
    this.cluster.close();
    await Promise.all(this.router.connections.map((connection) => connection.close()));
    this.tracker.close();
    await this.decoder.close();
    this.rate?.cancelAll();
    if (this.dump !== null) await this.dump.close();
    this.state = 'closed';
  }
}
