/** The harness's small parts: canonical values, selection, options, formatting, chart scales. */
import { test, type TestContext } from 'node:test';
import { Decimal } from '../../src/protocol/decimal.js';
import { canonicalValue, firstDifference, projectTable } from '../../bench/harness/canonical.js';
import { consoleReport } from '../../bench/harness/console-table.js';
import { formatBytes, formatCount, formatDuration, formatRatio } from '../../bench/harness/format.js';
import { machineInfo, machineNotes } from '../../bench/harness/machine.js';
import { parseCli, PROFILE_DEFAULTS } from '../../bench/harness/options.js';
import { Registry } from '../../bench/harness/registry.js';
import { selectDatasets, selectSuites } from '../../bench/harness/selection.js';
import { escapeXml, makeScale, wrapText } from '../../bench/harness/svg-chart.js';
import type { Dataset, Report } from '../../bench/harness/types.js';
import { rowLabel } from '../../bench/datasets/table-family.js';
import { Prng } from '../../bench/datasets/prng.js';
import { canonicalParameter } from '../../bench/suites/encode/encode-suite.js';

test('canonical values keep types apart and compare by value', (t: TestContext) => {
  t.assert.equal(canonicalValue(1), 'num:1');
  t.assert.equal(canonicalValue(1n), 'big:1');
  t.assert.equal(canonicalValue('1'), 's:1');
  t.assert.equal(canonicalValue(-0), 'num:-0');
  t.assert.equal(canonicalValue(NaN), 'num:NaN');
  t.assert.equal(canonicalValue(null), 'null');
  t.assert.equal(canonicalValue(undefined), 'null');
  t.assert.equal(canonicalValue(true), 'bool:true');
  t.assert.equal(canonicalValue(new Date(5)), 'date:5');
  t.assert.equal(canonicalValue(new Decimal('1.5')), 'dec:1.500000000000');
  t.assert.equal(canonicalValue(new Uint8Array([0, 255])), 'bin:00ff');
  t.assert.equal(canonicalValue({ toWKT: () => 'POINT (1 2)' }), 'wkt:POINT (1 2)');
  t.assert.equal(canonicalValue({ b: 2n, a: [1] }), 'obj:{"a":[1],"b":"2n"}');
  t.assert.equal(canonicalValue([1, 'x']), '[num:1,s:x]');
  // The encode suite: an integer is an integer whatever it travelled as.
  t.assert.equal(canonicalParameter(5), canonicalParameter(5n));
  t.assert.equal(canonicalParameter(-0), canonicalParameter(0));
  t.assert.notEqual(canonicalParameter(1.5), canonicalParameter(1));
  t.assert.equal(canonicalParameter(new Date(2)), canonicalParameter(2000n));
});

test('firstDifference names the first differing place', (t: TestContext) => {
  t.assert.equal(firstDifference([['a']], [['a']]), undefined);
  t.assert.equal(firstDifference([['a', 'b']], [['a', 'c']]), '[0][1]: expected c, got b');
  t.assert.equal(firstDifference([1, 2], [1, 2, 3]), 'output: expected 3 entries, got 2');
  t.assert.equal(firstDifference([9, 2], [1, 2, 3]), '[0]: expected 1, got 9');
  t.assert.equal(firstDifference('x', ['x']), 'output: expected an array, got x');
  t.assert.equal(firstDifference({ rows: [] }, { rows: [], columns: [1] }), '.columns: expected an array, got undefined');
  t.assert.equal(firstDifference(null, { a: 1 }), 'output: expected an object, got null');
  t.assert.match(firstDifference('x'.repeat(200), 'y')!, /got x+\.\.\.$/);
  t.assert.deepEqual(projectTable({ rows: [['a', 'b', 'c']] }, [2, 0]), { columns: [2, 0], rows: [['c', 'a']] });
});

function dataset(name: string, family: string, rows: number, profiles: Dataset['profiles']): Dataset {
  return { name, family, rows, profiles, description: name, build: () => ({}) };
}

test('selection by suite, dataset name, family and profile', (t: TestContext) => {
  const registry = new Registry();
  const suite = registry.addSuite({ name: 's', description: '', metric: 'MB/s', input: () => undefined, work: () => ({ bytes: 0 }), reference: () => null });
  t.assert.throws(() => registry.addSuite({ ...suite }), /registered twice/);
  registry.addDataset(dataset('n-10k', 'n', 10_000, ['quick', 'full']));
  registry.addDataset(dataset('n-16', 'n', 16, ['tiny']));
  registry.addDataset(dataset('m-16', 'm', 16, ['tiny']));
  t.assert.throws(() => registry.addDataset(dataset('m-16', 'm', 1, ['tiny'])), /registered twice/);
  const strategy = { suite: 's', name: 'x', description: '', run: () => 1, canonical: () => 1 };
  registry.addStrategy(strategy);
  registry.addStrategy(strategy);
  t.assert.throws(() => registry.addStrategy({ ...strategy }), /registered twice/);
  t.assert.equal(registry.clone().strategiesOf('s').length, 1);

  t.assert.deepEqual(selectSuites(registry, []).map((s) => s.name), ['s']);
  t.assert.throws(() => selectSuites(registry, ['nope']), /unknown suite "nope"; known: s/);
  t.assert.deepEqual(selectDatasets(registry, [], 'tiny').map((d) => d.name), ['m-16', 'n-16']);
  t.assert.deepEqual(selectDatasets(registry, ['n'], 'quick').map((d) => d.name), ['n-10k']);
  t.assert.deepEqual(selectDatasets(registry, ['m'], 'full').map((d) => d.name), ['m-16'], 'a family outside the profile still runs');
  t.assert.deepEqual(selectDatasets(registry, ['n-10k'], 'tiny').map((d) => d.name), ['n-10k']);
  t.assert.throws(() => selectDatasets(registry, ['zz'], 'tiny'), /unknown dataset "zz"; families: m, n/);
});

