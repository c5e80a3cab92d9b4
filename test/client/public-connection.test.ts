/**
 * The public low-level `Connection` (`Connection.connect`, `call`, `close`) against the
 * embedded server; `client.admin`; and the decode threshold shared by the decoder, the pool
 * and the frame decoder.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { AdminApi } from '../../src/admin.js';
import { CallTracker } from '../../src/calls/call-tracker.js';
import { Connection } from '../../src/connection/connection.js';
import { createResponseDecoder } from '../../src/decode/decode-pool.js';
import { DEFAULT_OFF_THREAD_BYTES } from '../../src/decode/decode-pool.js';
import { CallTimeoutError, ConnectionLostError, ParameterError, ProcedureError } from '../../src/errors.js';
import type { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const frameDecoderOf = (connection: Connection): FrameDecoder => (connection as unknown as { frames: FrameDecoder }).frames;

describe('public Connection, client.admin, decode threshold', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ port: 0, workloads: [] });
    server.define('Echo', { parameterTypes: ['BIGINT'] }, (params) => params[0] as bigint);
    server.define('Sleep', { parameterTypes: ['INTEGER', 'BIGINT'] }, async (params) => {
      await sleep(params[0] as number);
      return params[1] as bigint;
    });
  });
  after(() => server.close());

  test('Connection.connect → call → close', async (t: TestContext) => {
    const connection = await Connection.connect({ host: server.host, port: server.port });
    t.assert.strictEqual(connection.state, 'open');
    t.assert.ok(connection.login !== null && connection.login.buildString !== '');
    const res = await connection.call('Echo', [42n], { types: ['BIGINT'] });
    t.assert.strictEqual(res.tables[0]!.get(0, 0), 42n);
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => connection.call('Echo', [BigInt(i)])));
    many.forEach((r, i) => t.assert.strictEqual(r.tables[0]!.get(0, 0), BigInt(i)));
    t.assert.strictEqual(frameDecoderOf(connection).ownBufferAtBytes, Infinity, 'inline decoder: no own-buffer frames');
    const stats = connection.tracker.stats.snapshot();
    t.assert.strictEqual(stats.procedures.Echo!.succeeded, 51);
    await connection.close();
    t.assert.strictEqual(connection.state, 'closed');
    await t.assert.rejects(connection.call('Echo', [1n]), (e: unknown) => e instanceof ConnectionLostError && e.sent === false);
  });

  test('Connection.call errors: ProcedureError, ParameterError, abort, timeout; the stream stays in step', async (t: TestContext) => {
    // Only the call meant to time out gets a short timeout: the others must be answered, however busy the machine.
    const connection = await Connection.connect({ host: server.host, port: server.port, callTimeoutMs: 30_000, timerResolutionMs: 10 });
    await t.assert.rejects(connection.call('Nope'), (e: unknown) => e instanceof ProcedureError && e.status !== 1);
    await t.assert.rejects(connection.call(''), ParameterError);
    await t.assert.rejects(connection.call('Echo', 'x' as unknown as unknown[]), ParameterError);
    await t.assert.rejects(connection.call('Echo', [1n, 2n], { types: ['BIGINT'] }), /takes 1 parameter \(BIGINT\), got 2/);
    await t.assert.rejects(connection.call('Echo', [1n], { types: ['NOPE' as 'BIGINT'] }), ParameterError);
    await t.assert.rejects(connection.call('Echo', ['x'], { types: ['BIGINT'] }), ParameterError);
    const aborted = new AbortController();
    aborted.abort(new Error('no'));
    await t.assert.rejects(connection.call('Echo', [1n], { signal: aborted.signal }), /no/);
    const later = new AbortController();
    const pending = connection.call('Sleep', [60, 1n], { signal: later.signal, timeoutMs: 0 });
    await until(() => connection.outstanding === 1, 'the call to be written');
    later.abort(new Error('after the write'));
    await t.assert.rejects(pending, /after the write/);
    await t.assert.rejects(connection.call('Sleep', [120, 1n], { timeoutMs: 40 }), (e: unknown) => e instanceof CallTimeoutError && e.sent === true);
    t.assert.strictEqual((await connection.call('Echo', [9n], { queryTimeoutMs: 1000 })).tables[0]!.get(0, 0), 9n);
    await until(() => connection.lateResponses === 2, 'both late replies to be dropped');
    const errors = connection.tracker.stats.snapshot().errors;
    t.assert.strictEqual(errors.PARAMETER, 5);
    t.assert.strictEqual(errors.ABORTED, 2);
    await connection.close();
  });

  test('Connection.connect with a given tracker, decoder and bigint timestamps', async (t: TestContext) => {
    const tracker = new CallTracker();
    const decoder = createResponseDecoder({ workers: 0, timestamps: 'bigint' });
    const connection = await Connection.connect({ host: server.host, port: server.port, tracker, decoder });
    t.assert.strictEqual(connection.tracker, tracker);
    t.assert.strictEqual((await connection.call('Echo', [3n])).tables[0]!.get(0, 0), 3n);
    await connection.close();
    tracker.close();
    const bigint = await Connection.connect({ host: server.host, port: server.port, timestamps: 'bigint' });
    t.assert.strictEqual((await bigint.call('Echo', [4n])).status, 1);
    bigint.destroy();
    await until(() => bigint.state === 'closed', 'the destroyed connection to close');
    await t.assert.rejects(Connection.connect({ host: server.host, port: 1, connectTimeoutMs: 1000 }));
  });

  test('client.admin: one AdminApi per client; systemInformation against the embedded server', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [`${server.host}:${server.port}`] });
    t.assert.ok(client.admin instanceof AdminApi);
    t.assert.strictEqual(client.admin, client.admin);
    const hosts = await client.admin.systemInformation();
    t.assert.strictEqual(hosts.size, 1);
    const [overview] = [...hosts.values()];
    t.assert.strictEqual(overview!['CLIENTPORT'], String(server.port));
    t.assert.strictEqual(client.admin.version().buildString, client.serverInfo.buildString);
    await client.close();
  });

  test('the decode threshold: 256 KiB by default, and the frame decoder owns buffers from the same size', async (t: TestContext) => {
    t.assert.strictEqual(DEFAULT_OFF_THREAD_BYTES, 256 * 1024);
    const decoder = createResponseDecoder();
    t.assert.strictEqual(decoder.ownBufferAtBytes, DEFAULT_OFF_THREAD_BYTES);
    await decoder.close();
    t.assert.strictEqual(createResponseDecoder({ workers: 0 }).ownBufferAtBytes, Infinity);
    const client = await Client.connect({ hosts: [`${server.host}:${server.port}`] });
    t.assert.strictEqual(frameDecoderOf(client.connections[0]!).ownBufferAtBytes, DEFAULT_OFF_THREAD_BYTES);
    await client.close();
    const tuned = await Client.connect({ hosts: [`${server.host}:${server.port}`], decode: { offThreadBytes: 100_000 } });
    t.assert.strictEqual(frameDecoderOf(tuned.connections[0]!).ownBufferAtBytes, 100_000);
    await tuned.close();
  });
});
