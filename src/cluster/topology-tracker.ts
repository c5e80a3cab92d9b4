/**
 * Keeps the client's picture of the cluster fresh (PROTOCOL.md 7, 8.1):
 *
 * 1. on one connection (the "subscriber") send, pipelined, `@Subscribe('TOPOLOGY')`,
 *    `@Statistics('TOPO', 0)` and `@SystemCatalog('PROCEDURES')`;
 * 2. follow the server's pushes on that connection — responses with the reserved handles
 *    `Long.MAX_VALUE − 1` (a new TOPO result) and `Long.MAX_VALUE − 2` (a new PROCEDURES table);
 * 3. when the subscriber connection is lost, subscribe again on another one after a random
 *    delay (so clients that lost the same node do not all ask at once);
 * 4. optionally re-read TOPO every `topologyRefreshMs`, and on demand (a host reconnected).
 *
 * A server that does not know these procedures (an old server, a test double) leaves the
 * topology unknown: routing then falls back to weighted choice, and nothing else breaks.
 * `@GetPartitionKeys` results are cached per key kind and dropped when the ring changes.
 */
import type { Connection } from '../connection/connection.js';
import { decodeResponse } from '../decode/decode-response.js';
import { RESERVED_HANDLE } from '../protocol/constants.js';
import { asError, callOn } from './internal-call.js';
import { ClientClosedError, NoConnectionsError } from '../errors.js';
import { parsePartitionKeys, parseProcedures, parseTopology, sameTopology, type ClusterTopology, type PartitionKey, type ProcedureInfo } from './topology.js';

/** Where a topology came from. */
export type TopologySource = 'bootstrap' | 'push' | 'refresh';

/** What the tracker needs from the connection set. */
export interface TopologyHost {
  /** An open connection to ask, or null. */
  anyConnection(): Connection | null;
  /** The topology changed (or was learned). */
  topologyChanged(topology: ClusterTopology, source: TopologySource): void;
  /** A topology was read (changed or not): a chance to connect to hosts still missing. */
  topologySeen(topology: ClusterTopology): void;
  /** The procedure catalog was learned or changed. */
  proceduresChanged(procedures: Map<string, ProcedureInfo>, source: TopologySource): void;
}

/** Settings of the tracker. */
export interface TopologyTrackerOptions {
  /** Timeout of each internal call. */
  callTimeoutMs: number;
  /** Longest random wait before subscribing again on another connection. */
  resubscribeDelayMs: number;
  /** Periodic TOPO re-read; 0 = off. */
  refreshMs: number;
  random?: () => number;
}

/** See the file comment. */
export class TopologyTracker {
  topology: ClusterTopology | null = null;
  procedures = new Map<string, ProcedureInfo>();
  /** The connection carrying the subscription, when there is one. */
  subscriber: Connection | null = null;
  /** Whether the server accepted `@Subscribe('TOPOLOGY')`. */
  subscribed = false;
  /** The last failure while learning the topology (kept for diagnostics). */
  lastError: Error | null = null;
  /** Pushes received. */
  pushes = 0;
  private readonly keys = new Map<string, Promise<PartitionKey[]>>();
  private resubscribeTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private bootstrapping: Promise<void> | null = null;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly onPush = (frame: Buffer, handle: bigint): void => this.push(frame, handle);
  private readonly onSubscriberClose = (): void => this.subscriberLost();

  constructor(
    private readonly host: TopologyHost,
    private readonly options: TopologyTrackerOptions,
  ) {
    if (options.refreshMs > 0) {
      this.refreshTimer = setInterval(() => void this.refresh(), options.refreshMs);
      this.refreshTimer.unref();
    }
  }

  /** Subscribe and learn everything on `connection` (once at a time); never rejects. */
  bootstrap(connection: Connection): Promise<void> {
    this.bootstrapping ??= this.runBootstrap(connection).finally(() => {
      this.bootstrapping = null;
    });
    return this.bootstrapping;
  }

  /** A connection is open: subscribe on it when nobody carries the subscription. */
  connectionAvailable(connection: Connection): void {
    if (this.closed || this.subscriber !== null || this.bootstrapping !== null || this.resubscribeTimer !== null) return;
    void this.bootstrap(connection);
  }

  /** Re-read TOPO (and the catalog when asked) on any open connection; never rejects. */
  async refresh(withProcedures = false): Promise<void> {
    const connection = this.subscriber ?? this.host.anyConnection();
    if (connection === null || this.closed) return;
    try {
      const timeout = this.options.callTimeoutMs;
      const calls = [callOn(connection, '@Statistics', ['TOPO', 0], timeout, this.abort.signal)];
      if (withProcedures) calls.push(callOn(connection, '@SystemCatalog', ['PROCEDURES'], timeout, this.abort.signal));
      const [topo, procs] = await Promise.all(calls);
      this.applyTopology(parseTopology(topo!), 'refresh');
      if (procs !== undefined) this.applyProcedures(parseProcedures(procs.tables[0]!), 'refresh');
    } catch (error) {
      this.lastError = asError(error);
    }
  }

