import { getEventListeners, once } from 'node:events';
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import {
  AuthenticationError,
  BackpressureError,
  CallTimeoutError,
  ConnectionError,
  ConnectionLostError,
  ProtocolError,
} from '../../src/errors.js';
import { FakeServer } from '../helpers/fake-server.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function settleAll<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

describe('Client faults (fake server)', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start({ username: 'admin', password: 'pw', scheme: 'sha256' });
  });
  after(() => server.close());
  afterEach(() => server.resetFaults());
  const options = (extra: Parameters<typeof Client.connect>[0] = {}) => ({ hosts: [server.address], username: 'admin', password: 'pw', timerResolutionMs: 10, clientAffinity: false, discover: false, ...extra });

  test('timeout: CallTimeoutError says how long it waited; the late response is dropped and counted; the stream stays in sync', async (t: TestContext) => {
    const client = await Client.connect(options());
    const late: bigint[] = [];
    client.on('late-response', (info) => late.push(info.handle));
    const started = performance.now();
    const error = (await client.call('Sleep', [150, 1n], { timeoutMs: 40 }).catch((e: unknown) => e)) as CallTimeoutError;
    const waited = performance.now() - started;
    t.assert.ok(error instanceof CallTimeoutError);
    t.assert.strictEqual(error.timeoutMs, 40);
    t.assert.strictEqual(error.sent, true);
    t.assert.match(error.message, /Sleep: no response within 40 ms \(waited \d+ ms; the request was sent/);
    t.assert.ok(waited >= 39, `fired after ${waited} ms`);
    t.assert.strictEqual((await client.call('Echo', [2n])).tables[0]!.get(0, 0), 2n);
    await until(() => client.stats().lateResponses === 1, 'the late response');
    t.assert.deepStrictEqual(late, [1n]);
    t.assert.strictEqual((await client.call('Echo', [3n])).tables[0]!.get(0, 0), 3n, 'in sync after the late response');
    t.assert.strictEqual(client.stats().errors['CONNECTION_TIMEOUT'], 1);
    await client.close();
  });

  test('a call waiting in the queue times out unsent', async (t: TestContext) => {
    const client = await Client.connect(options({ maxOutstanding: 1 }));
    const before = server.invocations.length;
    const first = client.call('Sleep', [300, 1n]);
    const second = client.call('Echo', [2n], { timeoutMs: 30 });
    const error = (await second.catch((e: unknown) => e)) as CallTimeoutError;
    t.assert.ok(error instanceof CallTimeoutError);
    t.assert.strictEqual(error.sent, false);
    t.assert.match(error.message, /never sent/);
    await first;
    await sleep(20);
    t.assert.strictEqual(server.invocations.length - before, 1, 'the timed-out call never went out');
    t.assert.strictEqual(client.connections[0]!.outstanding, 0);
    await client.close();
  });

  test('abort before the flush: never sent; after the write: rejects with the reason, late response dropped; listeners removed', async (t: TestContext) => {
    const client = await Client.connect(options());
    const before = server.invocations.length;
    const early = new AbortController();
    const p1 = client.call('Echo', [1n], { signal: early.signal });
    early.abort(new Error('changed my mind'));
    await t.assert.rejects(p1, /changed my mind/);
    t.assert.strictEqual(getEventListeners(early.signal, 'abort').length, 0);

    const already = AbortSignal.abort(new Error('too late'));
    await t.assert.rejects(client.call('Echo', [1n], { signal: already }), /too late/);

    const lateController = new AbortController();
    const p2 = client.call('Sleep', [60, 2n], { signal: lateController.signal });
    await until(() => server.invocations.length - before === 1, 'the Sleep to reach the server');
    t.assert.strictEqual(server.invocations.at(-1)!.procedure, 'Sleep', 'only the Sleep was sent');
    const reason = new Error('user went away');
    lateController.abort(reason);
    t.assert.strictEqual(await p2.catch((e: unknown) => e), reason);
    t.assert.strictEqual(getEventListeners(lateController.signal, 'abort').length, 0);
    await until(() => client.stats().lateResponses === 1, 'the late response');

    const kept = new AbortController();
    await client.call('Echo', [3n], { signal: kept.signal });
    t.assert.strictEqual(getEventListeners(kept.signal, 'abort').length, 0, 'removed when the call settles normally');
    t.assert.strictEqual(client.stats().errors['ABORTED'], 3);
    await client.close();
  });

  test('backpressure when the server stops reading: the queue limit holds, memory stays bounded, then it drains', async (t: TestContext) => {
    const client = await Client.connect(options({ queue: { warn: 300, resume: 50, hard: 400 }, slabBytes: 64 * 1024, maxSlabs: 4 }));
    server.faults.stopReading = true;
    // 400 × 60 kB = 24 MB: more than loopback kernel buffers absorb, so calls must wait in the client.
    const payload = 'x'.repeat(60_000);
    const events: string[] = [];
    client.on('backpressure', () => events.push('backpressure'));
    client.on('drain', () => events.push('drain'));
    const calls: Promise<unknown>[] = [];
    let refused = 0;
    let answered = 0;
    for (let i = 0; i < 1000; i++) {
      const p = client.call('Echo', [payload], { timeoutMs: 20_000 });
      p.then(
        () => answered++,
        (e: unknown) => {
          if (e instanceof BackpressureError) refused++;
        },
      );
      calls.push(p);
      if (i % 100 === 99) await sleep(10);
    }
    await sleep(50);
    t.assert.strictEqual(client.pending, 400, 'the hard limit holds');
    // The server read (and answered) a first chunk before it paused; everything else is refused.
    t.assert.strictEqual(refused, 1000 - 400 - answered);
    t.assert.ok(answered < 100, `${answered} answered before the server stopped reading`);
    t.assert.ok(client.needsDrain);
    const connection = client.connections[0]!;
    t.assert.ok(connection.slabs.size <= 4, 'the slab pool never grows past maxSlabs');
    t.assert.ok(connection.queued > 0, 'calls wait in the client, not in socket buffers');
    t.assert.ok(connection.backpressured);
    t.assert.ok(connection.writableBytes <= 2 * 64 * 1024, `socket buffer bounded (${connection.writableBytes} bytes)`);
    t.assert.ok(connection.slabs.overflows + connection.slabs.oversize <= connection.writeStats.flushes, 'at most one one-off buffer per flush');
    const early = answered;
    server.resumeReading();
    const results = await settleAll(calls);
    t.assert.strictEqual(results.filter((r) => r.status === 'fulfilled').length, 400 + early);
    t.assert.deepStrictEqual(events, ['backpressure', 'drain']);
    t.assert.strictEqual(client.needsDrain, false);
    t.assert.strictEqual(client.stats().errors['BACKPRESSURE'], refused);
    await client.close();
  });

  test('connection killed mid-response: every call settles exactly once (issued = succeeded + failed)', async (t: TestContext) => {
    const client = await Client.connect(options());
    const start = server.invocations.length;
    server.faults.closeMidFrameAt = 300;
    let settled = 0;
    const issued = 2000;
    const calls = Array.from({ length: issued }, (_, i) =>
      client.call('Echo', [BigInt(i)]).finally(() => {
        settled++;
      }),
    );
    const results = await settleAll(calls);
    server.faults.closeMidFrameAt = Infinity;
    t.assert.strictEqual(settled, issued);
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    const failed = results.filter((r) => r.status === 'rejected');
    t.assert.strictEqual(succeeded + failed.length, issued);
    t.assert.ok(succeeded >= 299 && failed.length > 0, `${succeeded} succeeded`);
    for (const r of failed) t.assert.ok((r as PromiseRejectedResult).reason instanceof ConnectionLostError, String((r as PromiseRejectedResult).reason));
    const sentFlags = failed.map((r) => ((r as PromiseRejectedResult).reason as ConnectionLostError).sent);
    t.assert.ok(sentFlags.includes(true), 'calls already written say sent: true');
    const written = server.invocations.length - start;
    t.assert.ok(sentFlags.filter((s) => s).length <= written);
    const stats = client.stats();
    t.assert.strictEqual(stats.calls, issued);
    t.assert.strictEqual(stats.errors['CONNECTION_LOST'], failed.length);
    await client.close();
  });

  test('a garbage frame closes the connection with ProtocolError; only its calls fail', async (t: TestContext) => {
    const client = await Client.connect(options());
    const other = await Client.connect(options());
    const before = server.invocations.length;
    server.faults.garbageAt = 3;
    const calls = Array.from({ length: 10 }, (_, i) => client.call('Sleep', [i === 2 ? 0 : 50, BigInt(i)]));
    const closed = once(client.connections[0]!, 'close');
    const results = await settleAll(calls);
    server.faults.garbageAt = Infinity;
    const [cause] = (await closed) as [Error];
    t.assert.ok(cause instanceof ProtocolError, `closed with ${String(cause)}`);
    t.assert.match(cause.message, /frame length -16 is not positive|not positive/);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      const reason = (r as PromiseRejectedResult).reason as ConnectionLostError;
      t.assert.ok(reason instanceof ConnectionLostError);
      t.assert.ok(reason.cause instanceof ProtocolError);
    }
    t.assert.ok(server.invocations.length - before >= 3);
    t.assert.strictEqual((await other.call('Echo', [7n])).tables[0]!.get(0, 0), 7n, 'the other connection is untouched');
    await client.close();
    await other.close();
  });

  test('a well-framed but unreadable response fails its call with ProtocolError and closes that connection', async (t: TestContext) => {
    const client = await Client.connect(options());
    server.faults.malformedAt = 1;
    const bad = client.call('Echo', [1n]).catch((e: unknown) => e);
    const [error] = (await Promise.all([bad])) as [ProtocolError];
    server.faults.malformedAt = Infinity;
    t.assert.ok(error instanceof ProtocolError, String(error));
    t.assert.strictEqual(client.stats().errors['PROTOCOL'], 1);
    await client.close();
  });

  test('login failures: wrong password, wrong hash scheme, refused codes, connection limit', async (t: TestContext) => {
    const wrongPassword = (await Client.connect(options({ password: 'nope' })).catch((e: unknown) => e)) as AuthenticationError;
    t.assert.ok(wrongPassword instanceof AuthenticationError);
    t.assert.strictEqual(wrongPassword.resultCode, -1);
    t.assert.match(wrongPassword.message, /login to 127\.0\.0\.1:\d+ refused: authentication failed for user "admin"/);

    const wrongScheme = (await Client.connect(options({ hashScheme: 'sha1' })).catch((e: unknown) => e)) as AuthenticationError;
    t.assert.ok(wrongScheme instanceof AuthenticationError);
    t.assert.strictEqual(wrongScheme.resultCode, -1);
    t.assert.match(wrongScheme.message, /does not accept a SHA-1 password hash/);

    server.faults.refuseLogin = 3;
    const format = (await Client.connect(options()).catch((e: unknown) => e)) as AuthenticationError;
    t.assert.strictEqual(format.resultCode, 3);
    t.assert.match(format.message, /could not parse the login message/);
    server.faults.refuseLogin = 42;
    t.assert.match(((await Client.connect(options()).catch((e: unknown) => e)) as Error).message, /unknown login result \(result code 42\)/);
    server.faults.refuseLogin = null;

    server.faults.connectionLimit = true;
    const limit = (await Client.connect(options()).catch((e: unknown) => e)) as AuthenticationError;
    server.faults.connectionLimit = false;
    t.assert.ok(limit instanceof AuthenticationError);
    t.assert.strictEqual(limit.resultCode, 1);
    t.assert.match(limit.message, /too many connections/);
  });

  test('connect timeout, refused connection, aborted connect', async (t: TestContext) => {
    server.faults.silentLogin = true;
    const started = performance.now();
    const timeout = (await Client.connect(options({ connectTimeoutMs: 60 })).catch((e: unknown) => e)) as ConnectionError;
    server.faults.silentLogin = false;
    t.assert.ok(timeout instanceof ConnectionError);
    t.assert.match(timeout.message, /timed out after 60 ms/);
    t.assert.ok(performance.now() - started >= 59, 'not before its timeout');
    const refused = (await Client.connect({ hosts: ['127.0.0.1:1'] }).catch((e: unknown) => e)) as ConnectionError;
    t.assert.ok(refused instanceof ConnectionError);
    t.assert.match(refused.message, /cannot connect to 127\.0\.0\.1:1/);
    const { Connection } = await import('../../src/connection/connection.js');
    const { createResponseDecoder } = await import('../../src/decode/decode-pool.js');
    await t.assert.rejects(
      Connection.open({ host: '127.0.0.1', port: server.port, decoder: createResponseDecoder(), signal: AbortSignal.abort(new Error('stop')) }),
      /stop/,
    );
  });

  test('maxOutstanding bounds the calls on the wire', async (t: TestContext) => {
    const client = await Client.connect(options({ maxOutstanding: 3 }));
    const before = server.invocations.length;
    const calls = Array.from({ length: 10 }, (_, i) => client.call('Sleep', [100, BigInt(i)]));
    await until(() => server.invocations.length - before >= 3, 'three calls on the wire');
    t.assert.strictEqual(client.connections[0]!.outstanding, 3);
    const values = (await Promise.all(calls)).map((r) => r.tables[0]!.get(0, 0));
    t.assert.deepStrictEqual(values, Array.from({ length: 10 }, (_, i) => BigInt(i)));
    // Counted by the server as each call arrived (so no timing decides it): never more than 3 unanswered.
    const onTheWire = server.invocations.slice(before).map((call) => call.unanswered);
    t.assert.strictEqual(onTheWire.length, 10);
    t.assert.strictEqual(Math.max(...onTheWire), 3, `calls on the wire as each arrived: ${onTheWire.join(', ')}`);
    await client.close();
  });

  test('maxCallsPerSecond spreads calls out', async (t: TestContext) => {
    const client = await Client.connect(options({ maxCallsPerSecond: 400 })); // 20-call burst, then 1 per 2.5 ms
    const started = performance.now();
    await Promise.all(Array.from({ length: 60 }, (_, i) => client.call('Echo', [BigInt(i)])));
    const elapsed = performance.now() - started;
    t.assert.ok(elapsed >= 80, `60 calls at 400/s took ${elapsed.toFixed(0)} ms`);
    await client.close();
  });
});
