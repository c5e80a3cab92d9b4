/**
 * The connections of a cluster client: one per host, opened, watched and reopened here.
 *
 * - `start()` connects to every listed host in parallel (each attempt bounded by
 *   `connectTimeoutMs`), learns the topology on the first connection, connects to every node
 *   the topology names that was not listed (`discover`), and records each host's outcome in
 *   `connectResults`. It rejects when no host could be reached (with `NoConnectionsError`
 *   listing every host's error; a lone host's own error when only one was listed) or, with
 *   `requireAll`, when any listed host could not.
 * - A lost connection leaves the routing table at once (its calls fail with
 *   `ConnectionLostError`, new calls go to the others) and is reopened in the background with
 *   exponential backoff ({@link Reconnector}); a host that comes back is routed to again.
 * - A silent connection is pinged, a dead one destroyed ({@link Keepalive}).
 *
 * The set opens connections through an injected {@link ConnectionOpener} (the client's
 * `openConnection`, which applies the client's login, tracker and decoder settings), and routes
 * through its {@link PartitionRouter}, which is what the client uses as its `Router`.
 */
import { EventEmitter } from 'node:events';
import type { Connection } from '../connection/connection.js';
import { ClientClosedError, ConnectionError, type HostFailure, NoConnectionsError, VoltError } from '../errors.js';
import { noConnections, startupError } from './connect-errors.js';
import type { ResolvedClusterOptions } from './cluster-options.js';
import { hostKey } from './host-list.js';
import { asError, callOn } from './internal-call.js';
import { ConnectionWaiters } from './connection-waiters.js';
import { Keepalive } from './keepalive.js';
import { PartitionRouter } from './partition-router.js';
import { HostEntry, type ConnectResult, type HostStatus } from './host-entry.js';
import { Reconnector, type BackoffOptions } from './reconnector.js';
import { parseOverview, partitionKeyKind, type ClusterTopology, type PartitionKey, type ProcedureInfo } from './topology.js';
import { TopologyTracker, type TopologySource } from './topology-tracker.js';

export type { ConnectResult, HostStatus } from './host-entry.js';

/** Opens and logs in one connection (the client's `openConnection`). */
export type ConnectionOpener = (host: { host: string; port: number }) => Promise<Connection>;

/** Events of the set (the client re-emits them). */
export interface ClusterEvents {
  /** A host connected (`reconnected`: not for the first time). */
  connect: [info: { host: string; port: number; hostId: number; discovered: boolean; reconnected: boolean }];
  /** A connection closed; `error` says why when it was lost; `reconnecting` when it will be reopened. */
  disconnect: [info: { host: string; port: number; hostId: number; error: Error | undefined; reconnecting: boolean }];
  /** A reconnect attempt is scheduled in `delayMs` (attempt 1, 2, … since the loss). */
  reconnect: [info: { host: string; port: number; attempt: number; delayMs: number; error: Error | null }];
  /** The topology (partitions, leaders, ring) was learned or changed. */
  topology: [info: { source: TopologySource; topology: ClusterTopology }];
}

/** See the file comment. */
export class ConnectionSet extends EventEmitter<ClusterEvents> {
  readonly router: PartitionRouter;
  /**
   * The connection for one call: the leader of `partition` when given (PARTITION_DESTINATION),
   * else of the partition its parameters hash to, else a weighted choice; null when none is open.
   * It is the router's own `pick`, handed out as it is: a call makes no hop through the set.
   */
  readonly pick: (procedure: string, params: readonly unknown[], partition?: number) => Connection | null;
  readonly connectResults: ConnectResult[] = [];
  readonly keepalive: Keepalive;
  readonly tracker: TopologyTracker | null;
  private readonly entries: HostEntry[] = [];
  private readonly byKey = new Map<string, HostEntry>();
  private readonly waiters = new ConnectionWaiters((on) => this.holdReconnects(on));
  private readonly backoff: BackoffOptions;
  private readonly internalTimeoutMs: number;
  private readonly abort = new AbortController();
  private discovering: Promise<void> | null = null;
  /** The cluster instance the connections belong to (see isStranger). */
  private instance: { start: bigint; leader: string } | null = null;
  private started = false;
  private closed = false;

