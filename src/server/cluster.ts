/**
 * Starting servers: `startServer` (one node), `startCluster` (N nodes on N ports sharing one
 * store, partitions dealt to leaders across the nodes) and `startClusterNode` (one node of an
 * N-node cluster whose nodes run in separate processes). The handles returned here are the
 * embedded server's public API.
 *
 * Per-process mode: every process builds the same cluster shape from the same options — host
 * ids 0..N−1, the same {@link Topology} and hash ring, the same catalog — and knows every
 * node's address, so TOPO, OVERVIEW, the catalog and logins agree whichever node a client
 * asks. Each process stores the rows of the partitions its node leads plus the replicated
 * tables; there is no link between the processes, so work for a partition led elsewhere is
 * refused (SERVER_UNAVAILABLE) rather than forwarded.
 */
import type { TlsOptions } from 'node:tls';
import { MP_PARTITION_ID } from '../protocol/constants.js';
import type { ServerUser } from './authentication.js';
import { Database } from './database.js';
import type { Faults } from './faults.js';
import { ServerNode, type NodeStatistics } from './node.js';
import type { ClusterContext, NodeInfo } from './procedure.js';
import { Topology } from './topology.js';
import { userProcedure, type DefineOptions, type ProcedureHandler } from './user-procedures.js';
import { AnalyticsWorkload } from './workloads/analytics.js';
import { KeyValueWorkload } from './workloads/kv.js';
import { VoterWorkload } from './workloads/voter.js';

/** The VoltDB release whose protocol and answers the server reproduces. */
export const EMULATED_VOLTDB_VERSION = '11.4.0';
/** voltwire's own version, part of the build string. */
export const VOLTWIRE_VERSION = '0.1.0';
/** Build string of the login response and OVERVIEW: underscores, no spaces, as the real server's. */
export const BUILD_STRING = `${EMULATED_VOLTDB_VERSION}_voltwire_embedded_server_${VOLTWIRE_VERSION}`;

/** The built-in workloads: VoltDB's voter example, voltkv, and the analytics table `EVENTS`. */
export type WorkloadName = 'voter' | 'kv' | 'analytics';

/** Options of `startServer()`: address, users, partitions, workloads, TLS and fault switches. */
export interface ServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Partitions (default 8). */
  partitions?: number;
  /** Users and passwords; none (default) means security off: any user is accepted. */
  users?: readonly ServerUser[];
  /** Built-in workloads to load (default all three). */
  workloads?: readonly WorkloadName[];
  /** Rows of the analytics `EVENTS` table (default 1000). */
  rows?: number;
  /** Close connections that have not logged in within this many ms (default 30000, as VoltDB). */
  loginTimeoutMs?: number;
  /** Refuse connections beyond this count with the raw byte 0x01 (default: no limit). */
  maxConnections?: number;
  /** Largest SQL result before VoltDB's "overflowed output/network buffer" failure (default 50 MB − 32 KiB). */
  maxResultBytes?: number;
  /**
   * Voter contestants (1..12, the example's names) loaded at start, as `Initialize` would
   * (default none). Per-process clusters need it: an `Initialize` call changes one process only.
   */
  contestants?: number;
  /**
   * Serve TLS instead of plain TCP on the client port (as a VoltDB started with TLS): `key` and
   * `cert` at least; `ca` + `requestCert: true` + `rejectUnauthorized: true` for mutual TLS.
   */
  tls?: TlsOptions;
}

/** Options of `startCluster()`: those of one server, plus the number of nodes and their ports. */
export interface ClusterOptions extends Omit<ServerOptions, 'port'> {
  /** Number of nodes (default 3). */
  nodes?: number;
  /** Port per node (default 0 each). */
  ports?: readonly number[];
}

/** Options of `startClusterNode()`: one node of a cluster whose nodes run in separate processes. */
export interface ClusterNodeOptions extends Omit<ServerOptions, 'host' | 'port'> {
  /** This node's host id, 0..peers.length − 1. */
  hostId: number;
  /**
   * `host:port` of every node of the cluster, by host id; this node listens on its own entry.
   * Every process gets the same list, so the ports must be fixed (not 0).
   */
  peers: readonly string[];
  /**
   * Cluster start, ms since the epoch (login response, OVERVIEW): give every process the same
   * value so clients see one cluster instance (default: this process's start).
   */
  clusterStartMs?: number;
}

/** What one node reports. */
export interface ServerStats extends NodeStatistics {
  /** Invocations per procedure, all partitions, counted by the store of this process (cluster-wide unless one process per node). */
  procedures: Record<string, number>;
}

/**
 * State shared by the nodes of one cluster running in this process. `remote` lists the nodes
 * of the other processes (per-process mode; empty otherwise).
 */
