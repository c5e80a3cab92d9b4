/**
 * Whole-process benchmark of the cluster layer: calls per second from one client against
 *
 * 1. `one` — one embedded node in its own process;
 * 2. `cluster` — a three-node embedded cluster in one server process (`serve.js --nodes 3`);
 * 3. `processes` — a three-node embedded cluster with each node in its own process
 *    (`serve.js --host-id i --peers …`, three processes answering as one cluster).
 *
 *   npx tsc -p . && node dist/bench/cluster-throughput.js [--seconds 4] [--depth 2000]
 *        [--rounds 3] [--procedure vote|ping] [--scenarios one,cluster,processes] [--json]
 *
 * Each round keeps `depth` calls in flight (closed loop) for 1 s of warm-up then `seconds`
 * measured; the table shows the median round and the spread. The client is the public `Client`
 * with its default routing (discovery and client affinity on): it learns the topology and the
 * catalog (`@Statistics TOPO`, `@SystemCatalog PROCEDURES`) and sends each single-partition
 * call to its partition's leader. Every server loads the voter contestants at start, so each
 * Vote is accepted and stored. After the rounds, the nodes' `misroutedCalls` (read with
 * `@Statistics('EMBEDDED')`) are summed: with leader routing they stay 0.
 *
 * (An earlier "3 independent one-node processes" scenario is gone: those processes each
 * claimed host id 0 and every partition, so they were three databases, not one cluster.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startClusterProcesses } from '../scripts/cluster-processes.js';
import { Client } from '../src/client.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    depth: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    procedure: { type: 'string', default: 'vote' },
    scenarios: { type: 'string', default: 'one,cluster,processes' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const DEPTH = Number(args.depth);
const ROUNDS = Number(args.rounds);
const DIST = dirname(dirname(fileURLToPath(import.meta.url)));
/** Every server: 8 partitions, the voter schema, its six contestants loaded at start. */
const SERVER_ARGS = ['--partitions', '8', '--workloads', 'voter', '--contestants', '6'];

/** One `serve.js` process; resolves with its ports once it prints them. */
async function serve(extra: string[]): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, [join(DIST, 'scripts', 'serve.js'), '--port', '0', ...SERVER_ARGS, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { ports?: number[] };
    if (message.ports !== undefined) return { child, ports: message.ports };
  }
  throw new Error('serve.js exited before listening');
}

interface Round {
  callsPerSecond: number;
  failures: number;
  perConnection: number[];
}

async function round(ports: number[]): Promise<Round> {
  // Default routing (discovery, client affinity); inline decoding and a queue deep enough for DEPTH.
  const client = await Client.connect({ hosts: ports.map((p) => `127.0.0.1:${p}`), decode: { workers: 0 }, queue: { warn: DEPTH * 2, resume: DEPTH, hard: DEPTH * 4 } });
  const vote = args.procedure === 'vote';
  let phone = 5_550_000_000n + BigInt(Math.floor(Math.random() * 1e8));
  let done = 0;
  let failures = 0;
  let measuring = false;
  let stop = false;
  const before = client.connections.map((c) => c.bytesOut);
  const one = (): Promise<void> =>
    (vote ? client.call('Vote', [phone++, Number(phone % 6n) + 1, 1000n]) : client.call('@Ping')).then(
      () => {
        if (measuring) done++;
      },
      () => {
        if (measuring) failures++;
      },
    );
  const lanes = Array.from({ length: DEPTH }, async () => {
    while (!stop) await one();
  });
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(lanes);
  const perConnection = client.connections.map((c, i) => c.bytesOut - before[i]!);
  await client.close();
  const total = perConnection.reduce((a, b) => a + b, 0);
  return { callsPerSecond: done / elapsed, failures, perConnection: perConnection.map((b) => Math.round((100 * b) / total)) };
}

/** `misroutedCalls` summed over every node (each node's row once, whichever node reports it). */
async function misrouted(ports: number[]): Promise<number> {
  const byHost = new Map<number, number>();
  for (const port of ports) {
    const client = await Client.connect({ hosts: [`127.0.0.1:${port}`], discover: false, clientAffinity: false, decode: { workers: 0 } });
    try {
      const table = (await client.call('@Statistics', ['EMBEDDED', 0])).tables[0]!;
      for (let row = 0; row < table.rowCount; row++) byHost.set(Number(table.get(row, 1)), Number(table.get(row, 6)));
    } finally {
      await client.close();
    }
  }
  return [...byHost.values()].reduce((a, b) => a + b, 0);
}

interface Scenario {
  name: string;
  key: string;
  start(): Promise<{ ports: number[]; stop(): Promise<void> | void }>;
}

const killAll = (children: ChildProcess[]) => (): void => {
  for (const child of children) child.kill('SIGTERM');
};

const SCENARIOS: Scenario[] = [
  {
    key: 'one',
    name: '1 node, 1 server process',
    async start() {
      const s = await serve([]);
      return { ports: s.ports, stop: killAll([s.child]) };
    },
  },
  {
    key: 'cluster',
    name: '3-node cluster, 1 server process (leader routing)',
    async start() {
      const s = await serve(['--nodes', '3']);
      return { ports: s.ports, stop: killAll([s.child]) };
    },
  },
  {
    key: 'processes',
    name: '3-node cluster, 3 server processes (leader routing)',
    async start() {
      const cluster = await startClusterProcesses({ nodes: 3, args: SERVER_ARGS });
      return { ports: cluster.ports, stop: () => cluster.stop() };
    },
  },
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wanted = new Set(args.scenarios!.split(','));
const results: { scenario: string; median: number; min: number; max: number; failures: number; misrouted: number; share: number[]; load: number }[] = [];
console.log(`cluster throughput: ${args.procedure}, depth ${DEPTH}, ${SECONDS} s × ${ROUNDS} rounds, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
for (const scenario of SCENARIOS.filter((s) => wanted.has(s.key))) {
  const { ports, stop } = await scenario.start();
  try {
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(ports));
    const rates = rounds.map((r) => r.callsPerSecond);
    const mid = rounds.find((r) => r.callsPerSecond === median(rates))!;
    results.push({
      scenario: scenario.name,
      median: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      failures: rounds.reduce((a, r) => a + r.failures, 0),
      misrouted: await misrouted(ports),
      share: mid.perConnection,
      load: loadavg()[0]!,
    });
    const r = results.at(-1)!;
    console.log(
      `${r.scenario.padEnd(52)} ${Math.round(r.median).toLocaleString('en-US').padStart(9)} calls/s  (min ${Math.round(r.min).toLocaleString('en-US')}, max ${Math.round(r.max).toLocaleString('en-US')}; bytes out per connection ${r.share.join('/')} %; failures ${r.failures}; misrouted ${r.misrouted}; load ${r.load.toFixed(1)})`,
    );
  } finally {
    await stop();
  }
}
if (args.json) console.log(JSON.stringify({ procedure: args.procedure, depth: DEPTH, seconds: SECONDS, rounds: ROUNDS, results }));
