import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import { ProtocolError } from '../../src/errors.js';
import { LOGIN_RESULT } from '../../src/protocol/constants.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { encodeInvocation } from '../../src/protocol/invocation-writer.js';
import { decodeLoginResponse, encodeLoginRequest } from '../../src/protocol/login.js';
import { readResponseHeader } from '../../src/protocol/response.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { Faults } from '../../src/server/faults.js';
import { FrameSocket } from './test-client.js';

const ping = (handle: bigint): Buffer => encodeInvocation({ procedure: '@Ping', handle });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw socket, logged in. */
async function loggedIn(server: EmbeddedServer): Promise<FrameSocket> {
  const socket = await FrameSocket.open(server.port);
  socket.send(encodeLoginRequest({}));
  const login = decodeLoginResponse(await socket.next());
  if (login.resultCode !== 0) throw new Error('login refused');
  return socket;
}

describe('fault injection, observed from a raw socket', () => {
  let server: EmbeddedServer;
  const sockets: FrameSocket[] = [];
  const open = async (): Promise<FrameSocket> => {
    const socket = await loggedIn(server);
    sockets.push(socket);
    return socket;
  };
  before(async () => {
    server = await startServer({ workloads: [] });
  });
  afterEach(() => {
    server.faults.reset();
    for (const socket of sockets.splice(0)) socket.close();
  });
  after(() => server.close());

  test('delayMs holds every response back, in order', async (t: TestContext) => {
    const socket = await open();
    server.faults.delayMs = 120;
    const started = performance.now();
    socket.send(Buffer.concat([ping(1n), ping(2n)]));
    const first = await socket.next();
    const elapsed = performance.now() - started;
    t.assert.ok(elapsed >= 100, `answered after ${elapsed.toFixed(0)} ms`);
    t.assert.strictEqual(readResponseHeader(first).handle, 1n);
    t.assert.strictEqual(readResponseHeader(await socket.next()).handle, 2n);
  });

  test('stopReading: requests wait in the socket until reading resumes', async (t: TestContext) => {
    const socket = await open();
    server.faults.stopReading = true;
    socket.send(ping(3n));
    await t.assert.rejects(socket.next(150), /no frame within/);
    const late = await FrameSocket.open(server.port);
    sockets.push(late);
    late.send(encodeLoginRequest({}));
    await t.assert.rejects(late.next(150), /no frame within/, 'a new connection cannot even log in while reading is stopped');
    server.faults.stopReading = false;
    t.assert.strictEqual(readResponseHeader(await socket.next()).handle, 3n);
  });

  test('closeAfterFrames: N invocations answered, then the connection closes on the next', async (t: TestContext) => {
    const socket = await open();
    server.faults.closeAfterFrames = 2;
    socket.send(Buffer.concat([ping(1n), ping(2n), ping(3n), ping(4n)]));
    t.assert.strictEqual(readResponseHeader(await socket.next()).handle, 1n);
    t.assert.strictEqual(readResponseHeader(await socket.next()).handle, 2n);
    await socket.closed;
    await t.assert.rejects(socket.next(100));
  });

  test('closeMidFrame: half a response, then the socket closes', async (t: TestContext) => {
    const socket = await open();
    server.faults.closeMidFrame = true;
    socket.send(ping(5n));
    await socket.closed;
    const all = socket.bytes();
    const bytes = all.subarray(4 + all.readInt32BE(0)); // after the login answer
    t.assert.ok(bytes.length > 0, 'some bytes of the response arrived');
    t.assert.ok(bytes.length < 4 + bytes.readInt32BE(0), `only ${bytes.length} of ${4 + bytes.readInt32BE(0)} bytes`);
  });

  test('sendGarbage: a well-framed frame that is not a response', async (t: TestContext) => {
    const socket = await open();
    server.faults.sendGarbage = true;
    socket.send(ping(6n));
    const frame = await socket.next();
    t.assert.strictEqual(frame[4], 0x7f);
    t.assert.throws(() => readResponseHeader(frame), ProtocolError);
  });

  test('sendOversized: a length prefix of 2^31-1 that a client must refuse', async (t: TestContext) => {
    const socket = await open();
    server.faults.sendOversized = true;
    socket.send(ping(7n));
    const loginLength = 4 + socket.bytes().readInt32BE(0);
    while (socket.bytes().length < loginLength + 8) await sleep(5);
    const all = socket.bytes();
    t.assert.strictEqual(all.readInt32BE(loginLength), 0x7fffffff);
    const decoder = new FrameDecoder({ onFrame: () => {} });
    t.assert.throws(() => decoder.push(all.subarray(loginLength)), ProtocolError);
    t.assert.ok(!socket.isClosed, 'the socket stays open');
  });

  test('refuseLogins: the failure code, then the connection closes', async (t: TestContext) => {
    server.faults.refuseLogins = true;
    const socket = await FrameSocket.open(server.port);
    sockets.push(socket);
    socket.send(encodeLoginRequest({}));
    t.assert.strictEqual(decodeLoginResponse(await socket.next()).resultCode, LOGIN_RESULT.AUTHENTICATION_FAILED);
    await socket.closed;
    server.faults.refuseLogins = LOGIN_RESULT.NODE_REJOINING;
    const again = await FrameSocket.open(server.port);
    sockets.push(again);
    again.send(encodeLoginRequest({}));
    t.assert.strictEqual(decodeLoginResponse(await again.next()).resultCode, LOGIN_RESULT.NODE_REJOINING);
  });

  test('ignorePings: @Ping is never answered, the socket stays open, other calls are', async (t: TestContext) => {
    const socket = await open();
    server.faults.ignorePings = true;
    socket.send(ping(8n));
    socket.send(encodeInvocation({ procedure: '@Quiesce', handle: 9n }));
    t.assert.strictEqual(readResponseHeader(await socket.next()).handle, 9n);
    await t.assert.rejects(socket.next(100), /no frame within/);
    t.assert.ok(!socket.isClosed);
    server.faults.ignorePings = false;
    socket.send(ping(10n));
    t.assert.strictEqual(readResponseHeader(await socket.next()).handle, 10n);
  });

  test('a bad length prefix from the client drops the connection without an answer', async (t: TestContext) => {
    const socket = await open();
    socket.send(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await socket.closed;
    t.assert.ok(socket.isClosed);
  });

  test('kill and restart on the same port', async (t: TestContext) => {
    const socket = await open();
    const port = server.port;
    await server.kill();
    await socket.closed;
    await t.assert.rejects(FrameSocket.open(port));
    await server.restart();
    t.assert.strictEqual(server.port, port);
    const again = await open();
    again.send(ping(11n));
    t.assert.strictEqual(readResponseHeader(await again.next()).handle, 11n);
  });
});

describe('Faults switches', () => {
  test('set, reset, validation, and the reading callback', (t: TestContext) => {
    const changes: boolean[] = [];
    const faults = new Faults((stopped) => changes.push(stopped));
    faults.set({ delayMs: 5, stopReading: true, closeAfterFrames: 3, closeMidFrame: true, sendGarbage: true, sendOversized: true, refuseLogins: 4, ignorePings: true });
    t.assert.strictEqual(faults.delayMs, 5);
    t.assert.strictEqual(faults.closeAfterFrames, 3);
    t.assert.ok(faults.closeMidFrame && faults.sendGarbage && faults.sendOversized && faults.ignorePings && faults.altersResponses);
    t.assert.strictEqual(faults.loginRefusal(), 4);
    faults.stopReading = true;
    faults.reset();
    t.assert.deepStrictEqual(changes, [true, false]);
    t.assert.strictEqual(faults.loginRefusal(), null);
    t.assert.strictEqual(faults.altersResponses, false);
    t.assert.throws(() => (faults.delayMs = -1), RangeError);
    t.assert.throws(() => (faults.closeAfterFrames = 1.5), RangeError);
    t.assert.strictEqual(new Faults().stopReading, false);
  });
});
