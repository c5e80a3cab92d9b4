/**
 * `proc.call(params, false)` resolves null once the request is written, and the replies that
 * come later are dropped without desynchronising the stream; a timeout followed by normal calls.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { FastSerializer, VoltProcedure, VOLTTYPE_BIGINT, VOLTTYPE_INTEGER } from '../../src/compat/index.js';
import { CallTimeoutError, ClientClosedError, ParameterError } from '../../src/errors.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('fire-and-forget and timeouts on one connection', () => {
  let server: EmbeddedServer;
  let executed = 0;
  before(async () => {
    server = await startServer({ port: 0, workloads: [] });
    server.define('Echo', { parameterTypes: ['BIGINT'] }, (params) => params[0] as bigint);
    server.define('Count', { parameterTypes: ['BIGINT'] }, (params) => {
      executed++;
      // A reply with a table, so a misread reply would show up in the Echo results.
      return { columns: [{ name: 'N', type: 'BIGINT' }], rows: [[(params[0] as bigint) * 1000n]] };
    });
    server.define('Sleep', { parameterTypes: ['INTEGER', 'BIGINT'] }, async (params) => {
      await sleep(params[0] as number);
      return params[1] as bigint;
    });
  });
  after(() => server.close());

  test('fire-and-forget calls resolve null; normal calls in between keep their own answers', async (t: TestContext) => {
    const fser = await FastSerializer.connect({ host: server.host, port: server.port });
    const count = new VoltProcedure(fser, 'Count', [VOLTTYPE_BIGINT]);
    const echo = new VoltProcedure(fser, 'Echo', [VOLTTYPE_BIGINT]);
    executed = 0;
    const results: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      results.push(count.call([BigInt(i)], false));
      results.push(echo.call([BigInt(i)]).then((r) => r.tables![0]!.tuples[0]![0]));
    }
    const settled = await Promise.all(results);
    for (let i = 0; i < 100; i++) {
      t.assert.strictEqual(settled[2 * i], null);
      t.assert.strictEqual(settled[2 * i + 1], BigInt(i), `echo ${i} got its own answer`);
    }
    await until(() => executed === 100, 'the server to run every fire-and-forget call');
    const connection = fser.client.connections[0]!;
    await until(() => connection.ignoredResponses === 100, 'every fire-and-forget reply to be dropped');
    // Ignored replies are neither late responses nor failed calls.
    t.assert.strictEqual(connection.lateResponses, 0);
    const stats = fser.client.stats();
    t.assert.strictEqual(stats.ignoredResponses, 100);
    t.assert.strictEqual(stats.procedures.Count!.unawaited, 100);
    t.assert.strictEqual(stats.procedures.Count!.failed, 0);
    // And the stream is still in step.
    t.assert.strictEqual((await echo.call([42n])).tables![0]!.tuples[0]![0], 42n);
    t.assert.strictEqual(connection.state, 'open');
    await fser.close();
  });

  test('fire-and-forget resolves before the server answers', async (t: TestContext) => {
    const fser = await FastSerializer.connect({ host: server.host, port: server.port });
    const slow = new VoltProcedure(fser, 'Sleep', [VOLTTYPE_INTEGER, VOLTTYPE_BIGINT]);
    const connection = fser.client.connections[0]!;
    t.assert.strictEqual(await slow.call([300, 1n], false), null);
    t.assert.strictEqual(connection.outstanding, 1, 'resolved while the reply is still to come');
    t.assert.strictEqual(connection.ignoredResponses, 0);
    t.assert.strictEqual((await slow.call([1, 2n])).tables![0]!.tuples[0]![0], 2n, 'the next call gets its own answer');
    await fser.close();
  });

  test('a fire-and-forget call waits while the connection is full, then resolves once written', async (t: TestContext) => {
    const fser = await FastSerializer.connect({ host: server.host, port: server.port, client: { maxOutstanding: 1 } });
    const slow = new VoltProcedure(fser, 'Sleep', [VOLTTYPE_INTEGER, VOLTTYPE_BIGINT]);
    const echo = new VoltProcedure(fser, 'Echo', [VOLTTYPE_BIGINT]);
    const busy = slow.call([100, 7n]);
    const started = performance.now();
    const forgotten = await echo.call([1n], false);
    t.assert.strictEqual(forgotten, null);
    t.assert.ok(performance.now() - started >= 50, 'it waited for the in-flight slot');
    t.assert.strictEqual((await busy).tables![0]!.tuples[0]![0], 7n);
    t.assert.strictEqual((await echo.call([3n])).tables![0]!.tuples[0]![0], 3n);
    // Not written before its timeout: rejects (never sent).
    const blocker = slow.call([300, 8n]);
    await t.assert.rejects(echo.call([4n], false, 0.05), (e: unknown) => e instanceof CallTimeoutError && e.sent === false);
    t.assert.strictEqual((await blocker).tables![0]!.tuples[0]![0], 8n);
    await fser.close();
  });

  test('a fire-and-forget call refused before the write rejects', async (t: TestContext) => {
    const fser = await FastSerializer.connect({ host: server.host, port: server.port });
    const echo = new VoltProcedure(fser, 'Echo', [VOLTTYPE_BIGINT]);
    await t.assert.rejects(echo.call(['not a number'], false), ParameterError);
    await fser.close();
    await t.assert.rejects(echo.call([1n], false), ClientClosedError);
  });

  test('a timeout rejects with CallTimeoutError; later calls on the same connection are unaffected', async (t: TestContext) => {
    const fser = await FastSerializer.connect({ host: server.host, port: server.port, client: { timerResolutionMs: 10 } });
    const slow = new VoltProcedure(fser, 'Sleep', [VOLTTYPE_INTEGER, VOLTTYPE_BIGINT]);
    const echo = new VoltProcedure(fser, 'Echo', [VOLTTYPE_BIGINT]);
    await t.assert.rejects(slow.call([200, 1n], true, 0.05), (e: unknown) => e instanceof CallTimeoutError && e.sent === true && e.timeoutMs === 50);
    for (let i = 0; i < 5; i++) t.assert.strictEqual((await echo.call([BigInt(i)])).tables![0]!.tuples[0]![0], BigInt(i));
    const connection = fser.client.connections[0]!;
    await until(() => connection.lateResponses === 1, 'the timed-out reply to be dropped');
    t.assert.strictEqual((await echo.call([99n])).tables![0]!.tuples[0]![0], 99n);
    // The FastSerializer's procedureTimeout is the default.
    const strict = await FastSerializer.connect({ host: server.host, port: server.port, procedureTimeout: 0.05, client: { timerResolutionMs: 10 } });
    await t.assert.rejects(new VoltProcedure(strict, 'Sleep', [VOLTTYPE_INTEGER, VOLTTYPE_BIGINT]).call([200, 1n]), CallTimeoutError);
    t.assert.strictEqual((await new VoltProcedure(strict, 'Echo', [VOLTTYPE_BIGINT]).call([5n])).tables![0]!.tuples[0]![0], 5n);
    await strict.close();
    await fser.close();
  });
});
