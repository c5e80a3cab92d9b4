/**
 * Counts ArrayBuffers detached in this process, in every thread that imports it: each way a
 * buffer gets detached from JavaScript — a transfer list of `postMessage` (MessagePort,
 * Worker), `structuredClone(…, { transfer })`, `ArrayBuffer#transfer` — is wrapped, and each
 * ArrayBuffer in it is counted (SharedArrayBuffers are shared, never detached, and are not).
 * Worker threads report to the main thread over a BroadcastChannel.
 *
 * Import it first in the benchmark's main module; give the decode pool
 * `bench/harness/probed-decode-worker.js` as its worker file, so its workers count too.
 * Once any buffer has been detached in a thread, V8 slows every typed-array access there
 * (bench/RESULTS.md): the decode benchmarks print this count.
 */
import { BroadcastChannel, isMainThread, MessagePort, Worker } from 'node:worker_threads';

const CHANNEL = 'voltwire-detach-probe';
const counts = { main: 0, workers: 0 };
const channel = new BroadcastChannel(CHANNEL);
if (isMainThread) {
  channel.onmessage = (event) => {
    counts.workers += (event as { data: number }).data;
  };
}
// Never keeps a thread alive.
channel.unref();

function countDetached(transfer: unknown): void {
  const list: unknown = Array.isArray(transfer) ? transfer : (transfer as { transfer?: unknown } | undefined)?.transfer;
  if (!Array.isArray(list)) return;
  let detached = 0;
  for (const item of list) if (item instanceof ArrayBuffer) detached++;
  if (detached === 0) return;
  if (isMainThread) counts.main += detached;
  else channel.postMessage(detached);
}

for (const target of [MessagePort.prototype, Worker.prototype] as { postMessage: (value: unknown, transfer?: unknown) => void }[]) {
  const original = target.postMessage;
  target.postMessage = function postMessage(this: unknown, value: unknown, transfer?: unknown): void {
    countDetached(transfer);
    original.call(this, value, transfer);
  };
}
const originalClone = globalThis.structuredClone;
globalThis.structuredClone = function structuredClone<T>(value: T, options?: { transfer?: unknown[] }): T {
  countDetached(options);
  return originalClone(value, options as Parameters<typeof originalClone>[1]);
};
const prototype = ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer, length?: number) => ArrayBuffer };
if (typeof prototype.transfer === 'function') {
  const original = prototype.transfer;
  prototype.transfer = function transfer(this: ArrayBuffer, length?: number): ArrayBuffer {
    countDetached([this]);
    return original.call(this, length);
  };
}

/** ArrayBuffers detached so far: on the main thread, and reported by workers. */
export function detachedBuffers(): { main: number; workers: number } {
  return { ...counts };
}

/** One line for a benchmark's report. */
export function detachedReport(): string {
  const { main, workers } = counts;
  const verdict = main + workers === 0 ? 'none' : `${main + workers} (V8's typed-array fast path is lost in that thread)`;
  return `ArrayBuffers detached in this process: ${verdict} — main thread ${main}, decode workers ${workers}`;
}
