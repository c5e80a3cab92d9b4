/**
 * The embedded server in a child process, for `voltwire bench` and `npm start`.
 *
 * A load test must not share its event loop (or, on a small machine, its core) with the
 * server it measures, so the server runs as `node dist/scripts/serve.js` (the embedded
 * server's runnable script), which prints its address as one JSON line on stdout and stops
 * on SIGTERM. When that script is not there (an installed package ships only `dist/src`),
 * `voltwire serve` itself is started instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConnectionError } from '../errors.js';

export interface EmbeddedServer {
  /** `host:port` of each node. */
  hosts: string[];
  pid: number;
  /** Everything the server wrote on stderr so far (bounded), for error messages. */
  readonly stderr: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** Extra arguments for the server (e.g. `['--rows', '1000']`). */
  args?: readonly string[];
  /** How long to wait for the address line. Default 30 s. */
  startTimeoutMs?: number;
  /** The script and leading arguments to run with node (default: {@link serverCommand}). */
  command?: readonly string[];
}

const STDERR_LIMIT = 16 * 1024;

/** The command that runs the embedded server in a child process. */
export function serverCommand(): string[] {
  const script = fileURLToPath(new URL('../../scripts/serve.js', import.meta.url));
  if (existsSync(script)) return [script];
  return [fileURLToPath(new URL('./main.js', import.meta.url)), 'serve'];
}

/**
 * The hosts in the server's address line. Accepted shapes: `{ "port": 1234, "host"? }`,
 * `{ "ports": [..], "host"? }`, `{ "hosts": ["h:p", ..] }`, `{ "nodes": [{ "host", "port" }] }`.
 */
export function hostsFromAddressLine(line: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const host = typeof o.host === 'string' && o.host !== '' && o.host !== '0.0.0.0' ? o.host : '127.0.0.1';
  if (Array.isArray(o.hosts) && o.hosts.every((h) => typeof h === 'string')) return o.hosts as string[];
  if (Array.isArray(o.ports) && o.ports.every((p) => typeof p === 'number')) return (o.ports as number[]).map((p) => `${host}:${p}`);
  if (Array.isArray(o.nodes)) {
    const hosts = (o.nodes as unknown[]).flatMap((n) => {
      if (typeof n !== 'object' || n === null) return [];
      const node = n as Record<string, unknown>;
      return typeof node.port === 'number' ? [`${typeof node.host === 'string' ? node.host : host}:${node.port}`] : [];
    });
    if (hosts.length > 0) return hosts;
  }
  if (typeof o.port === 'number') return [`${host}:${o.port}`];
  return undefined;
}

export function startEmbeddedServer(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  // Any free port unless told otherwise (`voltwire serve` alone would take 21212).
  const args = options.args ?? [];
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const child = spawn(process.execPath, [...(options.command ?? serverCommand()), ...port, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C at the terminal reaches the load test (which then reports
    // and stops the server itself), not the server in the middle of the measurement.
    detached: true,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.slice(0, STDERR_LIMIT - stderr.length);
  });
  // If this process dies first, do not leave the server behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.removeListener('exit', killOnExit));

  return new Promise<EmbeddedServer>((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const detail = stderr.trim().split('\n').pop();
      reject(new ConnectionError(`the embedded server did not start: ${message}${detail ? ` (${detail})` : ''}`));
    };
    const timer = setTimeout(() => fail(`no address line within ${options.startTimeoutMs ?? 30_000} ms`), options.startTimeoutMs ?? 30_000);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`it exited with ${signal ?? `code ${code}`}`));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (settled) return; // keep draining so the child never blocks on a full pipe
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        const hosts = hostsFromAddressLine(line);
        if (hosts === undefined) continue;
        settled = true;
        clearTimeout(timer);
        resolve(makeServer(child, hosts, exited, () => stderr));
        return;
      }
    });
  });
}

function makeServer(child: ChildProcess, hosts: string[], exited: Promise<void>, stderr: () => string): EmbeddedServer {
  return {
    hosts,
    pid: child.pid!,
    get stderr() {
      return stderr();
    },
    async stop(graceMs = 5000): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
