import { after, before, describe, test, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { RESERVED_HANDLE, STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Hashinator } from '../../src/protocol/hashinator.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { decodeFrame, FrameSocket, TestClient, type DecodedTable } from './test-client.js';
import { encodeLoginRequest } from '../../src/protocol/login.js';

const names = (table: DecodedTable): string[] => table.columns.map((c) => c.name);

describe('system procedures', () => {
  let server: EmbeddedServer;
  let client: TestClient;

  before(async () => {
    server = await startServer({ rows: 10 });
    client = await TestClient.connect(server.port);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test('@Ping: status string SUCCESS and STATUS BIGINT 0', async (t: TestContext) => {
    const reply = await client.call('@Ping');
    t.assert.strictEqual(reply.status, STATUS.SUCCESS);
    t.assert.strictEqual(reply.statusString, 'SUCCESS');
    t.assert.strictEqual(reply.appStatus, -128);
    t.assert.deepStrictEqual(reply.tables[0]!.columns, [{ name: 'STATUS', type: VOLT_TYPE.BIGINT }]);
    t.assert.deepStrictEqual(reply.tables[0]!.rows, [[0n]]);
  });

  test('@SystemInformation OVERVIEW (the default) and DEPLOYMENT', async (t: TestContext) => {
    const [overview] = await client.ok('@SystemInformation');
    t.assert.deepStrictEqual(names(overview!), ['HOST_ID', 'KEY', 'VALUE']);
    const map = new Map(overview!.rows.map((r) => [r[1], r[2]]));
    t.assert.strictEqual(map.get('CLIENTPORT'), String(server.port));
    t.assert.strictEqual(map.get('IPADDRESS'), '127.0.0.1');
    t.assert.strictEqual(map.get('VERSION'), '11.4.0');
    t.assert.match(String(map.get('BUILDSTRING')), /voltwire_embedded_server/);
    t.assert.strictEqual(map.get('CATALOG'), null);
    t.assert.match(String(map.get('UPTIME')), /^\d+ days \d\d:\d\d:\d\d\.\d{3}$/);
    const [same] = await client.ok('@SystemInformation', ['overview']);
    t.assert.strictEqual(same!.rows.length, overview!.rows.length);
    const [deployment] = await client.ok('@SystemInformation', ['DEPLOYMENT']);
    t.assert.deepStrictEqual(names(deployment!), ['PROPERTY', 'VALUE']);
    const bad = await client.call('@SystemInformation', ['NOPE']);
    t.assert.strictEqual(bad.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(bad.statusString), /Invalid @SystemInformation selector NOPE/);
    const wrongType = await client.call('@SystemInformation', [5]);
    t.assert.strictEqual(wrongType.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(wrongType.statusString), /TYPE ERROR FOR PARAMETER 0/);
  });

  test('@Statistics TOPO 0: partitions + MP 16383, binary elastic ring', async (t: TestContext) => {
    const [partitions, hash] = await client.ok('@Statistics', ['TOPO', 0]);
    t.assert.deepStrictEqual(partitions!.columns, [
      { name: 'Partition', type: VOLT_TYPE.INTEGER },
      { name: 'Sites', type: VOLT_TYPE.STRING },
      { name: 'Leader', type: VOLT_TYPE.STRING },
    ]);
    t.assert.deepStrictEqual(partitions!.rows.at(-1), [16383, '0:8', '0:8']);
    t.assert.deepStrictEqual(partitions!.rows[3], [3, '0:3', '0:3']);
    t.assert.deepStrictEqual(names(hash!), ['HASHTYPE', 'HASHCONFIG']);
    t.assert.strictEqual(hash!.rows[0]![0], 'ELASTIC');
    const ring = Hashinator.fromConfig(hash!.rows[0]![1] as Uint8Array);
    t.assert.deepStrictEqual(ring.owners, Hashinator.uniform(8).owners);
  });

  test('@Statistics TOPO 1: gzip-compressed JSON ring', async (t: TestContext) => {
    const [, hash] = await client.ok('@Statistics', ['TOPO', 1]);
    const json = JSON.parse(gunzipSync(hash!.rows[0]![1] as Uint8Array).toString('utf8')) as Record<string, number>;
    t.assert.strictEqual(Object.keys(json).length, 16384);
    t.assert.strictEqual(json['-2147483648'], 7);
  });

  test('@Statistics PROCEDURE: real counts per procedure and partition; delta resets', async (t: TestContext) => {
    await client.ok('Initialize', [3, 'A,B,C']);
    for (let i = 0; i < 5; i++) await client.ok('Vote', [2125550000n + BigInt(i), 1, 10n]);
    await client.call('Vote', [1n]);
    const [stats] = await client.ok('@Statistics', ['PROCEDURE', 0]);
    t.assert.strictEqual(stats!.columns.length, 21);
    const votes = stats!.rows.filter((r) => r[5] === 'Vote');
    const invocations = votes.reduce((sum, r) => sum + (r[6] as bigint), 0n);
    t.assert.strictEqual(invocations, 6n);
    t.assert.strictEqual(votes.reduce((sum, r) => sum + (r[18] as bigint), 0n), 1n, 'one failure (wrong parameter count)');
    for (const row of votes) {
      t.assert.ok((row[8] as bigint) <= (row[9] as bigint), 'min ≤ max');
      t.assert.strictEqual(row[19], 1);
    }
    t.assert.ok(stats!.rows.some((r) => r[5] === 'Initialize' && r[4] === 16383));
    const [first] = await client.ok('@Statistics', ['PROCEDURE', 1]);
    t.assert.ok(first!.rows.length > 0);
    await client.ok('Vote', [2125559999n, 2, 10n]);
    const [delta] = await client.ok('@Statistics', ['PROCEDURE', 1]);
    const since = delta!.rows.filter((r) => r[5] === 'Vote');
    t.assert.strictEqual(since.reduce((sum, r) => sum + (r[6] as bigint), 0n), 1n);
    t.assert.strictEqual(server.stats().procedures['Vote'], 7);
  });

  test('@Statistics PARTITIONCOUNT and an unknown component', async (t: TestContext) => {
    const [count] = await client.ok('@Statistics', ['PARTITIONCOUNT', 0]);
    t.assert.strictEqual(count!.rows[0]![3], 8);
    const bad = await client.call('@Statistics', ['NOSUCH', 0]);
    t.assert.strictEqual(bad.status, STATUS.GRACEFUL_FAILURE);
    const missing = await client.call('@Statistics', []);
    t.assert.match(String(missing.statusString), /EXPECTS 1 PARAMS, BUT RECEIVED 0/);
  });

  test('@SystemCatalog PROCEDURES: REMARKS JSON with partitioning', async (t: TestContext) => {
    const [procedures] = await client.ok('@SystemCatalog', ['procedures']);
    t.assert.deepStrictEqual(names(procedures!), ['PROCEDURE_CAT', 'PROCEDURE_SCHEM', 'PROCEDURE_NAME', 'RESERVED1', 'RESERVED2', 'RESERVED3', 'REMARKS', 'PROCEDURE_TYPE', 'SPECIFIC_NAME']);
    const remarks = new Map(procedures!.rows.map((r) => [r[2], JSON.parse(r[6] as string) as Record<string, unknown>]));
    t.assert.deepStrictEqual(remarks.get('Vote'), { compound: false, partitionParameter: 0, partitionParameterType: 6, readOnly: false, singlePartition: true });
    t.assert.deepStrictEqual(remarks.get('Get'), { compound: false, partitionParameter: 0, partitionParameterType: 9, readOnly: true, singlePartition: true });
    t.assert.deepStrictEqual(remarks.get('Results'), { compound: false, readOnly: true, singlePartition: false });
    t.assert.ok(remarks.has('STORE.select'));
    t.assert.ok(!remarks.has('@Ping'), 'system procedures are not listed');
    const sorted = procedures!.rows.map((r) => r[2] as string);
    t.assert.deepStrictEqual(sorted, [...sorted].sort());
  });

  test('@SystemCatalog TABLES, COLUMNS, PROCEDURECOLUMNS; an unknown component', async (t: TestContext) => {
    const [tables] = await client.ok('@SystemCatalog', ['TABLES']);
    const byName = new Map(tables!.rows.map((r) => [r[2], r]));
    t.assert.strictEqual(byName.get('VOTES')![4], '{"partitionColumn":"PHONE_NUMBER"}');
    t.assert.strictEqual(byName.get('EVENTS')![3], 'TABLE');
    t.assert.strictEqual(byName.get('V_VOTES_BY_PHONE_NUMBER')![3], 'VIEW');
    const [columns] = await client.ok('@SystemCatalog', ['COLUMNS']);
    const events = columns!.rows.filter((r) => r[2] === 'EVENTS');
    t.assert.strictEqual(events.length, 12);
    t.assert.deepStrictEqual(
      events.map((r) => r[5]).sort(),
      ['BIGINT', 'BIGINT', 'DECIMAL', 'FLOAT', 'GEOGRAPHY', 'GEOGRAPHY_POINT', 'INTEGER', 'SMALLINT', 'TIMESTAMP', 'TINYINT', 'VARBINARY', 'VARCHAR'],
    );
    const [parameters] = await client.ok('@SystemCatalog', ['PROCEDURECOLUMNS']);
    const vote = parameters!.rows.filter((r) => r[2] === 'Vote');
    t.assert.deepStrictEqual(vote.map((r) => [r[3], r[6], r[12]]), [
      ['0', 'BIGINT', 'PARTITION_PARAMETER'],
      ['1', 'INTEGER', null],
      ['2', 'BIGINT', null],
    ]);
    const bad = await client.call('@SystemCatalog', ['NOPE']);
    t.assert.strictEqual(bad.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(bad.statusString), /Invalid @SystemCatalog selector NOPE/);
  });

  test('@SystemCatalog: every selector of the real server answers one table', async (t: TestContext) => {
    const shapes: Record<string, string[]> = {
      ROLES: ['ROLE', 'PERMISSIONS'],
      USERS: ['USER', 'ROLES'],
      FUNCTIONS: ['FUNCTION_TYPE', 'FUNCTION_NAME', 'CLASS_NAME', 'METHOD_NAME'],
      TASKS: ['TASK_NAME', 'SCHEDULER_CLASS', 'SCHEDULER_PARAMETERS', 'ACTIONS_CLASS', 'ACTIONS_PARAMETERS', 'SCHEDULE_CLASS', 'SCHEDULE_PARAMETERS', 'ON_ERROR', 'RUN_LOCATION', 'USER', 'ENABLED'],
      TOPICS: ['TOPIC_NAME', 'IS_SINGLE', 'IS_OPAQUE', 'STREAM_NAME', 'PROCEDURE_NAME'],
      CLASSES: ['CLASS_NAME', 'VOLT_PROCEDURE', 'ACTIVE_PROC'],
    };
    for (const [selector, columns] of Object.entries(shapes)) {
      const [table] = await client.ok('@SystemCatalog', [selector.toLowerCase()]);
      t.assert.deepStrictEqual(names(table!), columns, selector);
    }
    const [roles] = await client.ok('@SystemCatalog', ['ROLES']);
    t.assert.deepStrictEqual(roles!.rows.map((r) => r[0]), ['administrator', 'user']);
    const [classes] = await client.ok('@SystemCatalog', ['CLASSES']);
    const classNames = classes!.rows.map((r) => r[0]);
    t.assert.ok(classNames.includes('voter.Vote'), 'voter procedures are listed under their Java class');
    t.assert.ok(classNames.includes('Get'), 'a JS procedure is listed under its name');
    t.assert.ok(!classNames.some((n) => String(n).includes('.insert')), 'default procedures have no class');
    const [types] = await client.ok('@SystemCatalog', ['TYPEINFO']);
    t.assert.strictEqual(types!.columns.length, 18);
    const decimal = types!.rows.find((r) => r[0] === 'DECIMAL')!;
    t.assert.deepStrictEqual([decimal[1], decimal[2], decimal[13], decimal[14], decimal[17]], [3, 38, 12, 12, 10]);
  });

  test('@SystemCatalog INDEXINFO and PRIMARYKEYS name keys as the real server does', async (t: TestContext) => {
    await client.ok('@AdHoc', ['CREATE TABLE CAT_KEYS (A INTEGER NOT NULL, B VARCHAR(8) NOT NULL, C INTEGER, PRIMARY KEY (A, B));']);
    await client.ok('@AdHoc', ['CREATE TABLE CAT_NAMED (A INTEGER NOT NULL, CONSTRAINT PK_NAMED PRIMARY KEY (A));']);
    const [indexes] = await client.ok('@SystemCatalog', ['INDEXINFO']);
    const index = (table: string): unknown[][] => indexes!.rows.filter((r) => r[2] === table).map((r) => [r[3], r[5], r[6], r[7], r[8], r[9]]);
    t.assert.deepStrictEqual(index('CAT_KEYS'), [
      [0, 'VOLTDB_AUTOGEN_IDX_PK_CAT_KEYS_A_B', 3, 1, 'A', 'A'],
      [0, 'VOLTDB_AUTOGEN_IDX_PK_CAT_KEYS_A_B', 3, 2, 'B', 'A'],
    ]);
    t.assert.deepStrictEqual(index('CAT_NAMED'), [[0, 'VOLTDB_AUTOGEN_CONSTRAINT_IDX_PK_NAMED', 3, 1, 'A', 'A']]);
    const [keys] = await client.ok('@SystemCatalog', ['PRIMARYKEYS']);
    t.assert.deepStrictEqual(
      keys!.rows.filter((r) => String(r[2]).startsWith('CAT_')).map((r) => r.slice(2)),
      [
        ['CAT_KEYS', 'A', 1, 'VOLTDB_AUTOGEN_CT__PK_CAT_KEYS_A_B'],
        ['CAT_KEYS', 'B', 2, 'VOLTDB_AUTOGEN_CT__PK_CAT_KEYS_A_B'],
        ['CAT_NAMED', 'A', 1, 'PK_NAMED'],
      ],
    );
    await client.ok('@AdHoc', ['DROP TABLE CAT_KEYS;']);
    await client.ok('@AdHoc', ['DROP TABLE CAT_NAMED;']);
  });

  test('@GetPartitionKeys: the smallest key per partition, for INTEGER, STRING/VARCHAR, VARBINARY', async (t: TestContext) => {
    const ring = server.database.hashinator;
    for (const [kind, type] of [
      ['INTEGER', VOLT_TYPE.INTEGER],
      ['STRING', VOLT_TYPE.STRING],
      ['VARCHAR', VOLT_TYPE.STRING],
      ['VARBINARY', VOLT_TYPE.VARBINARY],
    ] as const) {
      const [keys] = await client.ok('@GetPartitionKeys', [kind]);
      t.assert.deepStrictEqual(keys!.columns, [
        { name: 'PARTITION_ID', type: VOLT_TYPE.INTEGER },
        { name: 'PARTITION_KEY', type },
      ]);
      t.assert.strictEqual(keys!.rows.length, 8);
      for (const [partition, key] of keys!.rows) t.assert.strictEqual(ring.partitionFor(key, type), partition, `${kind} ${String(key)}`);
    }
    const bad = await client.call('@GetPartitionKeys', ['FLOAT']);
    t.assert.strictEqual(bad.status, STATUS.GRACEFUL_FAILURE);
  });

  test('@Quiesce answers STATUS 0', async (t: TestContext) => {
    const [status] = await client.ok('@Quiesce');
    t.assert.deepStrictEqual(status!.rows, [[0n]]);
  });

  test('@Subscribe TOPOLOGY: no tables, then pushed PROCEDURES after DDL and TOPO on demand', async (t: TestContext) => {
    const subscriber = await TestClient.connect(server.port);
    const reply = await subscriber.call('@Subscribe', ['TOPOLOGY']);
    t.assert.strictEqual(reply.status, STATUS.SUCCESS);
    t.assert.strictEqual(reply.tables.length, 0);
    const pushed = new Promise<bigint[]>((resolve) => {
      const seen: bigint[] = [];
      subscriber.pending.set(RESERVED_HANDLE.PROCEDURES_NOTIFICATION, (r) => {
        seen.push(r.handle);
        t.assert.strictEqual(r.tables[0]!.columns[2]!.name, 'PROCEDURE_NAME');
        t.assert.ok(r.tables[0]!.rows.some((row) => row[2] === 'PUSHED.insert'));
        subscriber.pending.set(RESERVED_HANDLE.TOPOLOGY_NOTIFICATION, (topo) => {
          seen.push(topo.handle);
          t.assert.strictEqual(topo.tables.length, 2);
          resolve(seen);
        });
        server.pushTopology();
      });
    });
    await client.ok('@AdHoc', ['CREATE TABLE PUSHED (A INTEGER);']);
    t.assert.deepStrictEqual(await pushed, [RESERVED_HANDLE.PROCEDURES_NOTIFICATION, RESERVED_HANDLE.TOPOLOGY_NOTIFICATION]);
    const bad = await subscriber.call('@Subscribe', ['NOTHING']);
    t.assert.strictEqual(bad.status, STATUS.GRACEFUL_FAILURE);
    subscriber.close();
  });

  test('unknown procedures and @AdHoc without its SQL', async (t: TestContext) => {
    const unknown = await client.call('Nope');
    t.assert.strictEqual(unknown.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.strictEqual(unknown.statusString, 'Procedure Nope was not found');
    const none = await client.call('@AdHoc');
    t.assert.match(String(none.statusString), /PROCEDURE @AdHoc EXPECTS 1 PARAMS, BUT RECEIVED 0/);
    const number = await client.call('@AdHoc', [42]);
    t.assert.strictEqual(number.status, STATUS.GRACEFUL_FAILURE);
  });

  test('a malformed invocation header is answered -3 with the connection id as handle; bad parameters with the real handle', async (t: TestContext) => {
    const socket = await FrameSocket.open(server.port);
    socket.send(encodeLoginRequest({}));
    const login = await socket.next();
    const connectionId = login.readBigInt64BE(4 + 2 + 4);
    // version byte 9: the header cannot be read
    socket.send(Buffer.from([0, 0, 0, 5, 9, 0, 0, 0, 0]));
    const bad = decodeFrame(await socket.next());
    t.assert.strictEqual(bad.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.strictEqual(bad.handle, connectionId);
    t.assert.match(String(bad.statusString), /unknown invocation version 9/);
    // header fine (v0, "@Ping", handle 77), parameter count says 1 but nothing follows
    const frame = Buffer.from([0, 0, 0, 0x16, 0, 0, 0, 0, 5, 0x40, 0x50, 0x69, 0x6e, 0x67, 0, 0, 0, 0, 0, 0, 0, 77, 0, 1, 5, 0]);
    frame.writeInt32BE(frame.length - 4, 0);
    socket.send(frame);
    const params = decodeFrame(await socket.next());
    t.assert.strictEqual(params.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.strictEqual(params.handle, 77n);
    socket.close();
  });
});
