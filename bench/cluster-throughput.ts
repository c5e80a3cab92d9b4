/**
 * Whole-process benchmark of the cluster layer: calls per second from one client against
 *
 * 1. one embedded node in its own process;
 * 2. three embedded nodes, each in its own process (three `dist/scripts/serve.js`), the client
 *    spreading calls over its three connections;
 * 3. a three-node embedded cluster in one server process (`serve.js --nodes 3`), single-partition
 *    calls routed to their partition's leader by the elastic hashinator.
 *
 *   npx tsc -p . && node dist/bench/cluster-throughput.js [--seconds 4] [--depth 2000]
 *        [--rounds 3] [--procedure vote|ping] [--scenarios one,three,cluster] [--json]
 *
 * Each round keeps `depth` calls in flight (closed loop) for 1 s of warm-up then `seconds`
 * measured; the table shows the median round and the spread. The client is the public `Client`,
 * which learns the topology and the catalog (`@Statistics TOPO`, `@SystemCatalog PROCEDURES`)
 * and routes each single-partition call to its partition's leader.
 *
 * Separate embedded processes do not share a store (each is a one-node "cluster" reporting host
 * id 0 and every partition): the client routes each call to "the leader" — host 0 — and takes
 * the three connections to host id 0 in turn. That measures what three server processes give one
 * client; scenario 3 measures partition-aware routing proper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    depth: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    procedure: { type: 'string', default: 'vote' },
    scenarios: { type: 'string', default: 'one,three,cluster' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const DEPTH = Number(args.depth);
const ROUNDS = Number(args.rounds);
const DIST = dirname(dirname(fileURLToPath(import.meta.url)));

/** One `serve.js` process; resolves with its ports once it prints them. */
async function serve(extra: string[]): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, [join(DIST, 'scripts', 'serve.js'), '--port', '0', '--partitions', '8', '--workloads', 'voter', ...extra], {
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
  // Only the listed hosts: separate one-node processes all call themselves host 0.
  const client = await Client.connect({ hosts: ports.map((p) => `127.0.0.1:${p}`), discover: false, reconnect: false, decode: { workers: 0 }, queue: { warn: DEPTH * 2, resume: DEPTH, hard: DEPTH * 4 } });
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

interface Scenario {
  name: string;
  key: string;
  start(): Promise<{ ports: number[]; children: ChildProcess[] }>;
}

const SCENARIOS: Scenario[] = [
  {
    key: 'one',
    name: '1 node, 1 server process',
    async start() {
      const s = await serve([]);
      return { ports: s.ports, children: [s.child] };
    },
  },
  {
    key: 'three',
    name: '3 nodes, 3 server processes',
    async start() {
      const all = await Promise.all([serve([]), serve([]), serve([])]);
      return { ports: all.flatMap((s) => s.ports), children: all.map((s) => s.child) };
    },
  },
  {
    key: 'cluster',
    name: '3-node cluster, 1 server process (leader routing)',
    async start() {
      const s = await serve(['--nodes', '3']);
      return { ports: s.ports, children: [s.child] };
    },
  },
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wanted = new Set(args.scenarios!.split(','));
const results: { scenario: string; median: number; min: number; max: number; failures: number; share: number[]; load: number }[] = [];
console.log(`cluster throughput: ${args.procedure}, depth ${DEPTH}, ${SECONDS} s × ${ROUNDS} rounds, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
for (const scenario of SCENARIOS.filter((s) => wanted.has(s.key))) {
  const { ports, children } = await scenario.start();
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
      share: mid.perConnection,
      load: loadavg()[0]!,
    });
    const r = results.at(-1)!;
    console.log(
      `${r.scenario.padEnd(50)} ${Math.round(r.median).toLocaleString('en-US').padStart(9)} calls/s  (min ${Math.round(r.min).toLocaleString('en-US')}, max ${Math.round(r.max).toLocaleString('en-US')}; bytes out per connection ${r.share.join('/')} %; failures ${r.failures}; load ${r.load.toFixed(1)})`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
  }
}
if (args.json) console.log(JSON.stringify({ procedure: args.procedure, depth: DEPTH, seconds: SECONDS, rounds: ROUNDS, results }));
