import { after, before, describe, test, type TestContext } from 'node:test';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Hashinator } from '../../src/protocol/hashinator.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';
import { Topology } from '../../src/server/topology.js';
import { TestClient } from './test-client.js';

describe('cluster mode', () => {
  let cluster: EmbeddedCluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['voter', 'kv'] });
  });
  after(() => cluster.close());

  test('three nodes on three ports, each leading its share of the partitions', (t: TestContext) => {
    t.assert.strictEqual(new Set(cluster.ports).size, 3);
    t.assert.deepStrictEqual(cluster.addresses, cluster.ports.map((p) => `127.0.0.1:${p}`));
    t.assert.deepStrictEqual(cluster.node(0).partitions, [0, 3, 6]);
    t.assert.deepStrictEqual(cluster.node(1).partitions, [1, 4, 7]);
    t.assert.deepStrictEqual(cluster.node(2).partitions, [2, 5]);
    t.assert.strictEqual(cluster.leaderOf(4), 1);
    t.assert.strictEqual(cluster.leaderOf(16383), 0);
    t.assert.throws(() => cluster.node(3), RangeError);
  });

  test('every node logs in with its own host id and the same cluster instance id', async (t: TestContext) => {
    const logins = await Promise.all(cluster.ports.map((port) => TestClient.connect(port)));
    t.assert.deepStrictEqual(logins.map((c) => c.login.hostId), [0, 1, 2]);
    t.assert.strictEqual(new Set(logins.map((c) => c.login.clusterStartMs)).size, 1);
    for (const c of logins) c.close();
  });

  test('TOPO in VoltDB shape: leaders across hosts, MP on host 0, the elastic ring', async (t: TestContext) => {
    const client = await TestClient.connect(cluster.ports[1]!);
    t.after(() => client.close());
    const [partitions, hash] = await client.ok('@Statistics', ['TOPO', 0]);
    t.assert.deepStrictEqual(partitions!.rows, [
      [0, '0:0', '0:0'],
      [1, '1:0', '1:0'],
      [2, '2:0', '2:0'],
      [3, '0:1', '0:1'],
      [4, '1:1', '1:1'],
      [5, '2:1', '2:1'],
      [6, '0:2', '0:2'],
      [7, '1:2', '1:2'],
      [16383, '0:3', '0:3'],
    ]);
    t.assert.strictEqual(Hashinator.fromConfig(hash!.rows[0]![1] as Uint8Array).partitionCount, 8);
    const [overview] = await client.ok('@SystemInformation', ['OVERVIEW']);
    t.assert.deepStrictEqual([...new Set(overview!.rows.map((r) => r[0]))], [0, 1, 2]);
    t.assert.deepStrictEqual(
      overview!.rows.filter((r) => r[1] === 'CLIENTPORT').map((r) => Number(r[2])),
      cluster.ports,
    );
  });

  test('one shared store: written through one node, read through another', async (t: TestContext) => {
    const a = await TestClient.connect(cluster.ports[0]!);
    const b = await TestClient.connect(cluster.ports[2]!);
    t.after(() => a.close());
    t.after(() => b.close());
    await a.ok('Put', ['shared', Uint8Array.of(42)]);
    t.assert.deepStrictEqual((await b.ok('Get', ['shared']))[0]!.rows, [['shared', Uint8Array.of(42)]]);
  });

  test('misroutedCalls counts single-partition calls received by a node that does not lead their partition', async (t: TestContext) => {
    const ring = cluster.database.hashinator;
    const before = cluster.stats().map((s) => s.misroutedCalls);
    const clients = await Promise.all(cluster.ports.map((port) => TestClient.connect(port)));
    t.after(() => clients.forEach((c) => c.close()));
    let expected = [0, 0, 0];
    for (let i = 0; i < 30; i++) {
      const key = `key-${i}`;
      const leader = cluster.leaderOf(ring.partitionFor(key, VOLT_TYPE.STRING));
      // routed right: to the leader; routed wrong: to the next node
      await clients[leader]!.ok('Get', [key]);
      const wrong = (leader + 1) % 3;
      await clients[wrong]!.ok('Get', [key]);
      expected = expected.map((n, host) => (host === wrong ? n + 1 : n));
    }
    // multi-partition and system procedures are never counted
    await clients[1]!.ok('@Ping');
    await clients[1]!.ok('Results');
    const after = cluster.stats().map((s, i) => s.misroutedCalls - before[i]!);
    t.assert.deepStrictEqual(after, expected);
  });

  test('a node stops (clients lose their connection) and restarts on the same port', async (t: TestContext) => {
    const node = cluster.node(2);
    const port = node.port;
    const client = await TestClient.connect(port);
    await client.ok('@Ping');
    await node.stop();
    await client.connection.closed;
    t.assert.strictEqual(node.running, false);
    t.assert.strictEqual(node.stats().connections, 0);
    await t.assert.rejects(TestClient.connect(port));
    // the others keep serving, and OVERVIEW no longer lists the stopped host
    const other = await TestClient.connect(cluster.ports[0]!);
    t.after(() => other.close());
    const [overview] = await other.ok('@SystemInformation');
    t.assert.deepStrictEqual([...new Set(overview!.rows.map((r) => r[0]))], [0, 1]);
    await node.restart();
    t.assert.strictEqual(node.port, port);
    const again = await TestClient.connect(port);
    t.after(() => again.close());
    t.assert.strictEqual(again.login.hostId, 2);
    await again.ok('@Ping');
    await node.kill();
    await node.kill();
    await node.restart();
    await node.restart();
    t.assert.ok(node.running);
  });

  test('define on the cluster registers the procedure on every node', async (t: TestContext) => {
    cluster.define('Echo', { parameterTypes: ['BIGINT'] }, ([n]) => n as bigint);
    const client = await TestClient.connect(cluster.ports[1]!);
    t.after(() => client.close());
    t.assert.deepStrictEqual((await client.ok('Echo', [5n]))[0]!.rows, [[5n]]);
  });
});

describe('topology', () => {
  test('partitions dealt round-robin; sites numbered per host; MP after host 0 sites', (t: TestContext) => {
    const one = new Topology(1, 8);
    t.assert.strictEqual(one.siteName(7), '0:7');
    t.assert.strictEqual(one.siteName(16383), '0:8');
    const two = new Topology(2, 3);
    t.assert.deepStrictEqual(two.partitionsOf(0), [0, 2]);
    t.assert.strictEqual(two.siteName(2), '0:1');
    t.assert.strictEqual(two.siteName(16383), '0:2');
    t.assert.throws(() => new Topology(0, 8), RangeError);
  });

  test('a cluster needs free ports: a clash is an error and nothing stays listening', async (t: TestContext) => {
    const first = await startCluster({ nodes: 1, workloads: [] });
    t.after(() => first.close());
    await t.assert.rejects(startCluster({ nodes: 2, ports: [0, first.ports[0]!], workloads: [] }), /EADDRINUSE/);
  });
});
