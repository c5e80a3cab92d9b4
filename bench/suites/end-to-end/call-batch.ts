/**
 * One iteration of the end-to-end suite: `batch` calls with at most `concurrency` in flight
 * (1 = await each; `batch` = all issued in the same tick, which the client sends in one
 * socket write). Each call's latency (issue → response decoded) is recorded for p50/p99.
 */
import { performance } from 'node:perf_hooks';
import type { Response } from '../../../src/client.js';
import { canonicalResponse, client, type EndToEndInput } from './end-to-end-suite.js';

/** Per-call latencies in ms, kept in a ring (the most recent 1M calls). */
export class Latencies {
  private readonly samples = new Float64Array(1 << 20);
  private count = 0;

  record(ms: number): void {
    this.samples[this.count++ & (this.samples.length - 1)] = ms;
  }

  /** p50 and p99 of the recorded calls, in ms. */
  summary(): Record<string, number> {
    const n = Math.min(this.count, this.samples.length);
    if (n === 0) return {};
    const sorted = this.samples.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return { 'call p50 ms': at(0.5), 'call p99 ms': at(0.99), calls: this.count };
  }
}

export interface BatchRun {
  input: EndToEndInput;
  concurrency: number;
  latencies: Latencies;
}

export function prepareBatch(input: EndToEndInput, concurrency: number): BatchRun {
  return { input, concurrency: Math.min(concurrency, input.batch), latencies: new Latencies() };
}

export async function runBatch(run: BatchRun): Promise<Response[]> {
  const { calls, batch } = run.input;
  const c = client();
  const latencies = run.latencies;
  const out = new Array<Response>(batch);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batch) {
      const i = next++;
      const call = calls[i % calls.length]!;
      const start = performance.now();
      out[i] = await c.call(call.procedure, call.params);
      latencies.record(performance.now() - start);
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < run.concurrency; i++) lanes.push(lane());
  await Promise.all(lanes);
  return out;
}

export function canonicalBatch(responses: Response[]): string[][] {
  return responses.map((response) => canonicalResponse(response, true));
}
