/**
 * Per-process cluster mode: three `serve.js --host-id i --peers …` processes answer as one
 * 3-node cluster — the same TOPO, OVERVIEW, catalog and logins as the one-process cluster —
 * and the public `Client` discovers them and routes every single-partition call to its leader.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { ProcedureError } from '../../src/errors.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Hashinator } from '../../src/protocol/hashinator.js';
import { startCluster, startClusterNode, type EmbeddedCluster, type EmbeddedServer } from '../../src/server/index.js';
import { Topology } from '../../src/server/topology.js';
import { startClusterProcesses, type ClusterProcesses } from '../../scripts/cluster-processes.js';
import { TestClient, type DecodedTable } from './test-client.js';

const PARTITIONS = 8;
const ring = Hashinator.uniform(PARTITIONS);
const topology = new Topology(3, PARTITIONS);
const leaderOfPhone = (phone: bigint): number => topology.leaderOf(ring.partitionFor(phone, VOLT_TYPE.BIGINT));
/** The first phone number from `from` whose partition host `hostId` leads. */
const phoneLedBy = (hostId: number, from = 5_550_000_000n): bigint => {
  let phone = from;
  while (leaderOfPhone(phone) !== hostId) phone++;
  return phone;
};

/** MISROUTED_CALLS and CALLS of one node, read over the wire from `@Statistics('EMBEDDED')`. */
async function nodeCounters(port: number): Promise<{ hostId: number; calls: number; misrouted: number }> {
  const client = await TestClient.connect(port);
  try {
    const [table] = await client.ok('@Statistics', ['EMBEDDED', 0]);
    const column = (name: string): number => table!.columns.findIndex((c) => c.name === name);
    const row = table!.rows[0]!;
    return { hostId: row[column('HOST_ID')] as number, calls: Number(row[column('CALLS')]), misrouted: Number(row[column('MISROUTED_CALLS')]) };
  } finally {
    client.close();
  }
}

const tableRows = (tables: DecodedTable[]): unknown[][][] => tables.map((t) => t.rows);

