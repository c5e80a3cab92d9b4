import diagnosticsChannel from 'node:diagnostics_channel';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { CHANNEL, type CallMessage, type ConnectionMessage } from '../../src/calls/diagnostics.js';
import { formatWireDump } from '../../src/connection/wire-dump-format.js';
import { ClientClosedError, ConnectionLostError, NoConnectionsError, ParameterError, ProcedureError } from '../../src/errors.js';
import { STATUS } from '../../src/protocol/constants.js';
import { FakeServer } from '../helpers/fake-server.js';

function value(res: { tables: { get(row: number, column: number): unknown }[] }): unknown {
  return res.tables[0]!.get(0, 0);
}

describe('Client basics (fake server)', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start({ connectionId: 2n });
  });
  after(() => server.close());

  test('connect, serverInfo, ping, call, close', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    t.assert.strictEqual(client.serverInfo.buildString, 'fake-server');
    t.assert.strictEqual(client.serverInfo.hostId, 3);
    t.assert.strictEqual(client.serverInfo.connectionId, 2n);
    t.assert.strictEqual(client.serverInfo.leaderAddress, '127.0.0.1');
    t.assert.strictEqual(client.serverInfo.clusterStart.getTime(), 1_700_000_000_000);
    t.assert.deepStrictEqual(client.connectResults, [{ host: '127.0.0.1', port: server.port, ok: true }]);
    const ms = await client.ping();
    t.assert.ok(ms >= 0 && ms < 5000);
    const res = await client.call('Echo', [42n]);
    t.assert.strictEqual(res.status, STATUS.SUCCESS);
    t.assert.strictEqual(value(res), 42n);
    await client.close();
    await client.close(); // idempotent
    await t.assert.rejects(client.call('Echo', [1]), ClientClosedError);
  });

  test('thousands of pipelined calls: every result goes to its caller; handles increase, skip the connection id, never repeat', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], clientAffinity: false, discover: false });
    const start = server.invocations.length;
    const n = 5000;
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) calls.push(client.call('Echo', [BigInt(i) * 3n]).then(value));
    const values = await Promise.all(calls);
    values.forEach((v, i) => t.assert.strictEqual(v, BigInt(i) * 3n));
    const handles = server.invocations.slice(start).map((x) => x.handle);
    t.assert.strictEqual(handles.length, n);
    for (let i = 1; i < handles.length; i++) t.assert.ok(handles[i]! > handles[i - 1]!, 'strictly increasing');
    t.assert.ok(!handles.includes(2n), 'the server connection id (2) is never used as a handle');
    t.assert.strictEqual(handles[0], 1n);
    t.assert.strictEqual(handles[1], 3n);
    const connection = client.connections[0]!;
    t.assert.ok(connection.writeStats.flushes < n / 10, `calls were batched (${connection.writeStats.flushes} flushes)`);
    t.assert.strictEqual(connection.outstanding, 0);
    await client.close();
  });

  test('non-SUCCESS rejects with ProcedureError carrying status, strings, app status and the response', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    const error = await client.call('Fail').then(
      () => t.assert.fail('should reject'),
      (e: unknown) => e as ProcedureError,
    );
    t.assert.ok(error instanceof ProcedureError);
    t.assert.strictEqual(error.status, STATUS.GRACEFUL_FAILURE);
    t.assert.strictEqual(error.statusString, 'constraint violated');
    t.assert.strictEqual(error.appStatus, 7);
    t.assert.strictEqual(error.appStatusString, 'app said no');
    t.assert.strictEqual(error.procedure, 'Fail');
    t.assert.match(error.message, /Fail failed with GRACEFUL_FAILURE \(-2\): constraint violated/);
    t.assert.strictEqual((error.response as { status: number }).status, STATUS.GRACEFUL_FAILURE);
    const missing = (await client.call('Nope').catch((e: unknown) => e)) as ProcedureError;
    t.assert.strictEqual(missing.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.match(missing.message, /Procedure Nope was not found/);
    const stats = client.stats();
    t.assert.strictEqual(stats.errors['GRACEFUL_FAILURE'], 1);
    t.assert.strictEqual(stats.errors['UNEXPECTED_FAILURE'], 1);
    t.assert.strictEqual(stats.procedures['Fail']!.latencyMs.count, 1, 'answered failures have a latency');
    await client.close();
  });

  test('procedure handles check declared types before sending; a refused call loses nothing else', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    const echo = client.procedure('Echo', ['TINYINT']);
    const before = server.invocations.length;
    await t.assert.rejects(echo.call([1, 2]), (e: unknown) => e instanceof ParameterError && /Echo takes 1 parameter \(TINYINT\), got 2/.test(e.message));
    const bad = echo.call([300]);
    const good1 = client.call('Echo', [1n]);
    const good2 = echo.call([5]);
    await t.assert.rejects(bad, (e: unknown) => e instanceof ParameterError && /300/.test(e.message));
    t.assert.strictEqual(value(await good1), 1n);
    t.assert.strictEqual(value(await good2), 5n);
    t.assert.strictEqual(server.invocations.length - before, 2, 'the refused calls were never sent');
    t.assert.throws(() => client.procedure('Echo', ['BIGNUM' as 'BIGINT']), /not a VoltDB type name/);
    t.assert.throws(() => client.procedure(''), ParameterError);
    t.assert.doesNotThrow(() => client.procedure('X', ['STRING[]', 'DECIMAL_STRING', 'VARBINARY']));
    await t.assert.rejects(client.call('', []), ParameterError);
    await t.assert.rejects(client.call('Echo', 5 as unknown as unknown[]), ParameterError);
    await t.assert.rejects(client.query('  '), ParameterError);
    t.assert.strictEqual(client.stats().errors['PARAMETER'], 5);
    await client.close();
  });

  test('query goes through @AdHoc with the SQL first; queryTimeoutMs goes into the invocation', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], queryTimeoutMs: 1500 });
    const before = server.invocations.length;
    await t.assert.rejects(client.query('SELECT * FROM votes WHERE phone_number = ?', [5551234567n]), ProcedureError);
    await client.call('Echo', [1n], { queryTimeoutMs: 250 });
    const seen = server.invocations.slice(before);
    t.assert.strictEqual(seen[0]!.procedure, '@AdHoc');
    t.assert.deepStrictEqual(seen[0]!.params, ['SELECT * FROM votes WHERE phone_number = ?', 5551234567n]);
    t.assert.strictEqual(seen[0]!.batchTimeoutMs, 1500);
    t.assert.strictEqual(seen[1]!.batchTimeoutMs, 250);
    await client.close();
  });

  test('callMany: one entry per call, in order, never rejects', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    const result = await client.callMany([
      { procedure: 'Echo', params: [1n] },
      { procedure: 'Fail' },
      { procedure: 'Echo', params: [300], types: ['TINYINT'] },
      { procedure: 'Echo', params: ['x'] },
    ]);
    t.assert.strictEqual(result.succeeded, 2);
    t.assert.strictEqual(result.failed, 2);
    t.assert.deepStrictEqual(result.results.map((r) => r.ok), [true, false, false, true]);
    const [first, second, third] = result.results;
    t.assert.ok(first!.ok && value(first.response) === 1n);
    t.assert.ok(!second!.ok && second.error instanceof ProcedureError);
    t.assert.ok(!third!.ok && third.error instanceof ParameterError);
    await client.close();
  });

  test('callMany waits for drain at the hard limit instead of failing calls', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], queue: { warn: 4, resume: 1, hard: 5 } });
    const result = await client.callMany(Array.from({ length: 23 }, (_, i) => ({ procedure: 'Sleep', params: [5, BigInt(i)] })));
    t.assert.strictEqual(result.succeeded, 23);
    t.assert.deepStrictEqual(
      result.results.map((r) => (r.ok ? value(r.response) : r.error)),
      Array.from({ length: 23 }, (_, i) => BigInt(i)),
    );
    await client.close();
  });

  test('destroy fails the calls in flight with ConnectionLostError and closes', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    const pending = client.call('Sleep', [200, 1n]);
    await new Promise((r) => setTimeout(r, 20));
    await client.destroy(new Error('shutting down'));
    const error = (await pending.catch((e: unknown) => e)) as ConnectionLostError;
    t.assert.ok(error instanceof ConnectionLostError);
    t.assert.ok(error.sent);
    t.assert.strictEqual(client.connections.length, 0);
  });

  test('stats: per-procedure counts, bytes, reset', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    const echo = client.procedure('Echo');
    for (let i = 0; i < 10; i++) await echo.call([BigInt(i)]);
    await client.ping();
    const s = client.stats({ reset: true });
    t.assert.strictEqual(s.procedures['Echo']!.calls, 10);
    t.assert.strictEqual(s.procedures['Echo']!.succeeded, 10);
    t.assert.strictEqual(s.procedures['@Ping']!.calls, 1);
    t.assert.strictEqual(s.calls, 11);
    t.assert.ok(s.bytesOut > 10 * 20 && s.bytesIn > 10 * 20);
    t.assert.ok(s.latencyMs.p50 > 0 && s.latencyMs.p99 >= s.latencyMs.p50);
    t.assert.strictEqual(client.stats().calls, 0);
    await client.close();
  });

  test('diagnostics channels: call start/end share one message; connection open/close', async (t: TestContext) => {
    const starts: CallMessage[] = [];
    const ends: CallMessage[] = [];
    const opens: ConnectionMessage[] = [];
    const closes: ConnectionMessage[] = [];
    const onStart = (m: unknown): void => void starts.push(m as CallMessage);
    const onEnd = (m: unknown): void => void ends.push(m as CallMessage);
    const onOpen = (m: unknown): void => void opens.push(m as ConnectionMessage);
    const onClose = (m: unknown): void => void closes.push(m as ConnectionMessage);
    diagnosticsChannel.subscribe(CHANNEL.CALL_START, onStart);
    diagnosticsChannel.subscribe(CHANNEL.CALL_END, onEnd);
    diagnosticsChannel.subscribe(CHANNEL.CONNECTION_OPEN, onOpen);
    diagnosticsChannel.subscribe(CHANNEL.CONNECTION_CLOSE, onClose);
    try {
      const client = await Client.connect({ hosts: [server.address], clientAffinity: false, discover: false });
      await client.call('Echo', [9n]);
      await client.call('Fail').catch(() => undefined);
      await client.close();
      t.assert.strictEqual(starts.length, 2);
      t.assert.strictEqual(ends[0], starts[0], 'the same object, completed');
      t.assert.strictEqual(ends[0]!.procedure, 'Echo');
      t.assert.strictEqual(ends[0]!.sent, true);
      t.assert.strictEqual(typeof ends[0]!.handle, 'bigint');
      t.assert.ok(ends[0]!.durationMs >= 0);
      t.assert.ok(ends[0]!.response !== undefined);
      t.assert.ok(ends[1]!.error instanceof ProcedureError);
      t.assert.strictEqual(opens.length, 1);
      t.assert.strictEqual(opens[0]!.port, server.port);
      t.assert.strictEqual(opens[0]!.connectionId, 2n);
      t.assert.strictEqual(closes.length, 1);
      t.assert.strictEqual(closes[0]!.error, undefined, 'closed on purpose');
    } finally {
      diagnosticsChannel.unsubscribe(CHANNEL.CALL_START, onStart);
      diagnosticsChannel.unsubscribe(CHANNEL.CALL_END, onEnd);
      diagnosticsChannel.unsubscribe(CHANNEL.CONNECTION_OPEN, onOpen);
      diagnosticsChannel.unsubscribe(CHANNEL.CONNECTION_CLOSE, onClose);
    }
  });

  test('close drains calls in flight; asyncDispose does the same', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address] });
    const slow = [client.call('Sleep', [80, 1n]), client.call('Sleep', [40, 2n])];
    const closed = client.close();
    await t.assert.rejects(client.call('Echo', [3n]), ClientClosedError);
    t.assert.deepStrictEqual((await Promise.all(slow)).map(value), [1n, 2n]);
    await closed;
    t.assert.strictEqual(client.connections.length, 0);
    {
      await using disposable = await Client.connect({ hosts: [server.address] });
      void disposable.call('Sleep', [30, 4n]).then((r) => t.assert.strictEqual(value(r), 4n));
    }
  });

  test('several hosts: round-robin; an unreachable host is reported; none reachable → NoConnectionsError', async (t: TestContext) => {
    const second = await FakeServer.start();
    try {
      const client = await Client.connect({ hosts: [server.address, second.address, '127.0.0.1:1'], connectTimeoutMs: 2000, clientAffinity: false, discover: false, reconnect: false });
      t.assert.deepStrictEqual(client.connectResults.map((r) => r.ok), [true, true, false]);
      const a = server.invocations.length;
      const b = second.invocations.length;
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.call('Echo', [BigInt(i)])));
      t.assert.strictEqual(server.invocations.length - a, 10);
      t.assert.strictEqual(second.invocations.length - b, 10);
      const gone = once(client, 'disconnect');
      second.dropConnections();
      const [info] = (await gone) as [{ port: number; error: Error | undefined }];
      t.assert.strictEqual(info.port, second.port);
      t.assert.ok(info.error !== undefined);
      t.assert.strictEqual(value(await client.call('Echo', [1n])), 1n);
      server.dropConnections();
      await once(client, 'disconnect');
      await t.assert.rejects(client.call('Echo', [1n]), NoConnectionsError);
      await client.close();
      await t.assert.rejects(
        Client.connect({ hosts: ['127.0.0.1:1', '127.0.0.1:2'] }),
        (e: unknown) => e instanceof NoConnectionsError && e.failures.length === 2,
      );
    } finally {
      await second.close();
    }
  });

  test('wire dump: every frame both ways, password hash masked, readable', async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'voltwire-'));
    try {
      const path = join(dir, 'wire.dump');
      const client = await Client.connect({ hosts: [server.address], username: 'u', password: 'secret', dumpFile: path, clientAffinity: false, discover: false });
      await client.call('Echo', [5551234567n]);
      await client.call('Fail').catch(() => undefined);
      await client.close();
      const bytes = readFileSync(path);
      const text = formatWireDump(bytes);
      const lines = text.split('\n');
      t.assert.match(lines[0]!, /#0 \+ open 127\.0\.0\.1:\d+$/);
      t.assert.match(lines[1]!, /#0 > \d+ B login v1 SHA-256 service "database" user "u" digest masked \(32 bytes\)/);
      t.assert.match(lines[2]!, /#0 < \d+ B login ok: host 3, connection 2/);
      t.assert.match(lines[3]!, /> \d+ B call Echo handle 1 \(v0\) \[BIGINT 5551234567n\]/);
      t.assert.match(lines[4]!, /< \d+ B response handle 1 SUCCESS, 1 table/);
      t.assert.match(lines[6]!, /response handle 3 GRACEFUL_FAILURE "constraint violated", app status 7/);
      t.assert.match(lines[7]!, /#0 - close$/);
      t.assert.ok(!bytes.includes(Buffer.from('736563726574', 'hex')), 'no password');
      const { createHash } = await import('node:crypto');
      t.assert.ok(!bytes.includes(createHash('sha256').update('secret').digest()), 'no password hash');
      t.assert.match(formatWireDump(bytes, { hex: true }), /000000 {2}00 00 00/);
      t.assert.strictEqual(formatWireDump(bytes, { connection: 5 }), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
