/**
 * Whole-process benchmark of the embedded server: `@Ping` and voter `Vote` calls per second
 * with the server in its own process (dist/scripts/serve.js) and a pipelining load driver here.
 *
 *   npx tsc -p . && node dist/bench/server-throughput.js [--seconds 5] [--connections 4] [--depth 512] [--procedure ping,vote]
 *   node dist/bench/server-throughput.js --extract 1000000 [--page 100000]
 *
 * The driver is deliberately thin and built only on the codec: requests are written with
 * `writeInvocation` straight into one slab per socket write, answers are split by
 * `FrameDecoder` and only their status byte is read; every answer frees one slot, and the
 * freed slots are refilled in one write per chunk (a closed loop of `depth` calls in flight per
 * connection).
 *
 * `--extract N` instead pages through an N-row analytics `EVENTS` table
 * (`SELECT * … WHERE ID > ? ORDER BY ID LIMIT page`) and reports rows/s, MB and the server
 * process's peak RSS (VmHWM): the generated table stores nothing, so memory stays flat.
 *
 * Figures per procedure:
 * - calls/s: answers / wall time of the measured window (after a 1 s warm-up);
 * - server CPU: user+system CPU of the server process during the window (from /proc), and
 *   calls per server-CPU-second, i.e. what one core of the server sustains even when the
 *   driver, sharing the machine, is the slower side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BufferWriter } from '../src/protocol/buffer-writer.js';
import { FrameDecoder } from '../src/protocol/frame-decoder.js';
import { writeInvocation, type ParameterType } from '../src/protocol/invocation-writer.js';
import { decodeLoginResponse, encodeLoginRequest } from '../src/protocol/login.js';
import { readResponseHeader, tableLayouts } from '../src/protocol/response.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '4' },
    depth: { type: 'string', default: '512' },
    procedure: { type: 'string', default: 'ping,vote' },
    extract: { type: 'string' },
    page: { type: 'string', default: '100000' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const DEPTH = Number(args.depth);
const DIST = dirname(dirname(fileURLToPath(import.meta.url)));

const AREA_CODES = [201, 212, 213, 305, 312, 415, 512, 617, 702, 808, 907, 999];
const VOTE_TYPES: readonly ParameterType[] = ['BIGINT', 'INTEGER', 'BIGINT'];
/** Phone numbers drawn up front (voter's generator: a known area code + 7 random digits), so the driver spends its time on the wire. */
const PHONES: bigint[] = Array.from({ length: 1 << 20 }, () => BigInt(AREA_CODES[(Math.random() * AREA_CODES.length) | 0]! * 10_000_000 + ((Math.random() * 10_000_000) | 0)));
const CONTESTANTS = [1, 2, 3, 4, 5, 6];

async function startServerProcess(extraArgs: string[] = ['--workloads', 'voter']): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(DIST, 'scripts', 'serve.js'), '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { ports: number[] }).ports[0]! };
}

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

class Driver {
  answered = 0;
  failed = 0;
  private handle = 1n;
  private next = (Math.random() * PHONES.length) | 0;
  private readonly writer = new BufferWriter(Buffer.allocUnsafe(1 << 20));
  private stopped = false;

  private constructor(
    private readonly socket: Socket,
    private readonly procedure: 'ping' | 'vote',
  ) {}

  static async open(port: number, procedure: 'ping' | 'vote'): Promise<Driver> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(encodeLoginRequest({}));
    const login = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    if (decodeLoginResponse(login).resultCode !== 0) throw new Error('login refused');
    return new Driver(socket, procedure);
  }

  private fill(count: number): void {
    const w = this.writer;
    w.useSlab(w.buffer, 0);
    for (let i = 0; i < count; i++) {
      if (this.procedure === 'ping') {
        writeInvocation(w, { procedure: '@Ping', handle: this.handle++ });
      } else {
        const n = this.next++;
        writeInvocation(w, { procedure: 'Vote', handle: this.handle++, params: [PHONES[n & (PHONES.length - 1)]!, CONTESTANTS[n % 6]!, 2n], types: VOTE_TYPES });
      }
    }
    this.socket.write(Buffer.from(w.buffer.subarray(0, w.offset)));
  }

  start(): void {
    const decoder = new FrameDecoder({
      onFrame: (frame) => {
        // status byte: after length (4), version (1), handle (8), fields (1)
        if (frame[14] === 1) this.answered++;
        else this.failed++;
      },
    });
    this.socket.on('data', (chunk: Buffer) => {
      const before = this.answered + this.failed;
      decoder.push(chunk);
      const done = this.answered + this.failed - before;
      if (!this.stopped && done > 0) this.fill(done);
    });
    this.fill(DEPTH);
  }

  stop(): void {
    this.stopped = true;
    this.socket.destroy();
  }
}