describe('per-process cluster: one node per process', () => {
  let cluster: ClusterProcesses;
  before(async () => {
    cluster = await startClusterProcesses({ nodes: 3, args: ['--partitions', String(PARTITIONS), '--workloads', 'voter,kv', '--contestants', '6'] });
  });
  after(() => cluster?.stop());

  test('logins, TOPO, OVERVIEW and the catalog agree across the processes and with the one-process cluster', async (t: TestContext) => {
    const reference = await startCluster({ nodes: 3, partitions: PARTITIONS, workloads: ['voter', 'kv'] });
    t.after(() => reference.close());
    const expected = await TestClient.connect(reference.ports[0]!);
    t.after(() => expected.close());
    const expectedTopo = tableRows(await expected.ok('@Statistics', ['TOPO', 0]));
    const expectedCatalog = tableRows(await expected.ok('@SystemCatalog', ['PROCEDURES']));

    const clients = await Promise.all(cluster.ports.map((port) => TestClient.connect(port)));
    t.after(() => clients.forEach((c) => c.close()));
    t.assert.deepStrictEqual(clients.map((c) => c.login.hostId), [0, 1, 2]);
    t.assert.deepStrictEqual([...new Set(clients.map((c) => c.login.clusterStartMs))], [BigInt(cluster.clusterStartMs)]);
    for (const client of clients) {
      t.assert.deepStrictEqual(tableRows(await client.ok('@Statistics', ['TOPO', 0])), expectedTopo);
      t.assert.deepStrictEqual(tableRows(await client.ok('@SystemCatalog', ['PROCEDURES'])), expectedCatalog);
      const [overview] = await client.ok('@SystemInformation', ['OVERVIEW']);
      const value = (key: string): string[] => overview!.rows.filter((r) => r[1] === key).map((r) => `${String(r[0])}=${String(r[2])}`);
      t.assert.deepStrictEqual(value('IPADDRESS'), ['0=127.0.0.1', '1=127.0.0.1', '2=127.0.0.1']);
      t.assert.deepStrictEqual(value('CLIENTPORT'), cluster.ports.map((port, id) => `${id}=${port}`));
      t.assert.deepStrictEqual(value('FULLCLUSTERSIZE'), ['0=3', '1=3', '2=3']);
      // setup loaded in every process: Initialize answers the existing count and changes nothing
      t.assert.deepStrictEqual((await client.ok('Initialize', [2, 'A,B']))[0]!.rows, [[6n]]);
    }
  });

  test('the Client discovers all three and routes 10,000 votes with zero misrouted calls', async (t: TestContext) => {
    const before = await Promise.all(cluster.ports.map(nodeCounters));
    const client = await Client.connect({ hosts: [cluster.addresses[1]!], decode: { workers: 0 } });
    t.after(() => client.close());
    t.assert.deepStrictEqual(client.connectResults.map((r) => [r.port, r.ok, r.discovered ?? false]), [
      [cluster.ports[1], true, false],
      [cluster.ports[0], true, true],
      [cluster.ports[2], true, true],
    ]);
    t.assert.deepStrictEqual(client.hosts.map((h) => h.hostId).sort(), [0, 1, 2]);
    const total = 10_000;
    const first = 5_551_000_000n;
    for (let start = 0; start < total; start += 2500) {
      const batch = await client.callMany(Array.from({ length: 2500 }, (_, i) => ({ procedure: 'Vote', params: [first + BigInt(start + i), (i % 6) + 1, 10n] })));
      t.assert.strictEqual(batch.failed, 0);
      for (const result of batch.results) t.assert.strictEqual(result.ok && result.response.tables[0]!.get(0, 0), 0n, 'every vote accepted');
    }
    const afterCalls = await Promise.all(cluster.ports.map(nodeCounters));
    t.assert.deepStrictEqual(afterCalls.map((s) => s.hostId), [0, 1, 2]);
    t.assert.strictEqual(afterCalls.reduce((sum, s, i) => sum + s.misrouted - before[i]!.misrouted, 0), 0);
    const spread = afterCalls.map((s, i) => s.calls - before[i]!.calls);
    for (const n of spread) t.assert.ok(n > total / 6, `every node ran its share: ${spread.join(', ')}`);
    // A multi-partition read sees this process's partitions only: the three together hold every vote.
    let votes = 0n;
    for (const port of cluster.ports) {
      const reader = await TestClient.connect(port);
      for (const row of (await reader.ok('Results'))[0]!.rows) votes += row[2] as bigint;
      reader.close();
    }
    t.assert.strictEqual(votes, BigInt(total));
  });

  test('a misrouted call is counted and refused with SERVER_UNAVAILABLE; a correctly routed one is not', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [cluster.addresses[0]!], clientAffinity: false, discover: false, decode: { workers: 0 } });
    t.after(() => client.close());
    const before = await nodeCounters(cluster.ports[0]!);
    const home = phoneLedBy(0, 5_552_000_000n);
    t.assert.strictEqual((await client.call('Vote', [home, 1, 10n])).tables[0]!.get(0, 0), 0n);
    const away = phoneLedBy(2, 5_552_000_000n);
    const partition = ring.partitionFor(away, VOLT_TYPE.BIGINT);
    const error = await client.call('Vote', [away, 1, 10n]).then(
      () => null,
      (e: unknown) => e,
    );
    t.assert.ok(error instanceof ProcedureError);
    t.assert.strictEqual(error.status, STATUS.SERVER_UNAVAILABLE);
    t.assert.match(error.statusString!, new RegExp(`^Partition ${partition} is led by host 2 \\(${cluster.addresses[2]}\\), which runs in another process`));
    const afterCalls = await nodeCounters(cluster.ports[0]!);
    t.assert.strictEqual(afterCalls.misrouted - before.misrouted, 1);
    // Sent where it belongs, the same vote is accepted.
    const leader = await TestClient.connect(cluster.ports[2]!);
    t.after(() => leader.close());
    t.assert.deepStrictEqual((await leader.ok('Vote', [away, 1, 10n]))[0]!.rows, [[0n]]);
  });

  test('a multi-partition write reaching a partition led elsewhere is refused; local ones are kept', async (t: TestContext) => {
    const client = await TestClient.connect(cluster.ports[1]!);
    t.after(() => client.close());
    const local = phoneLedBy(1, 5_553_000_000n);
    const remote = phoneLedBy(0, 5_553_000_000n);
    t.assert.deepStrictEqual((await client.ok('@AdHoc', ['INSERT INTO VOTES VALUES (?, ?, ?)', local, 'XX', 1]))[0]!.rows, [[1n]]);
    const refused = await client.call('@AdHoc', ['INSERT INTO VOTES VALUES (?, ?, ?)', remote, 'XX', 1]);
    t.assert.strictEqual(refused.status, STATUS.SERVER_UNAVAILABLE);
    t.assert.match(refused.statusString!, /is led by host 0 .*which runs in another process/);
    const [count] = await client.ok('@AdHoc', ['SELECT COUNT(*) FROM VOTES WHERE PHONE_NUMBER = ?', local]);
    t.assert.deepStrictEqual(count!.rows, [[1n]]);
  });
});

