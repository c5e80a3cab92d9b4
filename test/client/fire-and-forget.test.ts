/**
 * `{ response: false }`: resolves null once the request is handed to the socket; the reply is
 * ignored (counted as `ignoredResponses`, the call as `unawaited` — never late, never failed)
 * and the stream stays in step; before the write it fails like any call.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client, type Response } from '../../src/client.js';
import { CallTimeoutError, ClientClosedError, ConnectionLostError, ParameterError } from '../../src/errors.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { until } from '../helpers/until.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('fire-and-forget calls ({ response: false })', () => {
  let server: EmbeddedServer;
  let executed = 0;
  before(async () => {
    server = await startServer({ port: 0, workloads: [] });
    server.define('Echo', { parameterTypes: ['BIGINT'] }, (params) => params[0] as bigint);
    server.define('Count', { parameterTypes: ['BIGINT'] }, (params) => {
      executed++;
      return { columns: [{ name: 'N', type: 'BIGINT' }], rows: [[(params[0] as bigint) * 1000n]] };
    });
    server.define('Sleep', { parameterTypes: ['INTEGER', 'BIGINT'] }, async (params) => {
      await sleep(params[0] as number);
      return params[1] as bigint;
    });
  });
  after(() => server.close());

  const connect = (options: Parameters<typeof Client.connect>[0] = {}): Promise<Client> =>
    Client.connect({ hosts: [`${server.host}:${server.port}`], decode: { workers: 0 }, ...options });

  test('interleaved with normal calls: null, own answers, replies ignored, stats say unawaited', async (t: TestContext) => {
    const client = await connect();
    const count = client.procedure('Count', ['BIGINT']);
    executed = 0;
    const forgotten: Promise<Response | null>[] = [];
    const answers: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      forgotten.push(i % 2 === 0 ? count.call([BigInt(i)], { response: false }) : client.call('Count', [BigInt(i)], { response: false }));
      answers.push(client.call('Echo', [BigInt(i)]).then((r) => r.tables[0]!.get(0, 0)));
    }
    for (const value of await Promise.all(forgotten)) t.assert.strictEqual(value, null);
    const echoed = await Promise.all(answers);
    echoed.forEach((value, i) => t.assert.strictEqual(value, BigInt(i), `echo ${i} got its own answer`));
    const connection = client.connections[0]!;
    await until(() => connection.ignoredResponses === 200, 'every fire-and-forget reply to be ignored');
    t.assert.strictEqual(executed, 200);
    t.assert.strictEqual(connection.lateResponses, 0);
    t.assert.strictEqual(connection.outstanding, 0);
    const stats = client.stats();
    t.assert.strictEqual(stats.ignoredResponses, 200);
    t.assert.strictEqual(stats.lateResponses, 0);
    t.assert.strictEqual(stats.unawaited, 200);
    t.assert.strictEqual(stats.failed, 0);
    t.assert.deepStrictEqual(stats.errors, {});
    t.assert.strictEqual(stats.calls, 400);
    t.assert.deepStrictEqual({ ...stats.procedures.Count!, latencyMs: null }, { procedure: 'Count', calls: 200, succeeded: 0, failed: 0, unawaited: 200, errors: {}, latencyMs: null });
    t.assert.strictEqual((await client.call('Echo', [7n])).tables[0]!.get(0, 0), 7n, 'the stream is in step');
    const reset = client.stats({ reset: true });
    t.assert.strictEqual(reset.unawaited, 200);
    t.assert.strictEqual(client.stats().unawaited, 0);
    t.assert.strictEqual(client.stats().ignoredResponses, 0);
    await client.close();
  });

  test('resolves only after the flush handed the request to the socket, before the reply', async (t: TestContext) => {
    const client = await connect();
    const connection = client.connections[0]!;
    const before = connection.writeStats;
    const value = await client.call('Sleep', [300, 1n], { response: false });
    t.assert.strictEqual(value, null);
    t.assert.strictEqual(connection.ignoredResponses, 0, 'resolved before the reply came');
    const after = connection.writeStats;
    t.assert.ok(after.flushes > before.flushes && after.bytesWritten > before.bytesWritten, 'written before it resolved');
    t.assert.strictEqual(connection.outstanding, 1, 'the handle is still tracked');
    t.assert.strictEqual(connection.pending, 0, 'but the call has settled');
    t.assert.strictEqual((await client.call('Sleep', [1, 2n])).tables[0]!.get(0, 0), 2n);
    await until(() => connection.ignoredResponses === 1, 'the reply to be ignored');
    t.assert.strictEqual(connection.outstanding, 0);
    await client.close();
  });

  test('an ignored reply frees its in-flight slot (maxOutstanding 1)', async (t: TestContext) => {
    const client = await connect({ maxOutstanding: 1 });
    t.assert.strictEqual(await client.call('Sleep', [50, 1n], { response: false }), null);
    const started = performance.now();
    t.assert.strictEqual((await client.call('Echo', [5n])).tables[0]!.get(0, 0), 5n);
    t.assert.ok(performance.now() - started >= 30, 'waited for the fire-and-forget reply to free the slot');
    t.assert.strictEqual(client.connections[0]!.ignoredResponses, 1);
    await client.close();
  });

  test('before the write it fails as usual: parameters, abort, timeout, lost connection, closed client', async (t: TestContext) => {
    const client = await connect({ maxOutstanding: 1, timerResolutionMs: 10 });
    await t.assert.rejects(client.procedure('Echo', ['BIGINT']).call(['x'], { response: false }), ParameterError);
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    await t.assert.rejects(client.call('Echo', [1n], { response: false, signal: controller.signal }), /changed my mind/);
    const busy = client.call('Sleep', [150, 1n]);
    const aborter = new AbortController();
    const queued = client.call('Echo', [2n], { response: false, signal: aborter.signal });
    await sleep(10);
    aborter.abort(new Error('aborted while queued'));
    await t.assert.rejects(queued, /aborted while queued/);
    await t.assert.rejects(client.call('Echo', [3n], { response: false, timeoutMs: 30 }), (e: unknown) => e instanceof CallTimeoutError && e.sent === false);
    t.assert.strictEqual((await busy).tables[0]!.get(0, 0), 1n);
    const stats = client.stats();
    t.assert.strictEqual(stats.unawaited, 0);
    t.assert.strictEqual(stats.errors.ABORTED, 2);
    // Lost while still queued: rejects, not sent.
    const blocker = client.call('Sleep', [200, 1n]).catch((e: unknown) => e);
    const lost = client.call('Echo', [4n], { response: false });
    await sleep(10);
    await client.destroy(new Error('plug pulled'));
    await t.assert.rejects(lost, (e: unknown) => e instanceof ConnectionLostError && e.sent === false);
    t.assert.ok((await blocker) instanceof ConnectionLostError);
    await t.assert.rejects(client.call('Echo', [5n], { response: false }), ClientClosedError);
  });

  test('query with response false; callMany ignores it (every entry has its outcome)', async (t: TestContext) => {
    const client = await connect();
    t.assert.strictEqual(await client.query('SELECT 1', [], { response: false }), null);
    const batch = await client.callMany([{ procedure: 'Echo', params: [1n], options: { response: false } }, { procedure: 'Echo', params: [2n], types: ['BIGINT'] }], { response: false });
    t.assert.strictEqual(batch.succeeded, 2);
    const first = batch.results[0]!;
    t.assert.ok(first.ok && first.response.tables[0]!.get(0, 0) === 1n);
    // Typing: response false gives Response | null; without it, Response.
    const maybe: Response | null = await client.call('Echo', [3n], { response: true });
    t.assert.strictEqual(maybe!.tables[0]!.get(0, 0), 3n);
    // @ts-expect-error a fire-and-forget result may be null
    const sure: Response = await client.procedure('Echo').call([4n], { response: false });
    t.assert.strictEqual(sure, null);
    await until(() => client.connections[0]!.ignoredResponses === 2, 'the query and Echo replies to be ignored');
    await client.close();
  });
});
