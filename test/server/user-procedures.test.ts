import { after, before, describe, test, type TestContext } from 'node:test';
import { ParameterError } from '../../src/errors.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { startServer, userAbort, type EmbeddedServer } from '../../src/server/index.js';
import { typeCode } from '../../src/server/user-procedures.js';
import { TestClient } from './test-client.js';

describe('procedures defined in JS', () => {
  let server: EmbeddedServer;
  let client: TestClient;
  before(async () => {
    server = await startServer({ workloads: ['kv'] });
    client = await TestClient.connect(server.port);
    server.define('Nothing', {}, () => undefined);
    server.define('Long', { parameterTypes: ['INTEGER'] }, ([n]) => (n as number) * 2);
    server.define('Big', {}, () => 12345678901234n);
    server.define('OneTable', { readOnly: true }, () => ({ columns: [{ name: 'A', type: 'VARCHAR' }, { name: 'B', type: VOLT_TYPE.FLOAT }], rows: [['x', 1.5]] }));
    server.define('TwoTables', {}, () => [
      { columns: [{ name: 'A', type: 'INTEGER' }], rows: [[1]] },
      { columns: [{ name: 'B', type: 'STRING' }], rows: [] },
    ]);
    server.define('WithStatus', {}, () => ({ tables: [], appStatus: 7, appStatusString: 'seven' }));
    server.define('Later', { parameterTypes: ['STRING'] }, async ([s]) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { columns: [{ name: 'S', type: 'STRING' }], rows: [[String(s).toUpperCase()]] };
    });
    server.define('Abort', {}, () => {
      throw userAbort('no thanks', 3, 'app detail');
    });
    server.define('Crash', {}, () => {
      throw new Error('boom');
    });
    server.define('CrashLater', {}, async () => {
      throw new Error('later boom');
    });
    server.define('Unencodable', {}, () => ({ columns: [{ name: 'T', type: 'TINYINT' }], rows: [[1000]] }));
    server.define('ByKey', { partitionParameter: 0, parameterTypes: ['STRING'], readOnly: true }, ([key], context) => {
      const [found] = context.sql('SELECT VALUE FROM STORE WHERE KEY = ?', key);
      return { tables: [found!, { columns: [{ name: 'PARTITION', type: 'INTEGER' }, { name: 'HOST', type: 'INTEGER' }], rows: [[context.partition, context.hostId]] }] };
    });
    server.define('Untyped', { partitionParameter: 1 }, (params) => params.length);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test('return shapes: nothing, a long, a table, several tables, an app status', async (t: TestContext) => {
    t.assert.deepStrictEqual(await client.ok('Nothing'), []);
    const [long] = await client.ok('Long', [21]);
    t.assert.deepStrictEqual(long, { status: -128, columns: [{ name: '', type: VOLT_TYPE.BIGINT }], rows: [[42n]] });
    t.assert.deepStrictEqual((await client.ok('Big'))[0]!.rows, [[12345678901234n]]);
    const [table] = await client.ok('OneTable');
    t.assert.deepStrictEqual(table!.columns, [
      { name: 'A', type: VOLT_TYPE.STRING },
      { name: 'B', type: VOLT_TYPE.FLOAT },
    ]);
    t.assert.deepStrictEqual(table!.rows, [['x', 1.5]]);
    t.assert.strictEqual((await client.ok('TwoTables')).length, 2);
    const status = await client.call('WithStatus');
    t.assert.strictEqual(status.appStatus, 7);
    t.assert.strictEqual(status.appStatusString, 'seven');
  });

  test('declared parameter types are checked and converted', async (t: TestContext) => {
    t.assert.deepStrictEqual((await client.ok('Long', ['12']))[0]!.rows, [[24n]]);
    const wrong = await client.call('Long', ['abc']);
    t.assert.strictEqual(wrong.status, STATUS.GRACEFUL_FAILURE);
    t.assert.strictEqual(wrong.statusString, 'VOLTDB ERROR: PROCEDURE Long TYPE ERROR FOR PARAMETER 0: org.voltdb.VoltTypeException: Unable to convert string abc to long value for target parameter.');
    const count = await client.call('Long', []);
    t.assert.strictEqual(count.statusString, 'VOLTDB ERROR: PROCEDURE Long EXPECTS 1 PARAMS, BUT RECEIVED 0');
    t.assert.strictEqual((await client.ok('Untyped', [1, 2, 'x']))[0]!.rows[0]![0], 3n);
  });

  test('asynchronous handlers are answered when they settle; pipelined calls keep their handles', async (t: TestContext) => {
    const [slow, fast] = await Promise.all([client.call('Later', ['abc']), client.call('Long', [1])]);
    t.assert.deepStrictEqual(slow.tables[0]!.rows, [['ABC']]);
    t.assert.deepStrictEqual(fast.tables[0]!.rows, [[2n]]);
  });

  test('userAbort answers USER_ABORT with the app status; other throws are UNEXPECTED_FAILURE', async (t: TestContext) => {
    const aborted = await client.call('Abort');
    t.assert.strictEqual(aborted.status, STATUS.USER_ABORT);
    t.assert.match(String(aborted.statusString), /USER ABORT[\s\S]*no thanks/);
    t.assert.strictEqual(aborted.appStatus, 3);
    t.assert.strictEqual(aborted.appStatusString, 'app detail');
    const crashed = await client.call('Crash');
    t.assert.strictEqual(crashed.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.match(String(crashed.statusString), /boom/);
    const later = await client.call('CrashLater');
    t.assert.strictEqual(later.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.match(String(later.statusString), /later boom/);
    const unencodable = await client.call('Unencodable');
    t.assert.strictEqual(unencodable.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.match(String(unencodable.statusString), /TINYINT/);
    const [stats] = await client.ok('@Statistics', ['PROCEDURE', 0]);
    const abortRow = stats!.rows.find((r) => r[5] === 'Abort')!;
    t.assert.strictEqual(abortRow[17], 1n, 'ABORTS');
    const crashRow = stats!.rows.find((r) => r[5] === 'Crash')!;
    t.assert.strictEqual(crashRow[18], 1n, 'FAILURES');
  });

  test('a single-partition procedure runs in its partition: context.sql is scoped, the catalog says so', async (t: TestContext) => {
    await client.ok('Put', ['here', Uint8Array.of(1)]);
    const [value, where] = await client.ok('ByKey', ['here']);
    t.assert.deepStrictEqual(value!.rows, [[Uint8Array.of(1)]]);
    t.assert.deepStrictEqual(where!.rows, [[server.database.partitionFor('here', VOLT_TYPE.STRING), 0]]);
    const [procedures] = await client.ok('@SystemCatalog', ['PROCEDURES']);
    const remarks = procedures!.rows.find((r) => r[2] === 'ByKey')![6];
    t.assert.strictEqual(remarks, '{"compound":false,"partitionParameter":0,"partitionParameterType":9,"readOnly":true,"singlePartition":true}');
    const untyped = procedures!.rows.find((r) => r[2] === 'Untyped')![6];
    t.assert.strictEqual(untyped, '{"compound":false,"partitionParameter":1,"partitionParameterType":6,"readOnly":false,"singlePartition":true}');
  });

  test('a partition value that cannot be hashed is a parameter type error', async (t: TestContext) => {
    const reply = await client.call('Untyped', [1, 'not a number']);
    t.assert.strictEqual(reply.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(reply.statusString), /TYPE ERROR FOR PARAMETER 1/);
  });

  test('type names and codes; reserved names', (t: TestContext) => {
    t.assert.strictEqual(typeCode('VARCHAR'), VOLT_TYPE.STRING);
    t.assert.strictEqual(typeCode('GEOGRAPHY_POINT'), VOLT_TYPE.GEOGRAPHY_POINT);
    t.assert.strictEqual(typeCode(6), 6);
    t.assert.throws(() => typeCode('ARRAY'), ParameterError);
    t.assert.throws(() => typeCode('NOPE' as 'BIGINT'), ParameterError);
    t.assert.throws(() => server.define('@Mine', {}, () => undefined), RangeError);
  });

  test('a directed call replaces the INTEGER / VARCHAR partitioning parameter with the partition key, as a real server does', async (t: TestContext) => {
    const seen: unknown[] = [];
    server.define('EchoInt', { partitionParameter: 0, parameterTypes: ['INTEGER'] }, (params) => {
      seen.push(params[0]);
      return 0;
    });
    server.define('EchoText', { partitionParameter: 0, parameterTypes: ['VARCHAR'] }, (params) => {
      seen.push(params[0]);
      return 0;
    });
    const [keys] = await client.ok('@GetPartitionKeys', ['INTEGER']);
    const [textKeys] = await client.ok('@GetPartitionKeys', ['STRING']);
    for (const [partition, key] of keys!.rows as [number, number][]) {
      seen.length = 0;
      await client.ok('EchoInt', [123456], { partitionDestination: partition });
      await client.ok('EchoText', ['whatever'], { partitionDestination: partition });
      const textKey = textKeys!.rows.find((r) => r[0] === partition)![1];
      t.assert.deepStrictEqual(seen, [key, textKey], `partition ${partition}`);
    }
  });
});
