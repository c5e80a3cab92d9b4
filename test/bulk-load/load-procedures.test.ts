/**
 * The embedded server's @LoadSinglepartitionTable / @LoadMultipartitionTable: routing on the
 * VARBINARY partition value (mis-routes counted), all-or-nothing batches, VoltDB's error texts;
 * and a bulk load on a 3-node cluster that no batch reaches the wrong node.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProcedureError } from '../../src/errors.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { hashinatorBytes } from '../../src/protocol/hashinator-bytes.js';
import { useClusterAndClient, useServerAndClient } from '../helpers/embedded-client.js';

const DDL =
  'CREATE TABLE T (ID INTEGER NOT NULL, NAME VARCHAR(4), PRIMARY KEY (ID)); PARTITION TABLE T ON COLUMN ID; ' +
  'CREATE TABLE R (ID INTEGER NOT NULL, NAME VARCHAR(4)); ' +
  'CREATE TABLE S (K VARCHAR(16) NOT NULL, V BIGINT); PARTITION TABLE S ON COLUMN K';

const COLUMNS = [
  { name: 'ID', type: VOLT_TYPE.INTEGER },
  { name: 'NAME', type: VOLT_TYPE.STRING },
];

function keyOf(id: number): Uint8Array {
  return hashinatorBytes(id, VOLT_TYPE.INTEGER)!;
}

async function failureOf(promise: Promise<unknown>): Promise<ProcedureError> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProcedureError, String(error));
  return error;
}

describe('@Load…Table on the embedded server', () => {
  const env = useServerAndClient({ partitions: 4, ddl: DDL });

  test('single-partition load: one BIGINT with the rows written, rows readable', async () => {
    const response = await env.client.call('@LoadSinglepartitionTable', [keyOf(1), 't', 0, { columns: COLUMNS, rows: [[1, 'a']] }]);
    assert.equal(response.tables[0]!.columns[0]!.type, VOLT_TYPE.BIGINT);
    assert.equal(response.tables[0]!.get(0, 0), 1n);
    const read = await env.client.query('SELECT NAME FROM T WHERE ID = 1');
    assert.equal(read.tables[0]!.get(0, 0), 'a');
  });

  test('a row of another partition fails the whole batch: nothing of it is written', async () => {
    const ring = env.server.database.hashinator;
    const home = ring.partitionFor(1, VOLT_TYPE.INTEGER);
    let same = 2;
    while (ring.partitionFor(same, VOLT_TYPE.INTEGER) !== home) same++;
    let other = 2;
    while (ring.partitionFor(other, VOLT_TYPE.INTEGER) === home) other++;
    const error = await failureOf(env.client.call('@LoadSinglepartitionTable', [keyOf(1), 'T', 0, { columns: COLUMNS, rows: [[same, 'x'], [other, 'y']] }]));
    assert.match(error.message, /Mispartitioned tuple in single-partition insert statement/);
    const read = await env.client.query('SELECT COUNT(*) FROM T WHERE ID = ?', [same]);
    assert.equal(read.tables[0]!.get(0, 0), 0n);
  });

  test('a duplicate key (against the table or within the batch) fails the batch with a CONSTRAINT VIOLATION', async () => {
    const within = await failureOf(env.client.call('@LoadSinglepartitionTable', [keyOf(5), 'T', 0, { columns: COLUMNS, rows: [[5, 'a'], [5, 'b']] }]));
    assert.equal(within.status, STATUS.GRACEFUL_FAILURE);
    assert.match(within.message, /CONSTRAINT VIOLATION/);
    const existing = await failureOf(env.client.call('@LoadSinglepartitionTable', [keyOf(1), 'T', 0, { columns: COLUMNS, rows: [[1, 'z']] }]));
    assert.match(existing.message, /Constraint Type UNIQUE, Table CatalogId T/);
    const count = await env.client.query('SELECT COUNT(*) FROM T WHERE ID = 5');
    assert.equal(count.tables[0]!.get(0, 0), 0n);
    const upsert = await env.client.call('@LoadSinglepartitionTable', [keyOf(1), 'T', 1, { columns: COLUMNS, rows: [[1, 'z']] }]);
    assert.equal(upsert.tables[0]!.get(0, 0), 1n);
  });

  test('a UNIQUE column conflict (within the batch or with the table) fails the whole batch: nothing of it is written', async () => {
    await env.client.query('CREATE TABLE UQ (ID INTEGER NOT NULL, NAME VARCHAR(4) UNIQUE, PRIMARY KEY (ID))');
    const load = (upsert: number, rows: unknown[][]) => env.client.call('@LoadMultipartitionTable', ['UQ', upsert, { columns: COLUMNS, rows }]);
    const within = await failureOf(load(0, [[1, 'a'], [2, 'b'], [3, 'a']]));
    assert.match(within.message, /CONSTRAINT VIOLATION/);
    assert.equal(await env.count('UQ'), 0, 'the rows before the conflict were not written');
    assert.equal((await load(0, [[1, 'a'], [2, 'b']])).tables[0]!.get(0, 0), 2n);
    const table = await failureOf(load(0, [[3, 'c'], [4, 'b']]));
    assert.match(table.message, /CONSTRAINT VIOLATION/);
    assert.equal(await env.count('UQ'), 2);
    // Upsert: a row may keep its own unique value, and a later row of the batch may replace an earlier one of the same key.
    assert.equal((await load(1, [[1, 'a'], [5, 'e'], [5, 'f']])).tables[0]!.get(0, 0), 3n);
    const stolen = await failureOf(load(1, [[6, 'x'], [1, 'b']]));
    assert.match(stolen.message, /CONSTRAINT VIOLATION/);
    const rows = await env.client.query('SELECT ID, NAME FROM UQ ORDER BY ID');
    assert.deepEqual([...rows.tables[0]!.rows()].map((r) => [...r]), [[1, 'a'], [2, 'b'], [5, 'f']]);
  });

  test("VoltDB's refusals: unknown table, replicated table, upsert without a key, wrong column count", async () => {
    const missing = await failureOf(env.client.call('@LoadSinglepartitionTable', [keyOf(1), 'NOPE', 0, { columns: COLUMNS, rows: [] }]));
    assert.match(missing.message, /Table not present in catalog\./);
    assert.equal(missing.status, STATUS.USER_ABORT);
    const replicated = await failureOf(env.client.call('@LoadSinglepartitionTable', [keyOf(1), 'R', 0, { columns: COLUMNS, rows: [] }]));
    assert.match(replicated.message, /LoadSinglepartitionTable incompatible with replicated table R\./);
    const keyless = await failureOf(env.client.call('@LoadMultipartitionTable', ['R', 1, { columns: COLUMNS, rows: [[1, 'a']] }]));
    assert.match(keyless.message, /does not have a primary key/);
    const columns = await failureOf(env.client.call('@LoadMultipartitionTable', ['R', 0, { columns: [COLUMNS[0]!], rows: [[1]] }]));
    assert.match(columns.message, /wrong number of columns/);
    const count = await failureOf(env.client.call('@LoadMultipartitionTable', ['R', 0]));
    assert.match(count.message, /EXPECTS 3 PARAMS, BUT RECEIVED 2/);
    const ok = await env.client.call('@LoadMultipartitionTable', ['R', 0, { columns: COLUMNS, rows: [[1, 'a'], [2, 'b']] }]);
    assert.equal(ok.tables[0]!.get(0, 0), 2n);
  });

  test('a string partition column routes on its UTF-8 bytes', async () => {
    const key = hashinatorBytes('alpha', VOLT_TYPE.STRING)!;
    const ok = await env.client.call('@LoadSinglepartitionTable', [key, 'S', 0, { columns: [{ name: 'K', type: VOLT_TYPE.STRING }, { name: 'V', type: VOLT_TYPE.BIGINT }], rows: [['alpha', 1n]] }]);
    assert.equal(ok.tables[0]!.get(0, 0), 1n);
  });
});

describe('bulkLoad on a 3-node cluster', () => {
  const env = useClusterAndClient({ nodes: 3, partitions: 8, ddl: 'CREATE TABLE BIG (ID BIGINT NOT NULL, V VARCHAR(20), PRIMARY KEY (ID)); PARTITION TABLE BIG ON COLUMN ID' });

  test('every batch goes to its leader (0 mis-routed) and every row lands once', async () => {
    assert.equal(env.client.connections.length, 3, 'the other nodes were discovered');
    const before = env.cluster.stats().map((s) => s.misroutedCalls);
    const ROWS = 20_000;
    function* rows(): Generator<[number, string]> {
      for (let i = 0; i < ROWS; i++) yield [i, `v${i}`];
    }
    const report = await env.client.bulkLoad('BIG', rows(), { batchSize: 500 });
    assert.equal(report.inserted, ROWS);
    const misrouted = env.cluster.stats().reduce((sum, s, i) => sum + s.misroutedCalls - before[i]!, 0);
    assert.equal(misrouted, 0, 'no batch was mis-routed');
    // ID is the primary key: ROWS rows from 0 to ROWS − 1 are each ID exactly once.
    const counts = await env.client.query('SELECT COUNT(*), MIN(ID), MAX(ID) FROM BIG');
    assert.deepEqual([0, 1, 2].map((c) => counts.tables[0]!.get(0, c)), [BigInt(ROWS), 0n, BigInt(ROWS - 1)]);
  });
});
