/**
 * Following the topology: pushes on the subscribed connection, re-subscription after its loss,
 * periodic refresh discovering a node that was down at start, nodes leaving, and a server that
 * knows none of the topology procedures.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { callAllPartitions, partitionTarget } from '../../src/cluster/all-partitions.js';
import { callOn } from '../../src/cluster/internal-call.js';
import type { Connection } from '../../src/connection/connection.js';
import { BackpressureError, ConnectionLostError } from '../../src/errors.js';
import { MP_PARTITION_ID, RESERVED_HANDLE, VOLT_TYPE } from '../../src/protocol/constants.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';
import { FakeServer } from '../helpers/fake-server.js';
import { until } from '../helpers/until.js';
import { startHarness } from './harness.js';

const S = VOLT_TYPE.STRING;

/** A TOPO push: partition p led by `leaders[p]`, the ring of `cluster`. */
function topoPush(cluster: EmbeddedCluster, leaders: number[], mpLeader = 0): Buffer {
  const rows: unknown[][] = leaders.map((host, p) => [p, `${host}:${p}`, `${host}:${p}`]);
  rows.push([MP_PARTITION_ID, `${mpLeader}:99`, `${mpLeader}:99`]);
  return encodeResponse({
    handle: RESERVED_HANDLE.TOPOLOGY_NOTIFICATION,
    status: 1,
    tables: [
      { columns: [{ name: 'Partition', type: VOLT_TYPE.INTEGER }, { name: 'Sites', type: S }, { name: 'Leader', type: S }], rows },
      { columns: [{ name: 'HASHTYPE', type: S }, { name: 'HASHCONFIG', type: VOLT_TYPE.VARBINARY }], rows: [['ELASTIC', cluster.database.hashinator.toConfig()]] },
    ],
  });
}

describe('following the topology', () => {
  let cluster: EmbeddedCluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 6, workloads: [] });
    cluster.define('Touch', { partitionParameter: 0, parameterTypes: ['BIGINT'] }, (_p, context) => context.partition);
  });
  after(() => cluster.close());

  test('pushes change the leaders (and the catalog); unreadable pushes are ignored; a lost subscriber is replaced', async (t: TestContext) => {
    const h = await startHarness({ hosts: cluster.addresses, discover: false });
    t.after(() => h.close());
    const events: string[] = [];
    h.set.on('topology', (info) => events.push(`${info.source}:${info.topology.partitions.map((p) => p.leaderHostId).join('')}`));
    const subscriber = h.set.tracker!.subscriber!;
    t.assert.strictEqual(subscriber.port, cluster.ports[0]);
    const port = (c: Connection | null): number => c?.port ?? -1;
    t.assert.strictEqual(port(h.set.router.leaderOf(0)), cluster.ports[0]);
    // The same topology pushed again is not an event.
    cluster.node(0).pushTopology();
    await until(() => h.set.tracker!.pushes === 1, 'the real push');
    t.assert.deepStrictEqual(events, []);
    subscriber.emit('unsolicited', topoPush(cluster, [1, 2, 0, 1, 2, 0], 2), RESERVED_HANDLE.TOPOLOGY_NOTIFICATION);
    t.assert.deepStrictEqual(events, ['push:120120']);
    t.assert.strictEqual(port(h.set.router.leaderOf(0)), cluster.ports[1]);
    t.assert.strictEqual(h.set.topology!.mpLeaderHostId, 2);
    subscriber.emit('unsolicited', Buffer.from([0, 0, 0, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8]), RESERVED_HANDLE.TOPOLOGY_NOTIFICATION);
    t.assert.ok(h.set.tracker!.lastError !== null, 'an unreadable push is noted');
    t.assert.strictEqual(port(h.set.router.leaderOf(0)), cluster.ports[1], 'and changes nothing');
    const catalog = encodeResponse({
      handle: RESERVED_HANDLE.PROCEDURES_NOTIFICATION,
      status: 1,
      tables: [{ columns: [{ name: 'PROCEDURE_NAME', type: S }, { name: 'REMARKS', type: S }], rows: [['Pushed', '{"singlePartition":false,"readOnly":true}']] }],
    });
    subscriber.emit('unsolicited', catalog, RESERVED_HANDLE.PROCEDURES_NOTIFICATION);
    t.assert.strictEqual(h.set.procedure('Pushed')?.readOnly, true);
    t.assert.strictEqual(h.set.procedure('Touch'), undefined, 'the pushed catalog replaces the old one');
    t.assert.ok(h.set.tracker!.pushes >= 3);

    // The subscriber's node dies: another connection subscribes and re-reads the real topology.
    await cluster.node(0).stop();
    await until(() => h.set.tracker!.subscriber !== null && h.set.tracker!.subscriber !== subscriber && h.set.tracker!.subscribed, 'a new subscriber');
    await until(() => events.length === 2, 'the re-read topology');
    t.assert.deepStrictEqual(events[1], 'bootstrap:012012');
    t.assert.strictEqual(h.set.procedure('Touch')?.singlePartition, true);
    await cluster.node(0).restart();
  });

  test('periodic refresh discovers a node that was down at start; a discovered node that leaves is forgotten', async (t: TestContext) => {
    await cluster.node(2).stop();
    const h = await startHarness({ hosts: [cluster.addresses[0]!], topologyRefreshMs: 30, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => h.close());
    t.assert.deepStrictEqual(h.set.hosts.map((x) => x.port), [cluster.ports[0], cluster.ports[1]], 'OVERVIEW lists running nodes only');
    await cluster.node(2).restart();
    await until(() => h.set.hosts.length === 3 && h.set.hosts[2]!.connected, 'node 2 discovered by a refresh', 3000);
    t.assert.deepStrictEqual(h.set.connectResults.map((r) => [r.port, r.ok, r.discovered ?? false]), [
      [cluster.ports[0], true, false],
      [cluster.ports[1], true, true],
      [cluster.ports[2], true, true],
    ]);
    // Node 2 goes down, and a push says the cluster no longer has host 2: it is not chased.
    await cluster.node(2).stop();
    await until(() => !h.set.hosts[2]!.connected, 'node 2 lost');
    const subscriber = h.set.tracker!.subscriber!;
    subscriber.emit('unsolicited', topoPush(cluster, [0, 1, 0, 1, 0, 1]), RESERVED_HANDLE.TOPOLOGY_NOTIFICATION);
    t.assert.deepStrictEqual(h.set.hosts.map((x) => x.port), [cluster.ports[0], cluster.ports[1]]);
    await cluster.node(2).restart();
  });
});

