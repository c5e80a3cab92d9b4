/**
 * `voltwire` as a real process: the executable, exit codes without stack traces, `serve`
 * started and stopped by signal, and `npm start`'s script end to end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli } from './capture.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const START = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Finished> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Start `voltwire serve` and read its address line. */
async function serve(args: string[]): Promise<{ child: ChildProcess; address: { ports: number[]; host: string; nodes: number }; stderr: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let buffered = '';
  // Ready once both the JSON line (stdout) and the sentence for people (stderr) are out.
  const address = await new Promise<{ ports: number[]; host: string; nodes: number }>((resolve, reject) => {
    let parsed: { ports: number[]; host: string; nodes: number } | undefined;
    const check = (): void => {
      if (parsed !== undefined && stderr.includes('Ctrl-C to stop')) resolve(parsed);
    };
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    child.stderr!.on('data', check);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline !== -1 && parsed === undefined) parsed = JSON.parse(buffered.slice(0, newline)) as { ports: number[]; host: string; nodes: number };
      check();
    });
  });
  return { child, address, stderr: () => stderr };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const exited = once(child, 'exit') as Promise<[number | null]>;
  child.kill(signal);
  const [code] = await exited;
  return code;
}

test('the executable: shebang, version, exit codes and one-line errors without stack traces', async (t: TestContext) => {
  const firstLine = (await readFile(MAIN, 'utf8')).split('\n')[0];
  t.assert.strictEqual(firstLine, '#!/usr/bin/env node');
  const version = await run(MAIN, ['--version']);
  t.assert.strictEqual(version.code, 0);
  t.assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const usage = await run(MAIN, ['bench', '--rate', 'fast']);
  t.assert.strictEqual(usage.code, 2);
  t.assert.strictEqual(usage.stderr.trimEnd().split('\n').length, 1);
  const refused = await run(MAIN, ['ping', '--servers', '127.0.0.1:1']);
  t.assert.strictEqual(refused.code, 3);
  t.assert.match(refused.stderr, /^error: .*ECONNREFUSED.*\n$/);
  const debug = await run(MAIN, ['ping', '--servers', '127.0.0.1:1'], { VOLTWIRE_DEBUG: '1' });
  t.assert.match(debug.stderr, /\n\s+at /, 'VOLTWIRE_DEBUG shows the stack');
});

test('serve: prints its address, answers, refuses bad logins, stops on SIGTERM and SIGINT', async (t: TestContext) => {
  const { child, address, stderr } = await serve(['--user', 'admin:secret']);
  t.after(() => void child.kill('SIGKILL'));
  t.assert.strictEqual(address.ports.length, 1);
  const servers = `${address.host}:${address.ports[0]}`;
  t.assert.strictEqual((await cli(['ping', '--servers', servers, '--user', 'admin', '--password', 'secret'])).code, 0);
  const wrong = await cli(['ping', '--servers', servers, '--user', 'admin', '--password', 'nope']);
  t.assert.strictEqual(wrong.code, 3);
  t.assert.match(wrong.stderr, /^error: .*(login|authentication|refused)/i);
  const missing = await run(MAIN, ['call', 'NoSuchProcedure', '--servers', servers, '--user', 'admin'], { VOLTWIRE_PASSWORD: 'secret' });
  t.assert.strictEqual(missing.code, 1);
  t.assert.match(missing.stderr, /^error: NoSuchProcedure failed with [A-Z_]+: .*\n$/);
  t.assert.match(stderr(), /voltwire embedded server listening on 127\.0\.0\.1:\d+ \(1 node\); Ctrl-C to stop/);
  t.assert.strictEqual(await stop(child, 'SIGTERM'), 0);
  t.assert.match(stderr(), /stopped/);

  const cluster = await serve(['--nodes', '2', '--refuse-logins']);
  t.after(() => void cluster.child.kill('SIGKILL'));
  t.assert.strictEqual(cluster.address.ports.length, 2);
  t.assert.match(cluster.stderr(), /\(2 nodes, faults: refuseLogins\)/);
  const refused = await cli(['ping', '--servers', cluster.address.ports.map((p) => `127.0.0.1:${p}`).join(',')]);
  t.assert.strictEqual(refused.code, 3);
  t.assert.strictEqual(await stop(cluster.child, 'SIGINT'), 0);
});

