/**
 * The JSON report's shape, checked field by field (shared by the bench tests). Throws an
 * AssertionError naming the first field that is missing or of the wrong kind.
 */
import assert from 'node:assert/strict';
import type { Report, Result } from '../../bench/harness/types.js';

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function assertResultShape(result: Result, where: string): void {
  for (const key of ['suite', 'dataset', 'strategy', 'status'] as const) assert.equal(typeof result[key], 'string', `${where}.${key}`);
  assert.equal(typeof result.baseline, 'boolean', `${where}.baseline`);
  assert.ok(['ok', 'failed', 'error', 'skipped'].includes(result.status), `${where}.status ${result.status}`);
  assert.ok(isFiniteNumber(result.work.bytes) && result.work.bytes >= 0, `${where}.work.bytes`);
  if (result.status !== 'ok') {
    assert.equal(typeof result.reason, 'string', `${where}.reason`);
    assert.equal(result.timing, undefined, `${where}: a ${result.status} result has no timing`);
    return;
  }
  const t = result.timing;
  assert.ok(t !== undefined, `${where}.timing`);
  for (const key of ['samples', 'mean', 'p50', 'p99', 'rme', 'opsPerSecond', 'mbPerSecond'] as const) {
    assert.ok(isFiniteNumber(t[key]) && t[key] >= 0, `${where}.timing.${key} = ${t[key]}`);
  }
  assert.ok(t.samples > 0, `${where}.timing.samples`);
  assert.ok(t.p50 <= t.p99, `${where}: p50 ${t.p50} > p99 ${t.p99}`);
  assert.ok(isFiniteNumber(result.vsCopy) && result.vsCopy > 0, `${where}.vsCopy`);
  if (result.work.units !== undefined) assert.ok(isFiniteNumber(t.unitsPerSecond), `${where}.timing.unitsPerSecond`);
}

export function assertReportShape(report: Report): void {
  assert.equal(report.schema, 'voltwire-bench/1');
  assert.ok(!Number.isNaN(Date.parse(report.startedAt)) && !Number.isNaN(Date.parse(report.finishedAt)), 'dates');
  const m = report.machine;
  assert.match(m.node, /^v\d+\./, 'machine.node');
  assert.ok(m.cpuModel.length > 0, 'machine.cpuModel');
  assert.ok(Number.isInteger(m.cores) && m.cores > 0, 'machine.cores');
  assert.ok(isFiniteNumber(m.loadAverageStart) && isFiniteNumber(m.loadAverageEnd), 'machine.loadAverage');
  assert.equal(typeof m.gcExposed, 'boolean', 'machine.gcExposed');
  assert.ok(['tiny', 'quick', 'full'].includes(report.options.profile), 'options.profile');
  assert.ok(report.suites.length > 0, 'suites');
  assert.ok(Array.isArray(report.loadErrors) && Array.isArray(report.notes), 'loadErrors / notes');
  report.results.forEach((result, i) => assertResultShape(result, `results[${i}] ${result.suite}/${result.dataset}/${result.strategy}`));
  // Every timed (suite, dataset) has its Buffer.copy reference, measured in the same run.
  const groups = new Set(report.results.filter((r) => !r.baseline && r.status === 'ok').map((r) => `${r.suite}/${r.dataset}`));
  for (const group of groups) {
    const copy = report.results.find((r) => r.baseline && `${r.suite}/${r.dataset}` === group);
    assert.ok(copy !== undefined && copy.status === 'ok' && copy.timing !== undefined, `Buffer.copy reference of ${group}`);
  }
}
