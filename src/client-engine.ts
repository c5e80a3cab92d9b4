/**
 * The engine behind `Client`: the call path of a managed client, kept off the public type.
 *
 * A call is checked once (`checkCall`), admitted by the queue accounting (`admitCall`), routed
 * by the cluster layer (`ConnectionSet.pick`: the partition's leader, or a weighted choice), then
 * started on that connection (`startCall`), where it waits for this tick's write. With no
 * connection open it waits for one to come back (unless `failFast`); after a connection loss it
 * is run again when the call or the client option asks for it. The engine also owns what every
 * connection of the client shares: the call tracker (timeout sweep, statistics), the decoder,
 * the rate limiter and the wire dump.
 */
import { performance } from 'node:perf_hooks';
import type { EventEmitter } from 'node:events';
import { CallTracker, FAILURE_KIND, releasePlace } from './calls/call-tracker.js';
import { FlowControl, type CallCallback } from './calls/pending-call.js';
import { RateLimiter } from './calls/rate-limiter.js';
import { admitCall, checkCall, startCall, type CallDefaults } from './calls/start-call.js';
import { StatsCollector, type ProcedureCounters } from './calls/stats.js';
import type { ClientEvents } from './client-events.js';
import { ConnectionSet } from './cluster/connection-set.js';
import { RetryPolicy } from './cluster/retry.js';
import { Connection } from './connection/connection.js';
import { CALLS } from './connection/connection-calls.js';
import { createResponseDecoder } from './decode/decode-pool.js';
import { WireDumpWriter } from './connection/wire-dump.js';
import type { DecodedResponse, ResponseDecoder } from './decode/decode-response.js';
import { BackpressureError, ClientClosedError } from './errors.js';
import { callOptionsError, perCallTypes } from './option-check.js';
import { connectionOptions, type CallOptions, type ResolvedClientOptions, type ResolvedHost, type SharedByConnections } from './options.js';
import type { CallSubmitter } from './procedure-handle.js';
import type { ParameterType } from './protocol/invocation-writer.js';
import { serverInfoOf, type ServerInfo } from './server-info.js';

/** Life of a client. */
export type ClientState = 'open' | 'closing' | 'closed';

/** The engine of one `Client` (see the file comment). */
export class ClientEngine implements CallSubmitter {
  /** The hosts: connecting, discovery, routing, reconnects, keepalive, topology. */
  readonly cluster: ConnectionSet;
  readonly stats = new StatsCollector();
  readonly flow: FlowControl;
  state: ClientState = 'open';
  /** The first connection's login response. */
  info: ServerInfo | null = null;
  readonly #options: ResolvedClientOptions;
  readonly #events: EventEmitter<ClientEvents>;
  readonly #retry: RetryPolicy;
  /** The client option `retryOnConnectionLoss` is on (else only calls that ask are retried). */
  readonly #retryConfigured: boolean;
  readonly #tracker: CallTracker;
  readonly #decoder: ResponseDecoder;
  readonly #rate: RateLimiter | null;
  readonly #dump: WireDumpWriter | null;
  /** What every connection of this client shares. */
  readonly #shared: SharedByConnections;
  /** What a call's options fall back to. */
  readonly #defaults: CallDefaults;
  #closing: Promise<void> | null = null;