  constructor(
    readonly options: ResolvedClusterOptions,
    private readonly opener: ConnectionOpener,
    random?: () => number,
  ) {
    super();
    this.router = new PartitionRouter(options.clientAffinity);
    this.pick = this.router.pick.bind(this.router);
    this.backoff = { initialDelayMs: options.reconnectDelayMs, maxDelayMs: options.maxReconnectDelayMs, jitter: options.reconnectJitter, random };
    this.internalTimeoutMs = options.connectTimeoutMs > 0 ? options.connectTimeoutMs : 10_000;
    const pingTimeout = options.connectionTimeoutMs > 0 ? options.connectionTimeoutMs : options.pingIntervalMs;
    this.keepalive = new Keepalive(options, (c) => callOn(c, '@Ping', [], pingTimeout, this.abort.signal));
    this.tracker =
      options.clientAffinity || options.discover
        ? new TopologyTracker(this, { callTimeoutMs: this.internalTimeoutMs, resubscribeDelayMs: options.resubscribeDelayMs, refreshMs: options.topologyRefreshMs, random })
        : null;
    for (const h of options.hosts) this.addEntry(new HostEntry(h.host, h.port, h.weight, h.backup, false));
  }

  /** Connect (see the file comment). Call once. */
  async start(): Promise<void> {
    if (this.started) throw new VoltError('ConnectionSet.start() was already called; a connection set starts once');
    this.started = true;
    const listed = [...this.entries];
    const outcomes = await Promise.all(listed.map((entry) => this.connectEntry(entry)));
    const failures: HostFailure[] = [];
    listed.forEach((entry, i) => this.record(entry, outcomes[i]!, failures));
    if (failures.length === listed.length || (this.options.requireAll && failures.length > 0)) {
      this.close();
      throw startupError(failures, listed.length, this.options.requireAll);
    }
    // The first connection started the bootstrap; wait for it, then for discovery.
    const first = this.anyConnection();
    if (this.tracker !== null && first !== null) await this.tracker.bootstrap(first);
    await this.discover();
    for (const entry of listed) if (entry.connection === null) this.scheduleReconnect(entry);
  }

  /** Every host: address, weight, backup, host id, connected, reconnect attempts. */
  get hosts(): HostStatus[] {
    return this.entries.map((e) => e.status());
  }

  /** The topology, once learned. */
  get topology(): ClusterTopology | null {
    return this.tracker?.topology ?? null;
  }

  /** Every connection routed to now. */
  get connections(): readonly Connection[] {
    return this.router.connections;
  }

  /** What the catalog says about a procedure. */
  procedure(name: string): ProcedureInfo | undefined {
    return this.router.procedure(name);
  }

  /** `@GetPartitionKeys` for a partition column of VoltDB type `type` (cached until the ring changes). */
  partitionKeys(type: number): Promise<PartitionKey[]> {
    if (this.tracker === null) return Promise.reject(new NoConnectionsError('partition keys need the topology: clientAffinity and discover are both off'));
    return this.tracker.partitionKeys(partitionKeyKind(type));
  }

  /** An open connection (a primary when there is one), without touching the routing scores. */
  anyConnection(): Connection | null {
    let backup: Connection | null = null;
    for (const e of this.entries) {
      const c = e.connection;
      if (c === null || c.state !== 'open') continue;
      if (!e.backup) return c;
      backup ??= c;
    }
    return backup;
  }

  /** True while some host is being reconnected (so waiting for a connection makes sense). */
  get reconnecting(): boolean {
    return this.entries.some((e) => e.reconnector?.active === true);
  }

  /**
   * Resolve once some connection is open. Rejects with `NoConnectionsError` (every host's last
   * error) when nothing is being reconnected or after `timeoutMs` (0 = no limit), with the
   * signal's reason when aborted, with `ClientClosedError` when the set closes.
   */
  whenConnected(timeoutMs: number, signal: AbortSignal | null = null, what = 'the call'): Promise<void> {
    if (this.router.anyOpen) return Promise.resolve();
    if (this.closed) return Promise.reject(new ClientClosedError(`the client is closed; ${what} was not sent`));
    if (!this.reconnecting) return Promise.reject(this.noConnectionsError(`${what} not sent: no connection is open`));
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return this.waiters.wait(timeoutMs, signal, () => this.noConnectionsError(`${what} not sent: no connection came back within ${timeoutMs} ms`));
  }