test('npm start: server, voter load test, report, EVENTS extraction, everything stopped', async (t: TestContext) => {
  const out = join(tmpdir(), `voltwire-start-test-${process.pid}`);
  try {
    const result = await run(START, [], { VOLTWIRE_START_SECONDS: '1', VOLTWIRE_START_ROWS: '1234', VOLTWIRE_OUTPUT_DIR: out }, 120_000);
    t.assert.strictEqual(result.code, 0, result.stderr);
    t.assert.match(result.stdout, /1\. embedded server started in a separate process \(pid (\d+)\)/);
    t.assert.match(result.stdout, /Throughput\s+[\d,]+ calls\/s/);
    t.assert.match(result.stdout, /1,234 rows → .*events\.arrow \(arrow, /);
    const pid = Number(/pid (\d+)/.exec(result.stdout)![1]);
    t.assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the server was stopped');
    const arrow = await import('apache-arrow');
    const events = arrow.tableFromIPC(await readFile(join(out, 'events.arrow')));
    t.assert.strictEqual(events.numRows, 1234);
    t.assert.deepStrictEqual(
      events.schema.fields.map((f) => f.name),
      ['ID', 'TINY', 'SMALL', 'NUM', 'BIG', 'RATIO', 'AMOUNT', 'NAME', 'PAYLOAD', 'CREATED', 'LOCATION', 'AREA'],
    );
    const report = JSON.parse(await readFile(join(out, 'bench-voter.json'), 'utf8')) as { calls: number; config: { workload: string } };
    t.assert.strictEqual(report.config.workload, 'voter');
    t.assert.ok(report.calls > 0);
    t.assert.match(await readFile(join(out, 'bench-voter.csv'), 'utf8'), /^started_at,workload/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('Ctrl-C during bench: the load stops, the report is printed, the embedded server is stopped', async (t: TestContext) => {
  const child = spawn(process.execPath, [MAIN, 'bench', '--duration', '60s', '--warmup', '0', '--display-interval', '200ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  const deadline = Date.now() + 30_000;
  while (!/tps now/.test(stderr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  child.kill('SIGINT');
  const code = await closed;
  t.assert.strictEqual(code, 0, stderr);
  t.assert.ok(Date.now() - started < 15_000);
  t.assert.match(stderr, /interrupted: stopping the load/);
  t.assert.match(stdout, /stopped early: interrupted/);
  t.assert.match(stdout, /Throughput\s+[\d,]+ calls\/s/);
  const pid = Number(/pid (\d+)/.exec(stdout)![1]);
  t.assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the embedded server was stopped');
});

test('the embedded server can also run as `voltwire serve` (an installed package has no dist/scripts)', async (t: TestContext) => {
  const { startEmbeddedServer, serverCommand } = await import('../../src/cli/server-process.js');
  t.assert.match(serverCommand()[0]!, /scripts[\\/]serve\.js$/);
  const server = await startEmbeddedServer({ command: [MAIN, 'serve'] });
  try {
    t.assert.match(server.hosts[0]!, /^127\.0\.0\.1:\d+$/);
    t.assert.doesNotMatch(server.hosts[0]!, /:21212$/);
    const ping = await cli(['ping', '--servers', server.hosts[0]!]);
    t.assert.strictEqual(ping.code, 0);
    t.assert.match(server.stderr, /listening/);
  } finally {
    await server.stop();
  }
  await server.stop(); // idempotent
  await t.assert.rejects(startEmbeddedServer({ command: [MAIN, 'serve', '--nodes', 'many'] }), /the embedded server did not start: it exited with code 2 \(error: .*--nodes/);
  await t.assert.rejects(startEmbeddedServer({ command: [MAIN, 'ping', '--servers', '127.0.0.1:1'], startTimeoutMs: 5000 }), /did not start/);
});

test('Ctrl-C during npm start: the load test reports, the extraction is skipped, the server is stopped, exit 130', async (t: TestContext) => {
  const out = join(tmpdir(), `voltwire-start-interrupt-${process.pid}`);
  const child = spawn(process.execPath, [START], {
    env: { ...process.env, VOLTWIRE_START_SECONDS: '60', VOLTWIRE_START_ROWS: '1000', VOLTWIRE_OUTPUT_DIR: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill('SIGKILL');
    return rm(out, { recursive: true, force: true });
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  const deadline = Date.now() + 60_000;
  while (!/tps now/.test(stderr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  child.kill('SIGINT');
  const code = await closed;
  t.assert.strictEqual(code, 130, stderr);
  t.assert.match(stdout, /Throughput\s+[\d,]+ calls\/s/, 'the bench reported what it measured');
  t.assert.match(stdout, /interrupted: the extraction is skipped; stopping the embedded server/);
  t.assert.doesNotMatch(stdout, /3\. extracting/);
  const pid = Number(/pid (\d+)/.exec(stdout)![1]);
  t.assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the server was stopped');
});
