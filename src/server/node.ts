/**
 * One server node: a listening socket on 127.0.0.1, its connections, its fault switches and
 * counters. Nodes of a cluster share one {@link ClusterContext}; a node can be stopped (every
 * socket destroyed, as if the process died) and restarted on the same port.
 */
import { Buffer } from 'node:buffer';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { CONNECTION_LIMIT_BYTE, RESERVED_HANDLE, STATUS } from '../protocol/constants.js';
import type { ResponseInput } from '../protocol/response-writer.js';
import { Authenticator, type ServerUser } from './authentication.js';
import { CATALOG_COMPONENTS } from './catalog.js';
import { ServerConnection, type ConnectionHost } from './connection.js';
import { Faults } from './faults.js';
import type { ClusterContext, NodeInfo } from './procedure.js';
import { toTableInput } from './result-set.js';
import { SYSTEM_PROCEDURES } from './system-procedures.js';

/** Standard slab: most response batches fit; a response outgrowing it gets a bigger slab that is not pooled. */
const SLAB_BYTES = 64 * 1024;
const POOL_LIMIT = 64;
/**
 * A response outgrowing its slab moves to one twice as big, up to this size (a 50 MB result
 * fits; past it, exactly what is asked). Growing only by what each write needed copied the
 * message at every write: 4000 rows of 1 KB took ~900 ms to encode, 4000 of 4 KB ~3 s
 * (bench/server-slab-growth.ts).
 */
const MAX_DOUBLED_SLAB = 64 * 1024 * 1024;

export interface NodeOptions {
  host?: string;
  port?: number;
  users?: readonly ServerUser[];
  loginTimeoutMs?: number;
  /** Connections beyond this are refused with the raw byte 0x01 (PROTOCOL.md 1). */
  maxConnections?: number;
  /** Serve the same protocol inside TLS (PROTOCOL.md 11): key, cert, and for mutual TLS `ca` + `requestCert`. */
  tls?: TlsOptions;
}

/** Counters of one node, as `stats()` reports them. */
export interface NodeStatistics {
  hostId: number;
  host: string;
  port: number;
  running: boolean;
  /** Open connections. */
  connections: number;
  acceptedConnections: number;
  refusedConnections: number;
  logins: number;
  failedLogins: number;
  /** Invocations dispatched. */
  calls: number;
  /** Single-partition (and directed) calls received for a partition this node does not lead. */
  misroutedCalls: number;
  bytesReceived: number;
  bytesSent: number;
}

export class ServerNode implements ConnectionHost {
  readonly faults: Faults;
  readonly authenticator: Authenticator;
  readonly loginTimeoutMs: number;
  readonly counters = { calls: 0, misroutedCalls: 0, bytesReceived: 0, bytesSent: 0, logins: 0, failedLogins: 0, accepted: 0, refused: 0 };
  private readonly connections = new Set<ServerConnection>();
  private readonly subscribers = new Set<ServerConnection>();
  private readonly pool: Buffer[] = [];
  private server: Server | null = null;
  private boundPort: number;
  private readonly maxConnections: number;
  private readonly unsubscribeCatalog: () => void;
  /** TLS only: the raw TCP sockets under the TLS ones, so a kill also drops those still in their handshake. */
  private readonly rawSockets = new Set<Socket>();
  /** TLS handshakes that failed (untrusted client certificate, client gave up, not TLS). */
  tlsFailures = 0;

  constructor(
    readonly cluster: ClusterContext,
    readonly hostId: number,
    private readonly options: NodeOptions,
    private readonly connectionIds: { next: bigint },
  ) {
    this.faults = new Faults((stopped) => {
      for (const connection of this.connections) connection.setReading(!stopped);
    });
    this.authenticator = new Authenticator(options.users);
    this.loginTimeoutMs = options.loginTimeoutMs ?? 30_000;
    this.boundPort = options.port ?? 0;
    this.maxConnections = options.maxConnections ?? Number.MAX_SAFE_INTEGER;
    this.unsubscribeCatalog = cluster.database.onCatalogChange(() => this.pushProcedures());
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Whether this node speaks TLS. */
  get tls(): boolean {
    return this.options.tls !== undefined;
  }

  get info(): NodeInfo {
    return { hostId: this.hostId, host: this.host, port: this.boundPort };
  }

  /** Listen (on the configured port first, then on the port it got, so a restart keeps it). */
  async start(): Promise<void> {
    if (this.server !== null) return;
    const server = this.listener();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  /** Stop abruptly: stop listening and destroy every socket (clients see the connection drop). */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of [...this.connections]) connection.destroy();
    for (const socket of this.rawSockets) socket.destroy();
    this.rawSockets.clear();
    await closed;
  }