class Shared implements ClusterContext {
  readonly database: Database;
  readonly topology: Topology;
  readonly clusterStartMs: number;
  readonly buildString = BUILD_STRING;
  readonly version = EMULATED_VOLTDB_VERSION;
  readonly nodes: ServerNode[] = [];
  readonly connectionIds: { next: bigint };
  readonly voter: VoterWorkload | null;
  readonly kv: KeyValueWorkload | null;
  readonly analytics: AnalyticsWorkload | null;
  private readonly remote: ReadonlyMap<number, NodeInfo>;

  constructor(options: ServerOptions, hostCount: number, remote: readonly NodeInfo[] = [], clusterStartMs = Date.now()) {
    this.remote = new Map(remote.map((n) => [n.hostId, n]));
    this.clusterStartMs = clusterStartMs;
    // Connection ids stay unique across the processes of a cluster: the first local host id in the top bits.
    let firstLocal = 0;
    while (this.remote.has(firstLocal)) firstLocal++;
    this.connectionIds = { next: (BigInt(firstLocal) << 40n) + 1n };
    this.database = new Database({
      partitions: options.partitions ?? 8,
      ...(options.maxResultBytes === undefined ? {} : { maxResultBytes: options.maxResultBytes }),
      ...(options.users === undefined ? {} : { userNames: options.users.map((u) => u.username) }),
      ...(remote.length === 0 ? {} : { remoteLeader: (partition: number) => this.remoteNode(this.topology.leaderOf(partition)) }),
    });
    this.topology = new Topology(hostCount, this.database.partitionCount);
    const workloads = new Set(options.workloads ?? ['voter', 'kv', 'analytics']);
    this.voter = workloads.has('voter') ? new VoterWorkload(this.database) : null;
    this.kv = workloads.has('kv') ? new KeyValueWorkload(this.database) : null;
    this.analytics = workloads.has('analytics') ? new AnalyticsWorkload(this.database, options.rows ?? 1000) : null;
    if (options.contestants !== undefined) {
      if (this.voter === null) throw new RangeError('contestants need the voter workload');
      this.voter.seed(options.contestants);
    }
  }

  runningNodes(): NodeInfo[] {
    const nodes = this.nodes.filter((n) => n.running).map((n) => n.info);
    return this.remote.size === 0 ? nodes : [...nodes, ...this.remote.values()].sort((a, b) => a.hostId - b.hostId);
  }

  remoteNode(hostId: number): NodeInfo | undefined {
    return this.remote.get(hostId);
  }

  localStatistics(): NodeStatistics[] {
    return this.nodes.map((n) => n.statistics());
  }

  procedureCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.database.statistics.snapshot(false)) out[row.procedure] = (out[row.procedure] ?? 0) + row.invocations;
    return out;
  }
}

/** One running server node: its port, fault switches, counters, and the shared store. */
export class EmbeddedServer {
  /** @internal */
  constructor(
    private readonly node: ServerNode,
    private readonly shared: Shared,
    private readonly standalone: boolean,
  ) {}

  get host(): string {
    return this.node.host;
  }
  get port(): number {
    return this.node.port;
  }
  /** `host:port`, ready for a client's host list. */
  get address(): string {
    return `${this.node.host}:${this.node.port}`;
  }
  get hostId(): number {
    return this.node.hostId;
  }
  /** Whether the node serves TLS. */
  get tls(): boolean {
    return this.node.tls;
  }
  /** TLS handshakes this node refused or that failed. */
  get tlsFailures(): number {
    return this.node.tlsFailures;
  }
  get running(): boolean {
    return this.node.running;
  }
  /** Fault switches (see faults.ts), changeable at any time. */
  get faults(): Faults {
    return this.node.faults;
  }
  /** The store shared by the nodes of this process (tables, procedures, hashinator, statistics). */
  get database(): Database {
    return this.shared.database;
  }
  get topology(): Topology {
    return this.shared.topology;
  }
  get clusterStartMs(): number {
    return this.shared.clusterStartMs;
  }
  get voter(): VoterWorkload | null {
    return this.shared.voter;
  }
  get kv(): KeyValueWorkload | null {
    return this.shared.kv;
  }
  get analytics(): AnalyticsWorkload | null {
    return this.shared.analytics;
  }
  /** Partitions this node leads. */
  get partitions(): number[] {
    return this.shared.topology.partitionsOf(this.node.hostId);
  }

  /** Register a JS procedure (on every node of this process: they share the catalog; other processes' nodes do not see it). */
  define(name: string, options: DefineOptions, handler: ProcedureHandler): void {
    if (name.startsWith('@')) throw new RangeError(`procedure names starting with @ are reserved for system procedures: ${name}`);
    this.shared.database.defineProcedure(userProcedure(name, options, handler));
  }

  stats(): ServerStats {
    return { ...this.node.statistics(), procedures: this.shared.procedureCounts() };
  }

  /** Stop abruptly (as if the node died): stop listening, destroy every connection. */
  async stop(): Promise<void> {
    await this.node.stop();
  }

  /** Alias of {@link stop}, for fault-injection readability. */
  async kill(): Promise<void> {
    await this.node.stop();
  }

  /** Listen again on the same port. */
  async restart(): Promise<void> {
    await this.node.start();
  }

