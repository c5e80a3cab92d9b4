/**
 * `examples/python-style.ts` (compiled to dist/examples/python-style.js) run as a child process
 * against the embedded server: host and port from the arguments, then from the environment.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { REPOSITORY_ROOT } from '../helpers/fixtures.js';

const EXAMPLE = join(REPOSITORY_ROOT, 'dist', 'examples', 'python-style.js');

const EXPECTED = [
  'Status: 1',
  'Information: Success',
  'column count: 3',
  'row count: 1',
  'cols: (HELLO: 9), (WORLD: 9), (DIALECT: 9)',
  'rows -',
  "['Hello', 'World', 'English']",
  '',
].join('\n');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EXAMPLE, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/python-style', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ port: 0, workloads: [] });
    // VoltDB's Hello World: HELLOWORLD(HELLO, WORLD, DIALECT), Select by DIALECT.
    server.define('Select', { parameterTypes: ['STRING'] }, (params) => ({
      columns: [
        { name: 'HELLO', type: 'STRING' },
        { name: 'WORLD', type: 'STRING' },
        { name: 'DIALECT', type: 'STRING' },
      ],
      rows: params[0] === 'English' ? [['Hello', 'World', 'English']] : [],
    }));
  });
  after(() => server.close());

  test('host and port as arguments', async (t: TestContext) => {
    const { code, stdout, stderr } = await run([server.host, String(server.port)], {});
    t.assert.strictEqual(stderr, '');
    t.assert.strictEqual(code, 0);
    t.assert.strictEqual(stdout, EXPECTED);
  });

  test('host and port from VOLTDB_HOST / VOLTDB_PORT', async (t: TestContext) => {
    const { code, stdout } = await run([], { VOLTDB_HOST: server.host, VOLTDB_PORT: String(server.port) });
    t.assert.strictEqual(code, 0);
    t.assert.strictEqual(stdout, EXPECTED);
  });
});
