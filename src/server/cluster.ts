/**
 * Starting servers: `startServer` (one node) and `startCluster` (N nodes on N ports sharing one
 * store, partitions dealt to leaders across the nodes). The handles returned here are the
 * embedded server's public API.
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

export type WorkloadName = 'voter' | 'kv' | 'analytics';

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
   * Serve TLS instead of plain TCP on the client port (as a VoltDB started with TLS): `key` and
   * `cert` at least; `ca` + `requestCert: true` + `rejectUnauthorized: true` for mutual TLS.
   */
  tls?: TlsOptions;
}

export interface ClusterOptions extends Omit<ServerOptions, 'port'> {
  /** Number of nodes (default 3). */
  nodes?: number;
  /** Port per node (default 0 each). */
  ports?: readonly number[];
}

/** What one node reports. */
export interface ServerStats extends NodeStatistics {
  /** Invocations per procedure, all partitions, counted by the shared store (cluster-wide). */
  procedures: Record<string, number>;
}

/** State shared by the nodes of one cluster. */
class Shared implements ClusterContext {
  readonly database: Database;
  readonly topology: Topology;
  readonly clusterStartMs = Date.now();
  readonly buildString = BUILD_STRING;
  readonly version = EMULATED_VOLTDB_VERSION;
  readonly nodes: ServerNode[] = [];
  readonly connectionIds = { next: 1n };
  readonly voter: VoterWorkload | null;
  readonly kv: KeyValueWorkload | null;
  readonly analytics: AnalyticsWorkload | null;

  constructor(options: ServerOptions, hostCount: number) {
    this.database = new Database({ partitions: options.partitions ?? 8, ...(options.maxResultBytes === undefined ? {} : { maxResultBytes: options.maxResultBytes }) });
    this.topology = new Topology(hostCount, this.database.partitionCount);
    const workloads = new Set(options.workloads ?? ['voter', 'kv', 'analytics']);
    this.voter = workloads.has('voter') ? new VoterWorkload(this.database) : null;
    this.kv = workloads.has('kv') ? new KeyValueWorkload(this.database) : null;
    this.analytics = workloads.has('analytics') ? new AnalyticsWorkload(this.database, options.rows ?? 1000) : null;
  }

  runningNodes(): NodeInfo[] {
    return this.nodes.filter((n) => n.running).map((n) => n.info);
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
  /** The shared store (tables, procedures, hashinator, statistics). */
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

  /** Register a JS procedure (on every node of the cluster: they share the catalog). */
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

async function startNodes(shared: Shared, options: ServerOptions, ports: readonly number[]): Promise<void> {
  for (let hostId = 0; hostId < ports.length; hostId++) {
    const node = new ServerNode(shared, hostId, { ...options, port: ports[hostId] }, shared.connectionIds);
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
  await startNodes(shared, options, [options.port ?? 0]);
  return new EmbeddedServer(shared.nodes[0]!, shared, true);
}

/** Start `nodes` servers (default 3) sharing one store, each leading its share of the partitions. */
export async function startCluster(options: ClusterOptions = {}): Promise<EmbeddedCluster> {
  const count = options.nodes ?? 3;
  const shared = new Shared(options, count);
  const ports = Array.from({ length: count }, (_, i) => options.ports?.[i] ?? 0);
  await startNodes(shared, options, ports);
  return new EmbeddedCluster(
    shared.nodes.map((n) => new EmbeddedServer(n, shared, false)),
    shared,
  );
}