  /** Stop reconnecting, pinging and following the topology. The connections are the owner's to close. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.entries) e.reconnector?.cancel();
    this.keepalive.close();
    this.tracker?.close();
    this.abort.abort(new ClientClosedError('the client is closing'));
    this.waiters.failAll(new ClientClosedError('the client closed while the call waited for a connection'));
  }

  // --- TopologyHost ------------------------------------------------------------------------

  /** @internal */
  topologyChanged(topology: ClusterTopology, source: TopologySource): void {
    this.router.setTopology(this.options.clientAffinity ? topology : null);
    // Discovered hosts that left the cluster are not chased any longer.
    const present = new Set(topology.hostIds);
    for (const e of [...this.entries]) {
      if (e.discovered && e.connection === null && e.hostId >= 0 && !present.has(e.hostId)) this.removeEntry(e);
    }
    this.emit('topology', { source, topology });
    this.topologySeen();
  }

  /** @internal */
  topologySeen(): void {
    if (this.started) void this.discover();
  }

  /** @internal */
  proceduresChanged(procedures: Map<string, ProcedureInfo>): void {
    this.router.setProcedures(procedures);
  }

  // --- internals ---------------------------------------------------------------------------

  private addEntry(entry: HostEntry): void {
    this.entries.push(entry);
    this.byKey.set(hostKey(entry.host, entry.port), entry);
  }

  private removeEntry(entry: HostEntry): void {
    entry.reconnector?.cancel();
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.byKey.delete(hostKey(entry.host, entry.port));
  }

  private record(entry: HostEntry, ok: boolean, failures: HostFailure[]): void {
    const extra = entry.discovered ? { discovered: true as const } : {};
    if (ok) {
      this.connectResults.push({ host: entry.host, port: entry.port, ok: true, ...extra });
    } else {
      const error = entry.lastError ?? new ConnectionError(`${hostKey(entry.host, entry.port)} is not connected`, { host: entry.host, port: entry.port });
      this.connectResults.push({ host: entry.host, port: entry.port, ok: false, error, ...extra });
      failures.push({ host: entry.host, port: entry.port, error });
    }
  }

  /** One connect attempt; true when the host is connected. Never rejects. */
  private async connectEntry(entry: HostEntry): Promise<boolean> {
    if (this.closed) return false;
    let connection: Connection;
    try {
      connection = await this.opener({ host: entry.host, port: entry.port });
    } catch (error) {
      entry.lastError = asError(error);
      return false;
    }
    if (this.closed || !this.entries.includes(entry)) {
      connection.destroy();
      return false;
    }
    return this.adopt(entry, connection);
  }

  private adopt(entry: HostEntry, connection: Connection): boolean {
    if (connection.state !== 'open') {
      entry.lastError = connection.closeError ?? new ConnectionError(`${connection.address} closed right after login`, { host: entry.host, port: entry.port });
      return false;
    }
    if (this.isTwin(entry, connection) || this.isStranger(entry, connection)) return false;
    const reconnected = entry.everConnected;
    entry.everConnected = true;
    entry.connection = connection;
    entry.hostId = connection.login?.hostId ?? -1;
    entry.lastError = null;
    entry.reconnector?.succeeded();
    this.router.attach(connection, { weight: entry.weight, backup: entry.backup, hostId: entry.hostId });
    this.keepalive.watch(connection);
    connection.once('close', (error) => this.lost(entry, connection, error));
    this.emit('connect', { host: entry.host, port: entry.port, hostId: entry.hostId, discovered: entry.discovered, reconnected });
    this.waiters.wakeAll();
    if (this.tracker !== null) {
      this.tracker.connectionAvailable(connection);
      // A host that came back may lead partitions again: re-read the leaders.
      if (reconnected) void this.tracker.refresh();
    }
    return true;
  }

  /**
   * One node, two entries: a listed address (`localhost:21212`) that was down when discovery
   * found the same host id under the address the cluster reports (`127.0.0.1:21212`). The listed
   * entry wins (it carries the user's weight and backup flag): a discovered twin is dropped —
   * closed gracefully, so calls already on it finish — whichever of the two connects second.
   * Listed entries are never merged with each other (they may be separate one-node servers).
   */
  private isTwin(entry: HostEntry, connection: Connection): boolean {
    const hostId = connection.login?.hostId ?? -1;
    if (hostId < 0) return false;
    const twin = this.entries.find((e) => e !== entry && e.hostId === hostId && e.discovered !== entry.discovered);
    if (twin === undefined) return false;
    const [drop, dropConnection] = entry.discovered ? [entry, connection] : [twin, twin.connection];
    this.removeEntry(drop);
    if (dropConnection !== null) {
      drop.connection = null;
      this.router.remove(dropConnection);
      this.keepalive.unwatch(dropConnection);
      void dropConnection.close();
    }
    return drop === entry;
  }

