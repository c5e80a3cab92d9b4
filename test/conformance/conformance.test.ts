/**
 * CI runs the conformance suite (checks.ts, the same checks `npm run test:server` runs against
 * a real VoltDB) against the embedded server: one node, and a three-node cluster. The two can
 * never drift apart. Also: the suite refuses a database that already has its tables, and
 * leaves none behind.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/index.js';
import { startCluster, startServer, type EmbeddedCluster, type EmbeddedServer } from '../../src/server/index.js';
import { CHECKS, CONFORMANCE_TABLES, ConformanceRefusal, formatResult, runChecks, type CheckResult } from './checks.js';

async function tables(client: Client): Promise<string[]> {
  const table = (await client.call('@SystemCatalog', ['TABLES'])).tables[0]!;
  return Array.from({ length: table.rowCount }, (_, r) => String(table.get(r, 'TABLE_NAME')));
}

for (const topology of ['one node', 'a 3-node cluster'] as const) {
  describe(`conformance suite against the embedded server: ${topology}`, () => {
    let server: EmbeddedServer | EmbeddedCluster;
    let client: Client;
    let results: CheckResult[] = [];

    before(async () => {
      server = topology === 'one node' ? await startServer({ workloads: [] }) : await startCluster({ nodes: 3, workloads: [] });
      const hosts = 'addresses' in server ? server.addresses : [server.address];
      client = await Client.connect({ hosts });
      results = await runChecks(client);
    });
    after(async () => {
      await client.close();
      await server.close();
    });

    for (const [index, check] of CHECKS.entries()) {
      test(check.name, (t: TestContext) => {
        const result = results[index]!;
        t.assert.ok(result.ok, formatResult(result));
      });
    }

    test('no table of the suite is left behind', async (t: TestContext) => {
      const left = (await tables(client)).filter((name) => (CONFORMANCE_TABLES as readonly string[]).includes(name));
      t.assert.deepStrictEqual(left, []);
    });
  });
}

describe('conformance suite: refusals and report lines', () => {
  test('a database that already has a table of the suite’s names is refused, and kept as it was', async (t: TestContext) => {
    const server = await startServer({ workloads: [] });
    t.after(() => server.close());
    const client = await Client.connect({ hosts: [server.address] });
    t.after(() => client.close());
    await client.query('CREATE TABLE VWC_KV (K BIGINT NOT NULL, MINE VARCHAR(8), PRIMARY KEY (K));');
    await client.query("INSERT INTO VWC_KV VALUES (1, 'keep');");
    await t.assert.rejects(runChecks(client), (e: unknown) => e instanceof ConformanceRefusal && /already has table\(s\) VWC_KV/.test(e.message));
    t.assert.deepStrictEqual((await tables(client)).filter((n) => n.startsWith('VWC_')), ['VWC_KV']);
    t.assert.strictEqual((await client.query('SELECT MINE FROM VWC_KV;')).tables[0]!.get(0, 0), 'keep');
  });

  test('one line per check: ok with its detail, FAIL with the reason', (t: TestContext) => {
    t.assert.strictEqual(formatResult({ name: 'a check', ok: true, detail: '3 rows', ms: 12.4 }), 'ok   a check (3 rows) [12 ms]');
    t.assert.strictEqual(formatResult({ name: 'a check', ok: false, detail: 'expected 2', ms: 1 }), 'FAIL a check: expected 2 [1 ms]');
  });
});
