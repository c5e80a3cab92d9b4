/**
 * The connection-level fuzz target: real calls through the public `Client` against a
 * {@link HostileServer}, with the ledger checked over the whole run:
 *
 * - issued = succeeded + failed, every call settled exactly once (per promise, and inside the
 *   client through the `voltwire:call:start` / `voltwire:call:end` channels);
 * - every failure is a `VoltError` (checked with `VoltError.is`);
 * - no unhandled rejection;
 * - memory bounded: the heap after a GC never grows past {@link HEAP_GROWTH_LIMIT} above its
 *   first sample;
 * - nothing left open after `close()`: no socket, timer or worker beyond the baseline.
 *
 * With `pool`, responses are decoded by the real piscina workers (every frame off-thread), so
 * hostile frames reach the worker threads and their errors cross back. Bounded in exchanges
 * and in time; loopback only.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from '../../src/client.js';
import { CHANNEL } from '../../src/calls/diagnostics.js';
import { VoltError } from '../../src/errors.js';
import { Random } from '../helpers/mutators.js';
import { activeResources, settleResources } from '../faults/ledger.js';
import { loadCorpus } from './corpus.js';
import { HostileServer, type Answer } from './hostile-server.js';

const MIB = 1024 * 1024;
/** Retained heap may grow this much over the run before it counts as unbounded. */
export const HEAP_GROWTH_LIMIT = 64 * MIB;

export interface ConnectionFuzzOptions {
  seed: number;
  /** Calls to issue (each one exchange with the hostile server). */
  exchanges: number;
  /** Decode every response in the worker pool (the pool target) instead of inline. */
  pool: boolean;
  /** Stop issuing after this long (the report says how many ran). */
  timeLimitMs: number;
  /** Only these server answers (all when absent): to narrow a finding down. */
  only?: readonly Answer[];
  /** Called every few seconds with the calls issued so far. */
  onProgress?: (issued: number) => void;
}

export interface ConnectionFuzzReport {
  seed: number;
  target: 'connection' | 'pool';
  issued: number;
  succeeded: number;
  failed: number;
  /** Failures by error code. */
  errors: Record<string, number>;
  /** What the server did, by kind. */
  answers: Record<string, number>;
  reconnects: number;
  /** Sockets on both sides: accepted by the hostile server, opened by the client, and how many of each emitted 'close'. */
  sockets: { accepted: number; closed: number; clientOpened: number; clientClosed: number };
  /** Every broken rule of the ledger, in words (empty: passed). */
  violations: string[];
  heapMiB: { first: number; peak: number };
  ms: number;
}