  /** Push `@Statistics('TOPO', 0)` to this node's `@Subscribe('TOPOLOGY')` connections. */
  pushTopology(): void {
    this.node.pushTopology();
  }

  /** Close for good: a standalone server releases everything; a cluster node just stops. */
  async close(): Promise<void> {
    if (this.standalone) await Promise.all(this.shared.nodes.map((n) => n.close()));
    else await this.node.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** N nodes sharing one store. */
export class EmbeddedCluster {
  /** @internal */
  constructor(
    readonly nodes: readonly EmbeddedServer[],
    private readonly shared: Shared,
  ) {}

  get ports(): number[] {
    return this.nodes.map((n) => n.port);
  }
  /** `host:port` of every node. */
  get addresses(): string[] {
    return this.nodes.map((n) => n.address);
  }
  get database(): Database {
    return this.shared.database;
  }
  get topology(): Topology {
    return this.shared.topology;
  }
  node(hostId: number): EmbeddedServer {
    const node = this.nodes[hostId];
    if (node === undefined) throw new RangeError(`no node with host id ${hostId} (the cluster has ${this.nodes.length})`);
    return node;
  }
  /** Host id leading a partition (16383: the MP initiator, on host 0). */
  leaderOf(partition: number): number {
    return this.shared.topology.leaderOf(partition === MP_PARTITION_ID ? MP_PARTITION_ID : partition);
  }
  define(name: string, options: DefineOptions, handler: ProcedureHandler): void {
    this.nodes[0]!.define(name, options, handler);
  }
  stats(): ServerStats[] {
    return this.nodes.map((n) => n.stats());
  }
  async close(): Promise<void> {
    await Promise.all(this.shared.nodes.map((n) => n.close()));
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Create and start the local nodes (`hostId` on `port` each); on a failure nothing stays listening. */
async function startNodes(shared: Shared, options: ServerOptions, local: readonly { hostId: number; host?: string; port: number }[]): Promise<void> {
  for (const { hostId, host, port } of local) {
    const node = new ServerNode(shared, hostId, { ...options, ...(host === undefined ? {} : { host }), port }, shared.connectionIds);
    shared.nodes.push(node);
  }
  try {
    await Promise.all(shared.nodes.map((n) => n.start()));
  } catch (error) {
    await Promise.all(shared.nodes.map((n) => n.close()));
    throw error;
  }
}

/** Start one embedded VoltDB-protocol server (default 127.0.0.1, any free port, 8 partitions, all workloads). */
export async function startServer(options: ServerOptions = {}): Promise<EmbeddedServer> {
  const shared = new Shared(options, 1);
  await startNodes(shared, options, [{ hostId: 0, port: options.port ?? 0 }]);
  return new EmbeddedServer(shared.nodes[0]!, shared, true);
}

/** Start `nodes` servers (default 3) sharing one store, each leading its share of the partitions. */
export async function startCluster(options: ClusterOptions = {}): Promise<EmbeddedCluster> {
  const count = options.nodes ?? 3;
  const shared = new Shared(options, count);
  await startNodes(shared, options, Array.from({ length: count }, (_, hostId) => ({ hostId, port: options.ports?.[hostId] ?? 0 })));
  return new EmbeddedCluster(
    shared.nodes.map((n) => new EmbeddedServer(n, shared, false)),
    shared,
  );
}

/** `host:port` → its parts; the port must be fixed (1..65535). */
export function parsePeer(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = colon > 0 ? text.slice(0, colon).replace(/^\[(.*)\]$/, '$1') : '';
  const port = colon > 0 ? Number(text.slice(colon + 1)) : NaN;
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`a peer must be host:port with a port 1..65535 (the other processes report it), got ${JSON.stringify(text)}`);
  }
  return { host, port };
}

/**
 * Start one node of an N-node cluster whose nodes run in separate processes (N = `peers.length`).
 * Start every node with the same `peers`, partitions, workloads, contestants and
 * `clusterStartMs`, each with its own `hostId`: together they answer as one cluster.
 */
export async function startClusterNode(options: ClusterNodeOptions): Promise<EmbeddedServer> {
  const peers = options.peers.map((text, hostId) => ({ hostId, ...parsePeer(text) }));
  const hostId = options.hostId;
  if (!Number.isInteger(hostId) || hostId < 0 || hostId >= peers.length) {
    throw new RangeError(`hostId must be an integer 0..${peers.length - 1} (an index into peers), got ${hostId}`);
  }
  const addresses = new Set(peers.map((p) => `${p.host}:${p.port}`));
  if (addresses.size !== peers.length) throw new RangeError(`every peer needs its own address, got ${options.peers.join(',')}`);
  const self = peers[hostId]!;
  const shared = new Shared(options, peers.length, peers.filter((p) => p.hostId !== hostId), options.clusterStartMs);
  await startNodes(shared, options, [self]);
  return new EmbeddedServer(shared.nodes[0]!, shared, true);
}
