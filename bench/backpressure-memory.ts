/**
 * Memory under backpressure (issue 6): the server stops reading, the caller keeps pushing calls
 * for 30 s. The client must hold at most its queue's hard limit of calls (the rest are refused
 * with BackpressureError at once), so heap and RSS stay under a bound set by the queue limits:
 *
 *   bound = start + hard × (payload + per-call overhead) + slabs × slabBytes + slack
 *
 *   npx tsc -p . && node dist/bench/backpressure-memory.js [--seconds 30] [--payload 1024]
 *
 * Prints the samples (heap after GC, RSS) and exits 1 if a bound is exceeded.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from '../src/client.js';
import { BackpressureError } from '../src/errors.js';
import { CLIENT_DEFAULTS } from '../src/options.js';
import { startServer } from '../src/server/index.js';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} needs a positive number`);
  return value;
}

const seconds = argument('seconds', 30);
const payloadBytes = Math.floor(argument('payload', 1024));
/** Per queued call beyond its payload: the call record, its promise, its params array, the timer slot. Generous on purpose. */
const PER_CALL_OVERHEAD = 2048;
const SLACK = 48 * 1048576;
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const server = await startServer({ workloads: ['kv'] });
  // Calls time out after 5 s, so the queue churns: new calls take the places of timed-out ones.
  const client = await Client.connect({ hosts: [server.address], callTimeoutMs: 5000 });
  const { hard } = client.options.queue;
  const slabs = client.options.maxSlabs * client.options.slabBytes;
  server.faults.stopReading = true;

  gc();
  const start = process.memoryUsage();
  const heapBound = start.heapUsed + hard * (payloadBytes + PER_CALL_OVERHEAD) + slabs + SLACK;
  const rssBound = start.rss + hard * (payloadBytes + PER_CALL_OVERHEAD) + slabs + SLACK + 64 * 1048576; // + kernel-side socket buffers are not in RSS, but V8 young space is
  console.log(`backpressure-memory: ${seconds} s, payload ${payloadBytes} B, queue hard limit ${hard}, slabs ${mib(slabs)} (defaults: ${JSON.stringify(CLIENT_DEFAULTS.queue)})`);
  console.log(`start: heap ${mib(start.heapUsed)}, rss ${mib(start.rss)}; bounds: heap ${mib(heapBound)}, rss ${mib(rssBound)}`);

  let issued = 0;
  let refused = 0;
  let timedOut = 0;
  let other = 0;
  let maxHeap = 0;
  let maxRss = 0;
  let maxPending = 0;
  const payload = new Uint8Array(payloadBytes).fill(1);
  const deadline = performance.now() + seconds * 1000;
  let nextSample = performance.now() + 1000;
  let n = 0;
  while (performance.now() < deadline) {
    // Push as fast as the event loop allows: 500 calls per turn.
    for (let i = 0; i < 500; i++) {
      issued++;
      client.call('Put', [`key-${n++}`, payload]).catch((error: unknown) => {
        if (error instanceof BackpressureError) refused++;
        else if (error instanceof Error && error.name === 'CallTimeoutError') timedOut++;
        else other++;
      });
    }
    maxPending = Math.max(maxPending, client.pending);
    await sleep(1);
    if (performance.now() >= nextSample) {
      nextSample += 1000;
      gc();
      const m = process.memoryUsage();
      maxHeap = Math.max(maxHeap, m.heapUsed);
      maxRss = Math.max(maxRss, m.rss);
      console.log(`  ${Math.round((performance.now() - (deadline - seconds * 1000)) / 1000)} s  pending ${client.pending}  issued ${issued}  refused ${refused}  timed out ${timedOut}  heap ${mib(m.heapUsed)}  rss ${mib(m.rss)}`);
    }
  }
  server.faults.stopReading = false;
  await client.close();
  await server.close();
  console.log(`\nissued ${issued}, refused (BackpressureError) ${refused}, timed out ${timedOut}, other ${other}; most pending ${maxPending} (hard limit ${hard})`);
  console.log(`max heap ${mib(maxHeap)} (bound ${mib(heapBound)}), max rss ${mib(maxRss)} (bound ${mib(rssBound)})`);
  const ok = maxPending <= hard && maxHeap <= heapBound && maxRss <= rssBound;
  console.log(ok ? 'PASS: memory bounded by the queue limits' : 'FAIL: memory above the bound set by the queue limits');
  return ok ? 0 : 1;
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
