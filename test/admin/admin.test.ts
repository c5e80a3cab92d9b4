/**
 * AdminApi: the helpers' shapes against an embedded two-node cluster, against the real 11.4
 * captures, and their refusals of malformed answers.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { AdminApi, type AdminTarget } from '../../src/admin.js';
import { Client, type ServerInfo } from '../../src/client.js';
import { decodeResponse, type DecodedResponse } from '../../src/decode/decode-response.js';
import { ParameterError, ProcedureError, ProtocolError } from '../../src/errors.js';
import { MP_PARTITION_ID, STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { encodeResponse, type TableInput } from '../../src/protocol/response-writer.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';
import { readFixture, SKIP_WITHOUT_FIXTURES } from '../helpers/fixtures.js';

describe('AdminApi against an embedded cluster', () => {
  let cluster: EmbeddedCluster;
  let client: Client;
  let admin: AdminApi;
  before(async () => {
    cluster = await startCluster({ nodes: 2, partitions: 4, workloads: [] });
    cluster.define('Store', { partitionParameter: 1, parameterTypes: ['STRING', 'BIGINT'] }, () => 1);
    cluster.define('Report', { readOnly: true }, () => 2);
    client = await Client.connect({ hosts: [cluster.addresses[0]!] });
    admin = new AdminApi(client);
  });
  after(async () => {
    await client.close();
    await cluster.close();
  });

  test('a response: false from a JS caller is overridden: the helpers always wait for the answer', async (t: TestContext) => {
    const noAnswer = { response: false } as const;
    const hosts = await admin.systemInformation(noAnswer);
    t.assert.strictEqual(hosts.size, 2);
    const topology = await admin.topology(noAnswer);
    t.assert.ok(topology.partitions.length > 0);
    const procedures = await admin.procedures(noAnswer);
    t.assert.ok(procedures.some((p) => p.name === 'Store'));
    const stats = await admin.statistics('PROCEDURE', noAnswer);
    t.assert.strictEqual(stats.component, 'PROCEDURE');
  });

  test('systemInformation: OVERVIEW as a key/value map per host', async (t: TestContext) => {
    const hosts = await admin.systemInformation();
    t.assert.deepStrictEqual([...hosts.keys()].sort(), [0, 1]);
    const host1 = hosts.get(1)!;
    t.assert.strictEqual(host1['CLIENTPORT'], String(cluster.node(1).port));
    t.assert.strictEqual(host1['VERSION'], '11.4.0');
    t.assert.strictEqual(host1['CATALOG'], null);
    t.assert.strictEqual(Object.getPrototypeOf(host1), null);
  });

  test('topology: partitions, leaders, replicas, MP initiator, hash ring', async (t: TestContext) => {
    const topology = await admin.topology();
    t.assert.deepStrictEqual(
      topology.partitions.map((p) => p.partition),
      [0, 1, 2, 3],
    );
    for (const p of topology.partitions) {
      t.assert.strictEqual(p.leader!.hostId, cluster.leaderOf(p.partition));
      t.assert.deepStrictEqual(p.replicas, [p.leader]);
    }
    t.assert.strictEqual(topology.multiPartition!.partition, MP_PARTITION_ID);
    t.assert.strictEqual(topology.multiPartition!.leader!.hostId, 0);
    t.assert.deepStrictEqual(topology.hosts, [0, 1]);
    t.assert.strictEqual(topology.hashType, 'ELASTIC');
    t.assert.ok(topology.hashConfig instanceof Uint8Array && topology.hashConfig.length > 4);
  });

  test('statistics: tables and rows as objects; delta; refusals', async (t: TestContext) => {
    await client.call('Report');
    const stats = await admin.statistics('PROCEDURE');
    t.assert.strictEqual(stats.component, 'PROCEDURE');
    t.assert.strictEqual(stats.tables.length, 1);
    const report = stats.rows.find((row) => row['PROCEDURE'] === 'Report');
    t.assert.ok(report !== undefined);
    t.assert.strictEqual(report['INVOCATIONS'], 1n);
    const delta = await admin.statistics('PARTITIONCOUNT', { delta: true, timeoutMs: 5000 });
    t.assert.strictEqual(delta.rows[0]!['PARTITION_COUNT'], 4);
    await t.assert.rejects(admin.statistics(''), ParameterError);
    await t.assert.rejects(admin.statistics('NOSUCHTHING'), (e: unknown) => e instanceof ProcedureError && e.status === STATUS.GRACEFUL_FAILURE);
  });

  test('procedures: the catalog with partitioning', async (t: TestContext) => {
    const procedures = await admin.procedures();
    const store = procedures.find((p) => p.name === 'Store')!;
    t.assert.deepStrictEqual(
      { ...store, remarks: undefined },
      {
        name: 'Store',
        readOnly: false,
        singlePartition: true,
        partitionParameter: 1,
        partitionParameterType: VOLT_TYPE.BIGINT,
        partitionParameterTypeName: 'BIGINT',
        compound: false,
        remarks: undefined,
      },
    );
    const report = procedures.find((p) => p.name === 'Report')!;
    t.assert.strictEqual(report.readOnly, true);
    t.assert.strictEqual(report.singlePartition, false);
    t.assert.strictEqual(report.partitionParameter, null);
    t.assert.strictEqual(report.partitionParameterType, null);
    t.assert.strictEqual(report.partitionParameterTypeName, null);
  });

  test('version: from the login answer', (t: TestContext) => {
    const version = admin.version();
    t.assert.strictEqual(version.version, '11.4.0');
    t.assert.deepStrictEqual([version.major, version.minor, version.patch], [11, 4, 0]);
    t.assert.strictEqual(version.buildString, client.serverInfo.buildString);
    t.assert.strictEqual(version.hostId, 0);
    t.assert.ok(version.clusterStart instanceof Date);
    t.assert.strictEqual(version.leaderAddress, client.serverInfo.leaderAddress);
    t.assert.strictEqual(typeof version.connectionId, 'bigint');
  });
});

const LOGIN: ServerInfo = {
  host: 'h',
  port: 1,
  buildString: '11.4.0.beta1_This is not from a known repository',
  hostId: 3,
  connectionId: 9n,
  clusterStartMs: 0n,
  clusterStart: new Date(0),
  leaderAddress: '127.0.0.1',
};

/** A target answering every call with fixed responses (in order) instead of a server. */
function scripted(responses: DecodedResponse[], serverInfo: ServerInfo = LOGIN): AdminTarget & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    serverInfo,
    call(procedure, params = []) {
      calls.push([procedure, ...params]);
      return Promise.resolve(responses.shift()!);
    },
  };
}

