/**
 * `maxFrameBytes` and the client's own calls: a limit below the 131,404-byte TOPO answer keeps
 * client affinity working; an answer over the limit fails only its call with a `ProtocolError`
 * (read past when it is within the client's own allowance, so the connection stays); beyond that
 * the connection ends, and `retryOnConnectionLoss` does not resend the call whose answer was too
 * large (it would get the same answer, and end another connection).
 */
import { describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { ConnectionLostError, ProtocolError } from '../../src/errors.js';
import { INTERNAL_FRAME_ALLOWANCE, refusedFrameOwner } from '../../src/connection/frame-limit.js';
import { startCluster, startServer } from '../../src/server/index.js';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('the call succeeded'),
    (error: unknown) => error,
  );
}

describe('maxFrameBytes', () => {
  test('below the 131,404-byte TOPO answer, the client still discovers the cluster and routes every call to its leader', async (t: TestContext) => {
    const cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['kv'] });
    t.after(() => cluster.close());
    const client = await Client.connect({ hosts: [cluster.addresses[0]!], maxFrameBytes: 64 * 1024, decode: { workers: 0 } });
    t.after(() => client.close());
    t.assert.strictEqual(client.connections.length, 3, 'the other nodes were discovered');
    const before = cluster.stats().map((s) => s.misroutedCalls);
    for (let i = 0; i < 200; i++) await client.call('Put', [`key${i}`, Uint8Array.of(i & 0xff)]);
    t.assert.deepStrictEqual(
      cluster.stats().map((s, i) => s.misroutedCalls - before[i]!),
      [0, 0, 0],
      'no call was mis-routed',
    );
    // The application's own TOPO call is the application's: over its limit, refused, and the connection stays.
    const logins = cluster.stats().reduce((sum, s) => sum + s.logins, 0);
    const error = await failure(client.call('@Statistics', ['TOPO', 0]));
    t.assert.ok(error instanceof ProtocolError, String(error));
    t.assert.match(error.message, /response to @Statistics: frame length 13\d{4} exceeds the 65536-byte limit \(maxFrameBytes\)/);
    await client.call('@Ping');
    t.assert.strictEqual(cluster.stats().reduce((sum, s) => sum + s.logins, 0), logins, 'no connection was lost');
  });

  test('an answer over the limit but within the client’s own allowance fails its call alone; the connection stays', async (t: TestContext) => {
    const server = await startServer({ workloads: [] });
    t.after(() => server.close());
    server.define('Big', { readOnly: true }, () => ({ columns: [{ name: 'S', type: 'VARCHAR' }], rows: [['x'.repeat(400_000)]] }));
    const client = await Client.connect({ hosts: [server.address], maxFrameBytes: 256 * 1024, retryOnConnectionLoss: true, decode: { workers: 0 } });
    t.after(() => client.close());
    const [error, ping] = await Promise.all([failure(client.call('Big')), client.call('@Ping')]);
    t.assert.ok(error instanceof ProtocolError, String(error));
    t.assert.match(error.message, /response to Big: frame length 4000\d\d exceeds the 262144-byte limit \(maxFrameBytes\)/);
    t.assert.strictEqual(ping.status, 1);
    t.assert.strictEqual(server.stats().logins, 1, 'still the first connection');
  });

  test('beyond the allowance the connection ends: the call whose answer it was gets the ProtocolError and is not resent', async (t: TestContext) => {
    const server = await startServer({ workloads: [] });
    t.after(() => server.close());
    let runs = 0;
    const row = 'y'.repeat(600_000);
    server.define('Giant', { readOnly: true }, () => {
      runs++;
      return { columns: [{ name: 'S', type: 'VARCHAR' }], rows: [[row], [row]] };
    });
    const client = await Client.connect({
      hosts: [server.address],
      maxFrameBytes: 256 * 1024,
      retryOnConnectionLoss: { readOnly: true, attempts: 5 },
      reconnectDelayMs: 10,
      maxReconnectDelayMs: 20,
      decode: { workers: 0 },
    });
    t.after(() => client.close());
    const error = await failure(client.call('Giant'));
    t.assert.ok(error instanceof ProtocolError && !(error instanceof ConnectionLostError), String(error));
    t.assert.match((error as Error).message, /response to Giant: frame length 12000\d\d exceeds the 262144-byte limit \(maxFrameBytes\)/);
    t.assert.strictEqual(runs, 1, 'the call was not resent');
    // The client reconnects as after any loss (a call sent meanwhile may find the connection going: it is safe to resend).
    t.assert.strictEqual((await client.call('@Ping', [], { retryOnConnectionLoss: true })).status, 1);
  });

  test('whose answer a refused frame was: read from the client handle after the prefix, when the chunk held it', (t: TestContext) => {
    const call = { procedure: 'P' } as never;
    const calls = new Map([[7, call]]);
    const head = Buffer.alloc(13);
    head.writeInt32BE(INTERNAL_FRAME_ALLOWANCE + 1, 0);
    head.writeBigInt64BE(7n, 5);
    t.assert.strictEqual(refusedFrameOwner(head, calls), call);
    t.assert.strictEqual(refusedFrameOwner(head.subarray(0, 12), calls), undefined, 'the handle was cut off');
    t.assert.strictEqual(refusedFrameOwner(null, calls), undefined);
    head[4] = 9; // not a response version: garbage, nobody's
    t.assert.strictEqual(refusedFrameOwner(head, calls), undefined);
    head[4] = 0;
    head.writeBigInt64BE(8n, 5);
    t.assert.strictEqual(refusedFrameOwner(head, calls), undefined, 'no call waits for handle 8');
  });
});
