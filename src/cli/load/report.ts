/**
 * The load test's result: one object (the JSON result file), a text report, a CSV row.
 *
 * Latencies come from the merged HdrHistogram of the measured window, in milliseconds with
 * microsecond resolution, at the percentiles VoltDB's AsyncBenchmark prints.
 */
import { cpus } from 'node:os';
import * as hdr from 'hdr-histogram-js';
import type { IntervalSnapshot } from './load-stats.js';
import type { Tally } from './tally.js';

/**
 * The measured window's latency histogram in HdrHistogram's standard encoded form (the
 * compressed V2 encoding, base64, as Java's `HistogramLogWriter` writes it and every
 * HdrHistogram port reads), so runs from several machines merge exactly (`voltwire report merge`).
 */
export interface EncodedHistogram {
  encoding: 'HdrHistogram compressed V2, base64';
  /** The unit of the recorded values. */
  unit: 'microseconds';
  /** Empty when nothing was recorded. */
  data: string;
}

export const PERCENTILES = [10, 25, 50, 75, 90, 95, 99, 99.5, 99.9] as const;

/** `99.5` → `p99_5` (the JSON / CSV key). */
export function percentileKey(p: number): string {
  return 'p' + String(p).replace('.', '_');
}

export interface BenchConfig {
  workload: string;
  workloadDescription: string;
  /** `embedded` when the command started the embedded server itself. */
  servers: string;
  connections: number;
  workers: number;
  workerKind: 'thread' | 'process' | 'none';
  durationSeconds: number;
  warmupSeconds: number;
  /** Calls per second for the whole run, or null for "as fast as flow control allows". */
  rate: number | null;
  maxOutstanding: number;
  seed: number;
}

export interface BenchReport {
  tool: 'voltwire bench';
  startedAt: string;
  config: BenchConfig;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  measuredSeconds: number;
  calls: number;
  succeeded: number;
  failed: number;
  /** Settled calls per second over the measured window. */
  throughput: number;
  /** Where each latency starts: the intended send time (with --rate) or the actual one. */
  latencyFrom: 'intended-send-time' | 'actual-send-time';
  latencyMs: Record<string, number>;
  errors: Record<string, number>;
  outcomes: Record<string, number>;
  bytesOut: number;
  bytesIn: number;
  cpu: { userSeconds: number; systemSeconds: number; percentOfOneCore: number };
  maxScheduleLagMs: number;
  stoppedEarly: string | null;
  intervals: IntervalSnapshot[];
  /** Latencies of the measured window, every call (see {@link EncodedHistogram}). */
  histogram: EncodedHistogram;
}

