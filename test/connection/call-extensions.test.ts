/**
 * The `priority` and `partition` call options: REQUEST_PRIORITY, ALL_PARTITION +
 * PARTITION_DESTINATION on the wire (read back from the wire dump), a directed call routed to
 * its partition's leader, and bad values refused before anything is sent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { Connection } from '../../src/connection/connection.js';
import { readWireDump } from '../../src/connection/wire-dump.js';
import { ParameterError } from '../../src/errors.js';
import { decodeInvocation, type DecodedInvocation } from '../../src/protocol/invocation-reader.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';

const misrouted = (cluster: EmbeddedCluster): number => cluster.stats().reduce((sum, s) => sum + s.misroutedCalls, 0);
const callsPerNode = (cluster: EmbeddedCluster): number[] => cluster.stats().map((s) => s.calls);
const first = (res: { tables: { get(row: number, column: number): unknown }[] }): number => Number(res.tables[0]!.get(0, 0));

/** Every invocation the dump recorded as sent (the login excluded). */
function sentInvocations(path: string): DecodedInvocation[] {
  const dump = readWireDump(readFileSync(path));
  return dump.records.filter((r) => r.kind === 'sent' && !r.masked).map((r) => decodeInvocation(r.payload));
}

describe('priority and partition call options (3 nodes, 8 partitions)', () => {
  let cluster: EmbeddedCluster;
  let dir: string;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['voter'] });
    // An INTEGER partitioning parameter: a directed call runs at its destination whatever the value
    // (the server passes the partition's key instead, as a real one does; see the client docs).
    cluster.define('Which', { partitionParameter: 0, parameterTypes: ['INTEGER'] }, (_params, context) => context.partition);
    dir = mkdtempSync(join(tmpdir(), 'voltwire-extensions-'));
  });
  after(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('partition: 5 runs on partition 5 and arrives at its leader; every partition likewise', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [cluster.addresses[0]!] });
    try {
      t.assert.strictEqual(client.connections.length, 3, 'every node discovered');
      const key = 1; // hashes to some partition; the destination overrides it
      const hashed = first(await client.call('Which', [key]));
      const misroutedBefore = misrouted(cluster);
      const before = callsPerNode(cluster);
      t.assert.strictEqual(first(await client.call('Which', [key], { partition: 5 })), 5);
      const after = callsPerNode(cluster);
      const leader = cluster.leaderOf(5);
      t.assert.deepStrictEqual(
        after.map((n, i) => n - before[i]!),
        [0, 1, 2].map((id) => (id === leader ? 1 : 0)),
        `the call went to host ${leader}, the leader of partition 5`,
      );
      for (let partition = 0; partition < 8; partition++) {
        t.assert.strictEqual(first(await client.call('Which', [key], { partition })), partition);
        // Through a procedure handle and with a priority too.
        t.assert.strictEqual(first(await client.procedure('Which', ['INTEGER']).call([key], { partition, priority: 2 })), partition);
      }
      t.assert.strictEqual(misrouted(cluster) - misroutedBefore, 0, 'no directed call reached a node that does not lead its partition');
      // Without the option, the key decides again.
      t.assert.strictEqual(first(await client.call('Which', [key])), hashed);
      // A partition the cluster does not have is the server's to refuse.
      await t.assert.rejects(client.call('Which', [key], { partition: 100 }), /Invalid partition 100/);
    } finally {
      await client.close();
    }
  });

  test('priority and partition are on the wire; the client default priority applies unless a call overrides it', async (t: TestContext) => {
    const dumpFile = join(dir, 'extensions.dump');
    const client = await Client.connect({ hosts: cluster.addresses, priority: 6, dumpFile, pingIntervalMs: 0 });
    t.assert.strictEqual(client.options.priority, 6);
    await client.call('Which', [1n]);
    await client.call('Which', [2n], { priority: 1 });
    await client.call('Which', [3n], { partition: 4, priority: 8 });
    await client.query('SELECT COUNT(*) FROM votes', [], { priority: 3 });
    await client.close();
    const mine = sentInvocations(dumpFile).filter((i) => i.procedure === 'Which' || i.procedure === '@AdHoc');
    t.assert.deepStrictEqual(
      mine.map((i) => [i.procedure, i.version, i.params[0], i.extensions.priority, i.extensions.allPartition, i.extensions.partitionDestination]),
      [
        ['Which', 2, 1n, 6, false, null],
        ['Which', 2, 2n, 1, false, null],
        ['Which', 2, 3n, 8, true, 4],
        ['@AdHoc', 2, 'SELECT COUNT(*) FROM votes', 3, false, null],
      ],
    );
    // The client's own calls (topology bootstrap, discovery) keep the server's default.
    const own = sentInvocations(dumpFile).filter((i) => i.procedure.startsWith('@') && i.procedure !== '@AdHoc');
    t.assert.ok(own.length >= 3, own.map((i) => i.procedure).join(', '));
    t.assert.ok(own.every((i) => i.version === 0 && i.extensions.priority === null));
  });

  test('without priority or partition the invocation stays version 0', async (t: TestContext) => {
    const dumpFile = join(dir, 'plain.dump');
    const client = await Client.connect({ hosts: [cluster.addresses[0]!], dumpFile, discover: false, pingIntervalMs: 0 });
    await client.call('Which', [1n]);
    await client.close();
    const which = sentInvocations(dumpFile).filter((i) => i.procedure === 'Which');
    t.assert.deepStrictEqual(
      which.map((i) => [i.version, i.extensions.priority, i.extensions.partitionDestination]),
      [[0, null, null]],
    );
  });

  test('a bad priority or partition is refused with ParameterError before any byte is sent', async (t: TestContext) => {
    const client = await Client.connect({ hosts: cluster.addresses });
    try {
      const before = callsPerNode(cluster);
      const bytesOut = client.connections.map((c) => c.bytesOut);
      for (const priority of [0, 9, -1, 1.5, NaN, '3', 2n, null]) {
        await t.assert.rejects(client.call('Which', [1n], { priority: priority as number }), (e: unknown) => {
          t.assert.ok(e instanceof ParameterError);
          t.assert.match(e.message, /^Which: priority .+ must be an integer from 1 \(highest\) to 8 \(lowest\); the call was not sent$/);
          return true;
        });
      }
      await t.assert.rejects(client.call('Which', [1n], { priority: 9 }), { message: /priority 9 must be/ });
      await t.assert.rejects(client.call('Which', [1n], { priority: '3' as unknown as number }), { message: /priority "3" must be/ });
      for (const partition of [-1, 16383, 2.5, Infinity, '5', 5n]) {
        await t.assert.rejects(client.call('Which', [1n], { partition: partition as number }), (e: unknown) => {
          t.assert.ok(e instanceof ParameterError);
          t.assert.match(e.message, /^Which: partition .+ must be a partition id, an integer from 0 to 16382; the call was not sent$/);
          return true;
        });
      }
      await t.assert.rejects(client.query('SELECT 1', [], { partition: -1 }), { message: /^@AdHoc: partition -1 must be/ });
      await t.assert.rejects(client.procedure('Which', ['BIGINT']).call([1n], { priority: 0 }), ParameterError);
      const settled = await client.callMany([{ procedure: 'Which', params: [1n], options: { partition: 16383 } }]);
      t.assert.strictEqual(settled.failed, 1);
      t.assert.deepStrictEqual(callsPerNode(cluster), before, 'the server saw none of them');
      t.assert.deepStrictEqual(client.connections.map((c) => c.bytesOut), bytesOut, 'not a byte was written');
      t.assert.ok(client.stats().procedures['Which']!.errors['PARAMETER']! >= 14);
      t.assert.strictEqual(client.pending, 0);
    } finally {
      await client.close();
    }
  });

  test('the client option priority is checked at connect', async (t: TestContext) => {
    for (const priority of [0, 9, 2.5]) {
      await t.assert.rejects(Client.connect({ hosts: cluster.addresses, priority }), { name: 'InvalidArgumentError', code: 'ERR_VOLT_INVALID_ARGUMENT', message: /priority must be an integer from 1 \(highest\) to 8 \(lowest\), got/ });
    }
  });

  test('Connection.call takes priority and partition too', async (t: TestContext) => {
    const node = cluster.node(cluster.leaderOf(3));
    const connection = await Connection.connect({ host: '127.0.0.1', port: node.port });
    try {
      const misroutedBefore = misrouted(cluster);
      t.assert.strictEqual(first(await connection.call('Which', [1n], { partition: 3, priority: 4 })), 3);
      t.assert.strictEqual(misrouted(cluster) - misroutedBefore, 0);
      await t.assert.rejects(connection.call('Which', [1n], { priority: 0 }), /Which: priority 0 must be an integer from 1/);
      await t.assert.rejects(connection.call('Which', [1n], { partition: 16383 }), /Which: partition 16383 must be a partition id/);
      t.assert.strictEqual(connection.tracker.stats.snapshot(false).errors['PARAMETER'], 2);
    } finally {
      await connection.close();
    }
  });
});
