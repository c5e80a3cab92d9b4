/**
 * Launch an N-node embedded cluster with each node in its own process: pick N free ports, then
 * start N `serve.js --host-id i --peers <all N addresses> --cluster-start-ms <now>` children and
 * wait until every one has printed its listening line. Used by the tests and the cluster
 * benchmark.
 *
 * The ports are found by listening on port 0 and closing again, so another program can take
 * one before its node binds it; a node that fails to bind makes the launch start over with new
 * ports (up to `attempts` times).
 *
 * Children are killed when this process exits, however it exits, so a failed test never leaves
 * servers behind; `stop()` ends them with SIGTERM (SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVE_SCRIPT = fileURLToPath(new URL('./serve.js', import.meta.url));

export interface ClusterProcessesOptions {
  /** Nodes, one process each (default 3). */
  nodes?: number;
  /** Extra `serve.js` arguments for every node (partitions, workloads, contestants, …). */
  args?: readonly string[];
  /** Interface every node listens on (default 127.0.0.1). */
  host?: string;
  /** Longest wait for all listening lines (default 30 s). */
  startTimeoutMs?: number;
  /** Launches tried when a port was taken meanwhile (default 3). */
  attempts?: number;
}

export interface ClusterProcesses {
  /** `host:port` of every node, by host id. */
  addresses: string[];
  ports: number[];
  pids: number[];
  /** The cluster start time all nodes report. */
  clusterStartMs: number;
  /** SIGTERM every node (SIGKILL after `graceMs`); resolves when all are gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** `count` ports free right now on `host`. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  // All listening at once, so the same port cannot be handed out twice.
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, host, () => resolve((server.address() as { port: number }).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  }
}

interface Node {
  child: ChildProcess;
  exited: Promise<void>;
  stderr(): string;
}

function startNode(args: readonly string[]): Node {
  const child = spawn(process.execPath, [SERVE_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => {
    // 'close' (not 'exit'): the pipes are drained too.
    child.once('close', () => {
      process.removeListener('exit', killOnExit);
      resolve();
    });
  });
  return { child, exited, stderr: () => stderr };
}

/** Resolves when the node prints its listening line; rejects when it exits first or is too slow. */
function listening(node: Node, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = setTimeout(() => settle(new Error(`no listening line within ${timeoutMs} ms`)), timeoutMs);
    // After 'close' the whole of stderr is in: the reason (e.g. EADDRINUSE) is in the message.
    void node.exited.then(() => settle(new Error(`serve.js exited before listening: ${node.stderr().trim() || '(no output)'}`)));
    node.child.stdout!.setEncoding('utf8');
    node.child.stdout!.on('data', (chunk: string) => {
      if (settled) return; // keep draining so the child never blocks on a full pipe
      buffered += chunk;
      if (buffered.includes('"event":"listening"')) settle();
    });
  });
}

async function stopAll(nodes: readonly Node[], graceMs: number): Promise<void> {
  await Promise.all(
    nodes.map(async ({ child, exited }) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    }),
  );
}

/** Start the cluster (see the file comment). */
export async function startClusterProcesses(options: ClusterProcessesOptions = {}): Promise<ClusterProcesses> {
  const count = options.nodes ?? 3;
  const host = options.host ?? '127.0.0.1';
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(count, host);
    const addresses = ports.map((port) => `${host}:${port}`);
    const clusterStartMs = Date.now();
    const nodes = addresses.map((_, hostId) =>
      startNode(['--host-id', String(hostId), '--peers', addresses.join(','), '--cluster-start-ms', String(clusterStartMs), ...(options.args ?? [])]),
    );
    try {
      await Promise.all(nodes.map((node) => listening(node, options.startTimeoutMs ?? 30_000)));
    } catch (error) {
      await stopAll(nodes, 1000);
      if (attempt < attempts && /EADDRINUSE/.test((error as Error).message)) continue;
      throw error;
    }
    let stopping: Promise<void> | null = null;
    return {
      addresses,
      ports,
      pids: nodes.map((n) => n.child.pid!),
      clusterStartMs,
      stop: (graceMs = 5000) => (stopping ??= stopAll(nodes, graceMs)),
    };
  }
}
