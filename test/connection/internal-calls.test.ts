/**
 * Internal calls (keepalive, topology, catalog) are invisible to the user's diagnostics: not
 * published on the `voltwire:call:*` channels, not in the statistics, and their late replies
 * are dropped silently — while timeouts, loss and settle-exactly-once work as for user calls.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { callOn } from '../../src/cluster/internal-call.js';
import { CallTracker } from '../../src/calls/call-tracker.js';
import { Connection } from '../../src/connection/connection.js';
import { createResponseDecoder } from '../../src/decode/decode-pool.js';
import { CHANNEL, type CallMessage, type LateResponseMessage } from '../../src/calls/diagnostics.js';
import { CallTimeoutError, ConnectionLostError } from '../../src/errors.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { FakeServer } from '../helpers/fake-server.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects what the call channels publish while subscribed. */
function listen(): { starts: CallMessage[]; ends: CallMessage[]; late: LateResponseMessage[]; stop(): void } {
  const starts: CallMessage[] = [];
  const ends: CallMessage[] = [];
  const late: LateResponseMessage[] = [];
  const onStart = (m: unknown): void => void starts.push(m as CallMessage);
  const onEnd = (m: unknown): void => void ends.push(m as CallMessage);
  const onLate = (m: unknown): void => void late.push(m as LateResponseMessage);
  diagnosticsChannel.subscribe(CHANNEL.CALL_START, onStart);
  diagnosticsChannel.subscribe(CHANNEL.CALL_END, onEnd);
  diagnosticsChannel.subscribe(CHANNEL.LATE_RESPONSE, onLate);
  return {
    starts,
    ends,
    late,
    stop() {
      diagnosticsChannel.unsubscribe(CHANNEL.CALL_START, onStart);
      diagnosticsChannel.unsubscribe(CHANNEL.CALL_END, onEnd);
      diagnosticsChannel.unsubscribe(CHANNEL.LATE_RESPONSE, onLate);
    },
  };
}

describe('internal calls are invisible to diagnostics', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ workloads: ['voter'] });
    server.define('Echo', { parameterTypes: ['BIGINT'] }, (params) => params[0] as bigint);
  });
  after(() => server.close());

  test('a client with a 30 ms keepalive publishes its user calls and none of its own', async (t: TestContext) => {
    const seen = listen();
    try {
      const client = await Client.connect({ hosts: [server.address], pingIntervalMs: 30 });
      const before = server.stats().calls;
      // The bootstrap (@Subscribe, @Statistics TOPO, @SystemCatalog) ran during connect.
      t.assert.ok(before >= 3, `${before} calls at connect`);
      for (let i = 0; i < 3; i++) await client.call('Echo', [BigInt(i)]);
      await client.call('@Ping');
      // Idle now: the keepalive pings (no bytes for 30 ms), several times over.
      await until(() => server.stats().calls >= before + 4 + 3, 'three keepalive pings');
      await client.close();
      const procedures = seen.starts.map((m) => m.procedure);
      t.assert.deepStrictEqual(procedures, ['Echo', 'Echo', 'Echo', '@Ping']);
      t.assert.deepStrictEqual(seen.ends.map((m) => m.procedure), procedures);
      // Same message objects, completed at the end.
      for (let i = 0; i < seen.starts.length; i++) t.assert.strictEqual(seen.ends[i], seen.starts[i]);
      const stats = client.stats();
      t.assert.strictEqual(stats.calls, 4);
      t.assert.deepStrictEqual(Object.keys(stats.procedures).sort(), ['@Ping', 'Echo']);
      t.assert.strictEqual(stats.procedures['@Ping']!.calls, 1);
    } finally {
      seen.stop();
    }
  });
});

describe('internal calls settle like user calls (fake server)', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(() => server.close());

  const open = (tracker: CallTracker): Promise<Connection> =>
    Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder({ workers: 0 }), tracker });

  test('timeout: the internal call rejects once, its late reply is dropped silently; a user call is counted', async (t: TestContext) => {
    const tracker = new CallTracker({ timerResolutionMs: 5 });
    const connection = await open(tracker);
    const seen = listen();
    let lateEvents = 0;
    connection.on('late-response', () => lateEvents++);
    try {
      t.assert.deepStrictEqual((await callOn(connection, 'Echo', [7n], 1000)).tables[0]!.get(0, 0), 7n);
      await t.assert.rejects(callOn(connection, 'Sleep', [80, 1n], 20), (e: unknown) => e instanceof CallTimeoutError && e.sent);
      await until(() => server.invocations.length === 2 && connection.outstanding === 0, 'the internal call to time out');
      await sleep(120); // the late reply arrives and is dropped
      t.assert.strictEqual(connection.lateResponses, 0);
      t.assert.strictEqual(tracker.stats.lateResponses, 0);
      t.assert.strictEqual(tracker.stats.unknownResponses, 0);
      t.assert.strictEqual(lateEvents, 0);
      t.assert.strictEqual(seen.starts.length, 0);
      t.assert.strictEqual(seen.late.length, 0);

      // The same for a user call: published, and its late reply counted and announced.
      await t.assert.rejects(connection.call('Sleep', [80, 2n], { timeoutMs: 20 }), CallTimeoutError);
      await until(() => connection.lateResponses === 1, 'the user call\'s late reply');
      t.assert.strictEqual(lateEvents, 1);
      t.assert.strictEqual(seen.late.length, 1);
      t.assert.deepStrictEqual(seen.starts.map((m) => m.procedure), ['Sleep']);
      t.assert.strictEqual(tracker.stats.snapshot(false).calls, 1);
      t.assert.strictEqual(tracker.live, 0);
    } finally {
      seen.stop();
      await connection.close();
      tracker.close();
    }
  });

  test('loss: a written internal call fails once with ConnectionLostError (sent)', async (t: TestContext) => {
    const tracker = new CallTracker();
    const connection = await open(tracker);
    const pending = callOn(connection, 'Sleep', [500, 1n], 0);
    await until(() => connection.outstanding === 1, 'the internal call to be written');
    connection.destroy(new Error('pulled the plug'));
    await t.assert.rejects(pending, (e: unknown) => e instanceof ConnectionLostError && e.sent === true);
    t.assert.strictEqual(tracker.live, 0);
    t.assert.strictEqual(connection.outstanding, 0);
    tracker.close();
  });
});
