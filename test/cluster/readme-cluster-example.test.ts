/**
 * The example of docs/clusters.md, run as written (imports made relative, console captured),
 * so it stays true.
 */
import { test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { startCluster } from '../../src/server/index.js';

test('README: the Clusters example', async (t: TestContext) => {
  const lines: unknown[][] = [];
  const console = { log: (...v: unknown[]) => lines.push(v), warn: (...v: unknown[]) => lines.push(v), info: (...v: unknown[]) => lines.push(v), error: (...v: unknown[]) => lines.push(['error', ...v]) };

  // --- README example ---
  const cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['voter'] });
  cluster.define('CountVotes', { partitionParameter: 0, parameterTypes: ['BIGINT'], readOnly: true }, (_params, context) =>
    context.sql('SELECT COUNT(*) FROM VOTES'),
  );
  const [db1, db2] = cluster.nodes;
  const client = await Client.connect({
    // db2 takes 3 of every 4 calls that have no partition; the backup (down here) only if both are down
    hosts: [db1!.address, { host: db2!.host, port: db2!.port, weight: 3 }, { host: '127.0.0.1', port: 1, backup: true }],
    // everything below is optional; these are the defaults
    discover: true, // also connect to nodes the cluster names that are not listed
    clientAffinity: true, // route single-partition calls to their partition's leader
    requireAll: false, // resolve once one host is connected
    connectTimeoutMs: 10_000,
    reconnectDelayMs: 1_000, // 1 s, 2 s, 4 s … (jitter takes up to 20 % off)
    maxReconnectDelayMs: 90_000,
    pingIntervalMs: 10_000, // @Ping a connection that received nothing for this long
    connectionTimeoutMs: 30_000, // and destroy + reconnect one silent for this long
    failFast: false, // with no connection, calls wait for one (up to their timeout)
  });
  // db1 and db2 ok, the backup failed (retried in the background), the third node ok and discovered:
  console.log(client.connectResults.map((r) => `${r.host}:${r.port} ${r.ok ? 'ok' : r.error.message}${r.discovered ? ' (discovered)' : ''}`));

  client.on('disconnect', ({ host, port, error }) => console.warn(`${host}:${port} lost: ${error?.message}`));
  client.on('reconnect', ({ host, port, attempt, delayMs }) => console.info(`${host}:${port}: attempt ${attempt} in ${delayMs} ms`));

  await client.call('Initialize', [6, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman']);
  const misroutedBefore = cluster.stats().reduce((sum, s) => sum + s.misroutedCalls, 0);
  for (let phone = 5550000000n; phone < 5550001000n; phone++) await client.call('Vote', [phone, 1, 10n]); // each to its leader
  const misrouted = cluster.stats().reduce((sum, s) => sum + s.misroutedCalls, 0) - misroutedBefore;

  // Run a single-partition procedure once on every partition: one settled result per partition.
  for (const r of await client.callAllPartitions('CountVotes')) {
    if (r.ok) console.log(r.partition, r.response.tables[0]!.get(0, 0));
    else console.error(r.partition, r.error);
  }
  await client.close();
  await cluster.close();
  // --- end ---

  const results = lines[0]![0] as string[];
  t.assert.strictEqual(results.length, 4);
  t.assert.match(results[0]!, / ok$/);
  t.assert.match(results[1]!, / ok$/);
  t.assert.match(results[2]!, /^127\.0\.0\.1:1 .*ECONNREFUSED/);
  t.assert.match(results[3]!, / ok \(discovered\)$/);
  t.assert.strictEqual(misrouted, 0);
  const counts = lines.slice(1).filter((l) => typeof l[0] === 'number');
  t.assert.deepStrictEqual(counts.map((l) => l[0]), [0, 1, 2, 3, 4, 5, 6, 7]);
  t.assert.strictEqual(counts.reduce((sum, l) => sum + Number(l[1]), 0), 1000, 'every vote counted once, in its partition');
  t.assert.ok(!lines.some((l) => l[0] === 'error'));
});
