/**
 * `Connection.readingPaused`: true while the client paused reads itself (decode pool
 * saturated). No bytes can arrive then, so the keepalive must neither ping nor declare the
 * connection dead, whatever the clock says.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { Keepalive } from '../../src/cluster/keepalive.js';
import { CallTracker } from '../../src/calls/call-tracker.js';
import { Connection } from '../../src/connection/connection.js';
import { createResponseDecoder } from '../../src/decode/decode-pool.js';
import { FakeServer } from '../helpers/fake-server.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('reading paused', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(() => server.close());

  test('readingPaused follows pauseReading/resumeReading; responses wait meanwhile', async (t: TestContext) => {
    const tracker = new CallTracker();
    const connection = await Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder({ workers: 0 }), tracker });
    t.assert.strictEqual(connection.readingPaused, false);
    connection.pauseReading();
    t.assert.strictEqual(connection.readingPaused, true);
    let answered = false;
    const call = connection.call('Echo', [5n]).then((res) => {
      answered = true;
      return res;
    });
    await until(() => server.invocations.length === 1, 'the call to reach the server');
    await sleep(30);
    t.assert.strictEqual(answered, false, 'no response read while paused');
    const bytes = connection.bytesIn;
    connection.resumeReading();
    t.assert.strictEqual(connection.readingPaused, false);
    t.assert.strictEqual((await call).tables[0]!.get(0, 0), 5n);
    t.assert.ok(connection.bytesIn > bytes);
    await connection.close();
    tracker.close();
  });

  test('the keepalive neither pings nor kills a connection whose reads we paused', async (t: TestContext) => {
    const tracker = new CallTracker();
    const connection = await Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder({ workers: 0 }), tracker });
    let now = 0;
    const pinged: Connection[] = [];
    const dead: number[] = [];
    const keepalive = new Keepalive(
      { pingIntervalMs: 100, connectionTimeoutMs: 300, now: () => now },
      (c) => {
        pinged.push(c);
        return new Promise(() => {}); // never answered: only bytes count
      },
      (_c, silent) => dead.push(silent),
    );
    try {
      keepalive.watch(connection);
      connection.pauseReading();
      for (let at = 50; at <= 5000; at += 50) {
        now = at;
        keepalive.check();
      }
      t.assert.strictEqual(pinged.length, 0, 'no ping while reads are paused');
      t.assert.deepStrictEqual(dead, []);
      t.assert.strictEqual(connection.state, 'open');

      // Reading again: the silence counts from (about) the resume, then the usual rules apply.
      connection.resumeReading();
      now += 99;
      keepalive.check();
      t.assert.strictEqual(pinged.length, 0, 'not silent for pingIntervalMs since the resume');
      now += 1;
      keepalive.check();
      t.assert.deepStrictEqual(pinged, [connection]);
      now += 199;
      keepalive.check();
      t.assert.strictEqual(connection.state, 'open');
      now += 1;
      keepalive.check();
      t.assert.deepStrictEqual(dead, [300]);
      await until(() => connection.state === 'closed', 'the dead connection to close');
      t.assert.match(String(connection.closeError), /sent no bytes for 300 ms/);
    } finally {
      keepalive.close();
      connection.destroy();
      tracker.close();
    }
  });

  test('a client whose decode pool saturates pauses and resumes its connections', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], pingIntervalMs: 0, decode: { workers: 1, offThreadBytes: 4096, maxQueue: 0 } });
    const connection = client.connections[0]!;
    const states: boolean[] = [];
    const pause = connection.pauseReading.bind(connection);
    const resume = connection.resumeReading.bind(connection);
    connection.pauseReading = () => {
      pause();
      states.push(connection.readingPaused);
    };
    connection.resumeReading = () => {
      resume();
      states.push(connection.readingPaused);
    };
    const sizes = [3000, 3000, 3000, 3000, 3000, 3000];
    const results = await Promise.all(sizes.map((n) => client.call('Big', [n])));
    t.assert.deepStrictEqual(results.map((r) => r.tables[0]!.rowCount), sizes);
    // One worker and no queue: every off-thread frame saturates the pool. Every pause was seen
    // as paused and every resume as reading; it ends reading.
    t.assert.ok(states.length >= 2, `${states.length} pause/resume calls`);
    for (let i = 0; i < states.length; i++) t.assert.strictEqual(states[i], i % 2 === 0);
    t.assert.strictEqual(connection.readingPaused, false);
    await client.close();
  });
});
