/**
 * Every `voltwire` command against the embedded server (in its own process), run in-process
 * through runCli with captured output: output, result files and exit codes.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { EXIT_CODE } from '../../src/cli/exit.js';
import type { BenchReport } from '../../src/cli/load/report.js';
import { csvHeader } from '../../src/cli/load/report.js';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/server-process.js';
import { cli } from './capture.js';

let server: EmbeddedServer;
let servers: string;
const dir = join(tmpdir(), `voltwire-cli-test-${process.pid}`);

before(async () => {
  await mkdir(dir, { recursive: true });
  server = await startEmbeddedServer({ args: ['--port', '0', '--rows', '50'] });
  servers = server.hosts.join(',');
});

after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function oneErrorLine(t: TestContext, stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  t.assert.strictEqual(lines.length, 1, `one line expected, got:\n${stderr}`);
  t.assert.match(lines[0]!, /^error: /);
  t.assert.match(lines[0]!, pattern);
  t.assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('every command has --help', async (t: TestContext) => {
  for (const command of ['bench', 'call', 'query', 'ping', 'serve', 'dump']) {
    const run = await cli([command, '--help']);
    t.assert.strictEqual(run.code, 0, command);
    t.assert.match(run.stdout, new RegExp(`^Usage: voltwire ${command} `), command);
  }
  const top = await cli(['--help']);
  t.assert.strictEqual(top.code, 0);
  t.assert.match(top.stdout, /Commands:[\s\S]*bench[\s\S]*dump/);
  t.assert.match(top.stdout, /Exit codes/);
  const version = await cli(['--version']);
  t.assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const bare = await cli([]);
  t.assert.strictEqual(bare.code, EXIT_CODE.USAGE);
  t.assert.match(bare.stderr, /Usage: voltwire/);
});

test('usage mistakes: one line, exit code 2', async (t: TestContext) => {
  const cases: [string[], RegExp][] = [
    [['benchh'], /unknown command 'benchh' \(Did you mean bench\?\) \(see voltwire --help\)/],
    [['bench', '--frobnicate'], /unknown option '--frobnicate' \(see voltwire bench --help\)/],
    [['bench', 'tpcc'], /workload must be one of voter, kv/],
    [['bench', '--rate', '0'], /--rate must be a number greater than 0/],
    [['bench', '--duration', 'soon'], /--duration must be a duration/],
    [['bench', '--contestants', '13'], /--contestants must be an integer from 1 to 12/],
    [['bench', 'kv', '--keys', '1000000', '--key-size', '4', '--servers', 'localhost:1'], /kv key size must hold/],
    [['bench', '--servers', 'a:99999'], /port of "a:99999"/],
    [['call'], /missing required argument 'procedure'/],
    [['call', 'Vote', '1', '--types', 'BIGINT,NUMBER'], /"NUMBER" is not a VoltDB parameter type/],
    [['call', 'Vote', 'x', '2', '3', '--types', 'BIGINT,INTEGER,BIGINT'], /parameter 1 of Vote: "x" is not an integer for BIGINT/],
    [['call', 'Vote', '1', '--types', 'BIGINT,INTEGER'], /--types lists 2 types but 1 argument was given/],
    [['query', 'SELECT 1', '--json', '--csv'], /choose one of --json and --csv/],
    [['ping', '--count', '0'], /--count must be an integer from 1/],
    [['serve', '--user', 'nopassword'], /must be name:password/],
    [['serve', '--workloads', 'voter,tpcc'], /unknown workload "tpcc"/],
    [['serve', '--host-id', '0', '--peers', '127.0.0.1:0,127.0.0.1:2'], /--peers.*a peer must be host:port with a port 1\.\.65535/],
    [['serve', '--host-id', '0', '--peers', '127.0.0.1:1,127.0.0.1:2', '--port', '5', '--nodes', '2'], /--peers gives this node its address and the node count: leave out --port, --nodes/],
    [['serve', '--peers', '127.0.0.1:1,127.0.0.1:2'], /--peers needs --host-id/],
    [['serve', '--host-id', '1'], /--host-id and --cluster-start-ms belong to a per-process cluster node/],
    [['dump', join(tmpdir(), 'no-such-voltwire-dump')], /ENOENT/],
    [['bench', '--servers', 'localhost:1', '--json', join(tmpdir(), 'no-such-voltwire-dir', 'r.json')], /--json: cannot write .*no-such-voltwire-dir/],
  ];
  for (const [argv, pattern] of cases) {
    const run = await cli(argv);
    t.assert.strictEqual(run.code, EXIT_CODE.USAGE, `${argv.join(' ')}: ${run.stderr}`);
    oneErrorLine(t, run.stderr, pattern);
  }
});

test('cannot connect: one line, exit code 3', async (t: TestContext) => {
  for (const command of [['ping'], ['call', '@Ping'], ['query', 'SELECT 1'], ['bench', '--duration', '1']]) {
    const run = await cli([...command, '--servers', '127.0.0.1:1']);
    t.assert.strictEqual(run.code, EXIT_CODE.CONNECTION, command.join(' '));
    oneErrorLine(t, run.stderr.split('\n').filter((l) => l.startsWith('error')).join('\n'), /ECONNREFUSED|connect/);
  }
  const env = await cli(['ping'], { VOLTWIRE_SERVERS: '127.0.0.1:1' });
  t.assert.strictEqual(env.code, EXIT_CODE.CONNECTION);
});

test('ping', async (t: TestContext) => {
  const run = await cli(['ping', '--servers', servers]);
  t.assert.strictEqual(run.code, 0, run.stderr);
  t.assert.match(run.stdout, /^connected to 127\.0\.0\.1:\d+ — .*voltwire.*, host id \d+, connection id \d+\n@Ping 127\.0\.0\.1:\d+: \d+\.\d{3} ms\n$/);
  const many = await cli(['ping', '--count', '3', '--interval', '0', '--json'], { VOLTWIRE_SERVERS: servers });
  t.assert.strictEqual(many.code, 0);
  const summary = JSON.parse(many.stdout) as { pings: number; minMs: number; maxMs: number };
  t.assert.strictEqual(summary.pings, 3);
  t.assert.ok(summary.minMs <= summary.maxMs);
  const text = await cli(['ping', '--count', '2', '--interval', '1ms', '--servers', servers]);
  t.assert.match(text.stdout, /2 pings: min [\d.]+ ms, avg [\d.]+ ms, max [\d.]+ ms/);
});

test('call: tables aligned, JSON and CSV, typed and inferred parameters', async (t: TestContext) => {
  const init = await cli(['call', 'Initialize', '6', 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman', '--servers', servers]);
  t.assert.strictEqual(init.code, 0, init.stderr);
  t.assert.strictEqual(init.stdout, 'C1\n--\n 6\n(1 row)\n');
  const vote = await cli(['call', 'Vote', '6175551234', '3', '2', '--servers', servers]);
  t.assert.strictEqual(vote.code, 0, vote.stderr);
  t.assert.strictEqual(vote.stdout, 'C1\n--\n 0\n(1 row)\n');
  const typed = await cli(['call', 'Vote', '6175551234', '99', '2', '--types', 'BIGINT,INTEGER,BIGINT', '--servers', servers]);
  t.assert.strictEqual(typed.stdout, 'C1\n--\n 1\n(1 row)\n', 'contestant 99 is invalid');
  const json = await cli(['call', 'Results', '--json', '--servers', servers]);
  t.assert.strictEqual(json.code, 0);
  const parsed = JSON.parse(json.stdout) as { status: string; appStatus: null; tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[] };
  t.assert.strictEqual(parsed.status, 'SUCCESS');
  t.assert.strictEqual(parsed.appStatus, null);
  t.assert.deepStrictEqual(parsed.tables[0]!.columns.map((c) => c.name), ['CONTESTANT_NAME', 'CONTESTANT_NUMBER', 'TOTAL_VOTES']);
  t.assert.deepStrictEqual(parsed.tables[0]!.rows[0], ['Kelly Clauss', 3, '1'], 'BIGINT as a string, as NDJSON writes it');
  const csv = await cli(['call', 'Results', '--csv', '--servers', servers]);
  t.assert.match(csv.stdout, /^CONTESTANT_NAME,CONTESTANT_NUMBER,TOTAL_VOTES\nKelly Clauss,3,1\n/);
  const system = await cli(['call', '@SystemInformation', 'OVERVIEW', '--servers', servers]);
  t.assert.strictEqual(system.code, 0);
  t.assert.match(system.stdout, /HOST_ID\s+KEY\s+VALUE/);
});

test('call: a server refusal is one line with the status, exit code 1', async (t: TestContext) => {
  const missing = await cli(['call', 'NoSuchProcedure', '--servers', servers]);
  t.assert.strictEqual(missing.code, EXIT_CODE.FAILURE);
  oneErrorLine(t, missing.stderr, /^error: NoSuchProcedure failed with [A-Z_]+: .*NoSuchProcedure/);
  const count = await cli(['call', 'Vote', '1', '--servers', servers]);
  t.assert.strictEqual(count.code, EXIT_CODE.FAILURE);
  oneErrorLine(t, count.stderr, /Vote failed with GRACEFUL_FAILURE: .*EXPECTS 3 PARAMS, BUT RECEIVED 1/);
});

test('query: aligned tables, parameters, several statements, JSON, errors', async (t: TestContext) => {
  const count = await cli(['query', 'SELECT COUNT(*) FROM CONTESTANTS', '--servers', servers]);
  t.assert.strictEqual(count.code, 0, count.stderr);
  t.assert.match(count.stdout, /^C1\n--\n 6\n\(1 row\)\n$/);
  const param = await cli(['query', 'SELECT CONTESTANT_NUMBER, CONTESTANT_NAME FROM CONTESTANTS WHERE CONTESTANT_NUMBER = ?', '3', '--servers', servers]);
  t.assert.strictEqual(param.stdout, 'CONTESTANT_NUMBER  CONTESTANT_NAME\n-----------------  ---------------\n                3  Kelly Clauss\n(1 row)\n');
  const typed = await cli(['query', 'SELECT CONTESTANT_NAME FROM CONTESTANTS WHERE CONTESTANT_NUMBER = ?', '4', '--types', 'INTEGER', '--servers', servers]);
  t.assert.match(typed.stdout, /Jessie Alloway/);
  const events = await cli(['query', 'SELECT * FROM EVENTS WHERE ID > ? ORDER BY ID LIMIT 3', '0', '--json', '--servers', servers]);
  t.assert.strictEqual(events.code, 0, events.stderr);
  const table = (JSON.parse(events.stdout) as { tables: { columns: { type: string }[]; rows: unknown[][] }[] }).tables[0]!;
  t.assert.strictEqual(table.rows.length, 3);
  t.assert.ok(table.columns.some((c) => c.type === 'GEOGRAPHY') && table.columns.some((c) => c.type === 'DECIMAL'));
  const text = await cli(['query', 'SELECT * FROM EVENTS WHERE ID > ? ORDER BY ID LIMIT 3', '0', '--servers', servers]);
  t.assert.match(text.stdout, /POINT\(/);
  t.assert.match(text.stdout, /\(3 rows\)\n$/);
  const two = await cli(['query', 'SELECT COUNT(*) FROM CONTESTANTS; SELECT COUNT(*) FROM AREA_CODE_STATE', '--servers', servers]);
  t.assert.strictEqual(two.stdout.match(/\(1 row\)/g)?.length, 2);
  const bad = await cli(['query', 'SELEKT nonsense', '--servers', servers]);
  t.assert.strictEqual(bad.code, EXIT_CODE.FAILURE);
  oneErrorLine(t, bad.stderr, /@AdHoc failed with [A-Z_]+/);
});

test('--dump records the conversation and `dump` prints it', async (t: TestContext) => {
  const file = join(tmpdir(), `voltwire-cli-dump-${process.pid}.vwd`);
  try {
    const call = await cli(['call', 'Vote', '6175550000', '2', '2', '--servers', servers, '--dump', file, '--password', 'secret']);
    t.assert.strictEqual(call.code, 0, call.stderr);
    const dump = await cli(['dump', file]);
    t.assert.strictEqual(dump.code, 0, dump.stderr);
    t.assert.match(dump.stdout, /#0 \+/);
    t.assert.match(dump.stdout, /login/);
    t.assert.match(dump.stdout, /Vote/);
    t.assert.match(dump.stdout, /SUCCESS/);
    const hex = await cli(['dump', file, '--hex', '--connection', '0']);
    t.assert.ok(hex.stdout.length > dump.stdout.length);
    const other = await cli(['dump', file, '--connection', '5']);
    t.assert.doesNotMatch(other.stdout, /Vote/);
    await writeFile(file, 'not a dump');
    const bad = await cli(['dump', file]);
    t.assert.notStrictEqual(bad.code, 0);
    oneErrorLine(t, bad.stderr, /not a voltwire wire dump/);
  } finally {
    await rm(file, { force: true });
  }
});

async function benchFiles(t: TestContext, name: string, argv: string[]): Promise<{ report: BenchReport; csv: string; stdout: string; stderr: string }> {
  const json = join(dir, `${name}.json`);
  const csv = join(dir, `${name}.csv`);
  const run = await cli(['bench', ...argv, '--json', json, '--csv', csv]);
  t.assert.strictEqual(run.code, 0, run.stderr);
  const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
  return { report, csv: await readFile(csv, 'utf8'), stdout: run.stdout, stderr: run.stderr };
}

test('bench voter: report, JSON and CSV hold the same figures', async (t: TestContext) => {
  const { report, csv, stdout, stderr } = await benchFiles(t, 'voter', ['--servers', servers, '--duration', '2s', '--warmup', '200ms', '--display-interval', '250ms']);
  t.assert.strictEqual(report.config.workload, 'voter');
  t.assert.strictEqual(report.config.servers, servers);
  // Any throughput will do (on a loaded machine the server process may get little CPU): the figures must agree.
  t.assert.ok(report.calls > 0, `calls ${report.calls}`);
  t.assert.strictEqual(report.failed, 0);
  t.assert.strictEqual(report.latencyFrom, 'actual-send-time');
  t.assert.ok(report.outcomes.accepted! > 0);
  t.assert.ok(report.bytesOut > 0 && report.bytesIn > 0);
  t.assert.ok(report.cpu.userSeconds > 0);
  t.assert.ok(report.intervals.length >= 2, 'periodic statistics');
  t.assert.match(stdout, new RegExp(`Throughput\\s+${Math.round(report.throughput).toLocaleString('en-US')} calls/s`));
  t.assert.match(stdout, /p10\s+p25\s+p50\s+p75\s+p90\s+p95\s+p99\s+p99\.5\s+p99\.9\s+max/);
  t.assert.match(stdout, /Client CPU/);
  // Without a TTY: plain periodic lines, no carriage returns or escape sequences.
  t.assert.match(stderr, /^\[\s+[\d.]+ s\] (warmup|measure) \|\s+[\d,]+ tps now/m);
  t.assert.doesNotMatch(stderr, /\r|\x1b\[/);
  const [header, row] = csv.trimEnd().split('\n');
  t.assert.strictEqual(header, csvHeader().join(','));
  const cells = row!.split(',');
  t.assert.strictEqual(Number(cells[csvHeader().indexOf('calls')]), report.calls);
  t.assert.strictEqual(Number(cells[csvHeader().indexOf('p99_ms')]), report.latencyMs.p99);
});

test('bench with --rate measures from the intended send time and says so', async (t: TestContext) => {
  const { report, stdout } = await benchFiles(t, 'rate', ['--servers', servers, '--duration', '1s', '--warmup', '0', '--rate', '2000', '--quiet']);
  t.assert.strictEqual(report.latencyFrom, 'intended-send-time');
  t.assert.strictEqual(report.config.rate, 2000);
  // The limit is the mechanism: never above 2,000/s over the measured time (a loaded machine may send fewer).
  t.assert.ok(report.calls > 0 && report.calls <= 2000 * report.measuredSeconds + 100, `calls ${report.calls} in ${report.measuredSeconds} s`);
  t.assert.match(stdout, /intended send time \(corrected for coordinated omission\)/);
  t.assert.match(stdout, /rate limit 2,000 calls\/s/);
});

test('bench kv: gets and puts against the voltkv procedures', async (t: TestContext) => {
  const { report, stdout } = await benchFiles(t, 'kv', [
    'kv', '--servers', servers, '--duration', '700ms', '--warmup', '0', '--keys', '300', '--min-value-size', '16', '--max-value-size', '64', '--get-ratio', '0.5', '--connections', '2', '--quiet',
  ]);
  t.assert.strictEqual(report.config.workload, 'kv');
  t.assert.strictEqual(report.config.connections, 2);
  t.assert.strictEqual(report.failed, 0, JSON.stringify(report.errors));
  t.assert.ok(report.outcomes['get hit']! > 0 && report.outcomes.put! > 0, JSON.stringify(report.outcomes));
  t.assert.strictEqual(report.outcomes['get miss'] ?? 0, 0, 'every key was preloaded');
  t.assert.match(stdout, /kv: 300 keys of 32 chars, values 16–64 bytes/);
});

test('bench --workers 2 merges the histograms of two worker threads / processes', async (t: TestContext) => {
  for (const kind of ['thread', 'process']) {
    const { report, stdout } = await benchFiles(t, `workers-${kind}`, ['--servers', servers, '--duration', '1s', '--warmup', '0', '--workers', '2', '--worker-kind', kind, '--display-interval', '300ms', '--rate', '3000']);
    t.assert.strictEqual(report.config.workers, 2);
    t.assert.strictEqual(report.config.workerKind, kind);
    t.assert.ok(report.calls > 0 && report.calls <= 3000 * report.measuredSeconds + 100, `${kind}: calls ${report.calls} in ${report.measuredSeconds} s`);
    t.assert.strictEqual(report.failed, 0);
    t.assert.ok(report.bytesOut > 0 && report.cpu.userSeconds > 0);
    t.assert.ok(report.intervals.length >= 1);
    t.assert.match(stdout, new RegExp(`2 client ${kind === 'thread' ? 'threads' : 'processes'}`));
  }
});

test('bench without --servers starts the embedded server in another process and stops it', async (t: TestContext) => {
  const { report, stderr } = await benchFiles(t, 'embedded', ['--duration', '500ms', '--warmup', '0', '--quiet']);
  t.assert.match(report.config.servers, /^embedded \(127\.0\.0\.1:\d+, pid (\d+)\)$/);
  const pid = Number(/pid (\d+)/.exec(report.config.servers)![1]);
  t.assert.notStrictEqual(pid, process.pid);
  t.assert.match(stderr, /starting the embedded server in a separate process/);
  t.assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the server process is gone');
  t.assert.ok(report.calls > 0);
});

test('bench against a server that fails every call reports errors by status', async (t: TestContext) => {
  const faulty = await startEmbeddedServer({ args: ['--port', '0', '--workloads', 'kv'] });
  try {
    const run = await cli(['bench', '--servers', faulty.hosts.join(','), '--duration', '300ms', '--warmup', '0']);
    t.assert.strictEqual(run.code, EXIT_CODE.FAILURE, 'no voter schema: Initialize fails');
    oneErrorLine(t, run.stderr.split('\n').filter((l) => l.startsWith('error')).join('\n'), /Initialize failed with/);
    const kv = await benchFiles(t, 'kv-no-preload', ['kv', '--servers', faulty.hosts.join(','), '--duration', '300ms', '--warmup', '0', '--no-preload', '--keys', '50', '--quiet']);
    t.assert.ok((kv.report.outcomes['get miss'] ?? 0) > 0, 'nothing preloaded: gets miss');
  } finally {
    await faulty.stop();
  }
});

test('bench against a server that drops the connection: report, stopped early, exit code 1', async (t: TestContext) => {
  const dropping = await startEmbeddedServer({ args: ['--close-after-frames', '3000'] });
  try {
    const json = join(dir, 'dropped.json');
    const run = await cli(['bench', '--servers', dropping.hosts.join(','), '--duration', '120s', '--warmup', '0', '--quiet', '--json', json]);
    t.assert.strictEqual(run.code, EXIT_CODE.FAILURE, run.stderr);
    t.assert.match(run.stdout, /stopped early: .*no connection/i);
    const report = JSON.parse(await readFile(json, 'utf8')) as BenchReport;
    t.assert.ok(report.succeeded > 0);
    t.assert.ok((report.errors.CONNECTION_LOST ?? 0) + (report.errors.NO_CONNECTIONS ?? 0) > 0, JSON.stringify(report.errors));
    t.assert.ok(report.measuredSeconds < 120, 'stopped before the end');
  } finally {
    await dropping.stop();
  }
});
