/**
 * The calls layer's own cost per call (tinybench): start a call (`startCall`: a pooled record,
 * filled and armed with its timeout) and settle it (`CallTracker.succeed`: statistics, the record
 * back to the pool, the queue place released) — no socket, no codec, so the figure is the
 * layer's alone and can be compared across builds.
 *
 *   npx tsc -p . && node dist/bench/call-lifecycle.bench.js
 *
 * - "1,000 in flight": 1,000 calls started, then the 1,000 settled — a busy client (depth 1000);
 * - "one at a time": each call started and settled before the next — a client idle between calls
 *   (the tracker goes busy and idle once per call).
 * Median, mean and the fastest batch (min: on a loaded machine, the one least disturbed by other
 * processes) are printed. Every call has a 120 s timeout (the client default) and a callback (no promise), so neither the
 * promise machinery nor a timer firing is measured. Per call = task time / calls in it.
 * For an A/B, copy the compiled file into another build's dist/bench/ and run it there too: it
 * imports that build's calls layer.
 */
import { Bench } from 'tinybench';
import { CallTracker } from '../src/calls/call-tracker.js';
import type { PendingCall } from '../src/calls/pending-call.js';
import { ProcedureCounters } from '../src/calls/stats.js';
import { startCall, type CallTarget } from '../src/calls/start-call.js';

const BATCH = 1000;
const ignore = (): void => undefined;
const response = { status: 1, statusString: null, appStatus: 0, appStatusString: null, exception: null };
const tracker = new CallTracker();
// Made directly (not looked up by name): the lookup is not the layer's start/settle, and moved between builds.
const counters = new ProcedureCounters('Vote');
let last: PendingCall | null = null;
const target: CallTarget = { host: 'bench', port: 0, tracker, submit: (call) => void (last = call) };
const params: readonly unknown[] = [5551234567n, 1, 10n];
const defaults = { timeoutMs: 120_000 };
const inFlight: PendingCall[] = new Array<PendingCall>(BATCH);

function busy(): void {
  for (let i = 0; i < BATCH; i++) {
    startCall(target, 'Vote', params, undefined, undefined, defaults, counters, true, false, ignore);
    inFlight[i] = last!;
  }
  for (let i = 0; i < BATCH; i++) tracker.succeed(inFlight[i]!, response);
}

function oneAtATime(): void {
  for (let i = 0; i < BATCH; i++) {
    startCall(target, 'Vote', params, undefined, undefined, defaults, counters, true, false, ignore);
    tracker.succeed(last!, response);
  }
}

const bench = new Bench({ time: 1500, warmupTime: 300 });
bench.add('1,000 in flight (start 1,000, settle 1,000)', busy).add('one at a time (start, settle) x 1,000', oneAtATime);
await bench.run();
type Latency = { p50?: number; mean: number; min: number; rme?: number };
console.table(
  bench.tasks.map((task) => {
    const latency = (task.result as { latency: Latency }).latency;
    return {
      task: task.name,
      'median ns/call': Math.round(((latency.p50 ?? latency.mean) * 1e6) / BATCH),
      'mean ns/call': Math.round((latency.mean * 1e6) / BATCH),
      // The fastest batch: the least disturbed by other processes on a shared machine.
      'min ns/call': Math.round((latency.min * 1e6) / BATCH),
      '± %': latency.rme?.toFixed(2) ?? '',
    };
  }),
);
console.log(`node ${process.version}; calls settled: ${counters.succeeded}; live at the end: ${tracker.live}`);
tracker.close();