describe('per-process cluster nodes started in one process (startClusterNode)', () => {
  let nodes: EmbeddedServer[];
  let reference: EmbeddedCluster;
  before(async () => {
    // Free ports first: every node must know every other's port before it starts.
    reference = await startCluster({ nodes: 3, workloads: [] });
    const peers = reference.addresses;
    await reference.close();
    nodes = await Promise.all([0, 1, 2].map((hostId) => startClusterNode({ hostId, peers, workloads: ['kv'], clusterStartMs: 1_700_000_000_000 })));
  });
  after(() => Promise.all(nodes.map((n) => n.close())));

  test('each node leads its share, reports itself in EMBEDDED statistics, and refuses work led elsewhere', async (t: TestContext) => {
    t.assert.deepStrictEqual(nodes.map((n) => n.partitions), [topology.partitionsOf(0), topology.partitionsOf(1), topology.partitionsOf(2)]);
    const client = await TestClient.connect(nodes[1]!.port);
    t.after(() => client.close());
    t.assert.strictEqual(client.login.clusterStartMs, 1_700_000_000_000n);
    t.assert.ok(client.login.connectionId > 1n << 40n, 'connection ids carry the host id');
    const [stats] = await client.ok('@Statistics', ['EMBEDDED', 0]);
    t.assert.deepStrictEqual(stats!.rows.map((r) => [r[1], r[3]]), [[1, nodes[1]!.port]]);
    let key = 0;
    while (topology.leaderOf(ring.partitionFor(`k${key}`, VOLT_TYPE.STRING)) !== 0) key++;
    const partition = ring.partitionFor(`k${key}`, VOLT_TYPE.STRING);
    const refused = await client.call('Put', [`k${key}`, Uint8Array.of(1)]);
    t.assert.strictEqual(refused.status, STATUS.SERVER_UNAVAILABLE);
    // directed calls (PARTITION_DESTINATION) follow the same rule
    const directed = await client.call('Get', [`k${key}`], { partitionDestination: partition });
    t.assert.strictEqual(directed.status, STATUS.SERVER_UNAVAILABLE);
    t.assert.strictEqual(nodes[1]!.stats().misroutedCalls, 2);
    const leader = await TestClient.connect(nodes[0]!.port);
    t.after(() => leader.close());
    await leader.ok('Put', [`k${key}`, Uint8Array.of(1)]);
    t.assert.strictEqual(nodes[0]!.stats().misroutedCalls, 0);
  });

  test('bad shapes are refused before anything listens', async (t: TestContext) => {
    const peers = ['127.0.0.1:1', '127.0.0.1:2'];
    await t.assert.rejects(startClusterNode({ hostId: 2, peers }), /hostId must be an integer 0\.\.1/);
    await t.assert.rejects(startClusterNode({ hostId: 0, peers: ['127.0.0.1:1', '127.0.0.1:1'] }), /every peer needs its own address/);
    await t.assert.rejects(startClusterNode({ hostId: 0, peers: ['127.0.0.1:0', '127.0.0.1:2'] }), /a peer must be host:port with a port 1\.\.65535/);
    await t.assert.rejects(startClusterNode({ hostId: 0, peers: ['nohost', '127.0.0.1:2'] }), /a peer must be host:port/);
    await t.assert.rejects(startClusterNode({ hostId: 0, peers, workloads: ['kv'], contestants: 3 }), /contestants need the voter workload/);
    await t.assert.rejects(startClusterNode({ hostId: 0, peers, workloads: ['voter'], contestants: 13 }), /voter contestants must be an integer 1\.\.12/);
  });
});