let gc: (() => void) | null = null;
function collectGarbage(): void {
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Run the target once; never throws for what the server does (that goes into `violations`). */
export async function runConnectionFuzz(options: ConnectionFuzzOptions): Promise<ConnectionFuzzReport> {
  const started = performance.now();
  const rng = new Random(options.seed);
  const violations: string[] = [];
  const violation = (text: string): void => {
    if (violations.length < 20) violations.push(text);
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  // Inside the client: each started call ends exactly once.
  const open = new Set<object>();
  let endedTwice = 0;
  const ended = new WeakSet<object>();
  const onStart = (message: unknown): void => void open.add(message as object);
  const onEnd = (message: unknown): void => {
    if (ended.has(message as object)) endedTwice++;
    ended.add(message as object);
    open.delete(message as object);
  };
  diagnosticsChannel.subscribe(CHANNEL.CALL_START, onStart);
  diagnosticsChannel.subscribe(CHANNEL.CALL_END, onEnd);
  // The client's side: every socket created by net.connect in this process (the Client's).
  const clientSockets = { opened: 0, closed: 0 };
  const onClientSocket = (message: unknown): void => {
    clientSockets.opened++;
    (message as { socket: Socket }).socket.once('close', () => void clientSockets.closed++);
  };
  diagnosticsChannel.subscribe('net.client.socket', onClientSocket);

  const baseline = activeResources();
  const server = await HostileServer.start({ rng, responses: loadCorpus().responses, maxDelayMs: 5, ...(options.only === undefined ? {} : { only: options.only }) });
  const report: ConnectionFuzzReport = {
    seed: options.seed,
    target: options.pool ? 'pool' : 'connection',
    issued: 0,
    succeeded: 0,
    failed: 0,
    errors: {},
    answers: {},
    reconnects: 0,
    sockets: { accepted: 0, closed: 0, clientOpened: 0, clientClosed: 0 },
    violations,
    heapMiB: { first: 0, peak: 0 },
    ms: 0,
  };
  let client: Client | null = null;
  try {
    client = await Client.connect({
      hosts: [server.address],
      discover: false,
      clientAffinity: false,
      // Silent answers cost a timeout each: short, so a run is not mostly waiting.
      callTimeoutMs: 60,
      timerResolutionMs: 10,
      connectTimeoutMs: 5000,
      reconnectDelayMs: 2,
      maxReconnectDelayMs: 10,
      decode: options.pool ? { workers: 2, offThreadBytes: 1 } : { workers: 0 },
    });
    client.on('connect', (info) => {
      if (info.reconnected) report.reconnects++;
    });
    const settlements: Uint8Array = new Uint8Array(options.exchanges);
    let firstHeap = -1;
    let nextHeapSample = 0;
    let lastProgress = performance.now();
    while (report.issued < options.exchanges && performance.now() - started < options.timeLimitMs) {
      const batch: Promise<void>[] = [];
      const size = Math.min(1 + rng.int(16), options.exchanges - report.issued);
      for (let k = 0; k < size; k++) {
        const index = report.issued++;
        let call: Promise<unknown>;
        try {
          call = rng.chance(0.5) ? client.call('Echo', [BigInt(index)]) : client.call('@Ping');
        } catch (error) {
          call = Promise.reject(error);
        }
        batch.push(
          call.then(
            () => {
              settlements[index]!++;
              report.succeeded++;
            },
            (error: unknown) => {
              settlements[index]!++;
              report.failed++;
              const code = VoltError.is(error) ? error.code : 'NOT A VoltError';
              report.errors[code] = (report.errors[code] ?? 0) + 1;
              if (!VoltError.is(error)) violation(`call ${index} failed with a non-VoltError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
            },
          ),
        );
      }
      await Promise.all(batch);
      if (report.issued >= nextHeapSample) {
        nextHeapSample += 4096;
        collectGarbage();
        const heap = getHeapStatistics().used_heap_size;
        if (firstHeap < 0) firstHeap = heap;
        report.heapMiB.first = firstHeap / MIB;
        report.heapMiB.peak = Math.max(report.heapMiB.peak, heap / MIB);
        if (heap - firstHeap > HEAP_GROWTH_LIMIT) violation(`retained heap grew by ${((heap - firstHeap) / MIB).toFixed(1)} MiB after ${report.issued} calls`);
      }
      if (options.onProgress !== undefined && performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        options.onProgress(report.issued);
      }
    }
    const wrong = settlements.subarray(0, report.issued).filter((n) => n !== 1).length;
    if (wrong > 0) violation(`${wrong} calls settled a number of times other than once`);
  } catch (error) {
    violation(`the run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await client?.close();
    await server.close();
    report.answers = Object.fromEntries(server.answers);
  }
  if (report.issued !== report.succeeded + report.failed) violation(`issued ${report.issued} ≠ succeeded ${report.succeeded} + failed ${report.failed}`);
  if (open.size > 0) violation(`${open.size} calls started inside the client never ended`);
  if (endedTwice > 0) violation(`${endedTwice} calls ended twice inside the client`);
  // Every handle on both sides counts: the client's sockets and timers, and each socket the
  // hostile server accepted (all of them must have emitted 'close'). An exemption for server
  // sockets "still closing" once hid a socket that never closed (see resetOrClose).
  const left = await settleResources(baseline, 5000);
  if (left.length > 0) violation(`left open after close(): ${left.join(', ')}`);
  report.sockets = { accepted: server.accepted, closed: server.closed, clientOpened: clientSockets.opened, clientClosed: clientSockets.closed };
  if (server.closed !== server.accepted) violation(`the server accepted ${server.accepted} sockets but only ${server.closed} closed`);
  if (clientSockets.closed !== clientSockets.opened) violation(`the client opened ${clientSockets.opened} sockets but only ${clientSockets.closed} closed`);
  if (server.failedResets > 0) violation(`${server.failedResets} resets refused by the socket layer (each leaves a handle open)`);
  // A rejection is reported unhandled one macrotask after it happened.
  await new Promise((resolve) => setImmediate(resolve));
  for (const reason of unhandled.slice(0, 5)) violation(`unhandled rejection: ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`);
  process.off('unhandledRejection', onUnhandled);
  diagnosticsChannel.unsubscribe(CHANNEL.CALL_START, onStart);
  diagnosticsChannel.unsubscribe(CHANNEL.CALL_END, onEnd);
  diagnosticsChannel.unsubscribe('net.client.socket', onClientSocket);
  report.ms = performance.now() - started;
  return report;
}

/** One line per report, for the console and bench/RESULTS.md. */
export function describeReport(r: ConnectionFuzzReport): string {
  const errors = Object.entries(r.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return (
    `${r.target} seed ${r.seed}: ${r.issued.toLocaleString('en-US')} exchanges in ${(r.ms / 1000).toFixed(1)} s — ` +
    `succeeded ${r.succeeded.toLocaleString('en-US')} + failed ${r.failed.toLocaleString('en-US')} (${errors}); ` +
    `${r.reconnects} reconnects; sockets closed: server ${r.sockets.closed.toLocaleString('en-US')} of ${r.sockets.accepted.toLocaleString('en-US')}, client ${r.sockets.clientClosed.toLocaleString('en-US')} of ${r.sockets.clientOpened.toLocaleString('en-US')}; heap after GC ${r.heapMiB.first.toFixed(0)} → ≤ ${r.heapMiB.peak.toFixed(0)} MiB; ` +
    `ledger violations: ${r.violations.length}`
  );
}
