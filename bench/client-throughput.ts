/**
 * Whole-process benchmark of one client connection: calls per second at pipeline depths
 * 1, 10, 100 and 1000, client CPU time per call, and Buffer allocations per call. The server
 * runs in ANOTHER process so client and server do not share an event loop.
 *
 *   npx tsc -p . && node dist/bench/client-throughput.js [options]
 *
 *   --server embedded|echo   embedded: the embedded server (dist/scripts/serve.js, voter
 *                            workload); echo: bench/echo-server (canned answers: the client's
 *                            ceiling). Default embedded.
 *   --procedure vote|ping    Vote(BIGINT, INTEGER, BIGINT) with declared types, or @Ping. Default vote.
 *   --connect host:port      use a server already running there (an embedded one started with
 *                            `voltwire serve --workloads voter`), so two builds of the client
 *                            can be measured against the same server process; --server is ignored
 *   --api handle|call        handle: through a procedure handle (`client.procedure(name, types)`);
 *                            call: through `client.call(name, params)`, as an outside user would
 *                            (Vote's types then inferred from the values). Default handle.
 *   --seconds N              measured time per depth (default 3; 1 s warm-up before each)
 *   --depths 1,10,100,1000   pipeline depths: that many calls kept in flight (closed loop)
 *   --call-options none|shared|fresh
 *                            per-call options: none, one shared { timeoutMs } object for every
 *                            call, or a fresh { timeoutMs } literal per call (the cost of the
 *                            run-time option check). Default none.
 *   --json                   print the results as one JSON line too
 *
 * Figures per depth:
 * - calls/s: settled calls / measured wall time;
 * - CPU µs/call: this process's user+system CPU (process.cpuUsage) / calls — the client's cost;
 * - slab allocs/call: Buffers allocated by the connection's slab pool (pool.allocations);
 * - Buffer allocs/call: calls to Buffer.alloc/allocUnsafe/allocUnsafeSlow/from/concat made in
 *   this process during the window (the whole client: encode, framing, decode), counted by
 *   wrapping those functions;
 * - GC: collections and their total pause during the window (PerformanceObserver 'gc').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';

const { values: args } = parseArgs({
  options: {
    server: { type: 'string', default: 'embedded' },
    procedure: { type: 'string', default: 'vote' },
    api: { type: 'string', default: 'handle' },
    connect: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    depths: { type: 'string', default: '1,10,100,1000' },
    'call-options': { type: 'string', default: 'none' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const DEPTHS = args.depths!.split(',').map(Number);
const DIST = dirname(dirname(fileURLToPath(import.meta.url))); // dist/

async function startServerProcess(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const script = kind === 'echo' ? join(DIST, 'bench', 'echo-server.js') : join(DIST, 'scripts', 'serve.js');
  const argv = kind === 'echo' ? [script] : [script, '--port', '0', '--workloads', 'voter'];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const message = JSON.parse(line) as { ports?: number[] };
    if (message.ports !== undefined) return { child, port: message.ports[0]! };
  }
  throw new Error(`the ${kind} server exited before listening`);
}

/** Count Buffer allocations made through the public factories. */
const counted = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat'] as const;
let bufferAllocations = 0;
let counting = false;
for (const name of counted) {
  const original = Buffer[name] as (...a: unknown[]) => Buffer;
  (Buffer as unknown as Record<string, unknown>)[name] = function (this: unknown, ...a: unknown[]): Buffer {
    if (counting) bufferAllocations++;
    return original.apply(Buffer, a);
  };
}

let gcCount = 0;
let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!counting) continue;
    gcCount++;
    gcMs += entry.duration;
  }
});
gcObserver.observe({ entryTypes: ['gc'] });

