/**
 * Flow control of an extraction: a slow consumer holds the requests back (at most
 * `concurrency` in flight, a bounded number of batches waiting); cancelling with `signal`
 * stops every request and closes (and removes) the file; leaving the loop early stops the
 * requests; an overflowing page shrinks the page size; large pages decode in the worker pool.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../src/client.js';
import { extract } from '../../src/extract/extract.js';
import { extractTo } from '../../src/extract/extract-to.js';
import type { EmbeddedServer } from '../../src/server/index.js';
import { CountingClient, assertAllIds, checkEventRows, startExtractServer } from './support.js';

const ROWS = 20_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const pages = (c: CountingClient): number => c.log.filter((sql) => sql.includes('LIMIT')).length;

/** Descriptors this process holds open on `path` (Linux; empty elsewhere). */
function openDescriptors(path: string): string[] {
  if (!existsSync('/proc/self/fd')) return [];
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
    } catch {
      return false;
    }
  });
}

describe('extraction flow control', () => {
  let server: EmbeddedServer;
  let client: Client;
  let dir: string;
  before(async () => {
    server = await startExtractServer(ROWS, 0);
    client = await Client.connect({ hosts: [server.address], timestamps: 'bigint' });
    dir = mkdtempSync(join(tmpdir(), 'voltwire-extract-flow-'));
  });
  after(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a slow consumer slows the requests: in flight <= concurrency, waiting batches bounded', async () => {
    const counting = new CountingClient(client);
    const concurrency = 2;
    const maxQueuedBatches = 1;
    const extraction = extract(counting, { table: 'EVENTS', columns: ['ID'], batchRows: 500, concurrency, maxQueuedBatches });
    let consumed = 0;
    let worst = 0;
    for await (const batch of extraction) {
      consumed++;
      await sleep(15);
      // Pages fetched but not yet consumed: queued + held by workers waiting to push + in flight.
      worst = Math.max(worst, counting.fullPages + counting.inFlight - consumed);
      assert.ok(batch.rowCount > 0);
      const p = extraction.progress();
      assert.ok(p.queued <= maxQueuedBatches && p.inFlight <= concurrency);
    }
    assert.equal(extraction.progress().rows, ROWS);
    assert.ok(counting.maxInFlight <= concurrency, `max in flight ${counting.maxInFlight}`);
    assert.ok(worst <= maxQueuedBatches + concurrency, `pages ahead of the consumer: ${worst}`);
    assert.equal(consumed, 40);
  });

  test('cancelling with signal stops every request and ends the iteration with the reason', async () => {
    const counting = new CountingClient(client);
    const controller = new AbortController();
    const reason = new Error('enough');
    const extraction = extract(counting, { table: 'EVENTS', batchRows: 500, concurrency: 3, signal: controller.signal });
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const batch of extraction) {
          seen += batch.rowCount;
          if (seen >= 1000) controller.abort(reason);
        }
      })(),
      (error) => error === reason,
    );
    assert.equal(counting.inFlight, 0, 'no request outlives the iteration');
    const started = counting.started;
    await sleep(50);
    assert.equal(counting.started, started, 'no request after the abort');
    assert.ok(extraction.progress().rows < ROWS);
    assert.deepEqual(await extraction.next(), { done: true, value: undefined });
  });

  test('a signal aborted before the start sends nothing', async () => {
    const counting = new CountingClient(client);
    const extraction = extract(counting, { table: 'EVENTS', signal: AbortSignal.abort(new Error('never')) });
    await assert.rejects(extraction.next(), /never/);
    assert.equal(counting.started, 0);
  });

  test('leaving the loop early aborts the requests in flight', async () => {
    const counting = new CountingClient(client);
    const extraction = extract(counting, { table: 'EVENTS', batchRows: 500, concurrency: 3 });
    for await (const batch of extraction) {
      assert.ok(batch.rowCount > 0);
      break;
    }
    assert.equal(counting.inFlight, 0);
    assert.ok(pages(counting) < 40);
    await extraction[Symbol.asyncDispose]();
  });

  test('extractTo with signal: requests stop, the file is closed and removed (kept with keepPartial)', async () => {
    for (const keepPartial of [false, true]) {
      const path = join(dir, `cancelled-${keepPartial}.csv`);
      const counting = new CountingClient(client);
      const controller = new AbortController();
      const reason = new Error('cancelled by the test');
      await assert.rejects(
        extractTo(counting, path, {
          table: 'EVENTS',
          batchRows: 500,
          concurrency: 2,
          keepPartial,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.rows >= 1000) controller.abort(reason);
          },
        }),
        (error) => error === reason,
      );
      assert.equal(counting.inFlight, 0);
      assert.deepEqual(openDescriptors(path), [], 'the file is closed');
      assert.equal(existsSync(path), keepPartial);
    }
  });

  test('a page that overflows the response limit shrinks the page size and the extraction goes on', async () => {
    const small = await startExtractServer(ROWS, 0, { maxResultBytes: 100_000 });
    const smallClient = await Client.connect({ hosts: [small.address], timestamps: 'bigint' });
    try {
      for (const by of ['key-range', 'query'] as const) {
        const extraction = extract(smallClient, { table: 'EVENTS', columns: ['ID', 'TINY'], by, batchRows: 20_000, concurrency: 2 });
        const rows: unknown[][] = [];
        for await (const batch of extraction) rows.push(...batch.rows());
        assertAllIds(checkEventRows(rows, [0, 1]), ROWS);
        assert.ok(extraction.pageRows <= 5000, `page size ${extraction.pageRows}`);
      }
    } finally {
      await smallClient.close();
      await small.close();
    }
  });

  test('large pages are decoded in the worker pool and arrive columnar', async () => {
    const pooled = await Client.connect({ hosts: [server.address], timestamps: 'bigint', decode: { workers: 1, offThreadBytes: 64 * 1024 } });
    try {
      const rows: unknown[][] = [];
      let columnar = 0;
      for await (const batch of extract(pooled, { table: 'EVENTS', batchRows: 5000 })) {
        if (batch.table.isColumnar) columnar++;
        rows.push(...batch.rows());
      }
      assertAllIds(checkEventRows(rows), ROWS);
      assert.equal(columnar, 4);
    } finally {
      await pooled.close();
    }
  });
});