async function call(port: number, procedure: string, params: unknown[], types: ParameterType[]): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(encodeLoginRequest({}));
  await new Promise((resolve) => socket.once('data', resolve));
  const w = new BufferWriter(Buffer.allocUnsafe(1024));
  writeInvocation(w, { procedure, handle: 1n, params, types });
  socket.write(Buffer.from(w.message()));
  await new Promise((resolve) => socket.once('data', resolve));
  socket.destroy();
}

async function measure(port: number, pid: number, procedure: 'ping' | 'vote'): Promise<Record<string, number | string>> {
  const drivers = await Promise.all(Array.from({ length: CONNECTIONS }, () => Driver.open(port, procedure)));
  for (const d of drivers) d.start();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const count = (): number => drivers.reduce((sum, d) => sum + d.answered + d.failed, 0);
  const startCalls = count();
  const startCpu = cpuSeconds(pid);
  const startTime = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const calls = count() - startCalls;
  const elapsed = (performance.now() - startTime) / 1000;
  const serverCpu = cpuSeconds(pid) - startCpu;
  for (const d of drivers) d.stop();
  const failed = drivers.reduce((sum, d) => sum + d.failed, 0);
  return {
    procedure: procedure === 'ping' ? '@Ping' : 'Vote',
    connections: CONNECTIONS,
    depth: DEPTH,
    'calls/s': Math.round(calls / elapsed),
    'server CPU s': Number(serverCpu.toFixed(2)),
    'calls per server CPU s': Math.round(calls / Math.max(serverCpu, 0.01)),
    failed,
  };
}

/** Page through EVENTS; returns rows/s, MB and the server's peak RSS. */
async function extract(rows: number, page: number): Promise<void> {
  const { child, port } = await startServerProcess(['--workloads', 'analytics', '--rows', String(rows)]);
  try {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const frames: Buffer[] = [];
    let wake: (() => void) | null = null;
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 30, onFrame: (frame) => { frames.push(frame); wake?.(); } });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    const next = (): Promise<Buffer> => new Promise((resolve) => { const take = (): void => { wake = null; resolve(frames.shift()!); }; if (frames.length > 0) take(); else wake = take; });
    socket.write(encodeLoginRequest({}));
    await next();
    const w = new BufferWriter(Buffer.allocUnsafe(1024));
    let after = 0n;
    let total = 0;
    let bytes = 0;
    const started = performance.now();
    for (;;) {
      w.useSlab(w.buffer, 0);
      writeInvocation(w, { procedure: '@AdHoc', handle: 1n, params: [`SELECT * FROM EVENTS WHERE ID > ? ORDER BY ID LIMIT ${page}`, after] });
      socket.write(Buffer.from(w.message()));
      const frame = await next();
      const header = readResponseHeader(frame);
      if (header.status !== 1) throw new Error(String(header.statusString));
      const count = tableLayouts(frame, header)[0]!.rowCount;
      if (count === 0) break;
      total += count;
      bytes += frame.length;
      after += BigInt(count);
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    socket.destroy();
    console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
    console.table([{ rows: total, page, MB: Number((bytes / 1e6).toFixed(1)), seconds: Number(seconds.toFixed(2)), 'rows/s': Math.round(total / seconds), 'server peak RSS MB': Math.round(peak) }]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  if (args.extract !== undefined) return extract(Number(args.extract), Number(args.page));
  const { child, port } = await startServerProcess();
  try {
    await call(port, 'Initialize', [6, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman'], ['INTEGER', 'STRING']);
    const results = [];
    for (const procedure of args.procedure!.split(',') as ('ping' | 'vote')[]) results.push(await measure(port, child.pid!, procedure));
    console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${SECONDS} s per procedure`);
    console.table(results);
    if (args.json) console.log(JSON.stringify(results));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

await main();