interface Row {
  depth: number;
  calls: number;
  callsPerSecond: number;
  cpuMicrosPerCall: number;
  slabAllocationsPerCall: number;
  bufferAllocationsPerCall: number;
  gcCount: number;
  gcMs: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

async function main(): Promise<void> {
  const { child, port } = args.connect === undefined ? await startServerProcess(args.server!) : { child: null, port: 0 };
  const client = await Client.connect({ hosts: [args.connect ?? `127.0.0.1:${port}`] });
  const vote = client.procedure('Vote', ['BIGINT', 'INTEGER', 'BIGINT']);
  const ping = client.procedure('@Ping', []);
  if (args.procedure === 'vote' && args.server !== 'echo') await client.call('Initialize', [6, 'A,B,C,D,E,F']);
  // Parameters built once: the loop measures the client, not the benchmark's own allocations.
  const phones = Array.from({ length: 4096 }, (_, i) => [2015550000n + BigInt(i * 7919), (i % 6) + 1, 1_000_000n] as const);
  const useVote = args.procedure === 'vote';
  if (args.api !== 'handle' && args.api !== 'call') throw new Error(`--api must be handle or call, got ${args.api}`);
  const viaCall = args.api === 'call';
  const NO_PARAMS: readonly unknown[] = [];
  let running = false;
  let calls = 0;
  let failed = 0;
  const callOptions = args['call-options'];
  if (callOptions !== 'none' && callOptions !== 'shared' && callOptions !== 'fresh') throw new Error(`--call-options must be none, shared or fresh, got ${callOptions}`);
  const shared = { timeoutMs: 60_000 };
  const options = (): { timeoutMs: number } | undefined => (callOptions === 'none' ? undefined : callOptions === 'shared' ? shared : { timeoutMs: 60_000 });

  async function loop(seed: number): Promise<void> {
    let i = seed;
    while (running) {
      try {
        if (viaCall) await client.call(useVote ? 'Vote' : '@Ping', useVote ? phones[i++ & 4095]! : NO_PARAMS, options());
        else if (useVote) await vote.call(phones[i++ & 4095]!, options());
        else await ping.call([], options());
        calls++;
      } catch {
        failed++;
      }
    }
  }

  async function run(depth: number, seconds: number, measure: boolean): Promise<Row | null> {
    running = true;
    calls = 0;
    failed = 0;
    const connection = client.connections[0]!;
    const slabBefore = connection.slabs.allocations;
    client.stats({ reset: true });
    const loops = Array.from({ length: depth }, (_, i) => loop(i * 977));
    bufferAllocations = 0;
    gcCount = 0;
    gcMs = 0;
    counting = measure;
    const cpu = process.cpuUsage();
    const start = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const elapsed = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const settled = calls + failed;
    counting = false;
    running = false;
    await Promise.all(loops);
    if (!measure) return null;
    const stats = client.stats();
    return {
      depth,
      calls: settled,
      callsPerSecond: Math.round(settled / elapsed),
      cpuMicrosPerCall: (used.user + used.system) / settled,
      slabAllocationsPerCall: (connection.slabs.allocations - slabBefore) / settled,
      bufferAllocationsPerCall: bufferAllocations / settled,
      gcCount,
      gcMs: Math.round(gcMs),
      p50Ms: stats.latencyMs.p50,
      p99Ms: stats.latencyMs.p99,
      failed,
    };
  }

  const rows: Row[] = [];
  for (const depth of DEPTHS) {
    await run(depth, 1, false);
    rows.push((await run(depth, SECONDS, true))!);
  }
  await client.close();
  if (child !== null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  gcObserver.disconnect();

  const cpu = cpus()[0];
  console.log(`client-throughput: server=${args.server} procedure=${args.procedure} api=${args.api} ${SECONDS}s per depth; node ${process.version}, ${cpus().length} x ${cpu?.model ?? '?'}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| depth | calls/s | CPU µs/call | slab allocs/call | Buffer allocs/call | GCs (pause ms) | p50 ms | p99 ms |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.depth} | ${r.callsPerSecond.toLocaleString('en-US')} | ${r.cpuMicrosPerCall.toFixed(2)} | ${r.slabAllocationsPerCall.toFixed(4)} | ${r.bufferAllocationsPerCall.toFixed(4)} | ${r.gcCount} (${r.gcMs}) | ${r.p50Ms} | ${r.p99Ms} |` +
        (r.failed > 0 ? ` ${r.failed} failed` : ''),
    );
  }
  if (args.json) console.log(JSON.stringify({ server: args.server, procedure: args.procedure, seconds: SECONDS, rows }));
}

await main();
