/**
 * Merging `voltwire bench --json` results of runs that loaded one cluster at the same time from
 * several machines into one report: counts, bytes and throughput summed, latency percentiles
 * read from the sum of the runs' HdrHistograms — exactly what one histogram that had recorded
 * every call would say (averaging percentiles would not be: the p99 of two runs is not the mean
 * of their p99s).
 */
import type * as hdr from 'hdr-histogram-js';
import { encodeHistogram, latencySummary, type BenchConfig, type BenchReport } from './load/report.js';
import { decodeLatencyHistogram, newLatencyHistogram } from '../calls/latency-histogram.js';

/** One run as read from its file. */
export interface RunFile {
  /** Where it came from, for messages and the report. */
  name: string;
  report: BenchReport;
}

/** A merged report: a {@link BenchReport} whose `runs` lists what went into it. */
export interface MergedReport extends BenchReport {
  runs: { name: string; startedAt: string; servers: string; calls: number; throughput: number; machine: BenchReport['machine'] }[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check that `value` (parsed JSON of `name`) is a bench result with an encoded histogram; else
 * a RangeError (a usage error) naming the file and what is missing.
 */
export function asBenchReport(name: string, value: unknown): BenchReport {
  if (!isObject(value) || value['tool'] !== 'voltwire bench') throw new RangeError(`${name} is not a voltwire bench --json result (no "tool": "voltwire bench")`);
  const histogram = value['histogram'];
  if (!isObject(histogram) || typeof histogram['data'] !== 'string') {
    throw new RangeError(`${name} has no encoded latency histogram (written by a voltwire bench older than report merge): run it again`);
  }
  if (histogram['unit'] !== 'microseconds') throw new RangeError(`${name}: histogram unit ${JSON.stringify(histogram['unit'])}, expected "microseconds"`);
  for (const key of ['calls', 'succeeded', 'failed', 'throughput', 'measuredSeconds', 'bytesIn', 'bytesOut']) {
    if (typeof value[key] !== 'number') throw new RangeError(`${name}: "${key}" is not a number`);
  }
  return value as unknown as BenchReport;
}

function decode(run: RunFile): hdr.Histogram | null {
  const data = run.report.histogram.data;
  if (data === '') return null;
  try {
    return decodeLatencyHistogram(data);
  } catch (cause) {
    throw new RangeError(`${run.name}: the latency histogram does not decode as an HdrHistogram (${String(cause)})`, { cause });
  }
}

function sumInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [key, n] of Object.entries(source)) target[key] = (target[key] ?? 0) + n;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The runs as one report. Runs must measure latency the same way (all from the intended send
 * time, or all from the actual one): their percentiles mean different things otherwise.
 */
export function mergeReports(runs: readonly RunFile[]): MergedReport {
  if (runs.length === 0) throw new RangeError('report merge needs at least one result file');
  const first = runs[0]!.report;
  const odd = runs.find((r) => r.report.latencyFrom !== first.latencyFrom);
  if (odd !== undefined) {
    throw new RangeError(`${runs[0]!.name} measures latency from the ${first.latencyFrom.replace(/-/g, ' ')}, ${odd.name} from the ${odd.report.latencyFrom.replace(/-/g, ' ')}: their percentiles do not mix`);
  }
  const histogram = newLatencyHistogram();
  const errors: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  let calls = 0;
  let succeeded = 0;
  let failed = 0;
  let throughput = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  let user = 0;
  let system = 0;
  let measuredSeconds = 0;
  let lag = 0;
  for (const run of runs) {
    const r = run.report;
    const decoded = decode(run);
    if (decoded !== null) {
      histogram.add(decoded);
      decoded.destroy();
    }
    calls += r.calls;
    succeeded += r.succeeded;
    failed += r.failed;
    throughput += r.throughput;
    bytesIn += r.bytesIn;
    bytesOut += r.bytesOut;
    user += r.cpu?.userSeconds ?? 0;
    system += r.cpu?.systemSeconds ?? 0;
    measuredSeconds = Math.max(measuredSeconds, r.measuredSeconds);
    lag = Math.max(lag, r.maxScheduleLagMs ?? 0);
    sumInto(errors, r.errors ?? {});
    sumInto(outcomes, r.outcomes ?? {});
  }
  const config: BenchConfig = {
    ...first.config,
    servers: [...new Set(runs.map((r) => r.report.config.servers))].join(', '),
    workers: runs.reduce((n, r) => n + r.report.config.workers, 0),
    maxOutstanding: runs.reduce((n, r) => n + r.report.config.maxOutstanding, 0),
    rate: runs.every((r) => r.report.config.rate !== null) ? runs.reduce((n, r) => n + r.report.config.rate!, 0) : null,
    durationSeconds: Math.max(...runs.map((r) => r.report.config.durationSeconds)),
  };
  // A decoded histogram knows its maximum only to its bucket's width; each run recorded the exact
  // minimum and maximum, so those bound the merged figures as they bound one run's.
  const measured = runs.filter((r) => r.report.calls > 0).map((r) => r.report.latencyMs);
  const latencyMs = latencySummary(histogram);
  if (measured.length > 0) {
    const max = Math.max(...measured.map((l) => l['max'] ?? 0));
    for (const key of Object.keys(latencyMs)) if (key.startsWith('p')) latencyMs[key] = Math.min(latencyMs[key]!, max);
    latencyMs['max'] = max;
    latencyMs['min'] = Math.min(...measured.map((l) => l['min'] ?? 0));
  }
  const encoded = encodeHistogram(histogram);
  histogram.destroy();
  const stopped = runs.filter((r) => r.report.stoppedEarly !== null).map((r) => `${r.name}: ${r.report.stoppedEarly}`);
  return {
    tool: 'voltwire bench',
    startedAt: runs.map((r) => r.report.startedAt).sort()[0]!,
    config,
    machine: first.machine,
    measuredSeconds,
    calls,
    succeeded,
    failed,
    throughput: round3(throughput),
    latencyFrom: first.latencyFrom,
    latencyMs,
    errors: Object.fromEntries(Object.entries(errors).sort((a, b) => b[1] - a[1])),
    outcomes: Object.fromEntries(Object.entries(outcomes).sort((a, b) => b[1] - a[1])),
    bytesOut,
    bytesIn,
    cpu: { userSeconds: round3(user), systemSeconds: round3(system), percentOfOneCore: measuredSeconds > 0 ? Math.round(((user + system) / measuredSeconds) * 1000) / 10 : 0 },
    maxScheduleLagMs: lag,
    stoppedEarly: stopped.length === 0 ? null : stopped.join('; '),
    intervals: [],
    histogram: encoded,
    runs: runs.map(({ name, report: r }) => ({ name, startedAt: r.startedAt, servers: r.config.servers, calls: r.calls, throughput: r.throughput, machine: r.machine })),
  };
}
