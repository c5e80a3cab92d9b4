/**
 * Small things a careful user meets, through the built command: `-c` means one thing,
 * `extract --help` wraps cleanly and says `2m`, sizes, rates and counts read naturally, a dump asked
 * for a connection it does not hold says so, and bench seeds are random, printed and repeatable.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/server-process.js';
import { voltwire } from './binary.js';

let server: EmbeddedServer;
let servers: string;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voltwire-careful-'));
  server = await startEmbeddedServer({ args: ['--port', '0', '--rows', '20'] });
  servers = server.hosts.join(',');
});

after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('-c means --connections wherever it exists; extract --help wraps between examples and says 2m', async (t: TestContext) => {
  for (const command of ['bench', 'call', 'query', 'ping', 'extract', 'dump']) {
    const help = await voltwire([command, '--help'], { env: { COLUMNS: '80' } });
    t.assert.strictEqual(help.code, 0, command);
    for (const line of help.stdout.split('\n').filter((l) => /^\s*-c, /.test(l))) t.assert.match(line, /^\s*-c, --connections /, command);
  }
  const extract = await voltwire(['extract', '--help'], { env: { COLUMNS: '80' } });
  const examples = extract.stdout.slice(extract.stdout.indexOf('Examples:'));
  for (const line of examples.split('\n').slice(1).filter((l) => l !== '')) t.assert.match(line, /^  voltwire extract /, 'one example per line');
  t.assert.match(extract.stdout, /timeout of each request \(default: 2m\)/);
  t.assert.doesNotMatch(extract.stdout, /120000/);
});

test('extract prints sizes in B/KiB and "1 lane"; dump --connection of a missing connection is an error', async (t: TestContext) => {
  const out = join(dir, 'ids.csv');
  const dumpFile = join(dir, 'ping.dump');
  const run = await voltwire(['extract', '--table', 'EVENTS', '--columns', 'ID', '--by', 'query', '--out', out, '--no-progress', '--servers', servers, '--dump', dumpFile]);
  t.assert.strictEqual(run.code, 0, run.stderr);
  t.assert.match(run.stdout, /^wrote 20 rows \(\d+ B csv\) to .*ids\.csv in .*, query(, 1 lane)?\n$/);
  t.assert.doesNotMatch(run.stdout, /\(0\.0 MB|1 lanes|0\.0 MB\/s/);
  t.assert.match(run.stdout, /rows\/s, \d+(\.\d)? (B|KiB|MiB|GiB)\/s of column data/);

  const listed = await voltwire(['dump', dumpFile, '--connection', '0']);
  t.assert.strictEqual(listed.code, 0, listed.stderr);
  t.assert.match(listed.stdout, /#0 /);
  const missing = await voltwire(['dump', dumpFile, '--connection', '5']);
  t.assert.strictEqual(missing.code, 2);
  t.assert.strictEqual(missing.stdout, '');
  t.assert.match(missing.stderr, /^error: .*ping\.dump holds no connection #5 \(it holds #0\)\n$/);
});

test('bench: a random seed by default, printed; --seed repeats it and lands in the JSON report', async (t: TestContext) => {
  const seeds: number[] = [];
  for (let i = 0; i < 2; i++) {
    const run = await voltwire(['bench', '--duration', '1s', '--warmup', '0', '--quiet', '--servers', servers]);
    t.assert.strictEqual(run.code, 0, run.stderr);
    const match = /^seed (\d+) \(random; repeat these calls with --seed \1\)$/m.exec(run.stderr);
    t.assert.ok(match !== null, run.stderr);
    seeds.push(Number(match[1]));
  }
  // Two draws of 2^32 values: equal once in four billion runs.
  t.assert.notStrictEqual(seeds[0], seeds[1]);
  const json = join(dir, 'seeded.json');
  const fixed = await voltwire(['bench', '--duration', '1s', '--warmup', '0', '--quiet', '--seed', '7', '--json', json, '--servers', servers]);
  t.assert.strictEqual(fixed.code, 0, fixed.stderr);
  t.assert.match(fixed.stderr, /^seed 7$/m);
  const report = JSON.parse(await readFile(json, 'utf8')) as { config: { seed: number } };
  t.assert.strictEqual(report.config.seed, 7);
});
