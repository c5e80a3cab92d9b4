import { getEventListeners, once } from 'node:events';
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import { CallTracker } from '../../src/calls/call-tracker.js';
import { armCall, takeCall } from '../../src/calls/start-call.js';
import { Connection } from '../../src/connection/connection.js';
import { createResponseDecoder } from '../../src/decode/decode-pool.js';
import { CALL_STATE } from '../../src/calls/pending-call.js';
import { CALLS, HandleTable } from '../../src/connection/connection-calls.js';
import { writeInt64 } from '../../src/protocol/buffer-writer.js';
import { readResponseHandle } from '../../src/protocol/response-reader.js';
import { ConnectionError, ConnectionLostError, ProtocolError } from '../../src/errors.js';
import { RESERVED_HANDLE } from '../../src/protocol/constants.js';
import { FakeServer } from '../helpers/fake-server.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Connection (fake server)', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(() => server.close());
  afterEach(() => server.resetFaults());

  const open = (tracker = new CallTracker()) =>
    Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder({ workers: 0 }), tracker });

  test('pushed frames with reserved handles are "unsolicited"; stray handles are counted and dropped', async (t: TestContext) => {
    const tracker = new CallTracker();
    const connection = await open(tracker);
    t.assert.strictEqual(connection.state, 'open');
    t.assert.strictEqual(connection.address, `127.0.0.1:${server.port}`);
    const pushed = once(connection, 'unsolicited');
    server.push(RESERVED_HANDLE.TOPOLOGY_NOTIFICATION);
    const [frame, handle] = (await pushed) as [Buffer, bigint];
    t.assert.strictEqual(handle, RESERVED_HANDLE.TOPOLOGY_NOTIFICATION);
    t.assert.ok(frame.length > 13);
    server.push(123456n); // never issued
    server.push(-5n);
    await until(() => tracker.stats.unknownResponses === 2, 'two stray frames');
    t.assert.strictEqual(connection.lateResponses, 0);
    await connection.close();
    t.assert.strictEqual(connection.state, 'closed');
    await connection.close();
    tracker.close();
  });

  test('a call submitted to a closed connection fails unsent; destroy fails pending calls once', async (t: TestContext) => {
    const tracker = new CallTracker();
    const connection = await open(tracker);
    const call = takeCall(tracker, 'Sleep', [200, 1n]);
    const settled = new Promise<unknown>((resolve) => {
      call.resolve = resolve;
      call.reject = resolve;
    });
    armCall(tracker, call, 0, null, connection);
    connection[CALLS].submit(call);
    await until(() => connection.outstanding === 1, 'the call to be written');
    t.assert.strictEqual(connection.pending, 1);
    connection.destroy(new Error('operator pulled the plug'));
    const error = (await settled) as ConnectionLostError;
    t.assert.ok(error instanceof ConnectionLostError);
    t.assert.strictEqual(error.sent, true);
    t.assert.match(error.message, /was lost \(operator pulled the plug\)/);
    t.assert.strictEqual(tracker.live, 0);
    connection.destroy();

    const late = takeCall(tracker, 'Echo', [1n]);
    const refused = new Promise<unknown>((resolve) => {
      late.resolve = resolve;
      late.reject = resolve;
    });
    armCall(tracker, late, 1000, null, connection);
    connection[CALLS].submit(late);
    const lost = (await refused) as ConnectionLostError;
    t.assert.ok(lost instanceof ConnectionLostError);
    t.assert.strictEqual(lost.sent, false);
    t.assert.match(lost.message, /is closed; the call was not sent/);
    t.assert.strictEqual(tracker.live, 0);
    tracker.close();
  });

  test('a server that hangs up before the login answer', async (t: TestContext) => {
    server.faults.silentLogin = true;
    const logins = server.logins;
    const pending = open();
    await until(() => server.logins > logins, 'the login to arrive');
    server.dropConnections();
    await t.assert.rejects(pending, (e: unknown) => e instanceof ConnectionError && /closed the connection before answering the login/.test(e.message));
  });

  test('an aborted connect rejects; the abort signal is let go once the open settles', async (t: TestContext) => {
    server.faults.silentLogin = true;
    const controller = new AbortController();
    const connecting = Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder({ workers: 0 }), signal: controller.signal });
    await sleep(20);
    controller.abort(new Error('give up'));
    await t.assert.rejects(connecting, /give up/);
    t.assert.strictEqual(getEventListeners(controller.signal, 'abort').length, 0);
    server.faults.silentLogin = false;
    const signal = new AbortController().signal;
    const connection = await Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder({ workers: 0 }), signal });
    t.assert.strictEqual(getEventListeners(signal, 'abort').length, 0);
    await connection.close();
  });

  test('an off-thread decoding failure fails its call with the ProtocolError and closes the connection; the others are lost', async (t: TestContext) => {
    const failing = new ProtocolError('the worker could not read it', { offset: 0 });
    const decoder = { ownBufferAtBytes: 0, decode: () => Promise.reject(failing) };
    const tracker = new CallTracker();
    const connection = await Connection.open({ host: '127.0.0.1', port: server.port, decoder, tracker });
    const closed = once(connection, 'close');
    const first = connection.call('Echo', [1n]);
    const other = connection.call('Sleep', [200, 2n]);
    await t.assert.rejects(first, (e: unknown) => e === failing);
    await t.assert.rejects(other, (e: unknown) => e instanceof ConnectionLostError && e.cause === failing);
    t.assert.deepStrictEqual(await closed, [failing]);
    t.assert.strictEqual(tracker.live, 0);
    tracker.close();
  });

  test('a frame too short for a handle, or with a bad version byte, is a ProtocolError that closes the connection', async (t: TestContext) => {
    for (const bytes of [Buffer.from([0, 0, 0, 3, 0, 1, 2]), Buffer.from([0, 0, 0, 9, 5, 0, 0, 0, 0, 0, 0, 0, 1])]) {
      const connection = await open();
      const closed = once(connection, 'close');
      server.writeRaw(bytes);
      const [error] = (await closed) as [Error];
      t.assert.ok(error instanceof ProtocolError, String(error));
    }
  });

  test('handles: 64-bit big-endian on the wire, increasing, skip one id', (t: TestContext) => {
    const frame = Buffer.alloc(13);
    for (const handle of [1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      writeInt64(frame, 5, handle);
      t.assert.strictEqual(frame.readBigInt64BE(5), BigInt(handle));
      t.assert.strictEqual(readResponseHandle(frame), handle);
    }
    frame.writeBigInt64BE(RESERVED_HANDLE.KEEPALIVE_PING, 5);
    t.assert.strictEqual(readResponseHandle(frame), -1);
    frame.writeBigInt64BE(-1n, 5);
    t.assert.strictEqual(readResponseHandle(frame), -1);
    // The one 64-bit writer stores any signed or unsigned 64-bit value, number or bigint.
    for (const value of [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 7n]) {
      writeInt64(frame, 5, value);
      t.assert.strictEqual(frame.readBigUInt64BE(5), BigInt.asUintN(64, value));
    }
    writeInt64(frame, 5, -12345);
    t.assert.strictEqual(frame.readBigInt64BE(5), -12345n);
    const inflight = new HandleTable();
    inflight.avoid(3n);
    inflight.avoid(2n ** 62n); // not a safe integer: ignored, 3 stays skipped
    t.assert.deepStrictEqual([inflight.issue(), inflight.issue(), inflight.issue(), inflight.issue()], [1, 2, 4, 5]);
    t.assert.ok(inflight.wasIssued(4));
    t.assert.ok(!inflight.wasIssued(6));
    t.assert.ok(!inflight.wasIssued(0));
    t.assert.strictEqual(CALL_STATE.SETTLED, 3);
  });
});
