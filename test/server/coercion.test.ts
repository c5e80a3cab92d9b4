import { after, before, describe, test, type TestContext } from 'node:test';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { convertValue, javaTargetName, parseTimestamp, stringSize, type Conversion } from '../../src/server/coercion.js';
import { ProcedureStatistics } from '../../src/server/procedure-statistics.js';
import { compareValues, orderValues } from '../../src/server/sql/operands.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { TestClient } from './test-client.js';

const T = VOLT_TYPE;
const value = (c: Conversion): unknown => (c.ok ? c.value : `refused: ${c.reason}`);

describe('converting values to column types', () => {
  test('integers narrow when they fit; strings parse; booleans and exact decimals convert', (t: TestContext) => {
    t.assert.strictEqual(value(convertValue(5n, T.TINYINT)), 5);
    t.assert.strictEqual(value(convertValue('  -42 ', T.SMALLINT)), -42);
    t.assert.strictEqual(value(convertValue(true, T.INTEGER)), 1);
    t.assert.strictEqual(value(convertValue(new Decimal('7'), T.BIGINT)), 7n);
    t.assert.strictEqual(value(convertValue(2 ** 40, T.BIGINT)), 2n ** 40n);
    t.assert.strictEqual(value(convertValue('\\N', T.INTEGER)), null);
    t.assert.strictEqual(value(convertValue(-128, T.TINYINT)), null, 'the narrower NULL sentinel sent as a number is NULL');
    t.assert.strictEqual(value(convertValue(-(2n ** 63n), T.BIGINT)), null);
    t.assert.strictEqual(value(convertValue(undefined, T.BIGINT)), null);
    t.assert.match(String(value(convertValue(128, T.TINYINT))), /The provided value: \(128\) of type: java.lang.Integer is not a match or is out of range for the target parameter type: byte/);
    t.assert.match(String(value(convertValue(1.5, T.INTEGER))), /java.lang.Double .* int/);
    t.assert.match(String(value(convertValue(2n ** 70n, T.BIGINT))), /java.lang.Long .* long/);
    t.assert.match(String(value(convertValue(new Decimal('1.5'), T.SMALLINT))), /java.math.BigDecimal .* short/);
    t.assert.match(String(value(convertValue(Uint8Array.of(1), T.INTEGER))), /\(01\) of type: \[B/);
    t.assert.match(String(value(convertValue(-2147483649, T.INTEGER))), /java.lang.Long/);
  });

  test('FLOAT, DECIMAL, STRING', (t: TestContext) => {
    t.assert.strictEqual(value(convertValue(3n, T.FLOAT)), 3);
    t.assert.strictEqual(value(convertValue(new Decimal('2.5'), T.FLOAT)), 2.5);
    t.assert.strictEqual(value(convertValue(' 1e3 ', T.FLOAT)), 1000);
    t.assert.match(String(value(convertValue('x', T.FLOAT))), /Unable to convert string x to double/);
    t.assert.match(String(value(convertValue('', T.FLOAT))), /Unable to convert string/);
    t.assert.match(String(value(convertValue(true, T.FLOAT))), /java.lang.Boolean .* double/);
    t.assert.strictEqual((value(convertValue('1.0000000000005', T.DECIMAL)) as Decimal).toString(), '1.000000000001', 'HALF_UP to 12 places');
    t.assert.strictEqual((value(convertValue(3n, T.DECIMAL)) as Decimal).toString(), '3');
    t.assert.match(String(value(convertValue('abc', T.DECIMAL))), /Unable to convert string abc to java.math.BigDecimal/);
    t.assert.match(String(value(convertValue(1e30, T.DECIMAL))), /integer digits/);
    t.assert.match(String(value(convertValue(new Date(0), T.DECIMAL))), /TimestampType .* java.math.BigDecimal/);
    t.assert.strictEqual(value(convertValue('s', T.STRING)), 's');
    t.assert.match(String(value(convertValue(5, T.STRING))), /java.lang.Integer .* java.lang.String/);
  });

  test('TIMESTAMP: Date, microseconds, numeric text, date text', (t: TestContext) => {
    t.assert.strictEqual(value(convertValue(new Date(1000), T.TIMESTAMP)), 1_000_000n);
    t.assert.match(String(value(convertValue(new Date(Number.NaN), T.TIMESTAMP))), /not a match/);
    t.assert.strictEqual(value(convertValue(5n, T.TIMESTAMP)), 5n);
    t.assert.match(String(value(convertValue(2n ** 64n, T.TIMESTAMP))), /not a match/);
    t.assert.strictEqual(value(convertValue(7, T.TIMESTAMP)), 7n);
    t.assert.match(String(value(convertValue(0.5, T.TIMESTAMP))), /not a match/);
    t.assert.strictEqual(value(convertValue('123', T.TIMESTAMP)), 123n);
    t.assert.strictEqual(value(convertValue('2023-11-14 22:13:20.123456', T.TIMESTAMP)), 1700000000123456n);
    t.assert.strictEqual(value(convertValue('1970-01-02', T.TIMESTAMP)), 86_400_000_000n);
    t.assert.match(String(value(convertValue('yesterday', T.TIMESTAMP))), /Unable to convert string yesterday to org.voltdb.types.TimestampType/);
    t.assert.match(String(value(convertValue(true, T.TIMESTAMP))), /not a match/);
    t.assert.strictEqual(parseTimestamp('2023-02-30'), undefined, 'no such day');
    t.assert.strictEqual(parseTimestamp('0099-01-01 00:00:00'), -59042995200000000n, 'two-digit years are not 19xx');
    t.assert.strictEqual(parseTimestamp('2000-01-01T00:00:00.5'), 946684800500000n);
  });

  test('VARBINARY, GEOGRAPHY_POINT, GEOGRAPHY', (t: TestContext) => {
    t.assert.deepStrictEqual(value(convertValue("X'0aff'", T.VARBINARY)), Uint8Array.of(10, 255));
    t.assert.deepStrictEqual(value(convertValue('0aff', T.VARBINARY)), Uint8Array.of(10, 255));
    t.assert.deepStrictEqual(value(convertValue([1, -1, 255], T.VARBINARY)), Uint8Array.of(1, 255, 255));
    t.assert.match(String(value(convertValue('xyz', T.VARBINARY))), /to byte\[\]/);
    t.assert.match(String(value(convertValue(5, T.VARBINARY))), /\[B/);
    const point = new GeographyPoint(1, 2);
    t.assert.strictEqual(value(convertValue(point, T.GEOGRAPHY_POINT)), point);
    t.assert.ok((value(convertValue('POINT(1 2)', T.GEOGRAPHY_POINT)) as GeographyPoint).equals(point));
    t.assert.match(String(value(convertValue('POINT(1)', T.GEOGRAPHY_POINT))), /WKT/);
    t.assert.match(String(value(convertValue(point, T.GEOGRAPHY))), /GeographyPointValue .*GeographyValue/);
    const polygon = Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 0))');
    t.assert.strictEqual(value(convertValue(polygon, T.GEOGRAPHY)), polygon);
    t.assert.strictEqual(value(convertValue('anything', 99)), 'anything');
  });

  test('Java type names in messages', (t: TestContext) => {
    t.assert.deepStrictEqual(
      [T.TINYINT, T.SMALLINT, T.INTEGER, T.BIGINT, T.FLOAT, T.DECIMAL, T.STRING, T.VARBINARY, T.TIMESTAMP, T.GEOGRAPHY_POINT, T.GEOGRAPHY, 99].map(javaTargetName),
      ['byte', 'short', 'int', 'long', 'double', 'java.math.BigDecimal', 'java.lang.String', '[B', 'org.voltdb.types.TimestampType', 'org.voltdb.types.GeographyPointValue', 'org.voltdb.types.GeographyValue', 'type 99'],
    );
    t.assert.match(String(value(convertValue([1, 'x'], T.VARBINARY))), /java.lang.Object\[\]/);
    t.assert.match(String(value(convertValue({}, T.BIGINT))), /of type: Object/);
    t.assert.match(String(value(convertValue(Object.create(null) as object, T.BIGINT))), /java.lang.Object/);
    t.assert.match(String(value(convertValue(Symbol.iterator, T.BIGINT))), /symbol/);
  });

  test('string sizes count characters, or bytes for VARCHAR(n BYTES)', (t: TestContext) => {
    t.assert.strictEqual(stringSize('héllo☃', false), 6);
    t.assert.strictEqual(stringSize('😀', false), 1);
    t.assert.strictEqual(stringSize('héllo☃', true), 9);
  });
});

