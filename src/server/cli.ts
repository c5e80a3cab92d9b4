/**
 * `voltwire serve`: run the embedded server (or a cluster) until SIGINT/SIGTERM, announcing
 * its ports as one JSON line on stdout so a parent process (a benchmark, a test) can read them:
 *
 * ```
 * {"event":"listening","host":"127.0.0.1","ports":[21212],"nodes":1,"partitions":8,"rows":1000,"pid":1234}
 * ```
 *
 * With `--peers` (and `--host-id`) the process runs one node of a cluster whose nodes run in
 * separate processes (see `startClusterNode`); its line lists this node's port only, and adds
 * `"hostId"` and `"peers"`.
 */
import { parseArgs } from 'node:util';
import type { ServerUser } from './authentication.js';
import { startCluster, startClusterNode, startServer, type EmbeddedServer, type WorkloadName } from './cluster.js';
import type { FaultState } from './faults.js';

/** Options of `voltwire serve` (and `scripts/serve`): address, nodes, users, workloads and fault switches. */
export interface ServeOptions {
  host?: string;
  /** First node's port (default 0: any free port); a cluster uses consecutive ports when given. */
  port?: number;
  nodes?: number;
  partitions?: number;
  rows?: number;
  users?: readonly ServerUser[];
  workloads?: readonly WorkloadName[];
  /** Voter contestants loaded at start (1..12). */
  contestants?: number;
  /** Per-process cluster mode: this node's host id (an index into `peers`). */
  hostId?: number;
  /** Per-process cluster mode: `host:port` of every node, by host id; this node listens on its entry. */
  peers?: readonly string[];
  /** Per-process cluster mode: the cluster start time every process reports (ms since the epoch). */
  clusterStartMs?: number;
  faults?: Partial<FaultState>;
  /** Where the JSON line goes (default stdout). */
  print?: (line: string) => void;
  /** Stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

export interface ServeHandle {
  ports: number[];
  /** Stop every node; resolves when all sockets are closed. */
  close(): Promise<void>;
  /** Resolves once the server has stopped (by `close()` or a signal). */
  closed: Promise<void>;
}

/** The per-process options fit together (and only come together). */
function checkClusterNode(options: ServeOptions): void {
  const { peers, hostId } = options;
  if (peers === undefined) {
    if (hostId !== undefined || options.clusterStartMs !== undefined) throw new RangeError('--host-id and --cluster-start-ms belong to a per-process cluster node: give --peers too');
    return;
  }
  if (hostId === undefined) throw new RangeError('--peers needs --host-id: which of the peers this process is');
  if (options.host !== undefined || options.port !== undefined) throw new RangeError('--peers gives this node its address (entry --host-id): leave out --host and --port');
  if (options.nodes !== undefined && options.nodes !== peers.length) throw new RangeError(`--nodes ${options.nodes} disagrees with the ${peers.length} --peers`);
}

/** Start serving as `voltwire serve` does; returns when listening. */
export async function serveCommand(options: ServeOptions = {}): Promise<ServeHandle> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  checkClusterNode(options);
  const nodes = options.peers?.length ?? options.nodes ?? 1;
  const common = {
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    ...(options.users === undefined ? {} : { users: options.users }),
    ...(options.workloads === undefined ? {} : { workloads: options.workloads }),
    ...(options.contestants === undefined ? {} : { contestants: options.contestants }),
  };
  let servers: EmbeddedServer[];
  let stopAll: () => Promise<void>;
  if (options.peers !== undefined) {
    const server = await startClusterNode({
      ...common,
      hostId: options.hostId!,
      peers: options.peers,
      ...(options.clusterStartMs === undefined ? {} : { clusterStartMs: options.clusterStartMs }),
    });
    servers = [server];
    stopAll = () => server.close();
  } else if (nodes === 1) {
    const server = await startServer({ ...common, ...(options.port === undefined ? {} : { port: options.port }) });
    servers = [server];
    stopAll = () => server.close();
  } else {
    const ports = options.port === undefined || options.port === 0 ? undefined : Array.from({ length: nodes }, (_, i) => options.port! + i);
    const cluster = await startCluster({ ...common, nodes, ...(ports === undefined ? {} : { ports }) });
    servers = [...cluster.nodes];
    stopAll = () => cluster.close();
  }
  if (options.faults !== undefined) for (const server of servers) server.faults.set(options.faults);

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const onSignal = (): void => void close();
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await stopAll();
      resolveClosed();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const first = servers[0]!;
  const ports = servers.map((s) => s.port);
  print(
    JSON.stringify({
      event: 'listening',
      host: first.host,
      ports,
      nodes,
      ...(options.peers === undefined ? {} : { hostId: first.hostId, peers: options.peers }),
      partitions: first.database.partitionCount,
      rows: first.analytics?.rowCount ?? 0,
      pid: process.pid,
    }),
  );
  return { ports, close, closed };
}

