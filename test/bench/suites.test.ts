/**
 * Every suite at the `tiny` profile (seconds), through the real command: the JSON report has
 * its shape, every strategy that ran produced the reference decoder's values (the runner
 * checks each one before and after timing), and the HTML report is self-contained.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { REPOSITORY_ROOT } from '../../bench/harness/repository.js';
import type { Report } from '../../bench/harness/types.js';
import { FIXTURES_PRESENT } from '../helpers/fixtures.js';
import { assertReportShape } from './report-shape.js';

const SUITES = ['encode', 'decode', 'framing', 'end-to-end'];

test('npm run bench -- --profile tiny: every suite runs, checks and reports', { timeout: 180_000 }, (t: TestContext) => {
  const dir = mkdtempSync(join(tmpdir(), 'voltwire-bench-'));
  try {
    const json = join(dir, 'results.json');
    const html = join(dir, 'report.html');
    const svg = join(dir, 'chart.svg');
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', join(REPOSITORY_ROOT, 'dist', 'bench', 'run.js'), '--profile', 'tiny', '--json', json, '--html', html, '--svg', svg],
      { cwd: REPOSITORY_ROOT, encoding: 'utf8', timeout: 170_000, env: { ...process.env, VOLTWIRE_BENCH_GC: '1' } },
    );
    t.assert.equal(run.status, 0, `bench exited ${run.status}\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-4000)}`);

    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    assertReportShape(report);
    t.assert.equal(report.machine.gcExposed, true);
    t.assert.deepEqual(report.loadErrors, []);
    t.assert.deepEqual(
      report.suites.map((s) => s.name).sort(),
      [...SUITES].sort(),
    );
    for (const suite of SUITES) {
      const strategies = report.strategies.filter((s) => s.suite === suite).map((s) => s.name);
      t.assert.ok(strategies.length >= 2, `${suite} has strategies to compare`);
      for (const strategy of strategies) {
        const ran = report.results.filter((r) => r.suite === suite && r.strategy === strategy && r.status === 'ok');
        t.assert.ok(ran.length > 0, `${suite}/${strategy} ran and matched the reference on at least one dataset`);
      }
    }
    const wrong = report.results.filter((r) => r.status === 'failed' || r.status === 'error');
    t.assert.deepEqual(wrong, [], 'no strategy failed its check or errored');

    // The decode strategies saw generated and real data.
    const decodeDatasets = new Set(report.results.filter((r) => r.suite === 'decode' && r.status === 'ok').map((r) => r.dataset));
    for (const family of ['decimal-heavy', 'varbinary-heavy']) {
      t.assert.ok([...decodeDatasets].some((d) => d.startsWith(family)), `decode ran on ${family}`);
    }
    if (FIXTURES_PRESENT) t.assert.ok(decodeDatasets.has('wire-captures') && decodeDatasets.has('real-small'), 'decode ran on the captures');

    const page = readFileSync(html, 'utf8');
    t.assert.match(page, /^<!doctype html>/);
    t.assert.ok((page.match(/<svg /g) ?? []).length >= SUITES.length, 'one chart per suite');
    t.assert.doesNotMatch(page, /<(script|link|img|iframe)[^>]+(src|href)=/i, 'nothing loaded from elsewhere');
    t.assert.doesNotMatch(page, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no external URL');
    const chart = readFileSync(svg, 'utf8');
    t.assert.match(chart, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const suite of SUITES) t.assert.ok(chart.includes(`>${suite} — `), `the SVG charts ${suite}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