  /** Partition keys of `kind` (cached until the ring changes). */
  partitionKeys(kind: 'INTEGER' | 'STRING' | 'VARBINARY'): Promise<PartitionKey[]> {
    let keys = this.keys.get(kind);
    if (keys === undefined) {
      const connection = this.subscriber ?? this.host.anyConnection();
      if (connection === null) return Promise.reject(new NoConnectionsError('partition keys not asked for: no connection is open'));
      keys = callOn(connection, '@GetPartitionKeys', [kind], this.options.callTimeoutMs, this.abort.signal).then((response) => parsePartitionKeys(response.tables[0]!));
      this.keys.set(kind, keys);
      // A failure is not cached.
      keys.catch(() => {
        if (this.keys.get(kind) === keys) this.keys.delete(kind);
      });
    }
    return keys;
  }

  /** Stop timers, drop the subscription listeners, abort internal calls in flight. */
  close(): void {
    this.closed = true;
    if (this.resubscribeTimer !== null) clearTimeout(this.resubscribeTimer);
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    this.resubscribeTimer = this.refreshTimer = null;
    this.release();
    this.abort.abort(new ClientClosedError('the client is closing; its internal topology call was stopped'));
  }

  private async runBootstrap(connection: Connection): Promise<void> {
    if (this.closed) return;
    const timeout = this.options.callTimeoutMs;
    const signal = this.abort.signal;
    this.release();
    this.subscriber = connection;
    connection.on('unsolicited', this.onPush);
    connection.once('close', this.onSubscriberClose);
    // Pipelined on one connection: the subscription is in place before TOPO is computed.
    const subscribe = callOn(connection, '@Subscribe', ['TOPOLOGY'], timeout, signal);
    const topo = callOn(connection, '@Statistics', ['TOPO', 0], timeout, signal);
    const procs = callOn(connection, '@SystemCatalog', ['PROCEDURES'], timeout, signal);
    const [s, t, p] = await Promise.allSettled([subscribe, topo, procs]);
    this.subscribed = s.status === 'fulfilled';
    try {
      if (p.status === 'fulfilled') this.applyProcedures(parseProcedures(p.value.tables[0]!), 'bootstrap');
      else this.lastError = asError(p.reason);
      if (t.status === 'fulfilled') this.applyTopology(parseTopology(t.value), 'bootstrap');
      else this.lastError = asError(t.reason);
    } catch (error) {
      this.lastError = asError(error);
    }
    if (!this.subscribed && this.subscriber === connection) {
      // Without pushes this connection is no better than any other for later refreshes.
      this.lastError ??= asError((s as PromiseRejectedResult).reason);
    }
  }

  private push(frame: Buffer, handle: bigint): void {
    if (this.closed) return;
    this.pushes++;
    try {
      const response = decodeResponse(frame);
      if (handle === RESERVED_HANDLE.TOPOLOGY_NOTIFICATION) this.applyTopology(parseTopology(response), 'push');
      else if (handle === RESERVED_HANDLE.PROCEDURES_NOTIFICATION && response.tables[0] !== undefined) this.applyProcedures(parseProcedures(response.tables[0]), 'push');
    } catch (error) {
      this.lastError = asError(error);
    }
  }

  private applyTopology(topology: ClusterTopology, source: TopologySource): void {
    if (sameTopology(this.topology, topology)) {
      this.host.topologySeen(topology);
      return;
    }
    this.topology = topology;
    this.keys.clear();
    this.host.topologyChanged(topology, source);
  }

  private applyProcedures(procedures: Map<string, ProcedureInfo>, source: TopologySource): void {
    this.procedures = procedures;
    this.host.proceduresChanged(procedures, source);
  }

  private subscriberLost(): void {
    this.release();
    if (this.closed) return;
    const delay = Math.floor((this.options.random ?? Math.random)() * this.options.resubscribeDelayMs);
    this.resubscribeTimer = setTimeout(() => {
      this.resubscribeTimer = null;
      const next = this.host.anyConnection();
      // None open now: the next connection to open subscribes (connectionAvailable).
      if (next !== null) void this.bootstrap(next);
    }, delay);
    this.resubscribeTimer.unref();
  }

  private release(): void {
    const old = this.subscriber;
    if (old === null) return;
    old.off('unsolicited', this.onPush);
    old.off('close', this.onSubscriberClose);
    this.subscriber = null;
    this.subscribed = false;
  }
}
