/**
 * `--workers N`: several clients, each in its own worker thread (default) or child process,
 * driving the load together when one event loop is not enough.
 *
 * Each worker connects its own client, waits until every worker is connected, then runs the
 * same warm-up and measured window with 1/N of the rate. Every `deltaMs` it sends the
 * completions since its last message — counts and an encoded HdrHistogram — and the parent
 * merges them into one LoadStats: the live display and the report read merged figures, and
 * the merged percentiles are exactly those of a single histogram of all calls.
 *
 * Client CPU: worker threads share the process, so the parent reads the process's CPU time;
 * child processes report their own, which the parent adds to its own.
 */
import { performance } from 'node:perf_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConnectionError } from '../../errors.js';
import type { LoadRunResult } from './load-runner.js';
import { LoadStats, type LoadPhase } from './load-stats.js';
import type { FromWorker, ToWorker, WorkerConfig, WorkerSummary } from './worker-protocol.js';

export type WorkerKind = 'thread' | 'process';

export interface WorkersOptions {
  count: number;
  kind: WorkerKind;
  /** Everything but `index` and `rate`; `rate` is the whole run's and is split evenly. */
  config: Omit<WorkerConfig, 'index' | 'rate'> & { rate: number | undefined };
  tickMs: number;
  onTick?: (stats: LoadStats, phase: LoadPhase, elapsedMs: number, measuredMs: number) => void;
  signal?: AbortSignal;
  /** Called once every worker is connected, just before the load starts. */
  onStart?: () => void;
}

interface WorkerHandle {
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

const entry = fileURLToPath(new URL('./load-worker.js', import.meta.url));

function spawnWorker(kind: WorkerKind): WorkerHandle {
  if (kind === 'thread') {
    const worker = new Worker(entry);
    return {
      send: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      onExit: (listener) => {
        worker.on('error', () => listener(1));
        worker.once('exit', (code) => listener(code));
      },
      kill: () => void worker.terminate(),
    };
  }
  const child: ChildProcess = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as FromWorker)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill('SIGKILL'),
  };
}

export async function runWorkers(options: WorkersOptions): Promise<LoadRunResult> {
  const { count, kind, config } = options;
  const stats = new LoadStats();
  const issued = new Array<number>(count).fill(0);
  const summaries: (WorkerSummary | undefined)[] = new Array(count).fill(undefined);
  const failures: string[] = [];
  const handles: WorkerHandle[] = [];
  let readyCount = 0;
  let doneCount = 0;
  let onReady!: () => void;
  let onFailBeforeStart!: (error: Error) => void;
  let onAllDone!: () => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFailBeforeStart = reject;
  });
  const allDone = new Promise<void>((resolve) => (onAllDone = resolve));
  let started = false;

  const finishOne = (): void => {
    doneCount++;
    if (doneCount === count) onAllDone();
  };

  for (let index = 0; index < count; index++) {
    const handle = spawnWorker(kind);
    handles.push(handle);
    let finished = false;
    handle.onMessage((message) => {
      switch (message.type) {
        case 'ready':
          if (++readyCount === count) onReady();
          break;
        case 'delta':
          issued[index] = stats.mergeDelta(index, message.delta, issued[index]!);
          break;
        case 'done':
          issued[index] = stats.mergeDelta(index, message.delta, issued[index]!);
          summaries[index] = message.summary;
          if (!finished) {
            finished = true;
            finishOne();
          }
          break;
        case 'error':
          failures.push(`worker ${index + 1}: ${message.message}`);
          if (!started) onFailBeforeStart(new ConnectionError(`load worker ${index + 1} failed: ${message.message}`));
          break;
      }
    });
    handle.onExit((code) => {
      if (finished) return;
      finished = true;
      if (code !== 0) failures.push(`worker ${index + 1} exited with code ${code}`);
      if (!started) onFailBeforeStart(new ConnectionError(`load worker ${index + 1} exited before it was ready (code ${code})`));
      finishOne();
    });
    handle.send({ type: 'config', config: { ...config, index, rate: config.rate === undefined ? undefined : config.rate / count } });
  }

  try {
    await ready;
  } catch (error) {
    for (const handle of handles) handle.kill();
    throw error;
  }
  started = true;
  options.onStart?.();
  const startMs = performance.now();
  const measureStartMs = startMs + config.warmupMs;
  const endMs = measureStartMs + config.durationMs;
  let cpuAtMeasure = process.cpuUsage();
  const measureTimer = setTimeout(() => (cpuAtMeasure = process.cpuUsage()), config.warmupMs);
  for (const handle of handles) handle.send({ type: 'start' });
  const stop = (): void => {
    for (const handle of handles) handle.send({ type: 'stop' });
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  const tick =
    options.onTick === undefined
      ? undefined
      : setInterval(() => {
          const now = performance.now();
          const phase: LoadPhase = now < measureStartMs ? 'warmup' : now < endMs ? 'measure' : 'drain';
          options.onTick!(stats, phase, now - startMs, Math.max(0, Math.min(now, endMs) - measureStartMs));
        }, options.tickMs);

  await allDone;
  if (tick !== undefined) clearInterval(tick);
  clearTimeout(measureTimer);
  options.signal?.removeEventListener('abort', stop);
  const parentCpu = process.cpuUsage(cpuAtMeasure);

  const done = summaries.filter((s): s is WorkerSummary => s !== undefined);
  const sum = (pick: (s: WorkerSummary) => number): number => done.reduce((total, s) => total + pick(s), 0);
  const stoppedEarly = [...failures, ...done.map((s) => s.stoppedEarly).filter((s): s is string => s !== undefined)];
  return {
    stats,
    measuredMs: done.reduce((max, s) => Math.max(max, s.measuredMs), 0),
    rate: config.rate,
    bytesIn: sum((s) => s.bytesIn),
    bytesOut: sum((s) => s.bytesOut),
    cpuUserUs: parentCpu.user + (kind === 'process' ? sum((s) => s.cpuUserUs) : 0),
    cpuSystemUs: parentCpu.system + (kind === 'process' ? sum((s) => s.cpuSystemUs) : 0),
    maxScheduleLagMs: done.reduce((max, s) => Math.max(max, s.maxScheduleLagMs), 0),
    stoppedEarly: stoppedEarly.length === 0 ? undefined : [...new Set(stoppedEarly)].join('; '),
  };
}
