/**
 * Fault injection through the public `Client` against the embedded server's fault switches
 * (src/server/faults.ts). Every test checks the invariant of issue 6 with a {@link Ledger}:
 * issued = succeeded + failed, each call settled exactly once, no unhandled rejection, and
 * after `close()` no socket or timer beyond the baseline taken before the client existed.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import {
  AuthenticationError,
  BackpressureError,
  CallTimeoutError,
  ConnectionError,
  ConnectionLostError,
  NoConnectionsError,
  ProtocolError,
  TlsError,
  VoltError,
} from '../../src/errors.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { Ledger, activeResources, installRejectionProbe, settleResources, sleep } from './ledger.js';

installRejectionProbe();

/** Errors a call may end with when the peer misbehaves; anything else is a bug. */
const EXPECTED_FAILURES = [ConnectionLostError, ConnectionError, CallTimeoutError, ProtocolError, NoConnectionsError, BackpressureError];

function checkFailureKinds(t: TestContext, ledger: Ledger): void {
  for (const [name, error] of ledger.samples) {
    t.assert.ok(
      EXPECTED_FAILURES.some((kind) => error instanceof kind),
      `unexpected failure ${name}: ${error.message}`,
    );
    t.assert.ok(VoltError.is(error), `${name} is a VoltError`);
  }
}

