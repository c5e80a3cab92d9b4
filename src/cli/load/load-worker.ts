/**
 * Entry point of a load worker (`voltwire bench --workers N`): a worker thread or a child
 * process with its own client, driving its share of the load and sending its tallies to the
 * parent every few hundred milliseconds. See workers.ts for the parent side.
 */
import { parentPort } from 'node:worker_threads';
import type { Client } from '../../client.js';
import { connectClient } from '../options.js';
import { LoadRunner } from './load-runner.js';
import type { FromWorker, ToWorker, WorkerConfig } from './worker-protocol.js';
import { createWorkload } from './workloads.js';

interface Port {
  send(message: FromWorker): void;
  onMessage(listener: (message: ToWorker) => void): void;
  close(): void;
}

function openPort(): Port {
  if (parentPort !== null) {
    const port = parentPort;
    return {
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', listener),
      close: () => port.close(),
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => process.send!(message),
      onMessage: (listener) => process.on('message', (message) => listener(message as ToWorker)),
      close: () => process.disconnect(),
    };
  }
  throw new Error('load-worker.js runs as a worker thread or a forked process of voltwire bench');
}

const port = openPort();
// A forked worker is in the terminal's process group: Ctrl-C reaches it too. Stop the load
// and report, as the parent does, instead of dying with the measurements.
if (parentPort === null) process.on('SIGINT', () => runner?.stop('interrupted'));
let client: Client | undefined;
let config: WorkerConfig | undefined;
let runner: LoadRunner | undefined;

function fail(error: unknown): void {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  port.send({ type: 'error', message: error instanceof Error ? error.message : String(error), code });
}

async function start(): Promise<void> {
  const cfg = config!;
  runner = new LoadRunner({
    client: client!,
    workload: createWorkload(cfg.workload, cfg.index),
    warmupMs: cfg.warmupMs,
    durationMs: cfg.durationMs,
    rate: cfg.rate,
    maxOutstanding: cfg.maxOutstanding,
    timeoutMs: cfg.timeoutMs,
    tickMs: cfg.deltaMs,
    onTick: (stats) => port.send({ type: 'delta', delta: stats.takeDelta() }),
  });
  const result = await runner.run();
  port.send({
    type: 'done',
    delta: result.stats.takeDelta(),
    summary: {
      measuredMs: result.measuredMs,
      bytesIn: result.bytesIn,
      bytesOut: result.bytesOut,
      cpuUserUs: result.cpuUserUs,
      cpuSystemUs: result.cpuSystemUs,
      maxScheduleLagMs: result.maxScheduleLagMs,
      stoppedEarly: result.stoppedEarly,
    },
  });
  await client!.close();
  port.close();
}

port.onMessage((message) => {
  if (message.type === 'config') {
    config = message.config;
    // Each worker records its own dump (FILE.1, FILE.2, …) so they do not write one file at once.
    const dumpFile = config.target.dumpFile;
    const target = dumpFile === undefined ? config.target : { ...config.target, dumpFile: `${dumpFile}.${config.index + 1}` };
    connectClient(target, config.connections, { callTimeoutMs: config.timeoutMs, reconnect: false })
      .then((connected) => {
        client = connected;
        port.send({ type: 'ready' });
      })
      .catch((error: unknown) => {
        fail(error);
        port.close();
      });
  } else if (message.type === 'start') {
    start().catch((error: unknown) => {
      fail(error);
      port.close();
    });
  } else if (message.type === 'stop') {
    runner?.stop('interrupted');
  }
});
