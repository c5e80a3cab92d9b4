import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseServeArgs, serveCommand } from '../../src/server/cli.js';
import { TestClient } from './test-client.js';

const SERVE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'serve.js');

/**
 * These tests learn free ports from a probe server, close it, then listen on them again; on a
 * shared machine another process may take a port in between (EADDRINUSE). That race is the only
 * thing retried, with fresh ports each time.
 */
async function onPortsFreeAgain<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(String(error));
      if (!taken || tries === 5) throw error;
    }
  }
}

describe('voltwire serve', () => {
  test('parseServeArgs: every option and fault flag', (t: TestContext) => {
    t.assert.deepStrictEqual(
      parseServeArgs([
        '--host', '127.0.0.1', '--port', '21212', '--nodes', '3', '--partitions', '6', '--rows', '1000000',
        '--user', 'admin:se:cret', '--user', 'bob:', '--workloads', 'voter, kv',
        '--delay-ms', '5', '--stop-reading', '--close-after-frames', '2', '--close-mid-frame',
        '--send-garbage', '--send-oversized', '--refuse-logins', '--ignore-pings',
      ]),
      {
        host: '127.0.0.1',
        port: 21212,
        nodes: 3,
        partitions: 6,
        rows: 1000000,
        users: [
          { username: 'admin', password: 'se:cret' },
          { username: 'bob', password: '' },
        ],
        workloads: ['voter', 'kv'],
        faults: { delayMs: 5, stopReading: true, closeAfterFrames: 2, closeMidFrame: true, sendGarbage: true, sendOversized: true, refuseLogins: true, ignorePings: true },
      },
    );
    t.assert.deepStrictEqual(parseServeArgs([]), {});
    t.assert.deepStrictEqual(parseServeArgs(['--host-id', '1', '--peers', '127.0.0.1:4000, 127.0.0.1:4001', '--cluster-start-ms', '1700000000000', '--contestants', '6']), {
      hostId: 1,
      peers: ['127.0.0.1:4000', '127.0.0.1:4001'],
      clusterStartMs: 1700000000000,
      contestants: 6,
    });
    t.assert.throws(() => parseServeArgs(['--port', 'x']), /--port must be a non-negative integer/);
    t.assert.throws(() => parseServeArgs(['--user', 'nopassword']), /--user must be name:password/);
    t.assert.throws(() => parseServeArgs(['--workloads', 'voter,tpcc']), /unknown workload "tpcc"/);
    t.assert.throws(() => parseServeArgs(['--bogus']));
  });

  test('serveCommand: one node, prints one JSON line, serves, closes', async (t: TestContext) => {
    const lines: string[] = [];
    const handle = await serveCommand({ rows: 7, print: (line) => lines.push(line), handleSignals: false, faults: { delayMs: 1 } });
    const announced = JSON.parse(lines[0]!) as { event: string; ports: number[]; nodes: number; partitions: number; rows: number; pid: number };
    t.assert.strictEqual(announced.event, 'listening');
    t.assert.deepStrictEqual(announced.ports, handle.ports);
    t.assert.strictEqual(announced.rows, 7);
    t.assert.strictEqual(announced.pid, process.pid);
    const client = await TestClient.connect(handle.ports[0]!);
    await client.ok('@Ping');
    client.close();
    await handle.close();
    await handle.closed;
    await handle.close();
  });

  test('serveCommand: a cluster on consecutive ports stops on SIGTERM', async (t: TestContext) => {
    const lines: string[] = [];
    const { base, handle } = await onPortsFreeAgain(async () => {
      const probe = await serveCommand({ print: () => {}, handleSignals: false, workloads: [] });
      const base = probe.ports[0]!;
      await probe.close();
      lines.length = 0;
      return { base, handle: await serveCommand({ nodes: 2, port: base, partitions: 4, workloads: ['kv'], print: (line) => lines.push(line) }) };
    });
    t.assert.deepStrictEqual(handle.ports, [base, base + 1]);
    t.assert.strictEqual((JSON.parse(lines[0]!) as { rows: number }).rows, 0);
    process.emit('SIGTERM');
    await handle.closed;
    await t.assert.rejects(TestClient.connect(base));
  });

  test('serveCommand: one node of a per-process cluster announces its host id and peers', async (t: TestContext) => {
    const lines: string[] = [];
    const { probe, peers, handle } = await onPortsFreeAgain(async () => {
      const probe = await serveCommand({ nodes: 2, print: () => {}, handleSignals: false, workloads: [] });
      const peers = probe.ports.map((port) => `127.0.0.1:${port}`);
      await probe.close();
      lines.length = 0;
      const handle = await serveCommand({ hostId: 1, peers, clusterStartMs: 5, workloads: ['voter'], contestants: 2, print: (line) => lines.push(line), handleSignals: false });
      return { probe, peers, handle };
    });
    t.after(() => handle.close());
    const announced = JSON.parse(lines[0]!) as { ports: number[]; nodes: number; hostId: number; peers: string[] };
    t.assert.deepStrictEqual([announced.ports, announced.nodes, announced.hostId, announced.peers], [[probe.ports[1]], 2, 1, peers]);
    const client = await TestClient.connect(probe.ports[1]!);
    t.after(() => client.close());
    t.assert.deepStrictEqual([client.login.hostId, client.login.clusterStartMs], [1, 5n]);
    t.assert.deepStrictEqual((await client.ok('Initialize', [6, 'A,B,C,D,E,F']))[0]!.rows, [[2n]], 'contestants loaded at start');
  });

  test('serveCommand: per-process options only come together', async (t: TestContext) => {
    const peers = ['127.0.0.1:1', '127.0.0.1:2'];
    const quiet = { print: () => {}, handleSignals: false };
    await t.assert.rejects(serveCommand({ ...quiet, peers }), /--peers needs --host-id/);
    await t.assert.rejects(serveCommand({ ...quiet, hostId: 0 }), /give --peers too/);
    await t.assert.rejects(serveCommand({ ...quiet, clusterStartMs: 1 }), /give --peers too/);
    await t.assert.rejects(serveCommand({ ...quiet, peers, hostId: 0, port: 3 }), /leave out --host and --port/);
    await t.assert.rejects(serveCommand({ ...quiet, peers, hostId: 0, host: '127.0.0.1' }), /leave out --host and --port/);
    await t.assert.rejects(serveCommand({ ...quiet, peers, hostId: 0, nodes: 3 }), /--nodes 3 disagrees with the 2 --peers/);
  });

  test('scripts/serve.js runs in its own process and exits cleanly on SIGTERM', async (t: TestContext) => {
    const child = spawn(process.execPath, [SERVE_SCRIPT, '--port', '0', '--workloads', 'voter', '--rows', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { ports } = JSON.parse(line) as { ports: number[] };
    const client = await TestClient.connect(ports[0]!);
    await client.ok('Initialize', [2, 'A,B']);
    client.close();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    t.assert.strictEqual(code, 0);
  });

  test('scripts/serve.js reports bad arguments and exits 1', async (t: TestContext) => {
    const child = spawn(process.execPath, [SERVE_SCRIPT, '--nodes', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    t.assert.strictEqual(code, 1);
    t.assert.match(stderr, /--nodes must be a non-negative integer/);
  });
});