describe('comparing stored values', () => {
  test('numbers, bigints, mixed, decimals, strings, bytes, geography, NULL order', (t: TestContext) => {
    t.assert.strictEqual(compareValues(1, 2), -1);
    t.assert.strictEqual(compareValues(3n, 2n), 1);
    t.assert.strictEqual(compareValues('b', 'a'), 1);
    t.assert.strictEqual(compareValues(5, 5n), 0);
    t.assert.ok(compareValues(5.5, 5n) > 0);
    t.assert.ok(compareValues(5n, 5.5) < 0);
    t.assert.strictEqual(compareValues(2n ** 62n, 2 ** 62), 0);
    t.assert.strictEqual(compareValues(new Decimal('1.5'), 1.5), 0);
    t.assert.ok(Number.isNaN(compareValues(new Decimal('1'), 'x')));
    t.assert.strictEqual(compareValues(Uint8Array.of(1), Uint8Array.of(2)), -1);
    t.assert.strictEqual(compareValues(new GeographyPoint(1, 1), new GeographyPoint(1, 1)), 0);
    t.assert.ok(Number.isNaN(compareValues(new GeographyPoint(1, 1), new GeographyPoint(1, 2))));
    const polygon = Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 0))');
    t.assert.strictEqual(compareValues(polygon, polygon), 0);
    t.assert.ok(Number.isNaN(compareValues('a', 1)));
    t.assert.strictEqual(orderValues(null, null), 0);
    t.assert.strictEqual(orderValues(null, 1), -1);
    t.assert.strictEqual(orderValues(1, null), 1);
    t.assert.strictEqual(orderValues('a', 1), 0, 'incomparable values keep their order');
  });
});

