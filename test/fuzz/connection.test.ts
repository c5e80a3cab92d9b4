/**
 * The connection-level and pool fuzz targets, briefly (test/fuzz/connection-fuzz.ts): a few
 * hundred calls each through the public Client against the hostile loopback server, with a
 * fresh random seed every run (printed first; replay with
 * `node dist/scripts/fuzz-connection.js --seed N`).
 *
 * Each target runs as its own process (scripts/fuzz-connection.ts) because the property
 * includes the end: with every socket, timer and worker closed the process exits by itself.
 * A handle left open once made it spin forever after a passing report (see
 * test/fuzz/regressions/half-closed-reset.test.ts); here that is a failure, not a hung suite.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';

const seed = (Date.now() ^ (process.pid << 16)) >>> 0;
console.log(`connection fuzz seed ${seed} (replay: node dist/scripts/fuzz-connection.js --seed ${seed})`);

const SCRIPT = fileURLToPath(new URL('../../scripts/fuzz-connection.js', import.meta.url));
/** A hang guard, not a timing bound: a run of 400 exchanges takes seconds even under load. */
const HANG_GUARD_MS = 240_000;

interface Run {
  code: number | null;
  output: string;
  exitedByItself: boolean;
}

function runTarget(target: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, '--seed', String(seed), '--exchanges', '400', '--target', target], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    let exitedByItself = true;
    const guard = setTimeout(() => {
      exitedByItself = false;
      child.kill('SIGKILL');
    }, HANG_GUARD_MS);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output, exitedByItself });
    });
  });
}

for (const target of ['connection', 'pool']) {
  test(`${target} target, seed ${seed}: the ledger holds whatever the server sends, and the process exits`, async (t: TestContext) => {
    const run = await runTarget(target);
    for (const line of run.output.trimEnd().split('\n')) t.diagnostic(line);
    t.assert.ok(run.exitedByItself, `seed ${seed}: the process did not exit after its report (something left open keeps the event loop going)`);
    t.assert.match(run.output, /ledger violations: 0/, `seed ${seed}`);
    t.assert.match(run.output, /400 exchanges/);
    t.assert.strictEqual(run.code, 0, `seed ${seed}`);
  });
}
