/**
 * The client against the embedded server (src/server): the proof list of issue 10 —
 * pipelining, timeouts, aborts, late responses, backpressure, a connection killed
 * mid-response, a garbage frame, login failures.
 */
import { getEventListeners, once } from 'node:events';
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import {
  AuthenticationError,
  BackpressureError,
  CallTimeoutError,
  ConnectionLostError,
  ProcedureError,
  ProtocolError,
} from '../../src/errors.js';
import { STATUS } from '../../src/protocol/constants.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const first = (res: { tables: { get(row: number, column: number): unknown }[] }): unknown => res.tables[0]!.get(0, 0);

describe('Client against the embedded server', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ users: [{ username: 'admin', password: 'secret' }], workloads: ['voter'] });
    server.define('Echo', { parameterTypes: ['BIGINT'] }, (params) => params[0] as bigint);
    server.define('Sleep', { parameterTypes: ['INTEGER', 'BIGINT'] }, async (params) => {
      await sleep(params[0] as number);
      return params[1] as bigint;
    });
  });
  after(() => server.close());
  afterEach(() => server.faults.reset());
  const connect = (extra: Parameters<typeof Client.connect>[0] = {}) =>
    Client.connect({ hosts: [server.address], username: 'admin', password: 'secret', timerResolutionMs: 10, ...extra });

  test('login: serverInfo; Vote with declared types; @AdHoc', async (t: TestContext) => {
    const client = await connect();
    t.assert.match(client.serverInfo.buildString, /./);
    t.assert.strictEqual(client.serverInfo.hostId, 0);
    await client.call('Initialize', [6, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman']);
    const vote = client.procedure('Vote', ['BIGINT', 'INTEGER', 'BIGINT']);
    const res = await vote.call([5551234567n, 3, 10n]);
    t.assert.strictEqual(res.status, STATUS.SUCCESS);
    t.assert.strictEqual(first(res), 0n);
    const rows = await client.query('SELECT phone_number, contestant_number FROM votes WHERE phone_number = ?', [5551234567n]);
    t.assert.deepStrictEqual([...rows.tables[0]!.rows()], [[5551234567n, 3]]);
    t.assert.ok((await client.ping()) >= 0);
    await client.close();
  });

  test('pipelining: 5000 concurrent calls, results matched to callers, no Buffer allocated per call', async (t: TestContext) => {
    const client = await connect();
    const echo = client.procedure('Echo', ['BIGINT']);
    await echo.call([0n]);
    const connection = client.connections[0]!;
    const allocations = connection.slabs.allocations;
    const n = 5000;
    const values = await Promise.all(Array.from({ length: n }, (_, i) => echo.call([BigInt(i * 7)]).then(first)));
    values.forEach((v, i) => t.assert.strictEqual(v, BigInt(i * 7)));
    t.assert.strictEqual(connection.slabs.allocations, allocations, 'the slab pool allocated nothing for 5000 calls');
    t.assert.strictEqual(client.stats().procedures['Echo']!.succeeded, n + 1);
    await client.close();
  });

  test('timeouts and late responses (delayMs fault); the stream stays in sync', async (t: TestContext) => {
    const client = await connect();
    server.faults.delayMs = 120;
    const error = (await client.call('Echo', [1n], { timeoutMs: 30 }).catch((e: unknown) => e)) as CallTimeoutError;
    t.assert.ok(error instanceof CallTimeoutError);
    t.assert.ok(error.sent);
    t.assert.match(error.message, /no response within 30 ms \(waited \d+ ms/);
    server.faults.delayMs = 0;
    await until(() => client.stats().lateResponses === 1, 'the late response');
    t.assert.strictEqual(first(await client.call('Echo', [2n])), 2n);
    await client.close();
  });

  test('abort before the write is never sent; after the write rejects with the reason and the response is dropped', async (t: TestContext) => {
    const client = await connect();
    const before = server.stats().procedures['Echo'] ?? 0;
    const early = new AbortController();
    const p = client.call('Echo', [1n], { signal: early.signal });
    early.abort(new Error('never mind'));
    await t.assert.rejects(p, /never mind/);
    const late = new AbortController();
    const q = client.call('Sleep', [60, 2n], { signal: late.signal });
    await until(() => client.connections[0]!.outstanding === 1, 'the Sleep to be written');
    late.abort(new Error('gone'));
    await t.assert.rejects(q, /gone/);
    t.assert.strictEqual(getEventListeners(late.signal, 'abort').length, 0);
    await until(() => client.stats().lateResponses === 1, 'the late response');
    t.assert.strictEqual((server.stats().procedures['Echo'] ?? 0) - before, 0, 'the aborted Echo never reached the server');
    await client.close();
  });

  test('backpressure when the server stops reading: bounded queue, BackpressureError at the hard limit, drain after', async (t: TestContext) => {
    const client = await connect({ queue: { warn: 150, resume: 20, hard: 200 }, maxSlabs: 4 });
    const adhoc = 'SELECT COUNT(*) FROM votes WHERE phone_number = ? -- ' + 'x'.repeat(100_000);
    server.faults.stopReading = true;
    let refused = 0;
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) {
      const call = client.query(adhoc, [BigInt(i)], { timeoutMs: 30_000 });
      calls.push(call.catch((e: unknown) => (e instanceof BackpressureError ? refused++ : Promise.reject(e))));
    }
    await sleep(100);
    t.assert.ok(client.needsDrain);
    t.assert.ok(client.pending <= 200, `pending ${client.pending}`);
    t.assert.ok(refused >= 300, `refused ${refused}`);
    const connection = client.connections[0]!;
    t.assert.ok(connection.slabs.size <= 4);
    t.assert.ok(connection.writableBytes <= 2 * 64 * 1024 + 200_000, `${connection.writableBytes} bytes in the socket buffer`);
    t.assert.ok(connection.queued > 0);
    const drained = once(client, 'drain');
    server.faults.stopReading = false;
    await drained;
    await Promise.all(calls);
    t.assert.strictEqual(client.pending, 0);
    await client.close();
  });

  test('connection killed mid-response: every call settles once, issued = succeeded + failed', async (t: TestContext) => {
    const client = await connect();
    const issued = 2000;
    let settlements = 0;
    const calls = Array.from({ length: issued }, (_, i) =>
      client.call('Echo', [BigInt(i)]).finally(() => {
        settlements++;
        if (i === 200) server.faults.closeMidFrame = true;
      }),
    );
    const results = await Promise.allSettled(calls);
    t.assert.strictEqual(settlements, issued);
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    t.assert.strictEqual(succeeded + failed.length, issued);
    t.assert.ok(failed.length > 0);
    for (const f of failed) t.assert.ok(f.reason instanceof ConnectionLostError, String(f.reason));
    t.assert.ok(failed.some((f) => (f.reason as ConnectionLostError).sent));
    await client.close();
  });

  test('a garbage frame closes the connection with ProtocolError; an oversized length too', async (t: TestContext) => {
    for (const fault of ['sendGarbage', 'sendOversized'] as const) {
      const client = await connect();
      const closed = once(client.connections[0]!, 'close');
      server.faults[fault] = true;
      const error = (await client.call('Echo', [1n]).catch((e: unknown) => e)) as ConnectionLostError;
      server.faults[fault] = false;
      const [cause] = (await closed) as [Error];
      t.assert.ok(cause instanceof ProtocolError, `${fault}: ${String(cause)}`);
      t.assert.ok(error instanceof ConnectionLostError);
      t.assert.strictEqual(error.cause, cause);
      t.assert.ok(error.sent);
      await client.close();
    }
  });

  test('closeAfterFrames: the calls in flight fail with ConnectionLostError, nothing hangs', async (t: TestContext) => {
    // The fault counts every frame of the connection: no topology calls on this one.
    const client = await connect({ clientAffinity: false, discover: false, reconnect: false });
    server.faults.closeAfterFrames = 10;
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => client.call('Echo', [BigInt(i)])));
    t.assert.strictEqual(results.filter((r) => r.status === 'fulfilled').length, 10);
    t.assert.ok(results.slice(10).every((r) => r.status === 'rejected' && r.reason instanceof ConnectionLostError));
    await client.close();
  });

  test('login failures: wrong password (-1), a refused hash scheme (3), any refusal code', async (t: TestContext) => {
    const wrong = (await connect({ password: 'guess' }).catch((e: unknown) => e)) as AuthenticationError;
    t.assert.ok(wrong instanceof AuthenticationError);
    t.assert.strictEqual(wrong.resultCode, -1);
    t.assert.match(wrong.message, /authentication failed for user "admin": wrong user name or password, or the server does not accept a SHA-256 password hash \(try hashScheme 'sha1'\)/);
    const wrongSha1 = (await connect({ password: 'guess', hashScheme: 'sha1' }).catch((e: unknown) => e)) as AuthenticationError;
    t.assert.match(wrongSha1.message, /SHA-1 password hash \(try hashScheme 'sha256'\)/, 'the hint names the other scheme, not the one in use');
    t.assert.ok(await connect({ hashScheme: 'sha1' }).then((c) => c.close().then(() => true)), 'the 11.4 server still accepts SHA-1');
    server.faults.refuseLogins = 3; // what VoltDB answers for a hash scheme it does not know
    const scheme = (await connect().catch((e: unknown) => e)) as AuthenticationError;
    t.assert.strictEqual(scheme.resultCode, 3);
    t.assert.match(scheme.message, /could not parse the login message \(protocol version 1, SHA-256 hash scheme\)/);
  });

  test('procedure errors from the server are ProcedureErrors', async (t: TestContext) => {
    const client = await connect();
    const error = (await client.call('NoSuchProcedure').catch((e: unknown) => e)) as ProcedureError;
    t.assert.ok(error instanceof ProcedureError);
    t.assert.strictEqual(error.status, STATUS.UNEXPECTED_FAILURE);
    const wrongCount = (await client.call('Echo', [1n, 2n]).catch((e: unknown) => e)) as ProcedureError;
    t.assert.strictEqual(wrongCount.status, STATUS.GRACEFUL_FAILURE);
    await client.close();
  });
});
