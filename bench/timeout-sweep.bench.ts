/**
 * What the call-timeout sweep costs (tinybench): one `CallTracker.sweep()` — the work its timer
 * does every `timerResolutionMs` (default 100 ms) while any call is live.
 *
 *   npx tsc -p . && node dist/bench/timeout-sweep.bench.js
 *
 * - "10,000 in flight": 10,000 live calls (the client queue's default hard level), none due —
 *   the steady state of a saturated client;
 * - "1 in flight, 16,384 pooled": one live call in a tracker whose pool kept the most free
 *   records it keeps (`maxFreeCalls`) after a burst — the sweep scans free records too;
 * - "10,000 in flight, 1% due": 100 of them expire (and are started again, outside nothing:
 *   expiring is part of the sweep's work when calls time out).
 * Calls are started through `startCall` on a target that only queues them; the clock is fake,
 * so no call expires unless the task moves it.
 */
import { Bench } from 'tinybench';
import { CallTracker } from '../src/calls/call-tracker.js';
import type { PendingCall } from '../src/calls/pending-call.js';
import { startCall, type CallTarget } from '../src/calls/start-call.js';

const ignore = (): void => undefined;

function trackerWith(live: number, pooled: number): { tracker: CallTracker; target: CallTarget; queued: PendingCall[]; setNow: (ms: number) => void } {
  let now = 0;
  const tracker = new CallTracker({ now: () => now });
  const queued: PendingCall[] = [];
  const target: CallTarget = { host: 'bench', port: 0, tracker, submit: (call) => void queued.push(call) };
  for (let i = 0; i < live + pooled; i++) startCall(target, 'Vote', [], undefined, undefined, { timeoutMs: 60_000 }, null, true, false, ignore);
  for (let i = 0; i < pooled; i++) tracker.succeed(queued.pop()!, null);
  return { tracker, target, queued, setNow: (ms) => (now = ms) };
}

const inFlight = trackerWith(10_000, 0);
const afterBurst = trackerWith(1, 16_383);
const someDue = trackerWith(10_000, 0);
// 1% of someDue's calls get a deadline that the next sweep finds passed; they are restarted after.
let restarted = 0;
function restartDue(): void {
  for (let i = 0; i < 100; i++) {
    startCall(someDue.target, 'Vote', [], undefined, { timeoutMs: 1 }, { timeoutMs: 60_000 }, null, true, false, ignore);
    restarted++;
  }
}

const bench = new Bench({ time: 1000, warmupTime: 200 });
let expired = 0;
bench
  .add('sweep: 10,000 in flight, none due', () => {
    expired += inFlight.tracker.sweep();
  })
  .add('sweep: 1 in flight, 16,384 records pooled', () => {
    expired += afterBurst.tracker.sweep();
  })
  .add('sweep: 10,000 in flight, 100 due (expired)', () => {
    someDue.setNow(0);
    restartDue();
    someDue.setNow(10);
    expired += someDue.tracker.sweep();
  });

await bench.run();
type Latency = { p50?: number; mean: number; samplesCount?: number };
const latency = (index: number): Latency => (bench.tasks[index]!.result as { latency: Latency }).latency;
console.table(
  bench.tasks.map((task, index) => ({
    task: task.name,
    'median µs': ((latency(index).p50 ?? Number.NaN) * 1000).toFixed(1),
    'mean µs': (latency(index).mean * 1000).toFixed(1),
    samples: latency(index).samplesCount,
  })),
);
const resolution = inFlight.tracker.resolutionMs;
const median = latency(0).p50 ?? latency(0).mean;
console.log(`at 10,000 in flight: ${(median * 1000).toFixed(1)} µs per sweep, one sweep per ${resolution} ms = ${((median / resolution) * 100).toFixed(3)} % of one core`);
console.log(`(expired ${expired}, restarted ${restarted}, live ${inFlight.tracker.live}/${afterBurst.tracker.live}/${someDue.tracker.live})`);
for (const { tracker } of [inFlight, afterBurst, someDue]) tracker.close();
