import { once } from 'node:events';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { InvalidArgumentError, ParameterError, ProcedureError } from '../../src/errors.js';
import type { ExtractClient } from '../../src/extract/options.js';
import { RowStream } from '../../src/row-stream.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { until } from '../helpers/until.js';

const ROWS = 5000;

describe('client.stream', () => {
  let server: EmbeddedServer;
  let client: Client;
  before(async () => {
    server = await startServer({ workloads: ['analytics'], rows: ROWS });
    client = await Client.connect({ port: server.port, discover: false, bigint: 'number' });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  /** The client, counting the queries the stream sends. */
  function counting(): ExtractClient & { queries: number } {
    const wrapper = {
      queries: 0,
      call: client.call.bind(client),
      query: (sql: string, params?: readonly unknown[], options?: object) => {
        wrapper.queries++;
        return client.query(sql, params, options);
      },
    };
    return wrapper as ExtractClient & { queries: number };
  }

  test('for await: every row, in order, as objects typed by the caller (the client bigint mode applies)', async (t: TestContext) => {
    let expected = 1;
    for await (const row of client.stream<{ ID: number; NAME: string | null }>('SELECT ID, NAME FROM EVENTS ORDER BY ID', [], { batchRows: 700 })) {
      t.assert.strictEqual(row.ID, expected++);
    }
    t.assert.strictEqual(expected, ROWS + 1);
    let count = 0;
    for await (const row of client.stream('SELECT ID FROM EVENTS WHERE ID <= ?', [10])) {
      t.assert.deepStrictEqual(Object.keys(row), ['ID']);
      count++;
    }
    t.assert.strictEqual(count, 10, 'one call without batchRows');
  });

  test('.pipe / pipeline into an object-mode Writable', async (t: TestContext) => {
    const ids: number[] = [];
    const sink = new Writable({
      objectMode: true,
      write(row: { ID: number }, _encoding, done) {
        ids.push(row.ID);
        done();
      },
    });
    await pipeline(client.stream('SELECT ID FROM EVENTS WHERE ID <= ? ORDER BY ID', [250], { batchRows: 100 }), sink);
    t.assert.deepStrictEqual(ids, Array.from({ length: 250 }, (_, i) => i + 1));
    const piped = client.stream('SELECT ID FROM EVENTS WHERE ID <= 3 ORDER BY ID');
    const out: unknown[] = [];
    const target = new Writable({ objectMode: true, write: (row, _e, done) => (out.push(row), done()) });
    piped.pipe(target);
    await once(target, 'finish');
    t.assert.strictEqual(out.length, 3);
  });

  test('backpressure: a consumer that stops reading stops the requests (bounded memory)', async (t: TestContext) => {
    const counted = counting();
    const stream = new RowStream(counted, 'SELECT ID FROM EVENTS ORDER BY ID', [], { batchRows: 100, highWaterMark: 10 });
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 5; i++) await iterator.next();
    // The pipeline fills up and stops: one page being read, one queued, one fetched and waiting to be queued.
    await until(() => client.pending === 0 && stream.readableLength >= 10, 'the stream to fill its buffer');
    await new Promise((resolve) => setImmediate(resolve));
    const sent = counted.queries;
    t.assert.ok(sent <= 3, `${sent} pages fetched for 5 rows read`);
    t.assert.ok(stream.readableLength <= 10 + 1, `${stream.readableLength} rows buffered`);
    // Reading on fetches the rest, page by page.
    let rows = 5;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) rows++;
    t.assert.strictEqual(rows, ROWS);
    t.assert.strictEqual(counted.queries, ROWS / 100 + 1, 'one query per page, plus the short page that shows the end');
  });

  test('AbortSignal ends the stream cleanly: the reason comes out, no request is left running', async (t: TestContext) => {
    const controller = new AbortController();
    const counted = counting();
    let seen = 0;
    await t.assert.rejects(
      (async () => {
        for await (const _row of new RowStream(counted, 'SELECT ID FROM EVENTS ORDER BY ID', [], { batchRows: 100, signal: controller.signal })) {
          if (++seen === 150) controller.abort(new Error('enough'));
        }
      })(),
      { message: 'enough' },
    );
    t.assert.strictEqual(seen, 150);
    await until(() => client.pending === 0, 'no call pending');
    t.assert.ok(counted.queries <= 5, `${counted.queries} pages fetched`);
    // An already-aborted signal: nothing is sent at all.
    const early = counting();
    const stream = new RowStream(early, 'SELECT ID FROM EVENTS ORDER BY ID', [], { signal: AbortSignal.abort() });
    await t.assert.rejects(
      (async () => {
        for await (const _row of stream) t.assert.fail('no row expected');
      })(),
      { name: 'AbortError' },
    );
    t.assert.strictEqual(early.queries, 0);
  });

  test('leaving the loop early, or destroy(), stops the extraction', async (t: TestContext) => {
    const counted = counting();
    const stream = new RowStream(counted, 'SELECT ID FROM EVENTS ORDER BY ID', [], { batchRows: 100 });
    for await (const row of stream) {
      if ((row as { ID: number }).ID === 3) break;
    }
    t.assert.ok(stream.destroyed);
    await until(() => client.pending === 0, 'no call pending');
    t.assert.ok(counted.queries <= 3);
  });

  test('a failing query destroys the stream with the ProcedureError', async (t: TestContext) => {
    await t.assert.rejects(
      (async () => {
        for await (const _row of client.stream('SELECT NOPE FROM EVENTS')) t.assert.fail('no row expected');
      })(),
      (error: unknown) => error instanceof ProcedureError,
    );
  });

  test('bad arguments are refused at once, nothing sent', (t: TestContext) => {
    t.assert.throws(() => client.stream('SELECT 1', [], { batchRow: 5 } as never), { name: 'InvalidArgumentError', message: /unknown stream option "batchRow": did you mean batchRows\?/ });
    t.assert.throws(() => client.stream('SELECT 1', [], { highWaterMark: 0 }), InvalidArgumentError);
    t.assert.throws(() => client.stream('SELECT 1', [], { signal: 'x' } as never), /stream option signal must be an AbortSignal/);
    t.assert.throws(() => client.stream('SELECT 1', [], null as never), InvalidArgumentError);
    t.assert.throws(() => client.stream('', []), ParameterError);
    t.assert.throws(() => client.stream('SELECT 1', 'x' as never), ParameterError);
  });
});
