/**
 * The cluster layer through the public `Client`: discovery, leader routing, loss and reconnect,
 * waiting for a connection, dead-peer detection — end to end on the embedded cluster.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client, type ClientOptions } from '../../src/client.js';
import { CallTimeoutError, ConnectionError, ConnectionLostError, NoConnectionsError } from '../../src/errors.js';
import { startCluster, startServer, type EmbeddedCluster } from '../../src/server/index.js';
import { until } from '../helpers/until.js';
import { sleep } from './harness.js';

const connect = (options: ClientOptions): Promise<Client> => Client.connect({ decode: { workers: 0 }, timerResolutionMs: 10, ...options });
/** Every node, host 0 with weight 9: the client's first multi-partition call goes to host 0 (smooth weighted round-robin). */
const host0First = (cluster: EmbeddedCluster): ClientOptions['hosts'] => cluster.nodes.map((n, i) => ({ host: n.host, port: n.port, weight: i === 0 ? 9 : 1 }));
const misrouted = (cluster: EmbeddedCluster): number => cluster.stats().reduce((sum, s) => sum + s.misroutedCalls, 0);
const calls = (cluster: EmbeddedCluster): number[] => cluster.stats().map((s) => s.calls);
const delta = (after: number[], before: number[]): number[] => after.map((n, i) => n - before[i]!);

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; release: () => void } {
  let release = (): void => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('Client on a 3-node, 8-partition embedded cluster', () => {
  let cluster: EmbeddedCluster;
  /** Host ids `Slow` started on, in order. */
  const slowRuns: number[] = [];
  /** `Slow` runs until this opens (a test, not a timer, decides when a node is lost under it). */
  let slowGate = gate();
  slowGate.release();
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['voter'] });
    cluster.define('Touch', { partitionParameter: 0, parameterTypes: ['BIGINT'] }, (_p, context) => context.partition);
    cluster.define('Slow', { readOnly: true }, async (_p, context) => {
      slowRuns.push(context.hostId);
      await slowGate.promise;
      return context.hostId;
    });
  });
  after(() => {
    slowGate.release();
    return cluster.close();
  });
  /** Hold `Slow` from now on; the host ids it runs on are counted afresh. */
  const holdSlow = (): void => {
    slowRuns.length = 0;
    slowGate = gate();
  };

  test('discovers every node and sends 100,000 single-partition calls with zero mis-routed', async (t: TestContext) => {
    const client = await connect({ hosts: [cluster.addresses[1]!] });
    t.after(() => client.close());
    t.assert.deepStrictEqual(client.connectResults.map((r) => [r.port, r.ok, r.discovered ?? false]), [
      [cluster.ports[1], true, false],
      [cluster.ports[0], true, true],
      [cluster.ports[2], true, true],
    ]);
    t.assert.strictEqual(client.topology!.partitions.length, 8);
    const before = misrouted(cluster);
    const calls = cluster.stats().map((s) => s.calls);
    const total = 100_000;
    for (let start = 0; start < total; start += 5000) {
      const batch = await client.callMany(Array.from({ length: 5000 }, (_, i) => ({ procedure: 'Vote', params: [5550000000n + BigInt(start + i), (i % 6) + 1, 1000n] })));
      t.assert.strictEqual(batch.failed, 0);
    }
    t.assert.strictEqual(misrouted(cluster) - before, 0);
    const spread = cluster.stats().map((s, i) => s.calls - calls[i]!);
    for (const n of spread) t.assert.ok(n > total / 6, `every node ran its share: ${spread.join(', ')}`);
    const all = await client.callAllPartitions('Touch');
    t.assert.deepStrictEqual(all.map((r) => (r.ok ? Number(r.response.tables[0]!.get(0, 0)) : -1)), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('a node lost under load: calls fail once, traffic moves, backoff, reconnect; a retried read-only call', async (t: TestContext) => {
    const client = await connect({ hosts: host0First(cluster), reconnectDelayMs: 30, maxReconnectDelayMs: 120, retryOnConnectionLoss: true });
    t.after(() => client.close());
    const delays: number[] = [];
    const reconnected: number[] = [];
    client.on('reconnect', (info) => delays.push(info.delayMs));
    client.on('connect', (info) => info.reconnected && reconnected.push(info.port));
    holdSlow();
    const slow = client.call('Slow');
    const load = Array.from({ length: 3000 }, (_, i) => client.call('Touch', [BigInt(i)]).then(() => null, (e: unknown) => e));
    await until(() => slowRuns.length > 0, 'Slow running');
    t.assert.strictEqual(slowRuns[0], 0, 'the first multi-partition call went to host 0');
    await cluster.node(0).stop();
    slowGate.release();
    t.assert.ok([1n, 2n].includes((await slow).tables[0]!.get(0, 0) as bigint), 'the read-only MP call was retried on another node');
    const failures = (await Promise.all(load)).filter((e) => e !== null);
    for (const e of failures) t.assert.ok(e instanceof ConnectionLostError, String(e));
    t.assert.strictEqual((await Promise.all(Array.from({ length: 300 }, (_, i) => client.call('Touch', [BigInt(i)])))).length, 300, 'the others serve');
    await until(() => delays.length >= 3, 'three reconnect attempts');
    t.assert.ok(delays[0]! <= 30 && delays[1]! <= 60 && delays[2]! <= 120 && delays[1]! > 30 && delays[2]! > 60, delays.join(', '));
    await cluster.node(0).restart();
    await until(() => reconnected.includes(cluster.ports[0]!), 'node 0 back', 10_000);
    const before = misrouted(cluster);
    await Promise.all(Array.from({ length: 300 }, (_, i) => client.call('Touch', [BigInt(i)])));
    t.assert.strictEqual(misrouted(cluster) - before, 0);
  });

  test('a retried call keeps its own timeout: the retry gets only the time left', async (t: TestContext) => {
    const client = await connect({ hosts: host0First(cluster), retryOnConnectionLoss: true, reconnectDelayMs: 30, maxReconnectDelayMs: 60 });
    t.after(() => client.close());
    // Slow (read-only, multi-partition: the first call goes to host 0) is held on every host;
    // host 0 goes away under it, the retry on another host is held too and times out.
    holdSlow();
    const slow = client.call('Slow', [], { timeoutMs: 600 }).catch((e: unknown) => e);
    await until(() => slowRuns.length > 0, 'Slow running');
    await cluster.node(slowRuns[0]!).stop();
    const error = (await slow) as CallTimeoutError;
    slowGate.release();
    await cluster.node(slowRuns[0]!).restart();
    t.assert.ok(error instanceof CallTimeoutError, String(error));
    t.assert.strictEqual(slowRuns.length, 2, `ran on hosts ${slowRuns.join(', ')}: once, then retried once`);
    // The retry's timeout is what was left of the call's 600 ms, not a fresh 600 ms.
    t.assert.ok(error.timeoutMs < 600, `the retry waited up to ${error.timeoutMs} ms`);
  });

  test('every node down: failFast fails at once; otherwise calls wait for a node to return', async (t: TestContext) => {
    const fast = await connect({ hosts: cluster.addresses, failFast: true, discover: false, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    const patient = await connect({ hosts: cluster.addresses, discover: false, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => fast.close());
    t.after(() => patient.close());
    await Promise.all(cluster.nodes.map((n) => n.stop()));
    await until(() => fast.hosts.every((h) => !h.connected) && patient.hosts.every((h) => !h.connected), 'all lost');
    const error = (await fast.call('@Ping').catch((e: unknown) => e)) as NoConnectionsError;
    t.assert.ok(error instanceof NoConnectionsError);
    t.assert.strictEqual(error.failures.length, 3);
    await t.assert.rejects(patient.call('@Ping', [], { timeoutMs: 100 }), /no connection came back within 100 ms/);
    const waiting = patient.call('@Ping', [], { timeoutMs: 30_000 });
    await sleep(50);
    await Promise.all(cluster.nodes.map((n) => n.restart()));
    t.assert.strictEqual((await waiting).status, 1);
    await t.assert.rejects(connect({ hosts: ['127.0.0.1:1', '127.0.0.1:2'] }), (e: unknown) => e instanceof NoConnectionsError && e.failures.length === 2);
  });

  test('a node that stops answering pings is declared dead within connectionTimeoutMs', async (t: TestContext) => {
    const node = cluster.node(2);
    const client = await connect({ hosts: [node.address], discover: false, clientAffinity: false, pingIntervalMs: 40, connectionTimeoutMs: 200, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => client.close());
    // Healthy first: pings 40 ms apart are answered well past connectionTimeoutMs.
    const answered = node.stats().calls;
    await until(() => node.stats().calls >= answered + 7, 'seven answered pings', 10_000);
    t.assert.ok(client.hosts[0]!.connected);
    node.faults.ignorePings = true;
    const info = await new Promise<{ error: Error | undefined }>((resolve) => client.once('disconnect', (first) => resolve(first)));
    t.assert.ok(info.error instanceof ConnectionError);
    // Declared on the keepalive's own clock, never before connectionTimeoutMs of silence (how
    // soon after is checked on a stand-in clock in the keepalive unit test).
    const silent = /sent no bytes for (\d+) ms \(connectionTimeoutMs 200\): declared dead/.exec(info.error.message);
    t.assert.ok(silent !== null, info.error.message);
    t.assert.ok(Number(silent[1]) >= 200, `declared dead after ${silent[1]} ms of silence`);
    node.faults.ignorePings = false;
    await until(() => client.hosts[0]!.connected, 'reconnected');
  });
});

describe('Client: weights, backups and one node under two names', () => {
  let cluster: EmbeddedCluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: [] });
  });
  after(() => cluster.close());

  test('weights 1, 3 and 5 shift calls without partition preference in proportion (within 10%)', async (t: TestContext) => {
    const [a, b, c] = cluster.nodes;
    const client = await connect({
      hosts: [
        { host: a!.host, port: a!.port, weight: 1 },
        { host: b!.host, port: b!.port, weight: 3 },
        { host: c!.host, port: c!.port, weight: 5 },
      ],
      discover: false,
    });
    t.after(() => client.close());
    t.assert.deepStrictEqual(client.hosts.map((x) => x.weight), [1, 3, 5]);
    const before = calls(cluster);
    const n = 4500;
    for (let i = 0; i < n; i += 500) await Promise.all(Array.from({ length: 500 }, () => client.call('@Ping')));
    const got = delta(calls(cluster), before);
    const expected = [n / 9, (3 * n) / 9, (5 * n) / 9];
    got.forEach((count, i) => t.assert.ok(Math.abs(count - expected[i]!) <= expected[i]! * 0.1, `host ${i}: ${count} calls, expected ${expected[i]} ±10% (all: ${got.join(', ')})`));
  });

  test('backups take traffic only while no primary is connected', async (t: TestContext) => {
    const [a, b, c] = cluster.nodes;
    const connects: number[] = [];
    const client = await connect({
      hosts: [a!.address, { host: b!.host, port: b!.port, backup: true }, { host: c!.host, port: c!.port, backup: true, weight: 2 }],
      discover: false,
      // No topology calls: the per-node call counts are the user's calls only.
      clientAffinity: false,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 40,
    });
    t.after(() => client.close());
    client.on('connect', (info) => connects.push(info.port));
    const burst = async (count: number): Promise<number[]> => {
      const before = calls(cluster);
      await Promise.all(Array.from({ length: count }, () => client.call('@Ping')));
      return delta(calls(cluster), before);
    };
    t.assert.deepStrictEqual(await burst(90), [90, 0, 0]);
    await a!.stop();
    await new Promise((r) => client.once('disconnect', r));
    t.assert.deepStrictEqual(await burst(90), [0, 30, 60], 'backups share by weight while the primary is down');
    await a!.restart();
    await until(() => connects.includes(a!.port), 'the primary back');
    t.assert.deepStrictEqual(await burst(90), [90, 0, 0], 'the primary is back: backups idle again');
  });

  test('a listed host that was down when discovery found it under another name ends as one connection', async (t: TestContext) => {
    const [a, b] = cluster.nodes;
    await a!.stop();
    // Listed as "localhost"; the cluster reports 127.0.0.1. The slow reconnect lets discovery find
    // host 0 first (when it rejoins the topology), under the reported address: a second entry.
    // (The margin between the two is 1.5 s less one 50 ms refresh, so a loaded machine keeps the order.)
    const client = await connect({ hosts: [`localhost:${a!.port}`, b!.address], reconnectDelayMs: 1500, maxReconnectDelayMs: 1500, topologyRefreshMs: 50 });
    t.after(() => client.close());
    const connects: string[] = [];
    client.on('connect', (info) => connects.push(`${info.host}:${info.port}`));
    await a!.restart();
    await until(() => connects.includes(`127.0.0.1:${a!.port}`), 'discovery connected host 0 under the reported address', 10_000);
    await until(() => connects.includes(`localhost:${a!.port}`), 'the listed entry reconnected', 10_000);
    await until(() => client.connections.length === 3, 'the twin connection closed');
    const zero = client.hosts.filter((h) => h.port === a!.port);
    t.assert.deepStrictEqual(zero.map((h) => [h.host, h.discovered, h.connected]), [['localhost', false, true]], 'the listed entry is kept');
    t.assert.deepStrictEqual(client.hosts.map((h) => h.hostId).sort(), [0, 1, 2]);
    t.assert.strictEqual((await client.call('@Ping')).status, 1);
  });

  test('a host of another cluster is refused (client affinity), accepted without affinity', async (t: TestContext) => {
    await sleep(5);
    const stranger = await startServer({ workloads: [] });
    t.after(() => stranger.close());
    t.assert.notStrictEqual(stranger.clusterStartMs, cluster.node(0).clusterStartMs);
    const client = await connect({ hosts: [cluster.addresses[0]!, stranger.address], discover: false, reconnectDelayMs: 5000 });
    t.after(() => client.close());
    const refused = client.connectResults.filter((r) => !r.ok);
    t.assert.strictEqual(refused.length, 1, JSON.stringify(client.connectResults));
    t.assert.match(refused[0]!.ok ? '' : refused[0]!.error.message, /belongs to another cluster \(started .*, leader .*\) than the client's/);
    t.assert.strictEqual(client.connections.filter((c) => c.state === 'open').length, 1);
    const mixed = await connect({ hosts: [cluster.addresses[0]!, stranger.address], discover: false, clientAffinity: false, reconnect: false });
    t.after(() => mixed.close());
    t.assert.deepStrictEqual(mixed.connectResults.map((r) => r.ok), [true, true]);
  });
});