export interface ReportInput {
  config: BenchConfig;
  startedAt: Date;
  measured: Tally;
  measuredMs: number;
  bytesIn: number;
  bytesOut: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  maxScheduleLagMs: number;
  stoppedEarly: string | undefined;
  intervals: IntervalSnapshot[];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** `min`, `mean`, the percentiles and `max` in milliseconds, from a histogram of microseconds. */
export function latencySummary(h: hdr.Histogram): Record<string, number> {
  const empty = h.totalCount === 0;
  const max = empty ? 0 : h.maxValue / 1000;
  const latencyMs: Record<string, number> = { min: empty ? 0 : h.minNonZeroValue / 1000, mean: empty ? 0 : round3(h.mean / 1000) };
  // A percentile is its bucket's highest equivalent value, which can exceed the exact maximum.
  for (const p of PERCENTILES) latencyMs[percentileKey(p)] = empty ? 0 : Math.min(h.getValueAtPercentile(p) / 1000, max);
  latencyMs.max = max;
  return latencyMs;
}

/** The histogram in its standard encoded form. */
export function encodeHistogram(h: hdr.Histogram): EncodedHistogram {
  return { encoding: 'HdrHistogram compressed V2, base64', unit: 'microseconds', data: h.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(h) };
}

export function buildReport(input: ReportInput): BenchReport {
  const { measured, measuredMs } = input;
  const latencyMs = latencySummary(measured.histogram);
  const seconds = measuredMs / 1000;
  const cpuSeconds = (input.cpuUserUs + input.cpuSystemUs) / 1e6;
  const cpuInfo = cpus();
  return {
    tool: 'voltwire bench',
    startedAt: input.startedAt.toISOString(),
    config: input.config,
    machine: { cpus: cpuInfo.length, cpuModel: cpuInfo[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
    measuredSeconds: round3(seconds),
    calls: measured.completed,
    succeeded: measured.succeeded,
    failed: measured.failed,
    throughput: seconds > 0 ? Math.round((measured.completed / seconds) * 10) / 10 : 0,
    latencyFrom: input.config.rate === null ? 'actual-send-time' : 'intended-send-time',
    latencyMs,
    errors: Object.fromEntries([...measured.errors].sort((a, b) => b[1] - a[1])),
    outcomes: Object.fromEntries([...measured.outcomes].sort((a, b) => b[1] - a[1])),
    bytesOut: input.bytesOut,
    bytesIn: input.bytesIn,
    cpu: {
      userSeconds: round3(input.cpuUserUs / 1e6),
      systemSeconds: round3(input.cpuSystemUs / 1e6),
      percentOfOneCore: seconds > 0 ? Math.round((cpuSeconds / seconds) * 1000) / 10 : 0,
    },
    maxScheduleLagMs: round3(input.maxScheduleLagMs),
    stoppedEarly: input.stoppedEarly ?? null,
    intervals: input.intervals,
    histogram: encodeHistogram(measured.histogram),
  };
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function counts(map: Record<string, number>): string {
  const entries = Object.entries(map);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} ${integer.format(n)}`).join(', ');
}

/** The text report printed at the end of `voltwire bench`. */
export function formatReport(r: BenchReport): string {
  const c = r.config;
  const lines: string[] = [];
  const clients = c.workers > 1 ? `${c.workers} client ${c.workerKind === 'process' ? 'processes' : 'threads'}` : '1 client';
  lines.push(`voltwire bench — ${c.workloadDescription}`);
  lines.push(
    `  servers ${c.servers}; ${clients} × ${c.connections} connection${c.connections === 1 ? '' : 's'} per host, ` +
      `${integer.format(c.maxOutstanding)} calls in flight at most; ` +
      `${c.warmupSeconds} s warm-up, ${r.measuredSeconds.toFixed(1)} s measured; ` +
      (c.rate === null ? 'no rate limit' : `rate limit ${integer.format(c.rate)} calls/s`),
  );
  if (r.stoppedEarly !== null) lines.push(`  stopped early: ${r.stoppedEarly}`);
  lines.push('');
  lines.push(`Throughput      ${integer.format(r.throughput)} calls/s`);
  lines.push(`Calls           ${integer.format(r.calls)} (${integer.format(r.succeeded)} succeeded, ${integer.format(r.failed)} failed)`);
  lines.push(`Outcomes        ${counts(r.outcomes)}`);
  lines.push(`Errors          ${counts(r.errors)}`);
  lines.push('');
  lines.push(
    r.latencyFrom === 'intended-send-time'
      ? 'Latency (ms), measured from each call\'s intended send time (corrected for coordinated omission):'
      : 'Latency (ms), measured from each call\'s actual send time (no rate limit, so no schedule to fall behind):',
  );
  const keys = [...PERCENTILES.map((p) => percentileKey(p)), 'max'];
  const labels = [...PERCENTILES.map((p) => `p${p}`), 'max'];
  const cells = keys.map((key) => decimal.format(r.latencyMs[key] ?? 0));
  const widths = labels.map((label, i) => Math.max(label.length, cells[i]!.length));
  lines.push('  ' + labels.map((label, i) => label.padStart(widths[i]!)).join('  '));
  lines.push('  ' + cells.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
  lines.push(`  mean ${decimal.format(r.latencyMs.mean ?? 0)}, min ${decimal.format(r.latencyMs.min ?? 0)}`);
  if (r.latencyFrom === 'intended-send-time') lines.push(`  worst lag behind the send schedule: ${decimal.format(r.maxScheduleLagMs)} ms`);
  lines.push('');
  const perSecond = (bytes: number): string => (r.measuredSeconds > 0 ? `${formatBytes(bytes / r.measuredSeconds)}/s` : '-');
  lines.push(`Bytes out       ${formatBytes(r.bytesOut)} (${perSecond(r.bytesOut)})`);
  lines.push(`Bytes in        ${formatBytes(r.bytesIn)} (${perSecond(r.bytesIn)})`);
  lines.push(
    `Client CPU      ${r.cpu.userSeconds.toFixed(2)} s user + ${r.cpu.systemSeconds.toFixed(2)} s system = ` +
      `${r.cpu.percentOfOneCore}% of one core (${r.machine.cpus} cores: ${r.machine.cpuModel.trim()})`,
  );
  return lines.join('\n') + '\n';
}

/** CSV columns of the summary row, in order. */
export function csvHeader(): string[] {
  return [
    'started_at', 'workload', 'servers', 'workers', 'connections', 'duration_s', 'warmup_s', 'rate_limit',
    'measured_s', 'calls', 'succeeded', 'failed', 'throughput', 'latency_from',
    ...PERCENTILES.map((p) => `${percentileKey(p)}_ms`), 'max_ms', 'mean_ms',
    'bytes_out', 'bytes_in', 'cpu_user_s', 'cpu_system_s', 'cpu_percent', 'errors', 'outcomes',
  ];
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV result file: a header line and one summary row (like AsyncBenchmark's CSV). */
export function formatCsv(r: BenchReport): string {
  const pairs = (map: Record<string, number>): string => Object.entries(map).map(([k, n]) => `${k}=${n}`).join(';');
  const row: (string | number)[] = [
    r.startedAt, r.config.workload, r.config.servers, r.config.workers, r.config.connections, r.config.durationSeconds,
    r.config.warmupSeconds, r.config.rate ?? '', r.measuredSeconds, r.calls, r.succeeded, r.failed, r.throughput, r.latencyFrom,
    ...PERCENTILES.map((p) => r.latencyMs[percentileKey(p)] ?? 0), r.latencyMs.max ?? 0, r.latencyMs.mean ?? 0,
    r.bytesOut, r.bytesIn, r.cpu.userSeconds, r.cpu.systemSeconds, r.cpu.percentOfOneCore, pairs(r.errors), pairs(r.outcomes),
  ];
  return csvHeader().join(',') + '\n' + row.map(csvCell).join(',') + '\n';
}
