import { PassThrough } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { LiveDisplay, liveLine, statusText } from '../../src/cli/load/live-display.js';
import type { IntervalSnapshot } from '../../src/cli/load/load-stats.js';
import { buildReport, csvHeader, formatBytes, formatCsv, formatReport, percentileKey, type BenchConfig } from '../../src/cli/load/report.js';
import { Tally } from '../../src/cli/load/tally.js';

const CONFIG: BenchConfig = {
  workload: 'voter',
  workloadDescription: 'voter: 6 contestants, at most 2 votes per phone number',
  servers: 'embedded (127.0.0.1:1234)',
  connections: 2,
  workers: 1,
  workerKind: 'none',
  durationSeconds: 10,
  warmupSeconds: 2,
  rate: null,
  maxOutstanding: 2000,
  seed: 1,
};

function tally(): Tally {
  const t = new Tally();
  for (let i = 1; i <= 10_000; i++) t.record(i, i % 1000 === 0 ? 'GRACEFUL_FAILURE' : undefined, i % 1000 === 0 ? undefined : 'accepted');
  return t;
}

function input(rate: number | null) {
  return {
    config: { ...CONFIG, rate },
    startedAt: new Date('2025-01-02T03:04:05Z'),
    measured: tally(),
    measuredMs: 2000,
    bytesIn: 3 * 1024 * 1024,
    bytesOut: 2048,
    cpuUserUs: 1_500_000,
    cpuSystemUs: 500_000,
    maxScheduleLagMs: 1.23456,
    stoppedEarly: undefined,
    intervals: [],
  };
}

