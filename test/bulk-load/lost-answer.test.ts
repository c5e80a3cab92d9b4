/**
 * The lost-answer path of bulkLoad, by fault injection: the embedded server runs a batch and the
 * connection drops before its answer arrives (`faults.closeMidFrame` cuts the response in half
 * and closes). Without upsert the batch's rows are reported `unknown` and never sent again — the
 * server holds them once, where a blind resend would have doubled them (the table has no primary
 * key). With upsert the batch is sent again, and lands once.
 *
 * No timers: a client wrapper switches the fault on for exactly the first `@Load…` call and off
 * when that call settles, and holds a resend until the client's `connect` event of the reconnect.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client, type Response } from '../../src/client.js';
import { ConnectionLostError } from '../../src/errors.js';
import { bulkLoad } from '../../src/bulk-load/bulk-load.js';
import type { BulkLoadClient } from '../../src/bulk-load/load-target.js';
import type { CallOptions } from '../../src/options.js';
import type { EmbeddedServer } from '../../src/server/index.js';
import { useServerAndClient } from '../helpers/embedded-client.js';

const DDL =
  'CREATE TABLE LOG (ID BIGINT NOT NULL, NOTE VARCHAR(8)); PARTITION TABLE LOG ON COLUMN ID; ' +
  'CREATE TABLE KV (ID BIGINT NOT NULL, NOTE VARCHAR(8), PRIMARY KEY (ID)); PARTITION TABLE KV ON COLUMN ID';

/** Loses the answer of the first load call; later load calls wait until the client is connected again. */
class LosingClient implements BulkLoadClient {
  loadCalls = 0;
  readonly lost: unknown[] = [];
  /** Settles with the client's next `connect` that is a reconnect. */
  readonly reconnected: Promise<void>;

  constructor(
    private readonly inner: Client,
    private readonly server: EmbeddedServer,
  ) {
    this.reconnected = new Promise((resolve) => {
      const onConnect = (info: { reconnected: boolean }): void => {
        if (!info.reconnected) return;
        inner.off('connect', onConnect);
        resolve();
      };
      inner.on('connect', onConnect);
    });
  }

  get topology(): Client['topology'] {
    return this.inner.topology;
  }

  query(sql: string, params?: readonly unknown[], options?: CallOptions): Promise<Response> {
    return this.inner.query(sql, params, options);
  }

  async call(procedure: string, params?: readonly unknown[], options?: CallOptions): Promise<Response> {
    if (!procedure.startsWith('@Load')) return this.inner.call(procedure, params, options);
    if (++this.loadCalls > 1) {
      await this.reconnected;
      return this.inner.call(procedure, params, options);
    }
    this.server.faults.closeMidFrame = true;
    try {
      return await this.inner.call(procedure, params, options);
    } catch (error) {
      this.lost.push(error);
      throw error;
    } finally {
      this.server.faults.closeMidFrame = false;
    }
  }
}

describe('bulkLoad: a batch whose answer is lost', () => {
  // One partition: the rows make one batch.
  const env = useServerAndClient({ partitions: 1, ddl: DDL, client: { decode: { workers: 0 }, reconnectDelayMs: 1, pingIntervalMs: 0 } });

  test('is reported unknown, row by row, and not sent again: the server ran it once', async () => {
    const losing = new LosingClient(env.client, env.server);
    const rows = Array.from({ length: 20 }, (_, i) => [i, `n${i}`]);
    const seen: { index: number; error: Error }[] = [];
    // One batch, one call in flight: the answer lost is this batch's.
    const report = await bulkLoad(losing, 'LOG', rows, { batchSize: 100, concurrency: 1, onError: (_row, error, index) => seen.push({ index, error }) });
    assert.equal(losing.lost.length, 1);
    assert.ok(losing.lost[0] instanceof ConnectionLostError && losing.lost[0].sent, `the call was sent, then its connection lost: ${String(losing.lost[0])}`);
    assert.deepEqual({ rows: report.rows, inserted: report.inserted, failed: report.failed, unknown: report.unknown, calls: report.calls }, { rows: 20, inserted: 0, failed: 0, unknown: 20, calls: 1 });
    assert.equal(losing.loadCalls, 1, 'never sent again');
    assert.deepEqual(
      seen.map((s) => s.index),
      rows.map((_, i) => i),
      'every row reported once',
    );
    assert.ok(seen.every((s) => s.error === losing.lost[0]));
    await losing.reconnected;
    assert.equal(await env.count('LOG'), 20, 'the server wrote the batch once (its answer was what was lost)');
  });

  test('with upsert it is sent again after the reconnect and lands once', async () => {
    const losing = new LosingClient(env.client, env.server);
    const rows = Array.from({ length: 20 }, (_, i) => [i, `u${i}`]);
    const report = await bulkLoad(losing, 'KV', rows, { batchSize: 100, concurrency: 1, upsert: true });
    assert.equal(losing.lost.length, 1);
    assert.ok(losing.lost[0] instanceof ConnectionLostError && losing.lost[0].sent);
    assert.deepEqual({ inserted: report.inserted, failed: report.failed, unknown: report.unknown, calls: report.calls }, { inserted: 20, failed: 0, unknown: 0, calls: 2 });
    assert.equal(losing.loadCalls, 2);
    assert.equal(await env.count('KV'), 20);
    const note = await env.client.query('SELECT NOTE FROM KV WHERE ID = 7');
    assert.equal(note.tables[0]!.get(0, 0), 'u7');
  });
});
