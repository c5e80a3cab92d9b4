/**
 * Soak test: steady load on an embedded server while random faults are injected, then the
 * invariant of issue 6 — issued = succeeded + failed, every call settled exactly once, no
 * unhandled rejection, nothing left open after close() — and a heap that does not keep growing.
 *
 *   npm run soak -- --minutes 10            random faults (kill/restart, cut frames, garbage,
 *                                           delays, stalls, ignored pings, closes)
 *   npm run soak -- --minutes 1 --storm     reconnect storm: the node flaps every second
 *
 *   npm run soak -- --minutes 5 --nodes 3   the same on a 3-node embedded cluster: each fault
 *                                           (or flap) hits one node chosen at random
 *
 * Options: --minutes N (default 1), --storm, --concurrency N (calls kept in flight, default 200),
 * --seed N (fault schedule), --flap-ms N (storm period, default 1000), --nodes N (default 1).
 * The client reconnects by itself (its cluster layer, backoff 25–250 ms here). Exit code 1 on
 * failure.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from '../src/client.js';
import { BackpressureError, CallTimeoutError, ClientClosedError, ConnectionError, NoConnectionsError, ProtocolError } from '../src/errors.js';
import { startCluster, startServer, type EmbeddedServer, type FaultState } from '../src/server/index.js';

interface SoakOptions {
  minutes: number;
  storm: boolean;
  concurrency: number;
  seed: number;
  flapMs: number;
  nodes: number;
}

function parseArguments(argv: readonly string[]): SoakOptions {
  const options: SoakOptions = { minutes: 1, storm: false, concurrency: 200, seed: Date.now() % 100_000, flapMs: 1000, nodes: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${arg} needs a positive number, got ${argv[i]}`);
      return n;
    };
    if (arg === '--minutes') options.minutes = value();
    else if (arg === '--storm') options.storm = true;
    else if (arg === '--concurrency') options.concurrency = Math.floor(value());
    else if (arg === '--seed') options.seed = Math.floor(value());
    else if (arg === '--flap-ms') options.flapMs = value();
    else if (arg === '--nodes') options.nodes = Math.floor(value());
    else throw new RangeError(`unknown option ${arg} (see the comment at the top of scripts/soak.ts)`);
  }
  return options;
}

/** A small deterministic PRNG (mulberry32) so a failing fault schedule can be replayed with --seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `global.gc` without a command-line flag (the npm script runs plain `node`). */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Errors a call may end with under faults; anything else is a bug. */
const EXPECTED = [ConnectionError, CallTimeoutError, ProtocolError, NoConnectionsError, BackpressureError, ClientClosedError];

class Tally {
  issued = 0;
  succeeded = 0;
  failed = 0;
  doubleSettled = 0;
  readonly errors = new Map<string, number>();
  readonly unexpected: Error[] = [];

  track(promise: Promise<unknown>): Promise<void> {
    this.issued++;
    let settled = 0;
    return promise.then(
      () => {
        if (settled++ > 0) this.doubleSettled++;
        this.succeeded++;
      },
      (error: unknown) => {
        if (settled++ > 0) this.doubleSettled++;
        this.failed++;
        const name = error instanceof Error ? error.name : typeof error;
        this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
        if (!EXPECTED.some((kind) => error instanceof kind) && this.unexpected.length < 5) this.unexpected.push(error as Error);
      },
    );
  }

  line(): string {
    return `issued ${this.issued}  succeeded ${this.succeeded}  failed ${this.failed}  in flight ${this.issued - this.succeeded - this.failed}`;
  }
}

