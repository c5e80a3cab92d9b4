import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { FakeServer } from '../helpers/fake-server.js';

describe('Client with off-thread decoding', () => {
  let server: FakeServer;
  before(async () => {
    server = await FakeServer.start();
  });
  after(() => server.close());

  test('large responses go to the decode workers; the pool saturating pauses reads; results are right', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], decode: { workers: 1, offThreadBytes: 4096, maxQueue: 0 } });
    const sizes = [10, 2000, 3000, 5, 2500, 4000];
    const results = await Promise.all(sizes.map((n) => client.call('Big', [n])));
    results.forEach((res, i) => {
      const table = res.tables[0]!;
      t.assert.strictEqual(table.rowCount, sizes[i]);
      t.assert.strictEqual(table.get(sizes[i]! - 1, 0), BigInt(sizes[i]! - 1));
    });
    await client.close();
  });

  test('workers: 0 decodes everything inline; timestamps option reaches the decoder', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], decode: { workers: 0, offThreadBytes: 16 }, timestamps: 'bigint' });
    const res = await client.call('Big', [3000]);
    t.assert.strictEqual(res.tables[0]!.rowCount, 3000);
    t.assert.strictEqual(res.tables[0]!.timestamps, 'bigint');
    await client.close();
  });
});
