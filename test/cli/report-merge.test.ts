/**
 * Load tests larger than one machine: `bench --json` carries the encoded HdrHistogram, and
 * `voltwire report merge` sums the runs and reads the percentiles from the merged histogram —
 * the figures one histogram of every call would give, not averages of the runs' percentiles.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { buildReport, type BenchConfig, type BenchReport } from '../../src/cli/load/report.js';
import { Tally } from '../../src/cli/load/tally.js';
import { mergeReports } from '../../src/cli/merged-report.js';
import { voltwire } from './binary.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voltwire-report-merge-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONFIG: BenchConfig = {
  workload: 'voter',
  workloadDescription: 'voter',
  servers: 'db1:21212',
  connections: 1,
  workers: 1,
  workerKind: 'none',
  durationSeconds: 10,
  warmupSeconds: 0,
  rate: null,
  maxOutstanding: 100,
  seed: 1,
};

/** A run of `count` calls of `latencyUs` each (plus a few errors), over 10 s. */
function run(count: number, latencyUs: number, config: Partial<BenchConfig> = {}): { tally: Tally; report: BenchReport } {
  const tally = new Tally();
  for (let i = 0; i < count; i++) tally.record(latencyUs + (i % 10), i % 100 === 0 ? 'TIMEOUT' : undefined, 'ok');
  const report = buildReport({
    config: { ...CONFIG, ...config },
    startedAt: new Date(Date.UTC(2026, 0, 1)),
    measured: tally,
    measuredMs: 10_000,
    bytesIn: count * 10,
    bytesOut: count * 20,
    cpuUserUs: 1_000_000,
    cpuSystemUs: 500_000,
    maxScheduleLagMs: 0,
    stoppedEarly: undefined,
    intervals: [],
  });
  return { tally, report };
}

test('merging: counts and throughput summed, percentiles from the merged histogram', (t: TestContext) => {
  // A fast machine (9,000 calls at ~1 ms) and a slow one (1,000 calls at ~100 ms).
  const fast = run(9000, 1000);
  const slow = run(1000, 100_000, { servers: 'db2:21212' });
  t.assert.strictEqual(hdr.decodeFromCompressedBase64(fast.report.histogram.data, 32, false).totalCount, 9000, 'the report carries every call');
  const merged = mergeReports([
    { name: 'fast.json', report: fast.report },
    { name: 'slow.json', report: slow.report },
  ]);
  // One histogram that recorded every call, reported as one run is.
  const all = new Tally();
  all.merge(fast.tally);
  all.merge(slow.tally);
  const one = run(0, 0).report;
  const oneRun = buildReport({ config: CONFIG, startedAt: new Date(), measured: all, measuredMs: 10_000, bytesIn: 0, bytesOut: 0, cpuUserUs: 0, cpuSystemUs: 0, maxScheduleLagMs: 0, stoppedEarly: undefined, intervals: [] });
  t.assert.strictEqual(one.histogram.data, '', 'no calls, no histogram');
  t.assert.strictEqual(merged.calls, 10_000);
  t.assert.strictEqual(merged.failed, 100);
  t.assert.strictEqual(merged.throughput, 1000);
  t.assert.deepStrictEqual(merged.errors, { TIMEOUT: 100 });
  t.assert.strictEqual(merged.bytesIn, 100_000);
  t.assert.strictEqual(merged.config.servers, 'db1:21212, db2:21212');
  t.assert.deepStrictEqual(merged.latencyMs, oneRun.latencyMs);
  // p95 of everything is a slow call; the mean of the two p95s would be ~50 ms.
  t.assert.ok(merged.latencyMs['p90']! < 2 && merged.latencyMs['p95']! > 99, JSON.stringify(merged.latencyMs));
  t.assert.strictEqual(hdr.decodeFromCompressedBase64(merged.histogram.data, 32, false).totalCount, 10_000);
});

async function writeRuns(runs: Record<string, BenchReport | object>): Promise<string[]> {
  const names: string[] = [];
  for (const [name, report] of Object.entries(runs)) {
    await writeFile(join(dir, name), JSON.stringify(report));
    names.push(join(dir, name));
  }
  return names;
}

test('voltwire report merge: the merged report, --json that merges again, clear refusals', async (t: TestContext) => {
  const [a, b] = await writeRuns({ 'a.json': run(3000, 2000).report, 'b.json': run(1000, 50_000, { servers: 'db2:21212' }).report });
  const out = join(dir, 'merged.json');
  const merged = await voltwire(['report', 'merge', a!, b!, '--json', out]);
  t.assert.strictEqual(merged.code, 0, merged.stderr);
  t.assert.match(merged.stdout, /^merged 2 runs \(throughput summed, percentiles from the merged histogram\):\n {2}.*a\.json: .*3,000 calls, 300 calls\/s, servers db1:21212/);
  t.assert.match(merged.stdout, /Throughput\s+400 calls\/s/);
  t.assert.match(merged.stdout, /Calls\s+4,000 \(3,960 succeeded, 40 failed\)/);
  const written = JSON.parse(await readFile(out, 'utf8')) as BenchReport & { runs: unknown[] };
  t.assert.strictEqual(written.runs.length, 2);
  t.assert.ok(written.latencyMs['p75']! < 3 && written.latencyMs['p90']! > 49, `p75 fast, p90 slow: ${JSON.stringify(written.latencyMs)}`);
  const again = await voltwire(['report', 'merge', out, a!]);
  t.assert.strictEqual(again.code, 0, again.stderr);
  t.assert.match(again.stdout, /Calls\s+7,000 /);

  const [old, mixed, notJson] = await writeRuns({
    'old.json': { ...run(10, 1000).report, histogram: undefined },
    'mixed.json': { ...run(10, 1000).report, latencyFrom: 'intended-send-time' },
    'not.json': { tool: 'something else' },
  });
  const cases: [string[], RegExp][] = [
    [[a!, old!], /old\.json has no encoded latency histogram/],
    [[a!, mixed!], /a\.json measures latency from the actual send time, .*mixed\.json from the intended send time: their percentiles do not mix/],
    [[notJson!], /not\.json is not a voltwire bench --json result/],
    [[join(dir, 'missing.json')], /missing\.json/],
  ];
  for (const [files, message] of cases) {
    const refused = await voltwire(['report', 'merge', ...files]);
    t.assert.strictEqual(refused.code, 2, refused.stderr);
    t.assert.match(refused.stderr, new RegExp(`^error: .*${message.source}`));
    t.assert.strictEqual(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  }
});

test('bench --json writes the histogram of every measured call', async (t: TestContext) => {
  const json = join(dir, 'bench.json');
  const bench = await voltwire(['bench', '--duration', '1s', '--warmup', '0', '--quiet', '--json', json]);
  t.assert.strictEqual(bench.code, 0, bench.stderr);
  const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
  t.assert.strictEqual(report.histogram.encoding, 'HdrHistogram compressed V2, base64');
  t.assert.strictEqual(report.histogram.unit, 'microseconds');
  const histogram = hdr.decodeFromCompressedBase64(report.histogram.data, 32, false);
  t.assert.strictEqual(histogram.totalCount, report.calls);
  t.assert.strictEqual(Math.min(histogram.getValueAtPercentile(50), histogram.maxValue) / 1000, report.latencyMs['p50']);
});