  constructor(options: ResolvedClientOptions, events: EventEmitter<ClientEvents>) {
    this.#options = options;
    this.#events = events;
    const cluster = new ConnectionSet(options.cluster, (host) => this.#openConnection(host));
    cluster.on('connect', (info) => events.emit('connect', info));
    cluster.on('disconnect', (info) => events.emit('disconnect', info));
    cluster.on('reconnect', (info) => events.emit('reconnect', info));
    cluster.on('topology', (info) => events.emit('topology', info));
    this.cluster = cluster;
    this.#retry = new RetryPolicy(options.cluster.retry, (procedure) => cluster.procedure(procedure)?.readOnly === true);
    this.#retryConfigured = options.cluster.retry !== null;
    this.flow = new FlowControl(options.queue, {
      onBackpressure: (pending) => events.emit('backpressure', pending),
      onDrain: () => events.emit('drain'),
    });
    this.#tracker = new CallTracker({ stats: this.stats, flow: this.flow, timerResolutionMs: options.timerResolutionMs });
    this.#decoder = createResponseDecoder({ ...options.decode, timestamps: options.timestamps, bigint: options.bigint });
    // A saturated decode pool stops every socket's reads until it drains (bounded memory).
    // (The keepalive sees `connection.readingPaused` and suspends dead-peer detection meanwhile.)
    this.#decoder.onSaturation((saturated) => {
      for (const connection of cluster.connections) {
        if (saturated) connection.pauseReading();
        else connection.resumeReading();
      }
    });
    this.#rate = options.maxCallsPerSecond === undefined ? null : new RateLimiter(options.maxCallsPerSecond);
    this.#dump = options.dumpFile === undefined ? null : new WireDumpWriter(options.dumpFile);
    this.#shared = { tracker: this.#tracker, decoder: this.#decoder, rateLimiter: this.#rate, dump: this.#dump };
    this.#defaults = { timeoutMs: options.callTimeoutMs, queryTimeoutMs: options.queryTimeoutMs, priority: options.priority };
  }

  /** Connect the hosts; on failure everything opened is closed again. */
  async open(): Promise<void> {
    try {
      // A dump file that cannot be written is refused before any host is contacted.
      await this.#dump?.opened;
      await this.cluster.start();
    } catch (error) {
      await this.#shutdown();
      throw error;
    }
  }

  /**
   * One call, retried after a connection loss when the call or the client option asks for it.
   * With `callback` (`ProcedureHandle.send`), a call that goes straight out carries it and no
   * promise is made (undefined is returned); one that is refused, waits for a connection or may
   * be retried still returns its promise, for the caller to adapt.
   */
  submit(procedure: string, params: readonly unknown[], types: readonly ParameterType[] | undefined, options: CallOptions | undefined, counters: ProcedureCounters): Promise<DecodedResponse>;
  submit(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
    callback: CallCallback,
  ): Promise<DecodedResponse> | undefined;
  submit(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
    callback: CallCallback | null = null,
  ): Promise<DecodedResponse> | undefined {
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
    if (!this.#retryConfigured && (options === undefined || options.retryOnConnectionLoss === undefined)) {
      return this.#submitOnce(procedure, params, types, options, counters, callback);
    }
    const retry = this.#retry;
    const attempts = retry.attemptsFor(procedure, options?.retryOnConnectionLoss);
    if (attempts <= 1) return this.#submitOnce(procedure, params, types, options, counters, callback);
    // The call's timeout covers all its attempts: each retry gets only the time left.
    const timeoutMs = options?.timeoutMs ?? this.#options.callTimeoutMs;
    if (!(timeoutMs > 0)) return retry.run(attempts, () => this.#submitOnce(procedure, params, types, options, counters, null)!);
    const deadline = performance.now() + timeoutMs;
    const attempt = (): Promise<DecodedResponse> =>
      this.#submitOnce(procedure, params, types, { ...options, timeoutMs: Math.max(1, deadline - performance.now()) }, counters, null)!;
    return retry.run(attempts, attempt, undefined, deadline);
  }

  /** Reject a call that never reached a connection, and count it. */
  refuse(counters: ProcedureCounters, error: unknown, kind: string): Promise<never> {
    return this.#tracker.refuse(counters, error, kind);
  }

  /** Refuse new calls, wait for the pending ones, then close everything. Idempotent. */
  close(): Promise<void> {
    if (this.#closing === null) {
      this.state = 'closing';
      // No more reconnects or pings; calls waiting for a connection fail with ClientClosedError.
      this.cluster.close();
      this.#closing = this.#tracker.whenIdle().then(() => this.#shutdown());
    }
    return this.#closing;
  }

  /** Close now: pending calls fail with `ConnectionLostError`. */
  destroy(error?: Error): Promise<void> {
    this.cluster.close();
    for (const connection of [...this.cluster.connections]) connection.destroy(error);
    return this.close();
  }

  /** The hot path: check, admit, route, start (with `callback`: no promise, undefined returned). */
  #submitOnce(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
    callback: CallCallback | null,
  ): Promise<DecodedResponse> | undefined {
    if (this.state !== 'open') return this.refuse(counters, new ClientClosedError(`the client is ${this.state}; ${procedure} was not sent`), FAILURE_KIND.CLOSED);
    // Types reach the engine only from a procedure handle, which checked them when it was made.
    const refused = checkCall(procedure, params, types, options, true);
    if (refused !== null) return this.refuse(counters, refused, FAILURE_KIND.PARAMETER);
    const signal = options === undefined ? undefined : options.signal;
    if (signal !== undefined && signal.aborted) return this.refuse(counters, signal.reason, FAILURE_KIND.ABORTED);
    if (!admitCall(this.flow)) {
      const levels = this.flow.levels;
      return this.refuse(counters, new BackpressureError(`${procedure} refused: ${this.flow.pending} calls pending, the queue's hard limit is ${levels.hard}`), FAILURE_KIND.BACKPRESSURE);
    }
    const partition = options === undefined ? undefined : options.partition;
    const connection = this.cluster.pick(procedure, params, partition);
    if (connection === null) return this.#whenConnected(procedure, params, types, options, counters);
    const awaitResponse = options === undefined || options.response !== false;
    return startCall(connection[CALLS], procedure, params, types, options, this.#defaults, counters, awaitResponse, false, callback) as Promise<DecodedResponse> | undefined;
  }

  /**
   * No connection is open. Unless `failFast` (or nothing is being reconnected), the call keeps its
   * place in the queue and waits — up to its timeout — for a connection to come back, then is
   * sent with the time it has left.
   */
  async #whenConnected(
    procedure: string,
    params: readonly unknown[],
    types: readonly ParameterType[] | undefined,
    options: CallOptions | undefined,
    counters: ProcedureCounters,
  ): Promise<DecodedResponse> {
    const cluster = this.cluster;
    if (this.#options.cluster.failFast || !cluster.reconnecting) {
      releasePlace(this.flow);
      const message = `${procedure} not sent: no connection is open`;
      return this.refuse(counters, cluster.noConnectionsError(message), FAILURE_KIND.NO_CONNECTION);
    }
    const timeoutMs = options?.timeoutMs ?? this.#options.callTimeoutMs;
    const started = performance.now();
    try {
      await cluster.whenConnected(timeoutMs, options?.signal ?? null, procedure);
    } catch (error) {
      releasePlace(this.flow);
      return this.refuse(counters, error, FAILURE_KIND.NO_CONNECTION);
    }
    releasePlace(this.flow);
    const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : timeoutMs;
    return this.#submitOnce(procedure, params, types, { ...options, timeoutMs: left }, counters, null)!;
  }

  /** Open, log in and route to one more host with this client's settings (the cluster layer reconnects and adds discovered nodes with it). */
  async #openConnection(host: ResolvedHost): Promise<Connection> {
    const connection = await Connection.open(connectionOptions(this.#options, host, this.#shared));
    if (this.state !== 'open') {
      connection.destroy();
      throw new ClientClosedError('the client was closed while connecting');
    }
    // The cluster layer routes it once adopted, and drops it and reports its loss ('disconnect').
    if (this.#decoder.saturated) connection.pauseReading();
    const events = this.#events;
    connection.on('late-response', (handle) => {
      if (events.listenerCount('late-response') > 0) events.emit('late-response', { host: connection.host, port: connection.port, handle });
    });
    this.info ??= serverInfoOf(connection);
    return connection;
  }

  async #shutdown(): Promise<void> {
    this.state = 'closing';
    this.cluster.close();
    await Promise.all(this.cluster.connections.map((connection) => connection.close()));
    this.#tracker.close();
    await this.#decoder.close();
    this.#rate?.cancelAll();
    if (this.#dump !== null) await this.#dump.close();
    this.state = 'closed';
  }
}
