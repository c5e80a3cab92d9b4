/**
 * `extract()` against the embedded server: every strategy returns every row of EVENTS exactly
 * once, with every value (all types, NULLs) equal to the generator's; projections, predicates,
 * ordering with one lane, empty results, the page size shrinking on overflow, progress.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../src/client.js';
import { ParameterError, ProcedureError, VoltError } from '../../src/errors.js';
import { extract } from '../../src/extract/extract.js';
import type { ExtractBatch } from '../../src/extract/batch.js';
import type { ExtractOptions } from '../../src/extract/options.js';
import type { ExtractProgress } from '../../src/extract/progress.js';
import type { EmbeddedServer } from '../../src/server/index.js';
import { EVENTS_P_PAGE, CountingClient, assertAllIds, checkEventRows, startExtractServer } from './support.js';

const ROWS = 20_000;

async function collect(client: Client | CountingClient, options: ExtractOptions): Promise<ExtractBatch[]> {
  const batches: ExtractBatch[] = [];
  for await (const batch of extract(client, options)) batches.push(batch);
  return batches;
}

function rowsOf(batches: readonly ExtractBatch[]): unknown[][] {
  return batches.flatMap((b) => [...b.rows()]);
}

describe('extract() strategies against the embedded server', () => {
  let server: EmbeddedServer;
  let client: Client;
  before(async () => {
    server = await startExtractServer(ROWS);
    client = await Client.connect({ hosts: [server.address], timestamps: 'bigint' });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('key-range: integer key split into ranges, run concurrently; all rows, all values', async () => {
    const progress: ExtractProgress[] = [];
    const counting = new CountingClient(client);
    const batches = await collect(counting, { table: 'EVENTS', batchRows: 5000, concurrency: 3, onProgress: (p) => progress.push(p) });
    assertAllIds(checkEventRows(rowsOf(batches)), ROWS);
    assert.ok(counting.maxInFlight <= 3, `in flight ${counting.maxInFlight}`);
    const last = progress.at(-1)!;
    assert.equal(last.done, true);
    assert.equal(last.strategy, 'key-range');
    assert.equal(last.rows, ROWS);
    assert.equal(last.totalRows, ROWS);
    assert.equal(last.lanesDone, last.lanesTotal);
    assert.equal(last.etaMs, 0);
    assert.ok(last.bytes > ROWS * 50 && last.bytesPerSecond > 0);
    assert.ok(progress.length === batches.length + 1);
    assert.ok(batches.every((b) => b.partition === null && b.schema.length === 12));
  });

  test('key-range with one lane yields key order; where + params + a projection without the key', async () => {
    const batches = await collect(client, { table: 'EVENTS', columns: ['name', 'TINY'], where: 'TINY > ? AND ID <= ?', params: [100, 15_000n], batchRows: 300, concurrency: 1, key: 'ID' });
    const rows = rowsOf(batches);
    assert.ok(batches.every((b) => b.schema.map((c) => c.name).join() === 'NAME,TINY'));
    assert.ok(rows.length > 0 && rows.every((r) => (r[1] as number) > 100));
    // Same count as the server's own COUNT(*); order follows ID (checked by the generator's NAME).
    const count = await client.query('SELECT COUNT(*) FROM EVENTS WHERE TINY > ? AND ID <= ?', [100, 15_000n]);
    assert.equal(BigInt(rows.length), count.tables[0]!.get(0, 0));
    const ids = batches.flatMap((b) => [...b.table.column(2).toArray()] as bigint[]);
    assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : 1)));
    // One worker runs the ranges one after the other.
    assert.deepEqual(batches.map((b) => b.lane), [...batches.map((b) => b.lane)].sort((a, b) => a - b));
  });

  test('key-range over a VARCHAR key pages in one sequence', async () => {
    const batches = await collect(client, { table: 'EVENTS', columns: ['ID', 'NAME'], key: 'NAME', where: 'ID <= ? AND NAME IS NOT NULL', params: [2000n], batchRows: 450 });
    const rows = rowsOf(batches);
    const ids = checkEventRows(rows, [0, 7]);
    assert.equal(ids.length, countNamed(2000));
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(batches.length, Math.ceil(countNamed(2000) / 450));
    const names = rows.map((r) => r[1] as string);
    assert.deepEqual(names, [...names].sort());
  });

  test('query on a table: OFFSET pages side by side', async () => {
    const counting = new CountingClient(client);
    const batches = await collect(counting, { table: 'EVENTS', by: 'query', batchRows: 6000, concurrency: 3 });
    assertAllIds(checkEventRows(rowsOf(batches)), ROWS);
    assert.ok(counting.log.some((sql) => /LIMIT \? OFFSET \?$/.test(sql)));
    assert.ok(counting.maxInFlight <= 3);
  });

  test('query: any SQL (one call), paged SQL, and a read-only procedure', async () => {
    const one = await collect(client, { sql: 'SELECT ID, AMOUNT FROM EVENTS WHERE ID <= ?', params: [500n] });
    assert.equal(one.length, 1);
    checkEventRows(rowsOf(one), [0, 6]);
    const paged = await collect(client, { sql: 'SELECT * FROM EVENTS WHERE ID > ? ORDER BY ID;', params: [15_000n], batchRows: 4100, concurrency: 2, columns: ['ID', 'CREATED'] });
    const ids = checkEventRows(rowsOf(paged), [0, 9]);
    assert.equal(ids.length, 5000);
    assert.deepEqual(new Set(ids).size, 5000);
    await assert.rejects(collect(client, { sql: 'SELECT * FROM EVENTS LIMIT 5', batchRows: 10 }), ParameterError);
    const viaProcedure = await collect(client, { procedure: '@Statistics', params: ['TOPO', 0] });
    assert.equal(viaProcedure.length, 2);
    assert.equal(viaProcedure[0]!.rowCount, 9);
  });

  test('partition: one lane per partition through the page procedure; all rows, all values', async () => {
    const progress: ExtractProgress[] = [];
    const counting = new CountingClient(client);
    const batches = await collect(counting, { table: 'EVENTS_P', procedure: EVENTS_P_PAGE, batchRows: 500, concurrency: 4, onProgress: (p) => progress.push(p) });
    assertAllIds(checkEventRows(rowsOf(batches)), ROWS);
    const partitions = new Set(batches.map((b) => b.partition));
    assert.equal(partitions.size, 8);
    const last = progress.at(-1)!;
    assert.equal(last.strategy, 'partition');
    assert.deepEqual([last.partitionsDone, last.partitionsTotal, last.totalRows], [8, 8, ROWS]);
    assert.ok(counting.maxInFlight <= 4);
    // Each lane's pages go through the partition's key: every call's first parameter hashes there.
    for (const b of batches) {
      for (const id of b.column('ID').toArray() as bigint[]) assert.equal(server.database.partitionFor(id, 6), b.partition);
    }
  });

  test('partition without a table, and with a projection', async () => {
    const batches = await collect(client, { procedure: EVENTS_P_PAGE, by: 'partition', batchRows: 500, columns: ['AREA', 'ID'] });
    assertAllIds(checkEventRows(rowsOf(batches), [11, 0], 1), ROWS);
  });

  test('an empty result still yields one empty batch with the columns', async () => {
    for (const options of [{ table: 'EVENTS', where: 'ID < ?', params: [0n] }, { table: 'EVENTS', by: 'query' as const, where: 'ID < ?', params: [0n] }]) {
      const batches = await collect(client, options);
      assert.equal(batches.length, 1);
      assert.equal(batches[0]!.rowCount, 0);
      assert.equal(batches[0]!.columns.length, 12);
    }
  });

  test('refusals: bad options at once, unknown table, replicated table, non-unique key, a failing page', async () => {
    assert.throws(() => extract(client, { table: 'EVENTS; DROP' }), ParameterError);
    assert.throws(() => extract(client, {}), /give a table, sql or procedure/);
    assert.throws(() => extract(client, { table: 'EVENTS', sql: 'SELECT 1' }), /not both/);
    assert.throws(() => extract(client, { sql: 'x', procedure: 'y' }), /not both/);
    assert.throws(() => extract(client, { table: 'EVENTS', by: 'partition' }), /needs the procedure/);
    assert.throws(() => extract(client, { sql: 'SELECT 1', by: 'key-range' }), /needs a table/);
    assert.throws(() => extract(client, { table: 'EVENTS', procedure: 'P', by: 'query' }), /not both/);
    assert.throws(() => extract(client, { table: 'EVENTS', by: 'nope' as 'query' }), /by must be/);
    assert.throws(() => extract(client, { table: 'EVENTS', columns: [] }), /columns/);
    assert.throws(() => extract(client, { sql: 'SELECT 1', where: 'x' }), /where needs a table/);
    assert.throws(() => extract(client, { table: 'EVENTS_P', procedure: 'P', where: 'x', by: 'partition' }), /where cannot/);
    assert.throws(() => extract(client, { table: 'EVENTS', concurrency: 0 }), /concurrency/);
    assert.throws(() => extract(client, { table: 'EVENTS', batchRows: 2 ** 40 }), /batchRows/);
    assert.throws(() => extract(client, { table: 'EVENTS', timeoutMs: -1 }), /timeoutMs/);
    assert.throws(() => extract(client, { table: 'EVENTS', signal: {} as AbortSignal }), /signal/);
    assert.throws(() => extract(client, { table: 'EVENTS', onProgress: 1 as never }), /onProgress/);
    assert.throws(() => extract(client, { table: 'EVENTS', params: 'x' as never }), /params/);
    assert.throws(() => extract(client, { table: 'EVENTS', sql: ' ' }), /sql must be/);
    assert.throws(() => extract(client, null as never), /options/);
    await assert.rejects(collect(client, { table: 'NOPE' }), /table NOPE not found; the server has .*EVENTS/);
    await assert.rejects(collect(client, { table: 'EVENTS', columns: ['NOPE'] }), /has no column NOPE/);
    await assert.rejects(collect(client, { table: 'EVENTS', key: 'RATIO' }), /must be an integer or VARCHAR/);
    await assert.rejects(collect(client, { table: 'EVENTS', by: 'partition', procedure: EVENTS_P_PAGE }), /replicated/);
    await assert.rejects(collect(client, { table: 'EVENTS', procedure: EVENTS_P_PAGE }), /replicated/);
    await assert.rejects(collect(client, { table: 'EVENTS_P', by: 'partition', procedure: EVENTS_P_PAGE, key: 'NAME' }), /integer key/);
    await assert.rejects(collect(client, { table: 'EVENTS', key: 'TINY', batchRows: 100 }), /not unique/);
    await assert.rejects(collect(client, { table: 'EVENTS', where: 'NOPE = ?', params: [1] }), ProcedureError);
    await assert.rejects(collect(client, { procedure: 'NoSuchProcedure' }), ProcedureError);
    await assert.rejects(collect(client, { procedure: EVENTS_P_PAGE, by: 'partition', key: 'NAME', batchRows: 10 }), /no column named NAME|integer key/);
  });

  test('a page procedure that ignores afterKey is caught (keys must increase)', async () => {
    server.define('STUCK_PAGE', { partitionParameter: 0, partitionParameterType: 'BIGINT', parameterTypes: ['INTEGER', 'BIGINT', 'INTEGER'], readOnly: true }, (params, context) =>
      context.sql('SELECT ID FROM EVENTS_P ORDER BY ID LIMIT ?', params[2]),
    );
    await assert.rejects(collect(client, { procedure: 'STUCK_PAGE', by: 'partition', batchRows: 10 }), /keys did not increase/);
    server.define('NULL_KEY_PAGE', { partitionParameter: 0, partitionParameterType: 'BIGINT', parameterTypes: ['INTEGER', 'BIGINT', 'INTEGER'], readOnly: true }, (params, context) =>
      context.sql('SELECT BIG FROM EVENTS_P WHERE ID > ? AND BIG IS NULL ORDER BY ID LIMIT ?', params[1], params[2]),
    );
    await assert.rejects(collect(client, { procedure: 'NULL_KEY_PAGE', by: 'partition', batchRows: 20 }), /key column BIG is NULL at row 19/);
  });

  test('the default strategy: partition for a partitioned table with a page procedure', async () => {
    const extraction = extract(client, { table: 'EVENTS_P', procedure: EVENTS_P_PAGE, batchRows: 400, estimate: false });
    let rows = 0;
    for await (const batch of extraction) rows += batch.rowCount;
    assert.equal(rows, ROWS);
    assert.equal(extraction.progress().strategy, 'partition');
    assert.equal(extraction.progress().totalRows, null);
    assert.equal(extraction.progress().etaMs, 0);
  });

  test('batch accessors', async () => {
    const [batch] = await collect(client, { sql: 'SELECT ID, NAME FROM EVENTS WHERE ID <= ?', params: [3n] });
    assert.ok(batch !== undefined);
    assert.equal(batch.column(1).name, 'NAME');
    assert.equal(batch.column('name').name, 'NAME');
    assert.throws(() => batch.column(5), VoltError);
    assert.throws(() => batch.column('X'), /no column named X/);
    const arrow = await batch.toArrow();
    assert.equal(arrow.numRows, 3);
  });
});

/** Rows of EVENTS with ID <= n and a NAME (NULL when i % 37 = 19). */
function countNamed(n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (i % 37 !== 19) count++;
  return count;
}
