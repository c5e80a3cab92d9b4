/**
 * The "Client" examples of docs/client.md, run as written (imports made relative), so they stay true.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { formatWireDump } from '../../src/connection/wire-dump-format.js';
import { BackpressureError, CallTimeoutError, ProcedureError } from '../../src/errors.js';
import { startServer } from '../../src/server/index.js';

test('README: quick start, procedure handles, query, callMany, ping, stats, close', async (t: TestContext) => {
  const logs: unknown[] = [];
  const log = (...values: unknown[]): void => void logs.push(values);

  // --- README example 1 ---
  const server = await startServer({ workloads: ['voter'], users: [{ username: 'admin', password: 'secret' }] });
  const client = await Client.connect({ hosts: [server.address], username: 'admin', password: 'secret' });
  log(client.serverInfo.buildString, client.serverInfo.hostId);

  await client.call('Initialize', [6, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman']);
  const res = await client.call('Vote', [5551234567n, 3, 10n], { timeoutMs: 5000 });
  log(res.status, res.tables[0]!.get(0, 0)); // 1 0n  (SUCCESS, vote accepted)

  const vote = client.procedure('Vote', ['BIGINT', 'INTEGER', 'BIGINT']);
  await vote.call([5551234568n, 2, 10n]);

  const rows = await client.query('SELECT phone_number, contestant_number FROM votes WHERE phone_number = ?', [5551234567n]);
  for (const row of rows.tables[0]!.rowObjects()) log(row); // { PHONE_NUMBER: 5551234567n, CONTESTANT_NUMBER: 3 }

  const { succeeded, failed, results } = await client.callMany([
    { procedure: 'Vote', params: [5551234569n, 1, 10n] },
    { procedure: 'NoSuchProcedure' },
  ]);
  log(succeeded, failed); // 1 1
  for (const r of results) if (!r.ok) log(r.procedure, r.error.message);

  log(`ping ${(await client.ping()).toFixed(2)} ms`);
  const stats = client.stats();
  log(stats.procedures['Vote']?.calls, stats.latencyMs.p99);
  await client.close();
  await server.close();
  // --- end ---

  t.assert.strictEqual(succeeded, 1);
  t.assert.strictEqual(failed, 1);
  t.assert.deepStrictEqual(logs[1], [1, 0n]);
  t.assert.deepStrictEqual(logs[2], [{ PHONE_NUMBER: 5551234567n, CONTESTANT_NUMBER: 3 }]);
  t.assert.strictEqual(stats.procedures['Vote']!.calls, 3);
});

test('README: errors, abort, backpressure loop, diagnostics, wire dump', async (t: TestContext) => {
  const server = await startServer({ workloads: ['voter'] });
  const dir = mkdtempSync(join(tmpdir(), 'voltwire-readme-'));
  const seen: string[] = [];
  try {
    // --- README example 2 ---
    const onEnd = (message: unknown): void => {
      const m = message as { procedure: string; durationMs: number; error?: Error };
      seen.push(`${m.procedure} ${m.error === undefined ? 'ok' : m.error.name}`);
    };
    diagnosticsChannel.subscribe('voltwire:call:end', onEnd);
    {
      await using client = await Client.connect({ hosts: [server.address], dumpFile: join(dir, 'wire.dump'), queue: { warn: 800, resume: 200, hard: 1000 } });
      try {
        await client.call('Vote', [1n]); // wrong parameter count: the server answers GRACEFUL_FAILURE
      } catch (error) {
        if (error instanceof ProcedureError) seen.push(`${error.status} ${error.statusString}`);
      }

      const controller = new AbortController();
      const pending = client.call('@Ping', [], { signal: controller.signal });
      controller.abort(new Error('not needed'));
      await pending.catch((error: Error) => seen.push(error.message)); // 'not needed': it was never sent

      await client.call('@Ping', [], { timeoutMs: 1 }).catch((error: unknown) => {
        if (error instanceof CallTimeoutError) seen.push('timed out');
      });

      // A load loop that respects backpressure: never more than `queue.warn` calls pending.
      for (let sent = 0; sent < 5000; sent++) {
        if (client.needsDrain) await once(client, 'drain');
        client.call('Vote', [2015550000n + BigInt(sent), 1, 10n]).catch((error: unknown) => {
          if (error instanceof BackpressureError) seen.push('refused');
        });
      }
    } // `await using`: close() drains the calls still in flight here
    diagnosticsChannel.unsubscribe('voltwire:call:end', onEnd);
    // --- end ---
    const text = formatWireDump(readFileSync(join(dir, 'wire.dump')));
    t.assert.match(text, /login v1 SHA-256/);
    t.assert.ok(seen.some((s) => s.startsWith('-2 ')), seen.slice(0, 5).join('; '));
    t.assert.ok(seen.includes('not needed'));
    t.assert.ok(!seen.includes('refused'), 'the loop never hit the hard limit');
    const counts: Record<string, number> = {};
    for (const s of seen) counts[s] = (counts[s] ?? 0) + 1;
    t.assert.ok((counts['Vote ok'] ?? 0) >= 4000, JSON.stringify(counts));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});