describe('procedure statistics', () => {
  test('min/max/avg, aborts and failures; delta since the last delta read; reset', (t: TestContext) => {
    const stats = new ProcedureStatistics();
    stats.record('P', 1, true, 100, 10, 5, 'success');
    stats.record('P', 1, true, 300, 30, 7, 'abort');
    stats.record('P', 2, true, 50, 1, 1, 'failure');
    stats.record('A', 16383, true, 1, 1, 1, 'success');
    const all = stats.snapshot(false);
    t.assert.deepStrictEqual(all.map((c) => [c.procedure, c.partition, c.invocations]), [
      ['A', 16383, 1],
      ['P', 1, 2],
      ['P', 2, 1],
    ]);
    const p1 = all[1]!;
    t.assert.deepStrictEqual([p1.minNs, p1.maxNs, p1.totalNs, p1.minResult, p1.maxResult, p1.minParams, p1.maxParams, p1.aborts, p1.failures], [100, 300, 400, 10, 30, 5, 7, 1, 0]);
    t.assert.strictEqual(stats.snapshot(true).length, 3);
    t.assert.strictEqual(stats.snapshot(true).length, 0, 'nothing since the last delta');
    stats.record('P', 1, true, 200, 20, 6, 'success');
    const delta = stats.snapshot(true);
    t.assert.deepStrictEqual(delta.map((c) => [c.procedure, c.partition, c.invocations, c.totalNs]), [['P', 1, 1, 200]]);
    t.assert.strictEqual(stats.invocations('P'), 4);
    stats.reset();
    t.assert.deepStrictEqual(stats.snapshot(false), []);
  });
});

