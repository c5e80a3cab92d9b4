import { after, before, describe, test, type TestContext } from 'node:test';
import { LOGIN_RESULT } from '../../src/protocol/constants.js';
import { encodeInvocation } from '../../src/protocol/invocation-writer.js';
import { decodeLoginResponse, encodeLoginRequest, hashPassword } from '../../src/protocol/login.js';
import { BUILD_STRING, startServer, type EmbeddedServer } from '../../src/server/index.js';
import { FrameSocket, TestClient } from './test-client.js';

/** Send a login frame, return the decoded answer and whether the server then closed. */
async function login(port: number, frame: Uint8Array): Promise<{ code: number; closed: boolean; socket: FrameSocket }> {
  const socket = await FrameSocket.open(port);
  socket.send(frame);
  const response = decodeLoginResponse(await socket.next());
  if (response.resultCode !== 0) await socket.closed;
  return { code: response.resultCode, closed: socket.isClosed, socket };
}

/** A v1 login frame with a chosen scheme byte and digest (bypassing the encoder's checks). */
function rawLogin(scheme: number, service: string, digest: Uint8Array): Buffer {
  const parts = [Buffer.from([1, scheme])];
  for (const text of [service, 'user']) {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  parts.push(Buffer.from(digest));
  const body = Buffer.concat(parts);
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(body.length);
  return Buffer.concat([prefix, body]);
}

describe('login with security off (the default)', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ workloads: [] });
  });
  after(() => server.close());

  test('any user and password, v1 SHA-256, v1 SHA-1 and v0 SHA-1', async (t: TestContext) => {
    for (const options of [
      { username: 'anyone', password: 'anything' },
      { username: 'x', password: 'y', scheme: 'sha1' as const },
      { version: 0 as const, username: 'legacy', password: '' },
      {},
    ]) {
      const result = await login(server.port, encodeLoginRequest(options));
      t.assert.strictEqual(result.code, 0);
      result.socket.close();
    }
  });

  test('the success answer: host id, connection id, cluster start, leader, build string', async (t: TestContext) => {
    const a = await TestClient.connect(server.port);
    const b = await TestClient.connect(server.port);
    t.assert.strictEqual(a.login.hostId, 0);
    t.assert.notStrictEqual(a.login.connectionId, b.login.connectionId);
    t.assert.strictEqual(a.login.clusterStartMs, b.login.clusterStartMs);
    t.assert.strictEqual(BigInt(server.clusterStartMs), a.login.clusterStartMs);
    t.assert.strictEqual(a.login.leaderAddress, '127.0.0.1');
    t.assert.strictEqual(a.login.buildString, BUILD_STRING);
    t.assert.ok(!a.login.buildString.includes(' '));
    t.assert.match(a.login.buildString, /voltwire_embedded_server/);
    a.close();
    b.close();
  });

  test('a wrong digest length fails with -1 even with security off', async (t: TestContext) => {
    const result = await login(server.port, rawLogin(1, 'database', new Uint8Array(20)));
    t.assert.strictEqual(result.code, LOGIN_RESULT.AUTHENTICATION_FAILED);
    t.assert.ok(result.closed);
  });

  test('an unknown scheme fails with 3, SPNEGO and unknown services with 5', async (t: TestContext) => {
    t.assert.strictEqual((await login(server.port, rawLogin(7, 'database', new Uint8Array(32)))).code, LOGIN_RESULT.PROTOCOL_VIOLATION);
    t.assert.strictEqual((await login(server.port, rawLogin(2, 'kerberos', new Uint8Array(0)))).code, LOGIN_RESULT.SERVICE_NOT_ENABLED);
    t.assert.strictEqual((await login(server.port, rawLogin(1, 'nosuchservice', new Uint8Array(32)))).code, LOGIN_RESULT.SERVICE_NOT_ENABLED);
  });

  test('a login frame that does not parse fails with 3', async (t: TestContext) => {
    const frame = Buffer.from([0, 0, 0, 2, 9, 9]);
    t.assert.strictEqual((await login(server.port, frame)).code, LOGIN_RESULT.PROTOCOL_VIOLATION);
  });

  test('pipelined invocations right after the login frame are answered', async (t: TestContext) => {
    const socket = await FrameSocket.open(server.port);
    socket.send(Buffer.concat([encodeLoginRequest({}), encodeInvocation({ procedure: '@Ping', handle: 9n })]));
    t.assert.strictEqual(decodeLoginResponse(await socket.next()).resultCode, 0);
    const answer = await socket.next();
    t.assert.strictEqual(answer.readBigInt64BE(5), 9n);
    socket.close();
  });
});

describe('login with users', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ workloads: [], users: [{ username: 'admin', password: 'secret' }, { username: 'ünï', password: 'pässwörd' }] });
  });
  after(() => server.close());

  test('right password: SHA-256, SHA-1, v0, precomputed hash, UTF-8 names', async (t: TestContext) => {
    for (const options of [
      { username: 'admin', password: 'secret' },
      { username: 'admin', password: 'secret', scheme: 'sha1' as const },
      { username: 'admin', password: 'secret', version: 0 as const },
      { username: 'admin', passwordHash: hashPassword('secret', 'sha256') },
      { username: 'ünï', password: 'pässwörd' },
    ]) {
      const result = await login(server.port, encodeLoginRequest(options));
      t.assert.strictEqual(result.code, 0, JSON.stringify({ ...options, passwordHash: undefined }));
      result.socket.close();
    }
  });

  test('wrong password or unknown user: -1 and the connection is closed, for both schemes', async (t: TestContext) => {
    for (const options of [
      { username: 'admin', password: 'wrong' },
      { username: 'admin', password: 'wrong', scheme: 'sha1' as const },
      { username: 'nobody', password: 'secret' },
      { username: 'admin', password: 'wrong', version: 0 as const },
    ]) {
      const result = await login(server.port, encodeLoginRequest(options));
      t.assert.strictEqual(result.code, LOGIN_RESULT.AUTHENTICATION_FAILED);
      t.assert.ok(result.closed);
    }
    t.assert.ok(server.stats().failedLogins >= 4);
  });
});

describe('connection limits and timeouts', () => {
  test('connections over maxConnections get the raw byte 0x01 and are closed', async (t: TestContext) => {
    const server = await startServer({ workloads: [], maxConnections: 1 });
    t.after(() => server.close());
    const first = await TestClient.connect(server.port);
    t.after(() => first.close());
    const second = await FrameSocket.open(server.port);
    await second.closed;
    t.assert.deepStrictEqual(second.bytes(), Buffer.from([1]));
    t.assert.strictEqual(server.stats().refusedConnections, 1);
  });

  test('a connection that never logs in is closed after loginTimeoutMs', async (t: TestContext) => {
    const server = await startServer({ workloads: [], loginTimeoutMs: 50 });
    t.after(() => server.close());
    const socket = await FrameSocket.open(server.port);
    await socket.closed;
    t.assert.strictEqual(socket.bytes().length, 0);
  });
});