test('command-line options', (t: TestContext) => {
  const full = parseCli([]);
  t.assert.equal(full.profile, 'full');
  t.assert.equal(full.timeMs, PROFILE_DEFAULTS.full.timeMs);
  t.assert.deepEqual(full.suites, []);
  const quick = parseCli(['--quick', '--suite', 'decode,encode', '--suite', 'framing', '--dataset', 'narrow', '--time', '90', '--json', 'a.json', '--html', 'a.html', '--svg', 'a.svg']);
  t.assert.equal(quick.profile, 'quick');
  t.assert.deepEqual(quick.suites, ['decode', 'encode', 'framing']);
  t.assert.deepEqual(quick.datasets, ['narrow']);
  t.assert.equal(quick.timeMs, 90);
  t.assert.equal(quick.warmupMs, 30);
  t.assert.deepEqual([quick.json, quick.html, quick.svg], ['a.json', 'a.html', 'a.svg']);
  t.assert.equal(parseCli(['--profile', 'tiny']).profile, 'tiny');
  t.assert.equal(parseCli(['--list']).list, true);
  t.assert.throws(() => parseCli(['--profile', 'huge']), /--profile must be one of tiny, quick, full/);
  t.assert.throws(() => parseCli(['--time', 'abc']), /--time must be a positive number/);
  t.assert.throws(() => parseCli(['--nope']), /Unknown option/);
});

test('number formatting', (t: TestContext) => {
  t.assert.equal(formatDuration(0.0000123), '12.3 ns');
  t.assert.equal(formatDuration(0.5), '500 µs');
  t.assert.equal(formatDuration(12.34), '12.3 ms');
  t.assert.equal(formatDuration(2500), '2.50 s');
  t.assert.equal(formatDuration(undefined), '—');
  t.assert.equal(formatCount(1234), '1234');
  t.assert.equal(formatCount(12_345), '12.3k');
  t.assert.equal(formatCount(2_500_000), '2.50M');
  t.assert.equal(formatCount(3e9), '3.00G');
  t.assert.equal(formatCount(0.00123), '0.00123');
  t.assert.equal(formatCount(0), '0');
  t.assert.equal(formatRatio(31.4), '31.4×');
  t.assert.equal(formatRatio(undefined), '—');
  t.assert.equal(formatBytes(512), '512 B');
  t.assert.equal(formatBytes(1536), '1.50 KiB');
  t.assert.equal(formatBytes(3 << 20), '3.00 MiB');
  t.assert.equal(rowLabel(100), '100');
  t.assert.equal(rowLabel(10_000), '10k');
  t.assert.equal(rowLabel(2_000_000), '2m');
  t.assert.equal(rowLabel(1500), '1500');
});

test('chart scales: logarithmic across orders of magnitude, linear otherwise', (t: TestContext) => {
  const log = makeScale([3, 4000], 0, 400);
  t.assert.equal(log.log, true);
  t.assert.deepEqual(log.ticks, [1, 10, 100, 1000, 10000]);
  t.assert.equal(log.x(100), 200);
  const linear = makeScale([30, 90], 0, 100);
  t.assert.equal(linear.log, false);
  t.assert.equal(linear.ticks[0], 0);
  t.assert.equal(linear.x(linear.max), 100);
  t.assert.equal(makeScale([], 0, 10).log, false);
  t.assert.equal(escapeXml('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;');
  t.assert.deepEqual(wrapText('aa bb cc dddddd e', 5), ['aa bb', 'cc', 'dddddd', 'e']);
});

test('machine info and the noise note', (t: TestContext) => {
  const info = machineInfo();
  t.assert.ok(info.cores > 0 && info.cpuModel.length > 0 && info.node === process.version);
  const busy = machineNotes({ ...info, gcExposed: false, loadAverageStart: info.cores * 2, loadAverageEnd: 0 });
  t.assert.equal(busy.length, 2);
  t.assert.match(busy[0]!, /busy/);
  t.assert.deepEqual(machineNotes({ ...info, gcExposed: true, loadAverageStart: 0, loadAverageEnd: 0 }), []);
  const report: Report = {
    schema: 'voltwire-bench/1', startedAt: '', finishedAt: '', command: '', machine: info,
    options: { suites: [], datasets: [], profile: 'tiny', timeMs: 1, warmupMs: 1, iterations: 1, gc: 'minor' },
    suites: [], datasets: [], strategies: [], results: [], loadErrors: [{ file: 'x.js', error: 'missing' }], notes: ['n'],
  };
  t.assert.match(consoleReport(report), /load error: x\.js: missing\nnote: n$/);
});

test('the dataset generator is deterministic', (t: TestContext) => {
  const a = new Prng(7);
  const b = new Prng(7);
  t.assert.deepEqual([a.next(), a.below(10), a.bytes(5), a.digits(4)], [b.next(), b.below(10), b.bytes(5), b.digits(4)]);
  t.assert.notEqual(new Prng(0).next(), 0, 'seed 0 is moved off the fixed point');
  t.assert.match(new Prng(3).digits(6), /^[1-9]\d{5}$/);
});