describe('generated default procedures', () => {
  let server: EmbeddedServer;
  let client: TestClient;
  before(async () => {
    server = await startServer({ workloads: [] });
    client = await TestClient.connect(server.port);
    await client.ok('@AdHoc', ['CREATE TABLE D (ID BIGINT NOT NULL, NAME VARCHAR(10), SCORE FLOAT, PRIMARY KEY (ID));']);
    await client.ok('@AdHoc', ['PARTITION TABLE D ON COLUMN ID;']);
    await client.ok('@AdHoc', ['CREATE TABLE R (ID INTEGER NOT NULL, NAME VARCHAR(10), PRIMARY KEY (ID));']);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test('insert, select, update, upsert, delete on a partitioned table', async (t: TestContext) => {
    t.assert.deepStrictEqual((await client.ok('D.insert', [1n, 'one', null]))[0], { status: 0, columns: [{ name: 'modified_tuples', type: T.BIGINT }], rows: [[1n]] });
    t.assert.deepStrictEqual((await client.ok('D.select', [1n]))[0]!.rows, [[1n, 'one', null]]);
    t.assert.deepStrictEqual((await client.ok('D.update', [1n, 'uno', 2.5, 1n]))[0]!.rows, [[1n]]);
    t.assert.deepStrictEqual((await client.ok('D.select', [1n]))[0]!.rows, [[1n, 'uno', 2.5]]);
    t.assert.deepStrictEqual((await client.ok('D.update', [9n, 'x', 1, 9n]))[0]!.rows, [[0n]], 'no such key');
    t.assert.deepStrictEqual((await client.ok('D.upsert', [1n, 'again', 1]))[0]!.rows, [[1n]]);
    t.assert.deepStrictEqual((await client.ok('D.upsert', [2n, 'two', 2]))[0]!.rows, [[1n]]);
    t.assert.deepStrictEqual((await client.ok('D.delete', [1n]))[0]!.rows, [[1n]]);
    t.assert.deepStrictEqual((await client.ok('D.delete', [1n]))[0]!.rows, [[0n]]);
    t.assert.deepStrictEqual((await client.ok('D.select', [1n]))[0]!.rows, []);
    const duplicate = await client.call('D.insert', [2n, 'dup', 0]);
    t.assert.strictEqual(duplicate.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(duplicate.statusString), /Constraint Type UNIQUE, Table CatalogId D\nRelevant Tuples:\nID  NAME  SCORE \n--- ----- ------\n  2 dup        0\n  2 two        2$/);
    // directed to another partition than its BIGINT key hashes to: the real server's failure
    const other = (server.database.partitionFor(2n, T.BIGINT) + 1) % 8;
    for (const [name, params] of [['D.select', [2n]], ['D.delete', [2n]], ['D.update', [2n, 'x', 1, 2n]]] as const) {
      const misdirected = await client.call(name, params, { partitionDestination: other });
      t.assert.strictEqual(misdirected.status, STATUS.UNEXPECTED_FAILURE, name);
      t.assert.match(String(misdirected.statusString), new RegExp(`^Error sending procedure ${name.replace('.', '\\.')} to the correct partition\\. Make sure parameter values are correct\\. Parameter value 2, partition column ID type 6 Message: `));
    }
    const home = server.database.partitionFor(2n, T.BIGINT);
    t.assert.strictEqual((await client.ok('D.select', [2n], { partitionDestination: home }))[0]!.rows.length, 1, 'a BIGINT key that hashes there is kept');
  });

  test('a replicated table has no select; its procedures are multi-partition', async (t: TestContext) => {
    await client.ok('R.insert', [1, 'r']);
    t.assert.deepStrictEqual((await client.ok('R.update', [1, 'rr', 1]))[0]!.rows, [[1n]]);
    t.assert.strictEqual((await client.call('R.select', [1])).status, STATUS.UNEXPECTED_FAILURE);
    const [procedures] = await client.ok('@SystemCatalog', ['PROCEDURES']);
    t.assert.strictEqual(procedures!.rows.find((r) => r[2] === 'R.update')![6], '{"compound":false,"readOnly":false,"singlePartition":false}');
    t.assert.strictEqual(procedures!.rows.find((r) => r[2] === 'D.update')![6], '{"compound":false,"partitionParameter":3,"partitionParameterType":6,"readOnly":false,"singlePartition":true}');
  });

  test('a dropped table takes its procedures along; a stale call reports the missing table', async (t: TestContext) => {
    await client.ok('@AdHoc', ['DROP TABLE R']);
    t.assert.strictEqual((await client.call('R.insert', [2, 'x'])).statusString, 'Procedure R.insert was not found');
    const stale = server.database.procedures.get('D.insert')!;
    await client.ok('@AdHoc', ['DROP TABLE D']);
    server.database.defineProcedure(stale);
    const reply = await client.call('D.insert', [3n, 'x', 1]);
    t.assert.match(String(reply.statusString), /object not found: D/);
  });
});
