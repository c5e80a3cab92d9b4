/**
 * The Python-client API against the embedded server: FastSerializer, VoltProcedure with every
 * VOLTTYPE, arrays, VoltResponse fields and printout, failure statuses as responses, close.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import {
  FastSerializer,
  VoltColumn,
  VoltProcedure,
  VoltResponse,
  VoltTable,
  VOLTTYPE_BIGINT,
  VOLTTYPE_DECIMAL,
  VOLTTYPE_DECIMAL_STRING,
  VOLTTYPE_FLOAT,
  VOLTTYPE_GEOGRAPHY,
  VOLTTYPE_GEOGRAPHY_POINT,
  VOLTTYPE_INTEGER,
  VOLTTYPE_NULL,
  VOLTTYPE_SMALLINT,
  VOLTTYPE_STRING,
  VOLTTYPE_TIMESTAMP,
  VOLTTYPE_TINYINT,
  VOLTTYPE_VARBINARY,
  VOLTTYPE_VOLTTABLE,
} from '../../src/compat/index.js';
import { AdminApi } from '../../src/admin.js';
import { ClientClosedError, ConnectionError, ParameterError, VoltError } from '../../src/errors.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { startServer, userAbort, type EmbeddedServer } from '../../src/server/index.js';

const HELLO = { columns: [{ name: 'HELLO', type: 'STRING' as const }, { name: 'WORLD', type: 'STRING' as const }], rows: [['Hello', 'World']] };

/** What a handler saw, as one row: the JS type of each parameter and its text. */
function describeParams(params: readonly unknown[]) {
  return {
    columns: [
      { name: 'KIND', type: 'STRING' as const },
      { name: 'TEXT', type: 'STRING' as const },
    ],
    rows: params.map((p) => [
      p === null ? 'null' : Array.isArray(p) ? `array:${p.length}` : p instanceof Uint8Array ? `bytes:${p.length}` : typeof p === 'object' ? (p as object).constructor.name : typeof p,
      p === null ? null : Array.isArray(p) ? p.map(String).join(',') : p instanceof Uint8Array ? Buffer.from(p).toString('hex') : String(p),
    ]),
  };
}