describe('a server without topology procedures', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(() => server.close());

  test('routing falls back to weighted choice; partition keys are unavailable; callAllPartitions uses Java’s convention', async (t: TestContext) => {
    const h = await startHarness({ hosts: [server.address] });
    t.after(() => h.close());
    t.assert.strictEqual(h.set.topology, null);
    t.assert.strictEqual(h.set.tracker!.subscribed, false);
    t.assert.ok(h.set.tracker!.lastError !== null);
    const response = await h.call('Echo', [7n]);
    t.assert.strictEqual(response.tables[0]!.get(0, 0), 7n);
    t.assert.deepStrictEqual(partitionTarget(h.set, 'Echo'), { index: 0, type: VOLT_TYPE.INTEGER });
    await t.assert.rejects(callAllPartitions(h.set, (p, params) => h.call(p, params), 'Echo'), /was not found/);
    await h.set.tracker!.refresh(true);
    t.assert.strictEqual(h.set.topology, null);
    const quiet = await startHarness({ hosts: [server.address], clientAffinity: false, discover: false });
    await t.assert.rejects(quiet.set.partitionKeys(VOLT_TYPE.INTEGER), /clientAffinity and discover are both off/);
    await quiet.close();
  });

  test('internal calls: closed connection, aborted signal, full client queue', async (t: TestContext) => {
    const h = await startHarness({ hosts: [server.address] });
    const connection = h.set.router.connections[0]!;
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    await t.assert.rejects(callOn(connection, '@Ping', [], 1000, controller.signal), /gave up/);
    const full = { state: 'open', tracker: { flow: { pending: 1, refused: 0, levels: { hard: 1 } } } } as unknown as Connection;
    await t.assert.rejects(callOn(full, '@Ping', [], 1000), BackpressureError);
    await h.close();
    await t.assert.rejects(callOn(connection, '@Ping', [], 1000), ConnectionLostError);
    await t.assert.rejects(h.set.tracker!.partitionKeys('INTEGER'), /no connection is open/);
    await h.set.tracker!.refresh();
  });
});
