/**
 * The connection-level and pool fuzz targets, briefly (test/fuzz/connection-fuzz.ts): a few
 * hundred calls each through the public Client against the hostile loopback server, with a
 * fresh random seed every run (printed; replay with `node dist/scripts/fuzz-connection.js --seed N`).
 */
import { test, type TestContext } from 'node:test';
import { describeReport, runConnectionFuzz } from './connection-fuzz.js';

const seed = (Date.now() ^ (process.pid << 16)) >>> 0;

for (const pool of [false, true]) {
  test(`${pool ? 'pool' : 'connection'} target, seed ${seed}: the ledger holds whatever the server sends`, async (t: TestContext) => {
    const report = await runConnectionFuzz({ seed, exchanges: 400, pool, timeLimitMs: 120_000 });
    t.diagnostic(describeReport(report));
    t.assert.deepStrictEqual(report.violations, [], `seed ${seed}`);
    t.assert.strictEqual(report.issued, 400);
    t.assert.strictEqual(report.issued, report.succeeded + report.failed);
  });
}