/** Parse `voltwire serve` arguments (also used by scripts/serve.ts). */
export function parseServeArgs(argv: readonly string[]): ServeOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      nodes: { type: 'string' },
      partitions: { type: 'string' },
      rows: { type: 'string' },
      user: { type: 'string', multiple: true },
      workloads: { type: 'string' },
      contestants: { type: 'string' },
      'host-id': { type: 'string' },
      peers: { type: 'string' },
      'cluster-start-ms': { type: 'string' },
      'delay-ms': { type: 'string' },
      'stop-reading': { type: 'boolean' },
      'close-after-frames': { type: 'string' },
      'close-mid-frame': { type: 'boolean' },
      'send-garbage': { type: 'boolean' },
      'send-oversized': { type: 'boolean' },
      'refuse-logins': { type: 'boolean' },
      'ignore-pings': { type: 'boolean' },
    },
    strict: true,
  });
  const integer = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
    return n;
  };
  const faults: Partial<FaultState> = {};
  const delay = integer('delay-ms', values['delay-ms']);
  if (delay !== undefined) faults.delayMs = delay;
  if (values['stop-reading'] === true) faults.stopReading = true;
  const closeAfter = integer('close-after-frames', values['close-after-frames']);
  if (closeAfter !== undefined) faults.closeAfterFrames = closeAfter;
  if (values['close-mid-frame'] === true) faults.closeMidFrame = true;
  if (values['send-garbage'] === true) faults.sendGarbage = true;
  if (values['send-oversized'] === true) faults.sendOversized = true;
  if (values['refuse-logins'] === true) faults.refuseLogins = true;
  if (values['ignore-pings'] === true) faults.ignorePings = true;
  const users = (values.user ?? []).map((spec) => {
    const at = spec.indexOf(':');
    if (at <= 0) throw new RangeError(`--user must be name:password, got ${JSON.stringify(spec)}`);
    return { username: spec.slice(0, at), password: spec.slice(at + 1) };
  });
  const workloads = values.workloads?.split(',').map((w) => w.trim()).filter((w) => w.length > 0);
  for (const w of workloads ?? []) if (w !== 'voter' && w !== 'kv' && w !== 'analytics') throw new RangeError(`unknown workload ${JSON.stringify(w)} (voter, kv, analytics)`);
  const options: ServeOptions = {};
  if (values.host !== undefined) options.host = values.host;
  const port = integer('port', values.port);
  if (port !== undefined) options.port = port;
  const nodes = integer('nodes', values.nodes);
  if (nodes !== undefined) options.nodes = nodes;
  const partitions = integer('partitions', values.partitions);
  if (partitions !== undefined) options.partitions = partitions;
  const rows = integer('rows', values.rows);
  if (rows !== undefined) options.rows = rows;
  if (users.length > 0) options.users = users;
  if (workloads !== undefined) options.workloads = workloads as WorkloadName[];
  const contestants = integer('contestants', values.contestants);
  if (contestants !== undefined) options.contestants = contestants;
  const hostId = integer('host-id', values['host-id']);
  if (hostId !== undefined) options.hostId = hostId;
  if (values.peers !== undefined) options.peers = values.peers.split(',').map((p) => p.trim());
  const clusterStart = integer('cluster-start-ms', values['cluster-start-ms']);
  if (clusterStart !== undefined) options.clusterStartMs = clusterStart;
  if (Object.keys(faults).length > 0) options.faults = faults;
  return options;
}
