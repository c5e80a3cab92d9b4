/**
 * Mid-size results (at most 4096 rows, encoded straight into the response slab) and VoltDB's
 * 50 MB response limit, which applies whatever the row count.
 */
import { describe, test, type TestContext } from 'node:test';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Geography } from '../../src/protocol/geography.js';
import { startServer } from '../../src/server/index.js';
import { grownSlabBytes } from '../../src/server/node.js';
import { resultSet, toTableInput } from '../../src/server/result-set.js';
import { TestClient } from './test-client.js';

const OVERFLOWED = /^VOLTDB ERROR: SQL ERROR Output from SQL stmt overflowed output\/network buffer of 50mb/;

async function wideTable(client: TestClient, rows: number, width: number): Promise<void> {
  await client.ok('@AdHoc', [`CREATE TABLE W (ID INTEGER NOT NULL, PAD VARCHAR(${width}), PRIMARY KEY (ID))`]);
  for (let i = 0; i < rows; i++) void client.call('W.insert', [i, `${i}:`.padEnd(width, 'x')]);
  await client.ok('@Ping');
}

describe('response size', () => {
  test('a 4000-row result of wide rows (~4 MB, far past one slab) comes back whole and in order', async (t: TestContext) => {
    const server = await startServer({ workloads: [] });
    t.after(() => server.close());
    const client = await TestClient.connect(server.port);
    t.after(() => client.close());
    await wideTable(client, 4000, 1000);
    const [table] = await client.ok('@AdHoc', ['SELECT * FROM W ORDER BY ID']);
    t.assert.strictEqual(table!.rows.length, 4000);
    table!.rows.forEach((row, i) => {
      t.assert.strictEqual(row[0], i);
      t.assert.strictEqual(row[1], `${i}:`.padEnd(1000, 'x'));
    });
    // the connection goes on with small answers afterwards
    t.assert.deepStrictEqual((await client.ok('@AdHoc', ['SELECT COUNT(*) FROM W']))[0]!.rows, [[4000n]]);
  });

  test('a result of few rows over the limit fails as a large one does; one near it is measured, not guessed', async (t: TestContext) => {
    const server = await startServer({ workloads: [], maxResultBytes: 100_000 });
    t.after(() => server.close());
    const client = await TestClient.connect(server.port);
    t.after(() => client.close());
    await wideTable(client, 60, 2000);
    const all = await client.call('@AdHoc', ['SELECT * FROM W']);
    t.assert.strictEqual(all.status, STATUS.GRACEFUL_FAILURE);
    t.assert.match(String(all.statusString), OVERFLOWED);
    // 40 rows: ~80 KB, under the limit although 3 bytes a character would not be
    const [some] = await client.ok('@AdHoc', ['SELECT * FROM W WHERE ID < 40 ORDER BY ID']);
    t.assert.strictEqual(some!.rows.length, 40);
    t.assert.strictEqual(some!.rows[39]![1], '39:'.padEnd(2000, 'x'));
  });

  test('toTableInput: row arrays while the size bound fits, else encoded and checked', (t: TestContext) => {
    const columns = [
      { name: 'S', type: VOLT_TYPE.STRING },
      { name: 'B', type: VOLT_TYPE.VARBINARY },
      { name: 'G', type: VOLT_TYPE.GEOGRAPHY },
      { name: 'N', type: VOLT_TYPE.BIGINT },
    ];
    const square = Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))');
    const rows = [['abc', Uint8Array.of(1, 2), square, 1n], [null, null, null, null]];
    const inline = toTableInput(resultSet(columns, rows));
    t.assert.ok(!(inline instanceof Uint8Array));
    // a value the bound does not know (a WKT string) is measured by encoding it
    const measured = toTableInput(resultSet(columns, [['abc', Uint8Array.of(1), 'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))', 2n]]));
    t.assert.ok(measured instanceof Uint8Array);
    t.assert.throws(() => toTableInput(resultSet(columns, rows), 'P', 40), /SQL ERROR Output from SQL stmt overflowed output\/network buffer/);
  });

  test('an outgrown response slab doubles, up to a cap, never below what is asked', (t: TestContext) => {
    t.assert.strictEqual(grownSlabBytes(65_537, 65_536), 131_072);
    t.assert.strictEqual(grownSlabBytes(65_537, 0), 131_072);
    t.assert.strictEqual(grownSlabBytes(300_000, 131_072), 300_000);
    t.assert.strictEqual(grownSlabBytes(40 << 20, 32 << 20), 64 << 20);
    t.assert.strictEqual(grownSlabBytes(65 << 20, 64 << 20), 65 << 20);
  });
});