  /**
   * With client affinity, every connection must belong to one cluster instance (its start time
   * and leader address, from the login answer): host ids and partition leaders of two clusters
   * would be mixed up. A connection to another instance is closed and its host retried later —
   * unless no connection is open, when the new instance (a restarted cluster) is adopted.
   */
  private isStranger(entry: HostEntry, connection: Connection): boolean {
    const login = connection.login;
    if (!this.options.clientAffinity || login === null) return false;
    const ours = this.instance;
    if (ours === null || !this.router.anyOpen) {
      this.instance = { start: login.clusterStartMs, leader: login.leaderAddress };
      return false;
    }
    if (login.clusterStartMs === ours.start && login.leaderAddress === ours.leader) return false;
    const started = (ms: bigint): string => new Date(Number(ms)).toISOString();
    entry.lastError = new ConnectionError(
      `${connection.address} belongs to another cluster (started ${started(login.clusterStartMs)}, leader ${login.leaderAddress}) than the client's (started ${started(ours.start)}, leader ${ours.leader})`,
      { host: entry.host, port: entry.port },
    );
    void connection.close();
    return true;
  }

  private lost(entry: HostEntry, connection: Connection, error: Error | undefined): void {
    if (entry.connection !== connection) return;
    entry.connection = null;
    if (error !== undefined) entry.lastError = error;
    this.router.remove(connection);
    this.keepalive.unwatch(connection);
    const reconnecting = !this.closed && this.options.reconnect && this.entries.includes(entry);
    this.emit('disconnect', { host: entry.host, port: entry.port, hostId: entry.hostId, error, reconnecting });
    if (reconnecting) this.scheduleReconnect(entry);
  }

  private scheduleReconnect(entry: HostEntry): void {
    if (this.closed || !this.options.reconnect) return;
    if (entry.reconnector === null) {
      entry.reconnector = new Reconnector(
        this.backoff,
        () => this.connectEntry(entry),
        (attempt, delayMs) => this.emit('reconnect', { host: entry.host, port: entry.port, attempt, delayMs, error: entry.lastError }),
      );
      entry.reconnector.hold(this.waiters.waiting);
    }
    entry.reconnector.schedule();
  }

  private holdReconnects(on: boolean): void {
    for (const e of this.entries) e.reconnector?.hold(on);
  }

  /** Connect to hosts the topology names and no entry reaches (once at a time). */
  private discover(): Promise<void> {
    if (!this.options.discover || this.tracker === null || this.closed) return Promise.resolve();
    this.discovering ??= this.runDiscovery().finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }

  private async runDiscovery(): Promise<void> {
    const topology = this.tracker!.topology;
    const connection = this.anyConnection();
    if (topology === null || connection === null) return;
    const known = new Set(this.entries.map((e) => e.hostId));
    const missing = topology.hostIds.filter((id) => !known.has(id));
    if (missing.length === 0) return;
    let where;
    try {
      where = parseOverview((await callOn(connection, '@SystemInformation', ['OVERVIEW'], this.internalTimeoutMs, this.abort.signal)).tables[0]!);
    } catch (error) {
      if (this.tracker !== null) this.tracker.lastError = asError(error);
      return;
    }
    const found: HostEntry[] = [];
    for (const id of missing) {
      const location = where.get(id);
      if (location === undefined || this.byKey.has(hostKey(location.host, location.port))) continue;
      const entry = new HostEntry(location.host, location.port, 1, false, true);
      entry.hostId = id;
      this.addEntry(entry);
      found.push(entry);
    }
    const outcomes = await Promise.all(found.map((entry) => this.connectEntry(entry)));
    found.forEach((entry, i) => {
      if (!this.entries.includes(entry)) return; // the twin of a listed host
      this.record(entry, outcomes[i]!, []);
      if (!outcomes[i]) this.scheduleReconnect(entry);
    });
  }

  /** `NoConnectionsError` with `message` and every host's last error. */
  noConnectionsError(message: string): NoConnectionsError {
    return noConnections(message, this.entries.map((e) => ({ host: e.host, port: e.port, error: e.lastError })));
  }
}
