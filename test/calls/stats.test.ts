import { describe, test, type TestContext } from 'node:test';
import { StatsCollector } from '../../src/calls/stats.js';
import { recordFailure, recordSuccess } from '../../src/calls/call-tracker.js';
import { countersFor } from '../../src/calls/start-call.js';

describe('StatsCollector', () => {
  test('counts per procedure, errors by kind, latency percentiles in ms', (t: TestContext) => {
    const stats = new StatsCollector();
    const vote = countersFor(stats, 'Vote');
    t.assert.strictEqual(countersFor(stats, 'Vote'), vote, 'one counters object per procedure');
    for (let i = 1; i <= 100; i++) recordSuccess(vote, i * 1000); // 1..100 ms
    recordFailure(vote, 'GRACEFUL_FAILURE', 5000);
    recordFailure(vote, 'CONNECTION_TIMEOUT', -1);
    recordFailure(countersFor(stats, '@Ping'), 'ABORTED', -1);
    stats.bytesIn += 10;
    stats.bytesOut += 20;
    stats.lateResponses += 2;
    const s = stats.snapshot();
    t.assert.strictEqual(s.calls, 103);
    t.assert.strictEqual(s.succeeded, 100);
    t.assert.strictEqual(s.failed, 3);
    t.assert.deepStrictEqual(s.errors, { GRACEFUL_FAILURE: 1, CONNECTION_TIMEOUT: 1, ABORTED: 1 });
    t.assert.strictEqual(s.bytesIn, 10);
    t.assert.strictEqual(s.bytesOut, 20);
    t.assert.strictEqual(s.lateResponses, 2);
    const v = s.procedures['Vote']!;
    t.assert.strictEqual(v.calls, 102);
    t.assert.strictEqual(v.failed, 2);
    t.assert.strictEqual(s.latencyMs.count, 101, 'answered calls only');
    t.assert.ok(Math.abs(s.latencyMs.p50 - 50) < 1, `p50 ${s.latencyMs.p50}`);
    t.assert.ok(Math.abs(s.latencyMs.p99 - 99) < 1.5, `p99 ${s.latencyMs.p99}`);
    t.assert.ok(Math.abs(s.latencyMs.max - 100) < 1);
    t.assert.ok(Math.abs(s.latencyMs.min - 1) < 0.1);
    t.assert.ok(Math.abs(v.latencyMs.p50 - 50) < 1);
    t.assert.strictEqual(s.procedures['@Ping']!.latencyMs.count, 0);
    t.assert.ok(s.until.getTime() >= s.since.getTime());
  });

  test('snapshot(true) starts a new interval', (t: TestContext) => {
    const stats = new StatsCollector();
    const c = countersFor(stats, 'P');
    recordSuccess(c, 0.2);
    stats.bytesOut = 99;
    const first = stats.snapshot(true);
    t.assert.strictEqual(first.calls, 1);
    t.assert.strictEqual(first.latencyMs.min, 0.001, 'sub-µs latencies are recorded as 1 µs');
    const second = stats.snapshot();
    t.assert.strictEqual(second.calls, 0);
    t.assert.strictEqual(second.bytesOut, 0);
    t.assert.deepStrictEqual(second.procedures, {}, 'procedures without calls in the interval are left out');
    t.assert.strictEqual(second.latencyMs.count, 0);
    t.assert.strictEqual(second.latencyMs.p99, 0);
    recordSuccess(c, 1000);
    t.assert.strictEqual(stats.snapshot().procedures['P']!.calls, 1, 'cached counters keep working after a reset');
  });
});