test('buildReport: throughput, percentiles in ms, errors, bytes and CPU', (t: TestContext) => {
  const r = buildReport(input(null));
  t.assert.strictEqual(r.calls, 10_000);
  t.assert.strictEqual(r.failed, 10);
  t.assert.strictEqual(r.throughput, 5000);
  t.assert.strictEqual(r.latencyFrom, 'actual-send-time');
  t.assert.deepStrictEqual(Object.keys(r.latencyMs), ['min', 'mean', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99_5', 'p99_9', 'max']);
  t.assert.ok(Math.abs(r.latencyMs.p50! - 5) < 0.01, `p50 ${r.latencyMs.p50}`);
  t.assert.ok(Math.abs(r.latencyMs.p99_9! - 9.99) < 0.02, `p99.9 ${r.latencyMs.p99_9}`);
  t.assert.ok(Math.abs(r.latencyMs.max! - 10) < 0.01);
  t.assert.deepStrictEqual(r.errors, { GRACEFUL_FAILURE: 10 });
  t.assert.deepStrictEqual(r.outcomes, { accepted: 9990 });
  t.assert.deepStrictEqual(r.cpu, { userSeconds: 1.5, systemSeconds: 0.5, percentOfOneCore: 100 });
  t.assert.strictEqual(r.stoppedEarly, null);
  t.assert.ok(r.machine.cpus >= 1);
  t.assert.strictEqual(buildReport(input(1000)).latencyFrom, 'intended-send-time');
  const empty = buildReport({ ...input(null), measured: new Tally(), measuredMs: 0 });
  t.assert.strictEqual(empty.throughput, 0);
  t.assert.strictEqual(empty.latencyMs.max, 0);
  t.assert.strictEqual(empty.cpu.percentOfOneCore, 0);
});

test('formatReport says where latency is measured from', (t: TestContext) => {
  const plain = formatReport(buildReport(input(null)));
  t.assert.match(plain, /Throughput\s+5,000 calls\/s/);
  t.assert.match(plain, /Calls\s+10,000 \(9,990 succeeded, 10 failed\)/);
  t.assert.match(plain, /Errors\s+GRACEFUL_FAILURE 10/);
  t.assert.match(plain, /actual send time/);
  t.assert.match(plain, /p10\s+p25\s+p50\s+p75\s+p90\s+p95\s+p99\s+p99\.5\s+p99\.9\s+max/);
  t.assert.match(plain, /Bytes in\s+3\.0 MiB \(1\.5 MiB\/s\)/);
  t.assert.match(plain, /Client CPU\s+1\.50 s user \+ 0\.50 s system = 100% of one core/);
  t.assert.match(plain, /1 client × 2 connections per host, 2,000 calls in flight at most/);
  t.assert.doesNotMatch(plain, /lag behind/);
  const limited = formatReport(buildReport({ ...input(20_000), stoppedEarly: 'interrupted', config: { ...CONFIG, rate: 20_000, workers: 2, workerKind: 'process' } }));
  t.assert.match(limited, /intended send time \(corrected for coordinated omission\)/);
  t.assert.match(limited, /rate limit 20,000 calls\/s/);
  t.assert.match(limited, /worst lag behind the send schedule: 1\.235 ms/);
  t.assert.match(limited, /stopped early: interrupted/);
  t.assert.match(limited, /2 client processes/);
  const none = formatReport(buildReport({ ...input(null), measured: new Tally(), measuredMs: 0 }));
  t.assert.match(none, /Errors\s+none/);
});

test('formatCsv: a header and one quoted row with the same figures', (t: TestContext) => {
  const report = buildReport(input(500));
  const [header, row, rest] = formatCsv(report).split('\n');
  t.assert.strictEqual(rest, '');
  t.assert.strictEqual(header, csvHeader().join(','));
  const cells = row!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
  const at = (name: string): string => cells[csvHeader().indexOf(name)]!;
  t.assert.strictEqual(at('calls'), '10000');
  t.assert.strictEqual(at('rate_limit'), '500');
  t.assert.strictEqual(at('latency_from'), 'intended-send-time');
  t.assert.strictEqual(Number(at('p50_ms')), report.latencyMs.p50);
  t.assert.strictEqual(at('errors'), 'GRACEFUL_FAILURE=10');
  t.assert.strictEqual(at('servers'), 'embedded (127.0.0.1:1234)');
  t.assert.ok(header!.includes('p99_5_ms') && header!.includes('p99_9_ms'));
  const comma = formatCsv({ ...report, config: { ...report.config, servers: 'a:1,b:2' } });
  t.assert.match(comma, /"a:1,b:2"/);
  t.assert.strictEqual(percentileKey(99.5), 'p99_5');
  t.assert.strictEqual(formatBytes(10), '10 B');
  t.assert.strictEqual(formatBytes(1536), '1.5 KiB');
  t.assert.strictEqual(formatBytes(5 * 1024 ** 4), '5.0 TiB');
});

const SNAPSHOT: IntervalSnapshot = {
  phase: 'measure',
  elapsedMs: 3500,
  measuredMs: 1500,
  completed: 1000,
  tpsNow: 12345.6,
  tpsAverage: 12000,
  p50Ms: 0.523,
  p99Ms: 12.5,
  errors: 3,
  outstanding: 42,
};

test('live display without a TTY: one plain line per tick', (t: TestContext) => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const display = new LiveDisplay({ stream, totalMs: 10_000 });
  t.assert.strictEqual(display.tty, false);
  display.start();
  display.tick(SNAPSHOT);
  display.tick({ ...SNAPSHOT, elapsedMs: 4500, p99Ms: 150 });
  display.stop();
  const lines = text.trimEnd().split('\n');
  t.assert.strictEqual(lines.length, 2);
  t.assert.match(lines[0]!, /^\[\s+3\.5 s\] measure \|\s+12,346 tps now,\s+12,000 avg \| p50 0\.52 ms, p99 12\.5 ms \| errors 3 \| outstanding 42$/);
  t.assert.match(lines[1]!, /p99 150 ms/);
  t.assert.doesNotMatch(text, /\r|\x1b/);
  t.assert.strictEqual(display.intervals.length, 2);
  t.assert.strictEqual(statusText(SNAPSHOT), lines[0]!.replace(/^\[\s+3\.5 s\] /, ''));
});

test('live display on a TTY redraws one line in place', async (t: TestContext) => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const display = new LiveDisplay({ stream, totalMs: 10_000 });
  t.assert.strictEqual(display.tty, true);
  display.start();
  display.tick({ ...SNAPSHOT, elapsedMs: 1000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  display.tick({ ...SNAPSHOT, elapsedMs: 5000, tpsNow: 22222 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  display.stop();
  t.assert.match(text, /22,222 tps now/);
  t.assert.match(text, /50% \| 5\.0 s \| measure/);
  // Redrawn in place: no newline between the updates, only at the end.
  t.assert.strictEqual(text.trimEnd().split('\n').length, 1);
  const forced = new LiveDisplay({ stream: new PassThrough(), totalMs: 1, tty: false });
  t.assert.strictEqual(forced.tty, false);
});

test('liveLine shrinks the bar to keep the figures on a narrow terminal', (t: TestContext) => {
  t.assert.strictEqual(liveLine(0.5, 200, '5.0', 'status'), '██████████░░░░░░░░░░  50% | 5.0 s | status');
  t.assert.strictEqual(liveLine(1, 40, '9.9', 'status'), '█'.repeat(17) + ' 100% | 9.9 s | status');
  t.assert.strictEqual(liveLine(0.25, 25, '1.0', 'status'), ' 25% | 1.0 s | status');
  t.assert.strictEqual(liveLine(2, 200, '1.0', 'x').startsWith('████████████████████ 200%'), true);
});