const respond = (...tables: TableInput[]): DecodedResponse => decodeResponse(encodeResponse({ handle: 1n, status: STATUS.SUCCESS, tables }));
const S = VOLT_TYPE.STRING;

describe('AdminApi over the real 11.4 captures', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  const real = (name: string): DecodedResponse => decodeResponse(readFixture(`real/${name}.response.bin`));

  test('OVERVIEW, TOPO and PROCEDURES as a real server answers them', async (t: TestContext) => {
    const target = scripted([real('sysinfo_overview'), real('stats_topo'), real('catalog_procedures')]);
    const admin = new AdminApi(target);
    const hosts = await admin.systemInformation();
    t.assert.deepStrictEqual([...hosts.keys()], [0]);
    t.assert.strictEqual(hosts.get(0)!['CLIENTPORT'], '21212');
    t.assert.match(hosts.get(0)!['VERSION']!, /^11\.4/);
    const topology = await admin.topology();
    t.assert.strictEqual(topology.partitions.length, 8);
    t.assert.deepStrictEqual(topology.partitions[7], { partition: 7, leader: { hostId: 0, siteId: 7 }, replicas: [{ hostId: 0, siteId: 7 }] });
    t.assert.strictEqual(topology.multiPartition!.partition, MP_PARTITION_ID);
    t.assert.strictEqual(topology.hashConfig!.length, 131_076);
    const procedures = await admin.procedures();
    const vote = procedures.find((p) => p.name === 'Vote')!;
    t.assert.strictEqual(vote.singlePartition, true);
    t.assert.strictEqual(vote.partitionParameter, 0);
    t.assert.strictEqual(vote.partitionParameterTypeName, 'BIGINT');
    t.assert.deepStrictEqual(target.calls, [
      ['@SystemInformation', 'OVERVIEW'],
      ['@Statistics', 'TOPO', 0],
      ['@SystemCatalog', 'PROCEDURES'],
    ]);
    const version = admin.version();
    t.assert.strictEqual(version.version, '11.4.0.beta1', 'the whole version, as the server names it');
    t.assert.deepStrictEqual([version.major, version.minor, version.patch], [11, 4, 0]);
    t.assert.strictEqual(version.hostId, 3);
  });
});

