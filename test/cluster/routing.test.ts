/**
 * Partition-aware routing, discovery and callAllPartitions against a 3-node, 8-partition
 * embedded cluster, through the cluster layer's test harness (the layer's own view: router,
 * tracker, partition keys). Weights and backups are proved through the Client
 * (client-cluster.test.ts).
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { callAllPartitions } from '../../src/cluster/all-partitions.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../../src/protocol/constants.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';
import { startHarness, type Harness } from './harness.js';

const calls = (cluster: EmbeddedCluster): number[] => cluster.stats().map((s) => s.calls);
const delta = (after: number[], before: number[]): number[] => after.map((n, i) => n - before[i]!);
const misrouted = (cluster: EmbeddedCluster): number => cluster.stats().reduce((sum, s) => sum + s.misroutedCalls, 0);

describe('partition-aware routing on a 3-node, 8-partition cluster', () => {
  let cluster: EmbeddedCluster;
  let h: Harness;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['kv'] });
    cluster.define('Touch', { partitionParameter: 0, parameterTypes: ['BIGINT', 'INTEGER'] }, (_params, context) => context.partition);
    cluster.define('Where', { partitionParameter: 1, parameterTypes: ['STRING', 'BIGINT'] }, (_params, context) => BigInt(context.hostId * 100 + context.partition));
    cluster.define('Everywhere', { readOnly: true }, (_params, context) => context.partition);
    h = await startHarness({ hosts: [cluster.addresses[0]!] });
  });
  after(async () => {
    await h.close();
    await cluster.close();
  });

  test('one listed host: the topology is learned and every node is discovered and connected', (t: TestContext) => {
    const hosts = h.set.hosts;
    t.assert.deepStrictEqual(hosts.map((x) => [x.port, x.hostId, x.connected, x.discovered]), [
      [cluster.ports[0], 0, true, false],
      [cluster.ports[1], 1, true, true],
      [cluster.ports[2], 2, true, true],
    ]);
    t.assert.deepStrictEqual(h.set.connectResults.map((r) => [r.port, r.ok, r.discovered ?? false]), [
      [cluster.ports[0], true, false],
      [cluster.ports[1], true, true],
      [cluster.ports[2], true, true],
    ]);
    const topology = h.set.topology!;
    t.assert.strictEqual(topology.partitions.length, 8);
    t.assert.deepStrictEqual(topology.partitions.map((p) => p.leaderHostId), [0, 1, 2, 0, 1, 2, 0, 1]);
    t.assert.strictEqual(topology.mpLeaderHostId, 0);
    t.assert.strictEqual(h.set.procedure('Touch')?.partitionParameterType, VOLT_TYPE.BIGINT);
    t.assert.strictEqual(h.set.tracker!.subscribed, true);
  });

  test('100,000 single-partition calls (BIGINT and STRING keys): zero mis-routed in the servers’ stats', async (t: TestContext) => {
    const before = calls(cluster);
    const misroutedBefore = misrouted(cluster);
    const total = 100_000;
    const window = 4000;
    let ok = 0;
    let failure: unknown;
    for (let start = 0; start < total; start += window) {
      const batch: Promise<unknown>[] = [];
      for (let i = start; i < start + window; i++) {
        batch.push(i % 2 === 0 ? h.call('Touch', [BigInt(i) * 7919n, i]) : h.call('Get', [`key-${i}`]));
      }
      for (const r of await Promise.allSettled(batch)) {
        if (r.status === 'fulfilled') ok++;
        else failure ??= r.reason;
      }
    }
    t.assert.strictEqual(ok, total, `first failure: ${String(failure)}`);
    t.assert.strictEqual(misrouted(cluster) - misroutedBefore, 0, 'no call reached a node that does not lead its partition');
    const spread = delta(calls(cluster), before);
    t.assert.strictEqual(spread.reduce((a, b) => a + b, 0), total);
    // Partitions 0,3,6 / 1,4,7 / 2,5: every node gets its share.
    for (const n of spread) t.assert.ok(n > total / 6, `each node ran its share: ${spread.join(', ')}`);
  });

  test('the partition parameter need not be the first; the value hashes as the column type', async (t: TestContext) => {
    const ring = cluster.database.hashinator;
    for (let i = 0; i < 50; i++) {
      const key = BigInt(i) ** 3n;
      const partition = ring.partitionFor(key, VOLT_TYPE.BIGINT);
      t.assert.strictEqual(h.set.router.partitionOf('Where', ['x', key]), partition);
      const res = await h.call('Where', ['x', key]);
      t.assert.strictEqual(res.tables[0]!.get(0, 0), BigInt(cluster.leaderOf(partition) * 100 + partition));
    }
  });

  test('multi-partition, unknown and system procedures spread evenly (equal weights)', async (t: TestContext) => {
    t.assert.strictEqual(h.set.router.partitionOf('Everywhere', []), MP_PARTITION_ID);
    const before = calls(cluster);
    await Promise.all(Array.from({ length: 30 }, () => h.call('Everywhere')));
    t.assert.deepStrictEqual(delta(calls(cluster), before), [10, 10, 10]);
    const before2 = calls(cluster);
    await Promise.all(Array.from({ length: 300 }, () => h.call('@Ping')));
    t.assert.deepStrictEqual(delta(calls(cluster), before2), [100, 100, 100]);
    // A value that cannot be hashed as the column type: no preference (the server reports the error).
    t.assert.strictEqual(h.set.router.partitionOf('Touch', ['not a number', 1]), -1);
    t.assert.strictEqual(h.set.router.partitionOf('Touch', []), -1, 'partition parameter missing');
  });

  test('callAllPartitions: one settled result per partition, each run on its own partition', async (t: TestContext) => {
    const results = await callAllPartitions(h.set, (p, params) => h.call(p, params), 'Touch', [5]);
    t.assert.strictEqual(results.length, 8);
    t.assert.deepStrictEqual(
      results.map((r) => r.partition),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    for (const r of results) {
      t.assert.ok(r.ok);
      if (r.ok) t.assert.strictEqual(r.response.tables[0]!.get(0, 0), BigInt(r.partition));
    }
    // STRING-partitioned: STRING keys; inserted at the partition parameter's index.
    const gets = await callAllPartitions(h.set, (p, params) => h.call(p, params), 'Get', []);
    t.assert.deepStrictEqual(gets.map((r) => [r.partition, r.ok, typeof r.key]), [0, 1, 2, 3, 4, 5, 6, 7].map((p) => [p, true, 'string']));
    const where = await callAllPartitions(h.set, (p, params) => h.call(p, params), 'Where', ['first']);
    t.assert.deepStrictEqual(where.map((r) => (r.ok ? Number(r.response.tables[0]!.get(0, 0)) % 100 : -1)), [0, 1, 2, 3, 4, 5, 6, 7]);
    // Cached until the ring changes.
    t.assert.strictEqual(h.set.partitionKeys(VOLT_TYPE.BIGINT), h.set.partitionKeys(VOLT_TYPE.INTEGER));
    // A failing partition is one failed entry, not a rejection.
    const firstKey = results[0]!.key;
    const mixed = await callAllPartitions(h.set, (p, params) => (params[0] === firstKey ? Promise.reject(new Error('boom')) : h.call(p, params)), 'Touch', [1]);
    t.assert.deepStrictEqual(mixed.map((r) => r.ok), [false, true, true, true, true, true, true, true]);
    await t.assert.rejects(callAllPartitions(h.set, (p, params) => h.call(p, params), 'Everywhere'), /multi-partition/);
    await t.assert.rejects(callAllPartitions(h.set, (p, params) => h.call(p, params), 'Where', []), /partitioned on parameter 2, but only 0/);
    await t.assert.rejects(callAllPartitions(h.set, (p, params) => h.call(p, params), ''), /non-empty/);
    await t.assert.rejects(callAllPartitions(h.set, (p, params) => h.call(p, params), 'Touch', 'x' as unknown as unknown[]), /must be an array/);
  });

  test('a procedure defined later is pushed to the subscriber and routed at once', async (t: TestContext) => {
    t.assert.strictEqual(h.set.procedure('Later'), undefined);
    cluster.define('Later', { partitionParameter: 0, parameterTypes: ['BIGINT'] }, (_p, context) => context.partition);
    const deadline = Date.now() + 3000;
    while (h.set.procedure('Later') === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    t.assert.strictEqual(h.set.procedure('Later')?.singlePartition, true);
    const before = misrouted(cluster);
    await Promise.all(Array.from({ length: 200 }, (_, i) => h.call('Later', [BigInt(i)])));
    t.assert.strictEqual(misrouted(cluster) - before, 0);
  });
});
