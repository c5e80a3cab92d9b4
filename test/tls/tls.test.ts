/**
 * TLS: the embedded server's `tls` option and the client's socket layer (src/connection/tls.ts),
 * with certificates generated at test time by openssl (test/helpers/certificates.ts): a trusted
 * CA, an untrusted one, a hostname mismatch, mutual TLS, and TLS/plain mix-ups. The client-level
 * tests (`Client.connect({ tls })`) run once the connection uses `openSocket` (see the report).
 */
import type net from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { connectSocket, openSocket, resolveTlsSetting, socketError, type SocketTarget } from '../../src/connection/tls.js';
import { ConnectionError, InvalidArgumentError, ProtocolError, TlsError } from '../../src/errors.js';
import { resolveClientOptions, type ClientOptions } from '../../src/options.js';
import { LOGIN_RESULT, STATUS } from '../../src/protocol/constants.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { encodeInvocation } from '../../src/protocol/invocation-writer.js';
import { decodeLoginResponse, encodeLoginRequest } from '../../src/protocol/login.js';
import { readResponseHeader } from '../../src/protocol/response-reader.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { SKIP_WITHOUT_OPENSSL, testCertificates, type TestCertificates } from '../helpers/certificates.js';

/** Frames read from `socket`, one at a time. */
function frameReader(socket: net.Socket): () => Promise<Buffer> {
  const frames: Buffer[] = [];
  const waiting: ((frame: Buffer) => void)[] = [];
  const decoder = new FrameDecoder({
    onFrame: (frame) => {
      const copy = Buffer.from(frame);
      const next = waiting.shift();
      if (next !== undefined) next(copy);
      else frames.push(copy);
    },
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  return () => {
    const ready = frames.shift();
    return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
  };
}

/** Log in and `@Ping` over a connected socket: the protocol runs unchanged inside TLS. */
async function loginAndPing(t: TestContext, socket: net.Socket): Promise<void> {
  const next = frameReader(socket);
  socket.write(encodeLoginRequest({ username: 'u', password: 'p', scheme: 'sha256', version: 1 }));
  const login = decodeLoginResponse(await next());
  t.assert.strictEqual(login.resultCode, LOGIN_RESULT.SUCCESS);
  socket.write(encodeInvocation({ procedure: '@Ping', handle: 7n }));
  const header = readResponseHeader(await next());
  t.assert.strictEqual(header.handle, 7n);
  t.assert.strictEqual(header.status, STATUS.SUCCESS);
  socket.destroy();
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) {
    if (outcome.value !== null && typeof outcome.value === 'object' && 'destroy' in outcome.value) (outcome.value as net.Socket).destroy();
    throw new Error('expected a failure');
  }
  return outcome.error as Error;
}

describe('tls option helpers', () => {
  test('resolveTlsSetting: off, on, options, nonsense', (t: TestContext) => {
    t.assert.strictEqual(resolveTlsSetting(undefined), null);
    t.assert.strictEqual(resolveTlsSetting(false), null);
    t.assert.deepStrictEqual(resolveTlsSetting(true), {});
    const options = { servername: 'db.example', rejectUnauthorized: true };
    const resolved = resolveTlsSetting(options);
    t.assert.deepStrictEqual(resolved, options);
    t.assert.notStrictEqual(resolved, options, 'a copy');
    t.assert.throws(() => resolveTlsSetting('yes'), InvalidArgumentError);
    t.assert.throws(() => resolveTlsSetting([]), InvalidArgumentError);
  });

  test('socketError names host, port and reason; keeps the cause; VoltErrors pass through', (t: TestContext) => {
    const plain: SocketTarget = { host: 'db.example', port: 21212 };
    const secure: SocketTarget = { ...plain, tls: true };
    const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });
    const refused = socketError(coded('ECONNREFUSED', 'connect ECONNREFUSED'), plain, false);
    t.assert.ok(refused instanceof ConnectionError && !(refused instanceof TlsError));
    t.assert.match(refused.message, /^cannot connect to db\.example:21212: connection refused/);
    t.assert.strictEqual((refused as ConnectionError).port, 21212);
    t.assert.match(socketError(coded('ENOTFOUND'), plain, false).message, /does not resolve/);
    t.assert.match(socketError(new Error('odd'), plain, false).message, /db\.example:21212: odd$/);
    t.assert.match(socketError(coded('EWHATEVER', 'strange'), { host: '::1', port: 1 }, false).message, /\[::1\]:1: strange$/);
    const mismatch = socketError(coded('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), secure, true);
    t.assert.ok(mismatch instanceof TlsError);
    t.assert.match(mismatch.message, /TLS connection to db\.example:21212 failed: .*hostname mismatch/);
    t.assert.ok(mismatch.cause instanceof Error);
    t.assert.match(socketError(coded('ERR_SSL_SOMETHING_NEW'), secure, true).message, /TLS handshake failed/);
    t.assert.ok(socketError(coded('ECONNRESET'), secure, true) instanceof TlsError, 'reset during the handshake');
    t.assert.ok(!(socketError(coded('ECONNRESET'), secure, false) instanceof TlsError), 'reset after the handshake');
    t.assert.ok(!(socketError(coded('ERR_TLS_CERT_ALTNAME_INVALID'), plain, false) instanceof TlsError), 'TLS off');
    const volt = new ProtocolError('bad');
    t.assert.strictEqual(socketError(volt, secure, true), volt);
  });

  test('openSocket: plain TCP waits for connect, TLS for secureConnect', (t: TestContext) => {
    const plain = openSocket({ host: '127.0.0.1', port: 9, tls: false });
    plain.socket.on('error', () => {});
    plain.socket.destroy();
    t.assert.strictEqual(plain.readyEvent, 'connect');
    t.assert.strictEqual(plain.tls, false);
    const secure = openSocket({ host: '127.0.0.1', port: 9, tls: { rejectUnauthorized: true } });
    secure.socket.on('error', () => {});
    secure.socket.destroy();
    t.assert.strictEqual(secure.readyEvent, 'secureConnect');
    t.assert.strictEqual(secure.tls, true);
  });

  test('connectSocket to a closed port: ConnectionError', async (t: TestContext) => {
    const plainServer = await startServer({ workloads: [] });
    const port = plainServer.port;
    await plainServer.close();
    const error = await failure(connectSocket({ host: '127.0.0.1', port }, 2000));
    t.assert.ok(error instanceof ConnectionError && !(error instanceof TlsError), String(error));
    t.assert.match(error.message, /refused/);
  });
});

describe('TLS with generated certificates', { skip: SKIP_WITHOUT_OPENSSL }, () => {
  let certs: TestCertificates;
  let server: EmbeddedServer;
  let wrongHostServer: EmbeddedServer;
  let untrustedServer: EmbeddedServer;
  let mutualServer: EmbeddedServer;
  let plainServer: EmbeddedServer;

  before(async () => {
    certs = await testCertificates();
    [server, wrongHostServer, untrustedServer, mutualServer, plainServer] = await Promise.all([
      startServer({ workloads: [], tls: { key: certs.server.key, cert: certs.server.cert } }),
      startServer({ workloads: [], tls: { key: certs.wrongHost.key, cert: certs.wrongHost.cert } }),
      startServer({ workloads: [], tls: { key: certs.untrustedServer.key, cert: certs.untrustedServer.cert } }),
      startServer({ workloads: [], tls: { key: certs.server.key, cert: certs.server.cert, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: true } }),
      startServer({ workloads: [] }),
    ]);
  });
  after(() => Promise.all([server, wrongHostServer, untrustedServer, mutualServer, plainServer].map((s) => s?.close())));

  test('the server speaks the same protocol inside TLS (trusted CA, by IP and by name)', async (t: TestContext) => {
    t.assert.strictEqual(server.tls, true);
    t.assert.strictEqual(plainServer.tls, false);
    await loginAndPing(t, await connectSocket({ host: '127.0.0.1', port: server.port, tls: { ca: certs.ca.cert } }, 5000));
    await loginAndPing(t, await connectSocket({ host: 'localhost', port: server.port, tls: { ca: certs.ca.cert } }, 5000));
  });

  test('untrusted CA: TlsError naming host, port and the reason', async (t: TestContext) => {
    const error = await failure(connectSocket({ host: '127.0.0.1', port: untrustedServer.port, tls: { ca: certs.ca.cert } }, 5000));
    t.assert.ok(error instanceof TlsError, String(error));
    t.assert.ok(error.message.includes(`127.0.0.1:${untrustedServer.port}`), error.message);
    t.assert.match(error.message, /not signed by a trusted CA|not trusted/);
    // System CAs only (tls: true) do not trust the test CA either.
    const system = await failure(connectSocket({ host: '127.0.0.1', port: server.port, tls: true }, 5000));
    t.assert.ok(system instanceof TlsError, String(system));
  });

  test('hostname mismatch: TlsError; servername makes it pass; rejectUnauthorized false skips checks', async (t: TestContext) => {
    const error = await failure(connectSocket({ host: 'localhost', port: wrongHostServer.port, tls: { ca: certs.ca.cert } }, 5000));
    t.assert.ok(error instanceof TlsError, String(error));
    t.assert.match(error.message, /hostname mismatch/);
    t.assert.ok(error.message.includes(`localhost:${wrongHostServer.port}`), error.message);
    await loginAndPing(t, await connectSocket({ host: '127.0.0.1', port: wrongHostServer.port, tls: { ca: certs.ca.cert, servername: 'wrong.invalid' } }, 5000));
    await loginAndPing(t, await connectSocket({ host: '127.0.0.1', port: untrustedServer.port, tls: { rejectUnauthorized: false } }, 5000));
  });

  test('mutual TLS: a trusted client certificate passes; none, or an untrusted one, is a TlsError', async (t: TestContext) => {
    const target = { host: '127.0.0.1', port: mutualServer.port };
    await loginAndPing(t, await connectSocket({ ...target, tls: { ca: certs.ca.cert, key: certs.client.key, cert: certs.client.cert } }, 5000));
    for (const tls of [{ ca: certs.ca.cert }, { ca: certs.ca.cert, key: certs.untrustedClient.key, cert: certs.untrustedClient.cert }]) {
      // TLS 1.3: the client may finish its handshake before the server refuses the certificate;
      // the refusal then arrives as an alert on the first read.
      const outcome = await connectSocket({ ...target, tls }, 5000).then(
        (socket) =>
          new Promise<Error | null>((resolve) => {
            socket.on('error', (e) => resolve(socketError(e, { ...target, tls }, false)));
            socket.on('close', () => resolve(null));
            socket.write(encodeLoginRequest({ username: 'u', password: 'p' }));
          }),
        (e: unknown) => e as Error,
      );
      t.assert.ok(outcome === null || outcome instanceof TlsError || outcome instanceof ConnectionError, String(outcome));
      if (outcome !== null) t.assert.ok(outcome.message.includes(`127.0.0.1:${mutualServer.port}`), outcome.message);
    }
    t.assert.ok(mutualServer.tlsFailures >= 1, `server counted ${mutualServer.tlsFailures} refused handshakes`);
  });

  test('TLS client on a plain port: TlsError saying the server does not speak TLS', async (t: TestContext) => {
    const error = await failure(connectSocket({ host: '127.0.0.1', port: plainServer.port, tls: { ca: certs.ca.cert } }, 2000));
    t.assert.ok(error instanceof TlsError || error instanceof ConnectionError, String(error));
    t.assert.ok(error.message.includes(`127.0.0.1:${plainServer.port}`), error.message);
  });

  test('plain client on a TLS port: the login fails with a ConnectionError, not a hang', async (t: TestContext) => {
    const error = await failure(Client.connect({ hosts: [server.address], connectTimeoutMs: 2000 }));
    t.assert.ok(error instanceof ConnectionError, String(error));
    t.assert.ok(error.message.includes(server.address), error.message);
  });

  test('a killed TLS node drops sockets still in their handshake', async (t: TestContext) => {
    const node = await startServer({ workloads: [], tls: { key: certs.server.key, cert: certs.server.cert } });
    const { socket } = openSocket({ host: '127.0.0.1', port: node.port }); // plain TCP: never finishes a TLS handshake
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await node.kill();
    await closed;
    await node.close();
    t.assert.ok(socket.destroyed);
  });

  // --- through the public Client (needs the connection.ts patch that calls openSocket) ----------
  const clientSupportsTls = 'tls' in resolveClientOptions({});
  const clientSkip = clientSupportsTls ? false : 'Client has no tls option yet (apply the connection.ts/options.ts patch from issue 6)';
  const tlsClient = (extra: Record<string, unknown>): Promise<Client> => Client.connect({ connectTimeoutMs: 5000, ...extra } as ClientOptions);

  test('Client over TLS: login waits for the handshake, calls work, close releases the socket', { skip: clientSkip }, async (t: TestContext) => {
    const client = await tlsClient({ hosts: [server.address], tls: { ca: certs.ca.cert } });
    const results = await Promise.all(Array.from({ length: 50 }, () => client.call('@Ping')));
    t.assert.strictEqual(results.length, 50);
    await client.close();
    const mutual = await tlsClient({ hosts: [mutualServer.address], tls: { ca: certs.ca.cert, key: certs.client.key, cert: certs.client.cert } });
    await mutual.call('@Ping');
    await mutual.close();
  });

  test('Client over TLS: untrusted CA and hostname mismatch are TlsErrors', { skip: clientSkip }, async (t: TestContext) => {
    const untrusted = await failure(tlsClient({ hosts: [untrustedServer.address], tls: { ca: certs.ca.cert } }));
    t.assert.ok(untrusted instanceof TlsError, String(untrusted));
    t.assert.match(untrusted.message, /trusted CA/);
    const mismatch = await failure(tlsClient({ hosts: [`localhost:${wrongHostServer.port}`], tls: { ca: certs.ca.cert } }));
    t.assert.ok(mismatch instanceof TlsError, String(mismatch));
    t.assert.match(mismatch.message, /hostname mismatch/);
    const plain = await failure(tlsClient({ hosts: [plainServer.address], tls: { ca: certs.ca.cert } }));
    t.assert.ok(plain instanceof ConnectionError, String(plain));
  });
});