describe('FastSerializer and VoltProcedure against the embedded server', () => {
  let server: EmbeddedServer;
  let fser: FastSerializer;
  before(async () => {
    server = await startServer({ port: 0, workloads: [] });
    server.define('Select', { parameterTypes: ['STRING'] }, (params) => (params[0] === 'English' ? HELLO : { columns: HELLO.columns, rows: [] }));
    server.define('Describe', {}, (params) => describeParams(params));
    server.define('Abort', {}, () => {
      throw userAbort('not today', 7, 'app says no');
    });
    server.define('Throw', {}, () => {
      throw new Error('handler exploded');
    });
    server.define('Two', { parameterTypes: ['INTEGER', 'INTEGER'] }, () => 2);
    server.define('Stamp', {}, () => ({ columns: [{ name: 'T', type: 'TIMESTAMP' }], rows: [[1_700_000_000_123_456n]] }));
    fser = await FastSerializer.connect({ host: server.host, port: server.port });
  });
  after(async () => {
    await fser.close();
    await server.close();
  });

  test('VOLTTYPE constants are the wire codes; DECIMAL_STRING cannot be a type byte', (t: TestContext) => {
    t.assert.strictEqual(FastSerializer.VOLTTYPE_NULL, 1);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_TINYINT, 3);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_SMALLINT, 4);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_INTEGER, 5);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_BIGINT, 6);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_FLOAT, 8);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_STRING, 9);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_TIMESTAMP, 11);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_DATE, 12);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_VOLTTABLE, 21);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_DECIMAL, 22);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_VARBINARY, 25);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_GEOGRAPHY_POINT, 26);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_GEOGRAPHY, 27);
    t.assert.strictEqual(FastSerializer.VOLTTYPE_DECIMAL_STRING, VOLTTYPE_DECIMAL_STRING);
    t.assert.ok(VOLTTYPE_DECIMAL_STRING > 127, 'outside the i8 range of a type byte');
    t.assert.ok(!Object.values(VOLT_TYPE).includes(VOLTTYPE_DECIMAL_STRING as never));
  });

  test('the documented example: Select("English") → a response with one table', async (t: TestContext) => {
    const proc = new VoltProcedure(fser, 'Select', [FastSerializer.VOLTTYPE_STRING]);
    const response = await proc.call(['English']);
    t.assert.ok(response instanceof VoltResponse);
    t.assert.strictEqual(response.status, STATUS.SUCCESS);
    t.assert.strictEqual(response.ok, true);
    t.assert.strictEqual(response.statusString, 'Success', 'the server sent no status string: the meaning of the code');
    t.assert.strictEqual(response.appStatus, -128);
    t.assert.strictEqual(response.appStatusString, null);
    t.assert.ok(response.roundtripTime > 0 && response.roundtripTime < 10_000);
    t.assert.ok(response.clusterRoundtripTime >= 0);
    t.assert.strictEqual(response.exception, null);
    t.assert.strictEqual(typeof response.clientHandle, 'bigint');
    const table = response.tables![0]!;
    t.assert.ok(table instanceof VoltTable);
    t.assert.strictEqual(table.table, response.response.tables[0], 'a view over the same table object');
    t.assert.ok(table.columns[0] instanceof VoltColumn);
    t.assert.deepStrictEqual(
      table.columns.map((c) => [c.name, c.type]),
      [
        ['HELLO', VOLTTYPE_STRING],
        ['WORLD', VOLTTYPE_STRING],
      ],
    );
    t.assert.deepStrictEqual([...table.tuples], [['Hello', 'World']]);
    t.assert.strictEqual(
      String(response),
      'Status: 1\nInformation: Success\ncolumn count: 2\nrow count: 1\ncols: (HELLO: 9), (WORLD: 9)\nrows -\n[\'Hello\', \'World\']',
    );
    const none = await proc.call(['Klingon']);
    t.assert.strictEqual(none.tables![0]!.tuples.length, 0);
    t.assert.match(String(none), /row count: 0\ncols: \(HELLO: 9\), \(WORLD: 9\)\nrows -\n$/);
  });

  test('every VOLTTYPE goes out as declared; DECIMAL_STRING as a STRING', async (t: TestContext) => {
    const proc = new VoltProcedure(fser, 'Describe', [
      VOLTTYPE_NULL,
      VOLTTYPE_TINYINT,
      VOLTTYPE_SMALLINT,
      VOLTTYPE_INTEGER,
      VOLTTYPE_BIGINT,
      VOLTTYPE_FLOAT,
      VOLTTYPE_STRING,
      VOLTTYPE_TIMESTAMP,
      VOLTTYPE_DECIMAL,
      VOLTTYPE_DECIMAL_STRING,
      VOLTTYPE_VARBINARY,
      VOLTTYPE_GEOGRAPHY_POINT,
      VOLTTYPE_GEOGRAPHY,
      VOLTTYPE_VOLTTABLE,
    ]);
    const square = new Geography([
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ]);
    const response = await proc.call([
      null,
      7,
      300,
      70000,
      5n,
      1.5,
      'text',
      new Date(1_000),
      new Decimal('1.25'),
      new Decimal('3.141592653589793238'),
      Uint8Array.of(1, 2),
      new GeographyPoint(10, 20),
      square,
      { columns: [{ name: 'A', type: VOLT_TYPE.INTEGER }], rows: [[1], [2]] },
    ]);
    const kinds = [...response.tables![0]!.tuples].map((row) => row[0]);
    t.assert.deepStrictEqual(kinds, ['null', 'number', 'number', 'number', 'bigint', 'number', 'string', 'bigint', 'Decimal', 'string', 'bytes:2', 'GeographyPoint', 'Geography', 'Object']);
    // (The embedded server reads TIMESTAMP parameters as µs and a VOLTTABLE as { columns, rows }.)
    t.assert.strictEqual(response.tables![0]!.tuples[7]![1], '1000000');
    t.assert.strictEqual(response.tables![0]!.tuples[9]![1], '3.141592653589793238', 'the exact text, converted by the server');
  });

  test('a type given for an array parameter means an array of that type', async (t: TestContext) => {
    const proc = new VoltProcedure(fser, 'Describe', [VOLTTYPE_BIGINT, VOLTTYPE_TINYINT, VOLTTYPE_VARBINARY, VOLTTYPE_STRING, 'INTEGER[]']);
    const response = await proc.call([[1n, 2n, 3n], Uint8Array.of(9, 8), Uint8Array.of(1, 2, 3), ['a', 'b'], [4, 5]]);
    t.assert.deepStrictEqual(
      [...response.tables![0]!.tuples],
      [
        ['array:3', '1,2,3'],
        ['bytes:2', '0908'],
        ['bytes:3', '010203'],
        ['array:2', 'a,b'],
        ['array:2', '4,5'],
      ],
    );
    // The same procedure with scalars uses the plain declared types.
    const scalars = await new VoltProcedure(fser, 'Describe', [VOLTTYPE_BIGINT]).call([1n]);
    t.assert.deepStrictEqual([...scalars.tables![0]!.tuples], [['bigint', '1']]);
    // Handles are reused per type list.
    await proc.call([[1n], Uint8Array.of(1), Uint8Array.of(1), ['x'], [1]]);
  });

  test('refused before sending: counts, types, names, timeouts, DECIMAL_STRING arrays', async (t: TestContext) => {
    const select = new VoltProcedure(fser, 'Select', [VOLTTYPE_STRING]);
    await t.assert.rejects(select.call([]), (e: unknown) => e instanceof ParameterError && /Select takes 1 parameter \(STRING\), got 0/.test(e.message));
    await t.assert.rejects(select.call('English' as unknown as unknown[]), ParameterError);
    await t.assert.rejects(select.call(['English'], true, -1), /seconds >= 0/);
    await t.assert.rejects(select.call(['English'], true, Number.NaN), ParameterError);
    await t.assert.rejects(new VoltProcedure(fser, 'Describe').call([1]), /takes 0 parameters \(none\), got 1/);
    await t.assert.rejects(new VoltProcedure(fser, 'Describe', [VOLTTYPE_DECIMAL_STRING]).call([['1.5']]), /DECIMAL_STRING has no array form/);
    await t.assert.rejects(new VoltProcedure(fser, 'Describe', [VOLTTYPE_INTEGER]).call(['abc']), ParameterError, 'the codec refuses the value');
    t.assert.throws(() => new VoltProcedure(fser, 'Describe', [23]), /BOOLEAN to the server; use VOLTTYPE_DECIMAL_STRING/);
    t.assert.throws(() => new VoltProcedure(fser, 'Describe', [20]), /MONEY/);
    t.assert.throws(() => new VoltProcedure(fser, 'Describe', [99]), /is not a VOLTTYPE_\* constant/);
    t.assert.throws(() => new VoltProcedure(fser, 'Describe', [-99]), ParameterError);
    t.assert.throws(() => new VoltProcedure(fser, '', []), ParameterError);
    t.assert.throws(() => new VoltProcedure(fser, 'Describe', 5 as unknown as number[]), ParameterError);
    // Still in step afterwards.
    t.assert.strictEqual((await select.call(['English'])).status, STATUS.SUCCESS);
  });

  test('failure statuses come back as responses (Python), not rejections', async (t: TestContext) => {
    const missing = await new VoltProcedure(fser, 'NoSuchProcedure').call();
    t.assert.strictEqual(missing.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.strictEqual(missing.statusString, 'Procedure NoSuchProcedure was not found');
    t.assert.strictEqual(missing.exception, null);
    t.assert.deepStrictEqual(missing.tables, []);
    t.assert.strictEqual(missing.ok, false);
    t.assert.match(String(missing), /^Status: -3\nInformation: Procedure NoSuchProcedure was not found\n$/);

    const aborted = await new VoltProcedure(fser, 'Abort').call();
    t.assert.strictEqual(aborted.status, STATUS.USER_ABORT);
    t.assert.match(aborted.statusString, /USER ABORT[\s\S]*not today/);
    t.assert.strictEqual(aborted.appStatus, 7);
    t.assert.strictEqual(aborted.appStatusString, 'app says no');

    const thrown = await new VoltProcedure(fser, 'Throw').call();
    t.assert.strictEqual(thrown.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.match(thrown.statusString, /handler exploded/);

    const graceful = await new VoltProcedure(fser, 'Two', [VOLTTYPE_INTEGER]).call([1]);
    t.assert.strictEqual(graceful.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(graceful.statusString, /EXPECTS 2 PARAMS, BUT RECEIVED 1/);

    const adhoc = await new VoltProcedure(fser, '@AdHoc', [VOLTTYPE_STRING]).call(['SELEC nonsense']);
    t.assert.strictEqual(adhoc.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(adhoc.statusString, /SQL error/);
  });

  test('positional constructor as in Python; calls wait for the login; admin; dispose', async (t: TestContext) => {
    const positional = new FastSerializer(server.host, server.port, '', '');
    t.assert.throws(() => positional.client, ConnectionError, 'not connected until ready');
    const response = await new VoltProcedure(positional, 'Select', [VOLTTYPE_STRING]).call(['English']);
    t.assert.strictEqual(response.status, STATUS.SUCCESS);
    t.assert.strictEqual(positional.host, server.host);
    t.assert.strictEqual(positional.port, server.port);
    t.assert.ok(positional.admin instanceof AdminApi);
    t.assert.match(positional.admin.version().version, /^\d+\.\d+/);
    await positional[Symbol.asyncDispose]();
    await positional.close();
    await t.assert.rejects(new VoltProcedure(positional, 'Select', [VOLTTYPE_STRING]).call(['English']), ClientClosedError);
    const byArgs = await FastSerializer.connect(server.host, server.port);
    t.assert.strictEqual((await new VoltProcedure(byArgs, '@Ping').call()).statusString, 'SUCCESS', "the server's own status string wins");
    await byArgs.close();
  });

  test('a failed connect rejects ready and every call; close still resolves', async (t: TestContext) => {
    const probe = await startServer({ workloads: [] });
    const port = probe.port;
    await probe.close();
    const fail = new FastSerializer({ host: '127.0.0.1', port, connectTimeout: 2 });
    await t.assert.rejects(fail.ready, (e: unknown) => VoltError.is(e));
    await t.assert.rejects(new VoltProcedure(fail, '@Ping').call(), (e: unknown) => VoltError.is(e));
    await fail.close();
    await t.assert.rejects(FastSerializer.connect({ host: '127.0.0.1', port }), (e: unknown) => VoltError.is(e));
  });

  test('dumpFile records the wire; timestamps: bigint is lossless; procedureTimeout is the default', async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'voltwire-compat-'));
    try {
      const dumpFile = join(dir, 'wire.dump');
      const lossless = await FastSerializer.connect({ host: server.host, port: server.port, dumpFile, timestamps: 'bigint', procedureTimeout: 5, client: { decode: { workers: 0 } } });
      const stamp = await new VoltProcedure(lossless, 'Stamp').call();
      t.assert.strictEqual(stamp.tables![0]!.tuples[0]![0], 1_700_000_000_123_456n);
      const dated = await new VoltProcedure(fser, 'Stamp').call();
      t.assert.ok(dated.tables![0]!.tuples[0]![0] instanceof Date);
      t.assert.strictEqual(lossless.client.options.callTimeoutMs, 5000);
      t.assert.strictEqual(fser.client.options.callTimeoutMs, 0, 'Python waits for ever by default');
      await lossless.close();
      t.assert.ok(existsSync(dumpFile) && statSync(dumpFile).size > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