describe('faults: the invariant holds whatever the server does', () => {
  let server: EmbeddedServer;
  let baseline: Map<string, number>;
  before(async () => {
    server = await startServer({ workloads: ['kv'] });
    server.define('Big', {}, () => ({ columns: [{ name: 'S', type: 'VARCHAR' }], rows: [['x'.repeat(100_000)]] }));
    server.define('Huge', {}, () => ({ columns: [{ name: 'S', type: 'VARCHAR' }], rows: [['x'.repeat(400_000)]] }));
    baseline = activeResources();
  });
  after(() => server.close());
  afterEach(async () => {
    server.faults.reset();
    if (!server.running) await server.restart();
    const left = await settleResources(baseline);
    assert.deepStrictEqual(left, [], 'no socket or timer left after close()');
  });

  const connect = (extra: Parameters<typeof Client.connect>[0] = {}): Promise<Client> =>
    Client.connect({ hosts: [server.address], timerResolutionMs: 10, connectTimeoutMs: 2000, reconnect: false, ...extra });

  test('kill mid-response: calls in flight fail with ConnectionLostError (sent), none hangs', async (t: TestContext) => {
    const client = await connect();
    const ledger = new Ledger();
    server.faults.delayMs = 150;
    for (let i = 0; i < 50; i++) ledger.track(client.call('@Ping'));
    await sleep(40);
    await server.kill();
    await ledger.settled();
    t.assert.strictEqual(ledger.succeeded, 0, ledger.summary());
    t.assert.strictEqual(ledger.errors.get('ConnectionLostError'), 50, ledger.summary());
    t.assert.strictEqual((ledger.samples.get('ConnectionLostError') as ConnectionLostError).sent, true);
    t.assert.match(ledger.samples.get('ConnectionLostError')!.message, /127\.0\.0\.1:\d+/);
    // After the loss: refused at once, not queued forever.
    ledger.track(client.call('@Ping'));
    await ledger.settled();
    t.assert.ok(ledger.errors.has('NoConnectionsError'), ledger.summary());
    await client.close();
    checkFailureKinds(t, ledger);
    ledger.verify(t);
  });

  test('a response cut in half (closeMidFrame): every call settles, the partial frame is dropped', async (t: TestContext) => {
    const client = await connect();
    const ledger = new Ledger();
    for (let i = 0; i < 5; i++) ledger.track(client.call('@Ping'));
    await ledger.settled();
    server.faults.closeMidFrame = true;
    for (let i = 0; i < 20; i++) ledger.track(client.call('Big'));
    await ledger.settled();
    t.assert.strictEqual(ledger.succeeded, 5, ledger.summary());
    t.assert.strictEqual(ledger.errors.get('ConnectionLostError'), 20, ledger.summary());
    await client.close();
    checkFailureKinds(t, ledger);
    ledger.verify(t);
  });

  test('garbage frame: ProtocolError for the call it claims, ConnectionLostError for the rest; the client stays usable for new connections', async (t: TestContext) => {
    const client = await connect();
    const ledger = new Ledger();
    server.faults.sendGarbage = true;
    for (let i = 0; i < 10; i++) ledger.track(client.call('@Ping'));
    await ledger.settled();
    t.assert.strictEqual(ledger.succeeded, 0, ledger.summary());
    t.assert.ok((ledger.errors.get('ProtocolError') ?? 0) + (ledger.errors.get('ConnectionLostError') ?? 0) === 10, ledger.summary());
    const lost = ledger.samples.get('ConnectionLostError') ?? ledger.samples.get('ProtocolError')!;
    t.assert.ok(lost.message.length > 0);
    await client.close();
    checkFailureKinds(t, ledger);
    ledger.verify(t);
    // A fresh client on the same (now healthy) server works.
    server.faults.reset();
    const again = await connect();
    await again.call('@Ping');
    await again.close();
  });

  test('oversized length prefix (2^31-1): ProtocolError naming the limit, nothing allocated for it', async (t: TestContext) => {
    const client = await connect({ maxFrameBytes: 1024 * 1024 });
    const ledger = new Ledger();
    server.faults.sendOversized = true;
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 10; i++) ledger.track(client.call('@Ping'));
    await ledger.settled();
    const grown = process.memoryUsage().arrayBuffers - before;
    t.assert.ok(grown < 8 * 1024 * 1024, `arrayBuffers grew by ${grown} bytes`);
    t.assert.strictEqual(ledger.succeeded, 0);
    const error = ledger.samples.get('ConnectionLostError') ?? ledger.samples.get('ProtocolError')!;
    const protocol = error instanceof ProtocolError ? error : (error.cause as Error);
    t.assert.ok(protocol instanceof ProtocolError, `cause is a ProtocolError: ${String(protocol)}`);
    t.assert.match(protocol.message, /2147483647|1048576|limit|max/i);
    await client.close();
    checkFailureKinds(t, ledger);
    ledger.verify(t);
  });

  test('a legitimate response larger than maxFrameBytes is refused, not buffered', async (t: TestContext) => {
    // Above the topology answer (131 KB), below Huge's.
    const client = await connect({ maxFrameBytes: 256 * 1024 });
    await client.call('@Ping'); // the connection is open and its start-up calls answered
    const ledger = new Ledger();
    const big = client.call('Huge');
    ledger.track(big);
    await ledger.settled();
    t.assert.strictEqual(ledger.failed, 1, ledger.summary());
    // As documented: within the client's own allowance (1 MiB) the frame is read past, only its
    // call fails, with the ProtocolError naming the limit, and the connection stays.
    const error = await big.catch((e: unknown) => e);
    t.assert.ok(error instanceof ProtocolError, String(error));
    t.assert.match(error.message, /exceeds the 262144-byte limit \(maxFrameBytes\)/);
    checkFailureKinds(t, ledger);
    ledger.verify(t);
    await client.call('@Ping');
    await client.close();
  });

  test('server stops reading: calls time out or are refused by the queue limit, none is lost', async (t: TestContext) => {
    const client = await connect({ callTimeoutMs: 300, queue: { warn: 150, resume: 50, hard: 200 }, maxOutstanding: 100 });
    const ledger = new Ledger();
    server.faults.stopReading = true;
    const value = new Uint8Array(2000).fill(7);
    for (let i = 0; i < 400; i++) ledger.track(client.call('Put', [`k${i}`, value]));
    t.assert.ok(client.needsDrain, 'the queue reports backpressure');
    await ledger.settled();
    t.assert.strictEqual(ledger.errors.get('BackpressureError'), 200, ledger.summary());
    t.assert.strictEqual(ledger.errors.get('CallTimeoutError'), 200, ledger.summary());
    t.assert.strictEqual(client.pending, 0);
    server.faults.stopReading = false;
    await client.close();
    checkFailureKinds(t, ledger);
    ledger.verify(t);
  });

  test('server stops answering (pings ignored, socket open): CallTimeoutError, then a clean close', async (t: TestContext) => {
    const client = await connect({ callTimeoutMs: 100 });
    const ledger = new Ledger();
    server.faults.ignorePings = true;
    for (let i = 0; i < 20; i++) ledger.track(client.call('@Ping'));
    await ledger.settled();
    t.assert.strictEqual(ledger.errors.get('CallTimeoutError'), 20, ledger.summary());
    const timeout = ledger.samples.get('CallTimeoutError') as CallTimeoutError;
    t.assert.strictEqual(timeout.sent, true);
    t.assert.strictEqual(timeout.timeoutMs, 100);
    await client.close();
    checkFailureKinds(t, ledger);
    ledger.verify(t);
  });

  test('slow server (delayMs) with short timeouts: late responses are dropped and counted, not delivered twice', async (t: TestContext) => {
    const client = await connect({ callTimeoutMs: 50 });
    const ledger = new Ledger();
    server.faults.delayMs = 120;
    for (let i = 0; i < 30; i++) ledger.track(client.call('@Ping'));
    await ledger.settled();
    t.assert.strictEqual(ledger.errors.get('CallTimeoutError'), 30, ledger.summary());
    await sleep(200);
    t.assert.strictEqual(client.stats().lateResponses, 30);
    server.faults.delayMs = 0;
    ledger.track(client.call('@Ping'));
    await ledger.settled();
    t.assert.strictEqual(ledger.succeeded, 1);
    await client.close();
    ledger.verify(t);
  });

  test('refused login: AuthenticationError with the result code, no socket left', async (t: TestContext) => {
    server.faults.refuseLogins = true;
    const error = (await connect().catch((e: unknown) => e)) as AuthenticationError;
    t.assert.ok(error instanceof AuthenticationError, String(error));
    t.assert.strictEqual(error.resultCode, -1);
    t.assert.match(error.message, /refused/);
    server.faults.refuseLogins = 4;
    const rejoining = (await connect().catch((e: unknown) => e)) as AuthenticationError;
    t.assert.strictEqual(rejoining.resultCode, 4);
    t.assert.match(rejoining.message, /rejoining/);
  });

  test('connection refused: ConnectionError naming host, port and the reason', async (t: TestContext) => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = (await Client.connect({ hosts: [`127.0.0.1:${port}`], connectTimeoutMs: 2000 }).catch((e: unknown) => e)) as ConnectionError;
    t.assert.ok(error instanceof ConnectionError, String(error));
    t.assert.ok(!(error instanceof TlsError));
    t.assert.ok(error.message.includes(`127.0.0.1:${port}`), error.message);
    t.assert.match(error.message, /ECONNREFUSED|refused/);
    t.assert.strictEqual(error.port, port);
  });

  test('DNS failure (a name under .invalid): ConnectionError naming the host', async (t: TestContext) => {
    const error = (await Client.connect({ hosts: ['voltwire-fault-test.invalid:21212'], connectTimeoutMs: 5000 }).catch((e: unknown) => e)) as ConnectionError;
    t.assert.ok(error instanceof ConnectionError, String(error));
    t.assert.match(error.message, /voltwire-fault-test\.invalid/);
    t.assert.match(error.message, /ENOTFOUND|EAI_AGAIN|resolve|DNS/i);
  });

  test('one good host and one unresolvable: connects, and the failure is reported per host', async (t: TestContext) => {
    const client = await connect({ hosts: [server.address, 'voltwire-fault-test.invalid:21212'] });
    t.assert.strictEqual(client.connectResults.filter((r) => r.ok).length, 1);
    const ledger = new Ledger();
    for (let i = 0; i < 10; i++) ledger.track(client.call('@Ping'));
    await ledger.settled();
    t.assert.strictEqual(ledger.succeeded, 10);
    await client.close();
    ledger.verify(t);
  });

  test('close() while calls are in flight on a slow server drains them, then releases everything', async (t: TestContext) => {
    const client = await connect();
    const ledger = new Ledger();
    server.faults.delayMs = 60;
    for (let i = 0; i < 100; i++) ledger.track(client.call('@Ping'));
    const closing = client.close();
    ledger.track(client.call('@Ping'));
    await closing;
    await ledger.settled();
    t.assert.strictEqual(ledger.succeeded, 100, ledger.summary());
    t.assert.strictEqual(ledger.errors.get('ClientClosedError'), 1);
    ledger.verify(t);
  });

  test('destroy() with calls in flight: all fail, none hangs', async (t: TestContext) => {
    const client = await connect();
    const ledger = new Ledger();
    server.faults.delayMs = 60;
    for (let i = 0; i < 100; i++) ledger.track(client.call('@Ping'));
    await sleep(10);
    await client.destroy(new Error('shutting down'));
    await ledger.settled();
    t.assert.strictEqual(ledger.failed, 100, ledger.summary());
    ledger.verify(t);
  });
});
