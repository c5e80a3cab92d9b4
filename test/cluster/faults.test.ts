/**
 * Fault tests on the embedded cluster: a node lost under load and reconnected with backoff,
 * every node down, a node that stops answering pings, retries after a connection loss.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { ConnectionError, ConnectionLostError, NoConnectionsError } from '../../src/errors.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';
import { startHarness, sleep, type Harness } from './harness.js';
import { until } from '../helpers/until.js';

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; release: () => void } {
  let release = (): void => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

const misrouted = (cluster: EmbeddedCluster): number => cluster.stats().reduce((sum, s) => sum + s.misroutedCalls, 0);

describe('a node lost under load', () => {
  let cluster: EmbeddedCluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: [] });
    cluster.define('Touch', { partitionParameter: 0, parameterTypes: ['BIGINT'] }, (_p, context) => context.hostId);
  });
  after(() => cluster.close());

  test('its calls fail once with ConnectionLostError, traffic moves to the others, it is reconnected after restart with backoff', async (t: TestContext) => {
    const h = await startHarness({ hosts: cluster.addresses, reconnectDelayMs: 40, maxReconnectDelayMs: 160, random: () => 0 });
    t.after(() => h.close());
    const node = cluster.node(2);
    const reconnects: { attempt: number; delayMs: number; at: number }[] = [];
    const disconnects: { port: number; reconnecting: boolean; error: Error | undefined }[] = [];
    const connects: { port: number; reconnected: boolean; at: number }[] = [];
    h.set.on('reconnect', (info) => reconnects.push({ attempt: info.attempt, delayMs: info.delayMs, at: performance.now() }));
    h.set.on('disconnect', (info) => disconnects.push({ port: info.port, reconnecting: info.reconnecting, error: info.error }));
    h.set.on('connect', (info) => connects.push({ port: info.port, reconnected: info.reconnected, at: performance.now() }));

    let running = true;
    // Each call's outcome is counted in its own handler, when it settles (not after its batch).
    const failures: unknown[] = [];
    let succeeded = 0;
    // The failures seen by the first macrotask after the loss was announced: the in-flight calls
    // are failed synchronously before the 'disconnect' event, and their handlers are microtasks.
    let failuresAtLoss = -1;
    h.set.once('disconnect', () => setImmediate(() => (failuresAtLoss = failures.length)));
    let i = 0;
    const load = (async () => {
      while (running) {
        const batch = Array.from({ length: 100 }, () =>
          h.call('Touch', [BigInt(i++)]).then(
            () => void succeeded++,
            (error: unknown) => void failures.push(error),
          ),
        );
        await Promise.all(batch);
        // One macrotask per batch: should every call fail at once (a closed harness), the loop
        // still cannot hold the microtask queue and starve the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // The load stops however the test ends. Left running after a failed wait, it called the
    // closed harness forever in microtasks: the process never reported the failure, grew until
    // the heap limit and died, and the file failed naming no test.
    try {
      // A hang guard, not a subject: 2,000 calls through a starved process took over 5 s at load 15.
      await until(() => succeeded > 2000, 'load running', 30_000);
      await node.stop();
      await until(() => disconnects.length === 1 && failuresAtLoss >= 0, 'the disconnect');
      const afterLoss = succeeded;
      await until(() => succeeded > afterLoss + 500, 'traffic flowing through the other nodes', 10_000);
      await until(() => reconnects.length >= 4, 'four reconnect attempts', 10_000);
      const nodeCalls = node.stats().calls;
      await sleep(20);
      t.assert.strictEqual(node.stats().calls, nodeCalls, 'nothing reaches the stopped node');

      await node.restart();
      await until(() => connects.length === 1, 'the reconnect', 10_000);
      const restartedCalls = node.stats().calls;
      await until(() => node.stats().calls > restartedCalls + 200, 'the node serving again', 10_000);
    } finally {
      running = false;
      await load;
    }

    // Failed once: only calls in flight on the lost connection, all ConnectionLostError, all at the loss.
    t.assert.ok(failures.length > 0 && failures.length <= 100, `${failures.length} calls failed`);
    for (const error of failures) t.assert.ok(error instanceof ConnectionLostError, String(error));
    t.assert.strictEqual(failures.length, failuresAtLoss, 'no call failed after the loss was announced');
    t.assert.deepStrictEqual(disconnects.map((d) => [d.port, d.reconnecting, d.error instanceof Error]), [[node.port, true, true]]);
    // Exponential backoff, capped: 40, 80, 160, 160 … (jitter pinned to 0).
    t.assert.deepStrictEqual(reconnects.slice(0, 4).map((r) => [r.attempt, r.delayMs]), [[1, 40], [2, 80], [3, 160], [4, 160]]);
    for (let k = 1; k < 4; k++) {
      const gap = reconnects[k]!.at - reconnects[k - 1]!.at;
      t.assert.ok(gap >= reconnects[k - 1]!.delayMs - 5, `attempt ${k + 1} came ${gap.toFixed(0)} ms after attempt ${k} (delay ${reconnects[k - 1]!.delayMs})`);
    }
    t.assert.deepStrictEqual(connects.map((c) => [c.port, c.reconnected]), [[node.port, true]]);
    t.assert.strictEqual(h.set.hosts[2]!.reconnectAttempts, 0, 'the count resets on success');
    // Leaders are routed to again: no call mis-routed once the node is back.
    const before = misrouted(cluster);
    await Promise.all(Array.from({ length: 500 }, (_, k) => h.call('Touch', [BigInt(k)])));
    t.assert.strictEqual(misrouted(cluster) - before, 0);
  });
});

describe('every node down', () => {
  let cluster: EmbeddedCluster;
  before(async () => {
    cluster = await startCluster({ nodes: 2, partitions: 4, workloads: [] });
  });
  after(() => cluster.close());

  test('start: NoConnectionsError listing every host; a lone host’s own error; requireAll', async (t: TestContext) => {
    const none = (await startHarness({ hosts: ['127.0.0.1:1', '127.0.0.1:2'], connectTimeoutMs: 500 }).catch((e: unknown) => e)) as NoConnectionsError;
    t.assert.ok(none instanceof NoConnectionsError);
    t.assert.deepStrictEqual(none.failures.map((f) => f.port), [1, 2]);
    for (const f of none.failures) t.assert.ok(f.error instanceof ConnectionError);
    t.assert.match(none.message, /^could not connect to any of 2 hosts: [^;]*127\.0\.0\.1:1\b[^;]*; [^;]*127\.0\.0\.1:2\b/);
    t.assert.doesNotMatch(none.message, /127\.0\.0\.1:\d \(/, 'a host is not named again before its own error');
    const lone = await startHarness({ hosts: ['127.0.0.1:1'] }).catch((e: unknown) => e);
    t.assert.ok(lone instanceof ConnectionError && !(lone instanceof NoConnectionsError));
    const partial = (await startHarness({ hosts: [cluster.addresses[0]!, '127.0.0.1:1'], requireAll: true }).catch((e: unknown) => e)) as NoConnectionsError;
    t.assert.ok(partial instanceof NoConnectionsError);
    t.assert.match(partial.message, /requireAll: 1 of 2 hosts could not be reached: cannot connect to 127\.0\.0\.1:1: /);
    const ok = await startHarness({ hosts: [...cluster.addresses, '127.0.0.1:1'], discover: false, reconnect: false });
    t.assert.deepStrictEqual(ok.set.connectResults.map((r) => r.ok), [true, true, false]);
    t.assert.strictEqual(ok.set.reconnecting, false, 'reconnect: false leaves a failed host alone');
    await ok.close();
  });

  test('failFast: calls fail at once; otherwise they wait for a reconnect, or fail at their timeout', async (t: TestContext) => {
    const fast = await startHarness({ hosts: cluster.addresses, failFast: true, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    const slow = await startHarness({ hosts: cluster.addresses, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => fast.close());
    t.after(() => slow.close());
    await Promise.all(cluster.nodes.map((n) => n.stop()));
    await until(() => !fast.set.router.anyOpen && !slow.set.router.anyOpen, 'every connection lost');
    // "At once": before any timer or I/O callback could run, i.e. before the next macrotask.
    const first = await Promise.race([
      fast.call('@Ping').then(
        () => 'answered',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setImmediate(() => resolve('waited'))),
    ]);
    t.assert.ok(first instanceof NoConnectionsError, `failed at once (got ${String(first)})`);

    const timedOut = (await slow.call('@Ping', [], { timeoutMs: 120 }).catch((e: unknown) => e)) as NoConnectionsError;
    t.assert.ok(timedOut instanceof NoConnectionsError);
    t.assert.match(timedOut.message, /no connection came back within 120 ms/);
    t.assert.strictEqual(timedOut.failures.length, 2);
    for (const f of timedOut.failures) t.assert.ok(f.error instanceof Error);

    const waiting = slow.call('@Ping', [], { timeoutMs: 30_000 });
    await sleep(60);
    await cluster.node(1).restart();
    const response = await waiting;
    t.assert.strictEqual(response.status, 1);
    await cluster.node(0).restart();
    await until(() => slow.set.hosts.every((x) => x.connected), 'both reconnected');
  });

  test('whenConnected: immediate, aborted, closed, nothing to wait for', async (t: TestContext) => {
    const h = await startHarness({ hosts: [cluster.addresses[0]!], discover: false, reconnectDelayMs: 10_000 });
    await h.set.whenConnected(0);
    await cluster.node(0).stop();
    await until(() => !h.set.router.anyOpen, 'lost');
    const controller = new AbortController();
    const aborted = h.set.whenConnected(0, controller.signal);
    controller.abort(new Error('stop waiting'));
    await t.assert.rejects(aborted, /stop waiting/);
    await t.assert.rejects(h.set.whenConnected(0, controller.signal), /stop waiting/);
    const pending = h.set.whenConnected(0);
    await h.close();
    await t.assert.rejects(pending, /closed while the call waited/);
    await t.assert.rejects(h.set.whenConnected(0), /client is closed/);
    await cluster.node(0).restart();
    const once = await startHarness({ hosts: [cluster.addresses[0]!], discover: false, reconnect: false });
    await cluster.node(0).stop();
    await until(() => !once.set.router.anyOpen, 'lost');
    await t.assert.rejects(once.set.whenConnected(1000), /no connection is open/);
    await once.close();
    await cluster.node(0).restart();
  });
});

describe('dead-peer detection', () => {
  let cluster: EmbeddedCluster;
  before(async () => {
    cluster = await startCluster({ nodes: 1, partitions: 2, workloads: [] });
  });
  after(() => cluster.close());

  test('a node that stops answering pings is declared dead within connectionTimeoutMs, then reconnected', async (t: TestContext) => {
    const node = cluster.node(0);
    const h = await startHarness({ hosts: [node.address], discover: false, clientAffinity: false, pingIntervalMs: 40, connectionTimeoutMs: 200, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => h.close());
    const connection = h.set.router.connections[0]!;
    // Quiet but healthy: pings are answered, the connection lives well past connectionTimeoutMs
    // (seven pings 40 ms apart span at least 240 ms of silence but for their answers).
    await until(() => h.set.keepalive.pings >= 7, 'seven pings', 10_000);
    t.assert.strictEqual(connection.state, 'open');
    t.assert.strictEqual(h.set.keepalive.deaths, 0);
    node.faults.ignorePings = true;
    const [info] = (await new Promise((resolve) => h.set.once('disconnect', (...args) => resolve(args)))) as [{ error: Error | undefined; reconnecting: boolean }];
    t.assert.ok(info.error instanceof ConnectionError);
    // The verdict comes from the keepalive's own clock: never before connectionTimeoutMs of
    // silence. How soon after (one timer period) is a matter of timers: the keepalive unit
    // tests check it on a stand-in clock, where a loaded machine cannot delay it.
    const silent = /sent no bytes for (\d+) ms \(connectionTimeoutMs 200\): declared dead/.exec(info.error.message);
    t.assert.ok(silent !== null, info.error.message);
    t.assert.ok(Number(silent[1]) >= 200, `declared dead after ${silent[1]} ms of silence`);
    t.assert.strictEqual(info.reconnecting, true);
    t.assert.strictEqual(h.set.keepalive.deaths, 1);
    node.faults.ignorePings = false;
    await until(() => h.set.hosts[0]!.connected, 'reconnected');
    t.assert.strictEqual((await h.call('@Ping')).status, 1);
  });
});

describe('retryOnConnectionLoss', () => {
  let cluster: EmbeddedCluster;
  /** Host ids the slow procedures started on, in order. */
  const runningOn: number[] = [];
  /** Holds the first run of a slow procedure until its node was stopped (no timer decides the race). */
  let hold: { promise: Promise<void>; release: () => void } = gate();
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: [] });
    const slow = async (_p: readonly unknown[], context: { hostId: number }) => {
      runningOn.push(context.hostId);
      if (runningOn.length === 1) await hold.promise;
      return context.hostId;
    };
    cluster.define('SlowRead', { readOnly: true }, slow);
    cluster.define('SlowWrite', {}, slow);
  });
  after(() => {
    hold.release();
    return cluster.close();
  });

  /** Call `procedure`, stop the node running it while it runs, restart it; the call's outcome and that node's host id. */
  async function lose(h: Harness, procedure: string, options?: { retryOnConnectionLoss?: boolean }): Promise<{ outcome: unknown; lost: number }> {
    runningOn.length = 0;
    hold = gate();
    const call = h.call(procedure, [], options).then(
      (r) => r.tables[0]!.get(0, 0),
      (e: unknown) => e,
    );
    await until(() => runningOn.length > 0, `${procedure} running`);
    // Multi-partition calls go to any node (by weight): stop the one that received it.
    const lost = runningOn[0]!;
    await cluster.node(lost).stop();
    hold.release();
    const outcome = await call;
    await cluster.node(lost).restart();
    await until(() => h.set.hosts.every((x) => x.connected), `host ${lost} back`, 10_000);
    return { outcome, lost };
  }

  test('never by default: the lost call rejects with ConnectionLostError (sent)', async (t: TestContext) => {
    const h = await startHarness({ hosts: cluster.addresses, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => h.close());
    const error = (await lose(h, 'SlowRead')).outcome as ConnectionLostError;
    t.assert.ok(error instanceof ConnectionLostError);
    t.assert.strictEqual(error.sent, true);
    t.assert.strictEqual(h.retry.retries, 0);
  });

  test('read-only procedures with the client option, others per call; retried on another host', async (t: TestContext) => {
    const h = await startHarness({ hosts: cluster.addresses, retryOnConnectionLoss: true, reconnectDelayMs: 20, maxReconnectDelayMs: 20 });
    t.after(() => h.close());
    const { outcome: host, lost } = await lose(h, 'SlowRead');
    t.assert.ok(typeof host === 'bigint' && host !== BigInt(lost), `retried elsewhere: ran on ${String(host)}, lost on ${lost}`);
    t.assert.strictEqual(h.retry.retries, 1);
    t.assert.ok((await lose(h, 'SlowWrite')).outcome instanceof ConnectionLostError, 'not read-only, not named: not retried');
    t.assert.ok(typeof (await lose(h, 'SlowWrite', { retryOnConnectionLoss: true })).outcome === 'bigint', 'per call');
    t.assert.ok((await lose(h, 'SlowRead', { retryOnConnectionLoss: false })).outcome instanceof ConnectionLostError, 'per call off');
    t.assert.strictEqual(h.retry.retries, 2);
  });
});
