/**
 * The runner's promise: a strategy is timed only when its output equals the reference
 * decoder's, before and after timing. Deliberately wrong strategies (defined here, never in
 * the registry) must fail — the fast one must not win — and the report must say so.
 */
import { test, type TestContext } from 'node:test';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { canonicalTable, type CanonicalTable } from '../../bench/harness/canonical.js';
import { renderHtmlReport } from '../../bench/harness/html-report.js';
import { loadBenchFiles } from '../../bench/harness/loader.js';
import { Registry, registry } from '../../bench/harness/registry.js';
import { REPOSITORY_ROOT } from '../../bench/harness/repository.js';
import { runBenchmarks } from '../../bench/harness/runner.js';
import { renderReportChart } from '../../bench/harness/svg-chart.js';
import type { Strategy } from '../../bench/harness/types.js';
import type { DecodeInput } from '../../bench/suites/decode/decode-suite.js';
import { assertReportShape } from './report-shape.js';

/** The right tables, with the first non-null cell changed: what a buggy decoder could return. */
function almostRight(input: DecodeInput): CanonicalTable[][] {
  let changed = false;
  return input.frames.map((frame) =>
    decodeResponse(frame).tables.map((table) => {
      const canonical = canonicalTable(table.rows());
      for (const row of canonical.rows) {
        const at = row.findIndex((cell) => cell !== 'null');
        if (!changed && at >= 0) {
          row[at] = `${row[at]}0`;
          changed = true;
        }
      }
      return canonical;
    }),
  );
}

/** Returns a precomputed, subtly wrong answer: nanoseconds per iteration — it would win every chart. */
const wrongFast: Strategy<DecodeInput, CanonicalTable[][], CanonicalTable[][]> = {
  suite: 'decode',
  name: 'wrong-fast',
  description: 'precomputed rows with one value changed',
  prepare: almostRight,
  run: (answer) => answer,
  canonical: (answer) => answer,
};

/** Right on the first call, wrong on later ones (state leaking between iterations). */
let calls = 0;
const wrongLater: Strategy<DecodeInput, DecodeInput, CanonicalTable[][]> = {
  suite: 'decode',
  name: 'wrong-later',
  description: 'right once, then wrong',
  prepare: (input) => input,
  run: (input) => {
    calls++;
    const right = input.frames.map((frame) => decodeResponse(frame).tables.map((t) => canonicalTable(t.rows())));
    return calls === 1 ? right : almostRight(input);
  },
  canonical: (answer) => answer,
};

const throwing: Strategy<DecodeInput, DecodeInput, never> = {
  suite: 'decode',
  name: 'throwing',
  description: 'throws',
  prepare: (input) => input,
  run: () => {
    throw new Error('boom');
  },
  canonical: () => [],
};

test('a fast wrong strategy fails instead of winning; a late-wrong and a throwing one are caught', { timeout: 60_000 }, async (t: TestContext) => {
  t.assert.deepEqual(await loadBenchFiles(), []);
  const local = registry.clone();
  local.addStrategy(wrongFast);
  local.addStrategy(wrongLater);
  local.addStrategy(throwing);
  t.assert.equal(registry.strategiesOf('decode').some((s) => s.name.startsWith('wrong')), false, 'the shared registry is untouched');

  const { report, failures } = await runBenchmarks(
    local,
    { suites: ['decode'], datasets: ['decimal-heavy-16'], profile: 'tiny', timeMs: 5, warmupMs: 2, iterations: 4 },
    { profile: 'tiny', root: REPOSITORY_ROOT },
  );
  assertReportShape(report);
  const byName = new Map(report.results.map((r) => [r.strategy, r]));

  const fast = byName.get('wrong-fast')!;
  t.assert.equal(fast.status, 'failed');
  t.assert.equal(fast.timing, undefined, 'a wrong strategy is never timed');
  t.assert.match(fast.reason!, /^wrong output: \[0\]\[0\]\.rows\[0\]\[0\]: expected num:0, got num:00$/);

  const later = byName.get('wrong-later')!;
  t.assert.equal(later.status, 'failed');
  t.assert.match(later.reason!, /^after timing: wrong output/);

  t.assert.equal(byName.get('throwing')!.status, 'error');
  t.assert.match(byName.get('throwing')!.reason!, /boom/);
  t.assert.deepEqual(failures.map((f) => f.strategy).sort(), ['throwing', 'wrong-fast', 'wrong-later']);

  // The registered strategies all matched the reference on this dataset.
  for (const strategy of registry.strategiesOf('decode')) {
    const result = byName.get(strategy.name)!;
    t.assert.ok(result.status === 'ok' || result.status === 'skipped', `${strategy.name}: ${result.status} ${result.reason ?? ''}`);
  }

  // Reports show the failure, with no bar for it.
  const svg = renderReportChart(report);
  t.assert.match(svg, /wrong-fast<\/text><text [^>]*class="failed"><title>wrong output/);
  t.assert.doesNotMatch(svg, /<title>wrong-fast:/, 'no bar (bars carry a "name: value" title)');
  t.assert.match(renderHtmlReport(report), /<tr class="failed"><td>wrong-fast<\/td>/);
});

test('a suite that cannot start, a dataset that cannot be built and a skipped strategy are reported, not fatal', async (t: TestContext) => {
  const local = new Registry();
  const base = { metric: 'MB/s' as const, work: () => ({ bytes: 8 }), reference: () => 'x', input: () => 'input' };
  local.addSuite({ ...base, name: 'down', description: 'cannot start', open: () => Promise.reject(new Error('no server')) });
  local.addSuite({ ...base, name: 'up', description: 'works' });
  local.addStrategy({ suite: 'down', name: 'a', description: '', run: () => 'x', canonical: (o: string) => o });
  local.addStrategy({ suite: 'up', name: 'right', description: '', run: () => 'x', canonical: (o: string) => o });
  local.addStrategy({ suite: 'up', name: 'skip', description: '', applies: () => 'not for this', run: () => 'x', canonical: (o: string) => o });
  local.addDataset({ name: 'good', family: 'g', description: '', profiles: ['tiny'], build: () => ({}) });
  local.addDataset({ name: 'bad', family: 'b', description: '', profiles: ['tiny'], build: () => Promise.reject(new Error('no bytes')) });
  const { report, failures } = await runBenchmarks(
    local,
    { profile: 'tiny', timeMs: 1, warmupMs: 1, iterations: 2, gc: 'minor' },
    { profile: 'tiny', root: REPOSITORY_ROOT },
  );
  assertReportShape(report);
  const find = (suite: string, dataset: string, strategy: string) =>
    report.results.find((r) => r.suite === suite && r.dataset === dataset && r.strategy === strategy);
  t.assert.match(find('down', 'good', 'a')!.reason!, /suite could not start: Error: no server/);
  t.assert.match(find('up', 'bad', 'Buffer.copy')!.reason!, /dataset could not be built: Error: no bytes/);
  t.assert.equal(find('up', 'good', 'right')!.status, 'ok');
  t.assert.equal(find('up', 'good', 'skip')!.status, 'skipped');
  t.assert.equal(find('up', 'good', 'skip')!.reason, 'not for this');
  t.assert.equal(find('up', 'good', 'Buffer.copy')!.status, 'ok');
  t.assert.equal(failures.length, 3, 'the bad dataset in both suites, and the suite that did not start on the good one');
});