describe('AdminApi refuses malformed answers', () => {
  const procedureTable = (remarks: string | null): TableInput => ({
    columns: [
      { name: 'PROCEDURE_NAME', type: S },
      { name: 'REMARKS', type: S },
    ],
    rows: [['P', remarks]],
  });

  test('no table, bad sites, bad REMARKS', async (t: TestContext) => {
    await t.assert.rejects(new AdminApi(scripted([respond()])).systemInformation(), (e: unknown) => e instanceof ProtocolError && /answered no table/.test(e.message));
    await t.assert.rejects(new AdminApi(scripted([respond()])).topology(), ProtocolError);
    const topo = (sites: string | null, leader: string | null): TableInput => ({
      columns: [
        { name: 'Partition', type: VOLT_TYPE.INTEGER },
        { name: 'Sites', type: S },
        { name: 'Leader', type: S },
      ],
      rows: [[0, sites, leader]],
    });
    await t.assert.rejects(new AdminApi(scripted([respond(topo('0:0', 'zero'))])).topology(), /"zero" is not a "hostId:siteId" site/);
    const lonely = await new AdminApi(scripted([respond(topo(null, ''))])).topology();
    t.assert.deepStrictEqual(lonely, { partitions: [{ partition: 0, leader: null, replicas: [] }], multiPartition: null, hosts: [], hashType: null, hashConfig: null });
    const spread = await new AdminApi(scripted([respond(topo('1:0, 2:0', '2:0'))])).topology();
    t.assert.deepStrictEqual(spread.hosts, [1, 2]);
    await t.assert.rejects(new AdminApi(scripted([respond(procedureTable('{oops'))])).procedures(), /REMARKS of procedure P is not JSON/);
    await t.assert.rejects(new AdminApi(scripted([respond(procedureTable('[1]'))])).procedures(), /not a JSON object/);
    const bare = await new AdminApi(scripted([respond(procedureTable(null))])).procedures();
    t.assert.deepStrictEqual(bare[0], {
      name: 'P',
      readOnly: false,
      singlePartition: false,
      partitionParameter: null,
      partitionParameterType: null,
      partitionParameterTypeName: null,
      compound: false,
      remarks: {},
    });
    const directed = await new AdminApi(scripted([respond(procedureTable('{"singlePartition":true,"partitionParameter":0,"partitionParameterType":-1}'))])).procedures();
    t.assert.strictEqual(directed[0]!.partitionParameterType, -1);
    t.assert.strictEqual(directed[0]!.partitionParameterTypeName, null);
    const emptyStats = await new AdminApi(scripted([respond()])).statistics('X');
    t.assert.deepStrictEqual(emptyStats.rows, []);
  });

  test('version without a dotted number', (t: TestContext) => {
    const odd = new AdminApi(scripted([], { ...LOGIN, buildString: 'custom_build' })).version();
    t.assert.deepStrictEqual([odd.version, odd.major, odd.minor, odd.patch], ['custom', null, null, null]);
    const bare = new AdminApi(scripted([], { ...LOGIN, buildString: 'nodigits' })).version();
    t.assert.strictEqual(bare.version, 'nodigits');
    const two = new AdminApi(scripted([], { ...LOGIN, buildString: 'voltdb-9.2-x' })).version();
    t.assert.deepStrictEqual([two.version, two.major, two.minor, two.patch], ['9.2', 9, 2, null]);
  });
});
