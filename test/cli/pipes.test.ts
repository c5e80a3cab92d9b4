/**
 * `voltwire … | head -3`: when the reader of stdout goes away, the command stops quietly with
 * exit code 0 — no `write EPIPE` stack trace — for query, call and dump --hex alike.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/server-process.js';
import { VOLTWIRE, voltwire } from './binary.js';

let server: EmbeddedServer;
const dumpFile = join(tmpdir(), `voltwire-pipes-${process.pid}.dump`);

before(async () => {
  // Enough rows that the output is far larger than a pipe's buffer (64 KiB).
  server = await startEmbeddedServer({ args: ['--port', '0', '--rows', '20000'] });
});

after(async () => {
  await server?.stop();
  await rm(dumpFile, { force: true });
});

/** `voltwire ARGS | head -3` in a shell: what head printed, what voltwire printed on stderr, and voltwire's exit status. */
function throughHead(args: readonly string[]): Promise<{ status: number; head: string; stderr: string }> {
  const script = 'node "$0" "$@" | head -3; echo "voltwire exit status ${PIPESTATUS[0]}" >&2';
  const child = spawn('bash', ['-c', script, VOLTWIRE, ...args], { env: { ...process.env, NODE_PATH: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let head = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (head += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once('close', () => {
      const status = /voltwire exit status (\d+)\n$/.exec(stderr);
      resolve({ status: status === null ? -1 : Number(status[1]), head, stderr: stderr.replace(/voltwire exit status \d+\n$/, '') });
    }),
  );
}

test('query, call and dump --hex | head -3: three lines, exit 0, nothing on stderr', async (t: TestContext) => {
  const servers = server.hosts.join(',');
  const sql = 'SELECT ID, NAME, PAYLOAD FROM EVENTS ORDER BY ID';
  const recorded = await voltwire(['query', sql, '--servers', servers, '--dump', dumpFile]);
  t.assert.strictEqual(recorded.code, 0, recorded.stderr);
  t.assert.ok(recorded.stdout.length > 256 * 1024, `the full output is large (${recorded.stdout.length} characters)`);

  const runs: [string, string[]][] = [
    ['query', ['query', sql, '--servers', servers]],
    ['query --csv', ['query', sql, '--csv', '--servers', servers]],
    ['call', ['call', '@AdHoc', sql, '--servers', servers]],
    ['dump --hex', ['dump', '--hex', dumpFile]],
  ];
  for (const [name, args] of runs) {
    const run = await throughHead(args);
    t.assert.strictEqual(run.stderr, '', `${name}: stderr`);
    t.assert.strictEqual(run.status, 0, name);
    t.assert.strictEqual(run.head.split('\n').length, 4, `${name}: head printed three lines`);
  }
});
