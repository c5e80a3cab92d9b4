/**
 * env.client.bulkLoad against the embedded server: rows in every accepted shape land once in their
 * partition, values are checked before sending (the bad row named, the rest landing), refused
 * batches are retried row by row with the server's message, and the options stop the load
 * where they say.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BulkLoadError, ParameterError, ProcedureError } from '../../src/errors.js';
import { useServerAndClient } from '../helpers/embedded-client.js';

const DDL =
  'CREATE TABLE ITEMS (ID BIGINT NOT NULL, NAME VARCHAR(8), QTY TINYINT, PRICE DECIMAL, PRIMARY KEY (ID)); PARTITION TABLE ITEMS ON COLUMN ID; ' +
  'CREATE TABLE COLORS (CODE INTEGER NOT NULL, LABEL VARCHAR(16), PRIMARY KEY (CODE)); ' +
  'CREATE TABLE NOTES (ID INTEGER NOT NULL, BODY VARCHAR(32)); PARTITION TABLE NOTES ON COLUMN ID';

describe('env.client.bulkLoad', () => {
  const env = useServerAndClient({ partitions: 4, ddl: DDL });

  test('array rows and object rows land once each, in every partition', async () => {
    await env.clear('ITEMS');
    const rows = Array.from({ length: 1000 }, (_, i) => [i, `n${i}`, i % 100, `${i}.25`]);
    const report = await env.client.bulkLoad('ITEMS', rows, { batchSize: 50 });
    assert.equal(report.rows, 1000);
    assert.equal(report.inserted, 1000);
    assert.equal(report.failed, 0);
    assert.equal(report.unknown, 0);
    assert.ok(report.calls >= 20, `at least one call per 50 rows, got ${report.calls}`);
    assert.ok(report.bytes > 0);
    const objects = Array.from({ length: 100 }, (_, i) => ({ id: 5000 + i, NAME: 'obj', qty: 1, price: 2 }));
    const second = await env.client.bulkLoad('items', objects);
    assert.equal(second.inserted, 100);
    assert.equal(await env.count('ITEMS'), 1100);
    const row = await env.client.query('SELECT NAME, QTY, PRICE FROM ITEMS WHERE ID = 7');
    assert.deepEqual(row.tables[0]!.get(0, 0), 'n7');
    assert.equal(String(row.tables[0]!.get(0, 2)), '7.25');
  });

  test('an async iterable of rows and a replicated table', async () => {
    await env.clear('COLORS');
    async function* colors(): AsyncGenerator<unknown[]> {
      for (let i = 0; i < 300; i++) yield [i, `color ${i}`];
    }
    const report = await env.client.bulkLoad('COLORS', colors(), { batchSize: 64 });
    assert.equal(report.inserted, 300);
    assert.equal(await env.count('COLORS'), 300);
  });

  test('a bad value is refused before sending, naming its row and column; the others land', async () => {
    await env.clear('ITEMS');
    const seen: { index: number; error: Error; row: unknown[] }[] = [];
    const rows = [
      [1, 'a', 1, '1'],
      [2, 'b', 300, '2'], // 300 does not fit TINYINT
      [3, 'c', 3, 'x'], // not a decimal
      [null, 'd', 4, '4'], // NULL partition key
      [5, 'e', 5, '5'],
    ];
    const report = await env.client.bulkLoad('ITEMS', rows, { onError: (row, error, index) => seen.push({ row, error, index }) });
    assert.equal(report.inserted, 2);
    assert.equal(report.failed, 3);
    assert.deepEqual(
      seen.map((s) => s.index),
      [1, 2, 3],
    );
    for (const s of seen) assert.ok(s.error instanceof ParameterError, s.error.message);
    assert.match(seen[0]!.error.message, /row 1, column QTY: 300 does not fit TINYINT/);
    assert.match(seen[1]!.error.message, /row 2, column PRICE/);
    assert.match(seen[2]!.error.message, /row 3, column ID: the partition column cannot be NULL/);
    assert.deepEqual(seen[0]!.row, [2, 'b', 300, '2']);
    assert.equal(report.calls > 0, true);
  });

  test('a batch the server refuses is retried row by row: good rows land, bad ones carry the server message', async () => {
    await env.clear('ITEMS');
    await env.client.bulkLoad('ITEMS', [[10, 'old', 1, 1]]);
    const errors: { index: number; message: string }[] = [];
    const rows = Array.from({ length: 40 }, (_, i) => [i, i === 7 ? 'much too long' : `r${i}`, 1, 1]);
    const report = await env.client.bulkLoad('ITEMS', rows, { batchSize: 40, onError: (_row, error, index) => errors.push({ index, message: error.message }) });
    assert.equal(report.inserted, 38);
    assert.equal(report.failed, 2);
    errors.sort((a, b) => a.index - b.index);
    assert.deepEqual(
      errors.map((e) => e.index),
      [7, 10],
    );
    assert.match(errors[0]!.message, /exceeds the size of the VARCHAR\(8\) column 'NAME'/);
    assert.match(errors[1]!.message, /CONSTRAINT VIOLATION/);
    assert.equal(await env.count('ITEMS'), 39);
  });

  test('upsert replaces existing rows; maxErrors stops with a BulkLoadError carrying the report', async () => {
    await env.clear('ITEMS');
    await env.client.bulkLoad('ITEMS', [[1, 'old', 1, 1]]);
    const upserted = await env.client.bulkLoad('ITEMS', [[1, 'new', 2, 2], [2, 'two', 2, 2]], { upsert: true });
    assert.equal(upserted.inserted, 2);
    const name = await env.client.query('SELECT NAME FROM ITEMS WHERE ID = 1');
    assert.equal(name.tables[0]!.get(0, 0), 'new');
    const rows = Array.from({ length: 100 }, (_, i) => [i + 100, 'x', i % 2 === 0 ? 999 : 1, 1]);
    const error = await env.client.bulkLoad('ITEMS', rows, { maxErrors: 3, batchSize: 10 }).then(
      () => assert.fail('expected a stop'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BulkLoadError);
    assert.equal(error.report.failed, 4);
    assert.ok(error.report.rows < 100, `reading stopped early (${error.report.rows} rows read)`);
  });

  test('upsert on a table without a primary key is refused by the server for every row', async () => {
    const errors: Error[] = [];
    const report = await env.client.bulkLoad('NOTES', [[1, 'a']], { upsert: true, onError: (_r, e) => errors.push(e) });
    assert.equal(report.failed, 1);
    assert.ok(errors[0] instanceof ProcedureError);
    assert.match(errors[0]!.message, /does not have a primary key/);
  });

  test('options and sources are checked before anything is sent', async () => {
    await assert.rejects(env.client.bulkLoad('ITEMS', [], { batchSize: 0 }), /batchSize must be a positive integer/);
    await assert.rejects(env.client.bulkLoad('NO_SUCH', []), /table NO_SUCH not found/);
    await assert.rejects(env.client.bulkLoad('ITEMS', 42 as never), /is not an array, an iterable of rows/);
    const errors: Error[] = [];
    const report = await env.client.bulkLoad('ITEMS', [{ ID: 1, NOPE: 2 }, [2, 'a']], { onError: (_r, e) => errors.push(e) });
    assert.equal(report.failed, 2);
    assert.match(errors[0]!.message, /row 0 has a value for NOPE, which is not a column of ITEMS/);
    assert.match(errors[1]!.message, /row 1 has 2 values for the 4 columns of ITEMS/);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await assert.rejects(env.client.bulkLoad('ITEMS', [[1, 'a', 1, 1]], { signal: controller.signal }), /stop now/);
  });
});
