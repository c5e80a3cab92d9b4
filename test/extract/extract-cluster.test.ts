/**
 * Extraction on a 3-node embedded cluster: with the partition strategy each lane's pages are
 * single-partition calls, so the client sends them to their partition's leader — every node
 * serves its own partitions and no page is mis-routed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../src/client.js';
import { extract } from '../../src/extract/extract.js';
import { startCluster, type EmbeddedCluster } from '../../src/server/index.js';
import { EVENTS_P_PAGE, assertAllIds, checkEventRows, loadPartitionedEvents } from './support.js';

const ROWS = 6000;

describe('extract() on a 3-node cluster', () => {
  let cluster: EmbeddedCluster;
  let client: Client;
  before(async () => {
    cluster = await startCluster({ nodes: 3, partitions: 8, workloads: ['analytics'], rows: ROWS });
    loadPartitionedEvents(cluster.node(0), ROWS);
    client = await Client.connect({ hosts: [cluster.addresses[2]!], timestamps: 'bigint', decode: { workers: 0 } });
  });
  after(async () => {
    await client.close();
    await cluster.close();
  });

  test('partition strategy: every lane runs at its leader, all rows once, zero mis-routed', async () => {
    assert.equal(client.connections.length, 3, 'the other nodes were discovered');
    const before = cluster.stats().map((s) => [s.calls, s.misroutedCalls] as const);
    const rows: unknown[][] = [];
    const partitions = new Set<number | null>();
    for await (const batch of extract(client, { table: 'EVENTS_P', procedure: EVENTS_P_PAGE, by: 'partition', batchRows: 400 })) {
      partitions.add(batch.partition);
      rows.push(...batch.rows());
    }
    assertAllIds(checkEventRows(rows), ROWS);
    assert.equal(partitions.size, 8);
    const after = cluster.stats();
    assert.equal(after.reduce((sum, s, i) => sum + s.misroutedCalls - before[i]![1], 0), 0, 'no page was mis-routed');
    after.forEach((s, i) => assert.ok(s.calls - before[i]![0] > 0, `node ${i} served pages of the partitions it leads`));
  });
});