/** One random fault for a random while, then everything back to normal. */
async function injectFault(server: EmbeddedServer, random: () => number, counts: Map<string, number>): Promise<void> {
  const switches: [string, Partial<FaultState> | 'kill'][] = [
    ['kill', 'kill'],
    ['closeMidFrame', { closeMidFrame: true }],
    ['sendGarbage', { sendGarbage: true }],
    ['sendOversized', { sendOversized: true }],
    ['delayMs', { delayMs: 50 + Math.floor(random() * 400) }],
    ['stopReading', { stopReading: true }],
    ['ignorePings', { ignorePings: true }],
    ['closeAfterFrames', { closeAfterFrames: Math.floor(random() * 200) }],
  ];
  const [name, change] = switches[Math.floor(random() * switches.length)]!;
  counts.set(name, (counts.get(name) ?? 0) + 1);
  const lasts = 100 + Math.floor(random() * 1500);
  if (change === 'kill') {
    await server.kill();
    await sleep(lasts);
    await server.restart();
    return;
  }
  server.faults.set(change);
  await sleep(lasts);
  server.faults.reset();
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const gc = gcFunction();
  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(reason));
  const random = prng(options.seed);
  const durationMs = options.minutes * 60_000;
  console.log(`soak: ${options.minutes} min, ${options.nodes} node(s), ${options.storm ? `reconnect storm (flap every ${options.flapMs} ms)` : 'random faults'}, concurrency ${options.concurrency}, seed ${options.seed}`);

  const cluster = options.nodes > 1 ? await startCluster({ nodes: options.nodes, partitions: 8, workloads: ['kv'] }) : null;
  const nodes: readonly EmbeddedServer[] = cluster?.nodes ?? [await startServer({ workloads: ['kv'] })];
  const pickNode = (): EmbeddedServer => nodes[Math.floor(random() * nodes.length)]!;
  const baselineResources = process.getActiveResourcesInfo().length;
  const client = await Client.connect({
    hosts: nodes.map((n) => n.address),
    callTimeoutMs: 2000,
    connectTimeoutMs: 1000,
    timerResolutionMs: 20,
    reconnectDelayMs: 25,
    maxReconnectDelayMs: 250,
  });
  let reconnects = 0;
  client.on('connect', (info) => {
    if (info.reconnected) reconnects++;
  });
  const tally = new Tally();
  const faults = new Map<string, number>();
  const payload = new Uint8Array(256).fill(42);
  const deadline = performance.now() + durationMs;
  let running = true;

  // Load: `concurrency` independent loops, each issuing its next call when the previous settles.
  const worker = async (id: number): Promise<void> => {
    let n = 0;
    while (running) {
      const key = `k${id}-${n++ % 64}`;
      const pick = n % 3;
      const call = pick === 0 ? client.call('@Ping') : pick === 1 ? client.call('Put', [key, payload]) : client.call('Get', [key]);
      await tally.track(call);
      // Refused at once (no connection, queue full): do not spin.
      if (!client.connections.some((c) => c.state === 'open')) await sleep(5);
    }
  };

  gc();
  const heapStart = process.memoryUsage().heapUsed;
  const samples: { t: number; heap: number }[] = [];
  const workers = Array.from({ length: options.concurrency }, (_, i) => worker(i));

  const chaos = (async () => {
    while (running && performance.now() < deadline) {
      if (options.storm) {
        const node = pickNode();
        await sleep(options.flapMs / 2);
        await node.kill();
        faults.set('kill', (faults.get('kill') ?? 0) + 1);
        await sleep(options.flapMs / 2);
        await node.restart();
      } else {
        await sleep(500 + random() * 3000);
        if (performance.now() < deadline) await injectFault(pickNode(), random, faults);
      }
    }
  })();

  const started = performance.now();
  let nextReport = started + 10_000;
  while (performance.now() < deadline) {
    await sleep(Math.min(1000, Math.max(1, deadline - performance.now())));
    gc();
    samples.push({ t: performance.now() - started, heap: process.memoryUsage().heapUsed });
    if (performance.now() >= nextReport) {
      nextReport += 10_000;
      console.log(`  ${((performance.now() - started) / 1000).toFixed(0)} s  ${tally.line()}  heap ${mib(process.memoryUsage().heapUsed)}  reconnects ${reconnects}`);
    }
  }
  running = false;
  await chaos;
  for (const node of nodes) {
    node.faults.reset();
    if (!node.running) await node.restart();
  }
  await Promise.all(workers);
  await client.close();
  if (cluster !== null) await cluster.close();
  else await nodes[0]!.close();
  await sleep(100);
  gc();
  const heapEnd = process.memoryUsage().heapUsed;

  // Heap trend: compare the first and last quarter of the post-GC samples (after a warm-up).
  const usable = samples.slice(Math.min(5, Math.floor(samples.length / 5)));
  const quarter = Math.max(1, Math.floor(usable.length / 4));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const early = median(usable.slice(0, quarter).map((s) => s.heap));
  const late = median(usable.slice(-quarter).map((s) => s.heap));
  const allowed = Math.max(16 * 1048576, early * 0.25);
  const leftOpen = process.getActiveResourcesInfo().length - baselineResources;

  console.log('');
  console.log(`issued     ${tally.issued}`);
  console.log(`succeeded  ${tally.succeeded}`);
  console.log(`failed     ${tally.failed}  ${JSON.stringify(Object.fromEntries(tally.errors))}`);
  console.log(`faults     ${JSON.stringify(Object.fromEntries(faults))}; reconnects ${reconnects}`);
  console.log(`heap       start ${mib(heapStart)}, end ${mib(heapEnd)} (after close); under load: early ${mib(early)}, late ${mib(late)} (allowed growth ${mib(allowed)})`);
  console.log(`rss        ${mib(process.memoryUsage().rss)}`);

  const problems: string[] = [];
  if (tally.issued !== tally.succeeded + tally.failed) problems.push(`lost calls: issued ${tally.issued} ≠ succeeded + failed ${tally.succeeded + tally.failed}`);
  if (tally.doubleSettled > 0) problems.push(`${tally.doubleSettled} calls settled twice`);
  if (tally.unexpected.length > 0) problems.push(`unexpected errors: ${tally.unexpected.map((e) => `${e.name}: ${e.message}`).join(' | ')}`);
  if (unhandled.length > 0) problems.push(`${unhandled.length} unhandled rejections: ${String(unhandled[0])}`);
  if (client.pending !== 0) problems.push(`client reports ${client.pending} pending calls after close`);
  if (late - early > allowed) problems.push(`heap kept growing under load: ${mib(early)} → ${mib(late)}`);
  if (heapEnd - heapStart > allowed) problems.push(`heap after close ${mib(heapEnd)} is above the start ${mib(heapStart)} by more than ${mib(allowed)}`);
  if (leftOpen > 0) problems.push(`${leftOpen} handles left open after close: ${process.getActiveResourcesInfo().join(', ')}`);
  if (tally.succeeded === 0) problems.push('no call succeeded');
  if (problems.length > 0) {
    console.log(`\nFAIL\n- ${problems.join('\n- ')}`);
    return 1;
  }
  console.log('\nPASS: nothing lost, every call settled once, heap flat, nothing left open');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
