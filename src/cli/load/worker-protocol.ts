/**
 * Messages between `voltwire bench` and its load workers (threads or processes). Everything
 * here survives a structured clone; the histograms travel as HdrHistogram's base64 encoding.
 */
import type { ConnectionTarget } from '../options.js';
import type { LoadDelta } from './load-stats.js';
import type { WorkloadSpec } from './workloads.js';

export interface WorkerConfig {
  index: number;
  target: ConnectionTarget;
  connections: number;
  workload: WorkloadSpec;
  warmupMs: number;
  durationMs: number;
  /** This worker's share of the rate, or undefined. */
  rate: number | undefined;
  maxOutstanding: number;
  timeoutMs: number;
  /** How often to send a delta, ms. */
  deltaMs: number;
}

/** What a worker measured, besides its tallies. */
export interface WorkerSummary {
  measuredMs: number;
  bytesIn: number;
  bytesOut: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  maxScheduleLagMs: number;
  stoppedEarly: string | undefined;
}

export type ToWorker = { type: 'config'; config: WorkerConfig } | { type: 'start' } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'delta'; delta: LoadDelta }
  | { type: 'done'; delta: LoadDelta; summary: WorkerSummary }
  | { type: 'error'; message: string; code: string | undefined };