  /** Stop for good (also detaches from the shared catalog). */
  async close(): Promise<void> {
    this.unsubscribeCatalog();
    await this.stop();
    this.pool.length = 0;
  }

  statistics(): NodeStatistics {
    const c = this.counters;
    return {
      hostId: this.hostId,
      host: this.host,
      port: this.boundPort,
      running: this.running,
      connections: this.connections.size,
      acceptedConnections: c.accepted,
      refusedConnections: c.refused,
      logins: c.logins,
      failedLogins: c.failedLogins,
      calls: c.calls,
      misroutedCalls: c.misroutedCalls,
      bytesReceived: c.bytesReceived,
      bytesSent: c.bytesSent,
    };
  }

  /** Push `@Statistics('TOPO', 0)` to connections that called `@Subscribe('TOPOLOGY')`. */
  pushTopology(): void {
    if (this.subscribers.size === 0) return;
    const topo = SYSTEM_PROCEDURES.get('@Statistics')!;
    const outcome = topo.run({
      name: '@Statistics',
      params: ['TOPO', 0],
      paramTypes: [],
      partition: 0,
      directed: false,
      database: this.cluster.database,
      cluster: this.cluster,
      node: this.info,
      connection: { id: 0n, subscribe: () => {} },
    });
    if (outcome instanceof Promise) return;
    this.broadcast({ handle: RESERVED_HANDLE.TOPOLOGY_NOTIFICATION, status: STATUS.SUCCESS, tables: outcome.tables ?? [] });
  }

  private pushProcedures(): void {
    if (this.subscribers.size === 0) return;
    const table = toTableInput(CATALOG_COMPONENTS['PROCEDURES']!(this.cluster.database));
    this.broadcast({ handle: RESERVED_HANDLE.PROCEDURES_NOTIFICATION, status: STATUS.SUCCESS, tables: [table] });
  }

  private broadcast(response: ResponseInput): void {
    for (const connection of this.subscribers) connection.push(response);
  }

  // --- ConnectionHost ---------------------------------------------------------------------------

  nextConnectionId(): bigint {
    return this.connectionIds.next++;
  }

  takeSlab(minimum: number, outgrown = 0): Buffer {
    if (minimum <= SLAB_BYTES) return this.pool.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
    return Buffer.allocUnsafeSlow(grownSlabBytes(minimum, outgrown));
  }

  releaseSlab(slab: Buffer): void {
    if (slab.length === SLAB_BYTES && this.pool.length < POOL_LIMIT) this.pool.push(slab);
  }

  subscribe(connection: ServerConnection): void {
    this.subscribers.add(connection);
  }

  closed(connection: ServerConnection): void {
    this.connections.delete(connection);
    this.subscribers.delete(connection);
  }

  /**
   * A plain TCP server, or a TLS one: the TLS handshake comes first, then the same framed
   * protocol (login first) runs inside the TLS stream; there is no negotiation byte.
   */
  private listener(): Server {
    const tls = this.options.tls;
    if (tls === undefined) return createServer({ noDelay: true }, (socket) => this.accept(socket));
    const server = createTlsServer({ noDelay: true, ...tls }, (socket) => this.accept(socket));
    server.on('connection', (raw: Socket) => {
      this.rawSockets.add(raw);
      raw.once('close', () => this.rawSockets.delete(raw));
    });
    // A failed handshake destroys the socket; count it (VoltDB only logs it).
    server.on('tlsClientError', (_error, socket) => {
      this.tlsFailures++;
      socket.destroy();
    });
    return server;
  }

  private accept(socket: Socket): void {
    if (this.server === null) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.maxConnections) {
      this.counters.refused++;
      socket.on('error', () => socket.destroy());
      socket.end(Buffer.from([CONNECTION_LIMIT_BYTE]));
      return;
    }
    this.counters.accepted++;
    this.connections.add(new ServerConnection(this, socket));
  }
}

/** Size of the slab replacing an outgrown one of `outgrown` bytes: double, capped, never below `minimum`. */
export function grownSlabBytes(minimum: number, outgrown: number): number {
  return Math.max(minimum, Math.min(Math.max(outgrown, SLAB_BYTES) * 2, MAX_DOUBLED_SLAB));
}
