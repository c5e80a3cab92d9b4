/**
 * The console output: one table per suite and dataset, fastest first, the `Buffer.copy`
 * reference included so every row can be read against the machine's copy speed.
 */
import { formatBytes, formatCount, formatDuration, formatRatio } from './format.js';
import type { Report, Result, ResultStatus } from './types.js';

const HEADERS = ['strategy', 'mean', 'p50', 'p99', 'ops/s', 'MB/s', 'units/s', '×copy', '±%', 'check'] as const;

function row(result: Result): string[] {
  const t = result.timing;
  const unit = result.work.units === undefined ? '—' : `${formatCount(t?.unitsPerSecond)} ${result.work.units.name}`;
  const check = checkText(result);
  return [
    result.strategy,
    formatDuration(t?.mean),
    formatDuration(t?.p50),
    formatDuration(t?.p99),
    formatCount(t?.opsPerSecond),
    formatCount(t?.mbPerSecond),
    unit,
    formatRatio(result.vsCopy),
    t === undefined ? '—' : t.rme.toFixed(1),
    check.length > 90 ? `${check.slice(0, 87)}...` : check,
  ];
}

function checkText(result: Result): string {
  if (result.baseline && result.status === 'ok') return 'reference';
  if (result.status === 'ok') {
    const metrics = Object.entries(result.metrics ?? {}).map(([name, value]) => `${name} ${formatCount(value)}`);
    return ['ok', ...metrics].join(' · ');
  }
  return `${result.status.toUpperCase()}: ${result.reason ?? ''}`;
}

/** The table text; the units/s column only when the suite counts units (calls). */
function layout(results: Result[]): string {
  const withUnits = results.some((r) => r.work.units !== undefined);
  const keep = (_: unknown, i: number): boolean => withUnits || HEADERS[i] !== 'units/s';
  const headers = HEADERS.filter(keep);
  const rows = results.map((r) => row(r).filter(keep));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const RANK: Record<ResultStatus, number> = { ok: 0, failed: 1, error: 2, skipped: 3 };

/** Timed results fastest first, then failures, errors and skips. */
export function orderResults(results: Result[]): Result[] {
  return [...results].sort((a, b) => RANK[a.status] - RANK[b.status] || (a.timing?.mean ?? 0) - (b.timing?.mean ?? 0));
}

export function consoleReport(report: Report): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(
    `voltwire bench — Node ${m.node}, ${m.cpuModel}, ${m.cores} cores, load ${m.loadAverageStart.toFixed(2)}→${m.loadAverageEnd.toFixed(2)}, ` +
      `profile ${report.options.profile}, ${report.options.timeMs} ms per task, gc ${m.gcExposed ? `${report.options.gc} before each task` : 'NOT exposed'}`,
  );
  for (const suite of report.suites) {
    const ofSuite = report.results.filter((r) => r.suite === suite.name);
    for (const dataset of [...new Set(ofSuite.map((r) => r.dataset))]) {
      const results = ofSuite.filter((r) => r.dataset === dataset);
      const bytes = results[0]?.work.bytes ?? 0;
      out.push('', `## ${suite.name} / ${dataset} (${formatBytes(bytes)} per iteration)`, layout(orderResults(results)));
    }
  }
  for (const error of report.loadErrors) out.push(`load error: ${error.file}: ${error.error}`);
  for (const note of report.notes) out.push(`note: ${note}`);
  return out.join('\n');
}
