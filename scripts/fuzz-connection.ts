/**
 * The connection-level and pool fuzz targets (test/fuzz/connection-fuzz.ts): real calls
 * through the public Client against a hostile loopback server, the ledger checked.
 *
 *   node dist/scripts/fuzz-connection.js [--seed N] [--exchanges N] [--target connection,pool] [--time-limit S]
 *
 * Without --seed a random seed is taken and printed first. Exit code 1 on any ledger violation.
 */
import { parseArgs } from 'node:util';
import { describeReport, runConnectionFuzz } from '../test/fuzz/connection-fuzz.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    exchanges: { type: 'string', default: '20000' },
    target: { type: 'string', default: 'connection,pool' },
    'time-limit': { type: 'string', default: '600' },
  },
});
const integer = (text: string, name: string): number => {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, got ${text}`);
  return n;
};
const seed = values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : integer(values.seed, 'seed') >>> 0;
const exchanges = integer(values.exchanges, 'exchanges');
const timeLimitMs = integer(values['time-limit'], 'time-limit') * 1000;
const targets = values.target.split(',').map((t) => t.trim());
for (const target of targets) if (target !== 'connection' && target !== 'pool') throw new Error(`--target: connection or pool, got ${target}`);
console.log(`voltwire connection fuzz — seed ${seed}, ${exchanges.toLocaleString('en-US')} exchanges per target, targets ${targets.join(', ')}`);
let failed = false;
for (const target of targets) {
  const report = await runConnectionFuzz({
    seed,
    exchanges,
    pool: target === 'pool',
    timeLimitMs,
    onProgress: (issued) => console.log(`  ${target.padEnd(10)} ${issued.toLocaleString('en-US').padStart(9)} / ${exchanges.toLocaleString('en-US')}`),
  });
  console.log(`  done: ${describeReport(report)}`);
  console.log(`        server answers: ${JSON.stringify(report.answers)}`);
  if (report.issued < exchanges) console.log(`        stopped by the time limit after ${report.issued} of ${exchanges} exchanges`);
  for (const v of report.violations) console.log(`  ! ${v}`);
  if (report.violations.length > 0) failed = true;
}
console.log(`${failed ? 'FAIL' : 'PASS'} (seed ${seed}; replay: node dist/scripts/fuzz-connection.js --seed ${seed})`);
// A pass exits by itself: with nothing left open the event loop ends, which is part of the proof.
// A failure may have left a handle open (that is one of the violations), so it exits explicitly
// rather than leaving CI waiting on that handle.
if (failed) process.exit(1);
