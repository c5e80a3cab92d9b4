/**
 * The live display in a real terminal: `voltwire bench` in a tmux pane (when tmux is
 * installed) and under a pseudo-terminal from `script` (util-linux), showing one status line
 * redrawn in place — not a new line per update.
 */
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/server-process.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
const SOCKET = `voltwire-test-${process.pid}`;

let server: EmbeddedServer | undefined;

before(async () => {
  if (HAS_TMUX || HAS_SCRIPT) server = await startEmbeddedServer({ args: ['--port', '0'] });
});

after(async () => {
  if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await server?.stop();
});

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test(
  'tmux: the status line updates in place, then the report follows it',
  { skip: HAS_TMUX ? false : 'tmux is not installed: the tmux live-display test is skipped (apt-get install -y tmux to run it)' },
  async (t: TestContext) => {
    const command = `${quote(process.execPath)} ${quote(MAIN)} bench --servers ${server!.hosts.join(',')} --duration 3s --warmup 0 --display-interval 200ms; echo EXIT=$?; sleep 60`;
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'live', '-x', '200', '-y', '50', command);
    const pane = (): string[] => tmux('capture-pane', '-p', '-t', 'live').split('\n');
    const statusRows = (lines: string[]): number[] => lines.flatMap((line, row) => (/tps now/.test(line) ? [row] : []));

    await until('the status line', () => statusRows(pane()).length > 0, 20_000);
    const first = pane();
    await sleep(800);
    const second = pane();
    t.assert.strictEqual(statusRows(first).length, 1, first.join('\n'));
    t.assert.strictEqual(statusRows(second).length, 1, second.join('\n'));
    t.assert.deepStrictEqual(statusRows(second), statusRows(first), 'same row: redrawn in place');
    const row = statusRows(first)[0]!;
    t.assert.notStrictEqual(second[row], first[row], 'the line changed');
    t.assert.match(first[row]!, /[█░]+\s+\d+% \| [\d.]+ s \| (warmup|measure) \|\s+[\d,]+ tps now, +[\d,]+ avg \| p50 [\d.]+ ms, p99 [\d.]+ ms \| errors \d+ \| outstanding [\d,]+/);
    const percent = (line: string): number => Number(/(\d+)%/.exec(line)![1]);
    t.assert.ok(percent(second[row]!) > percent(first[row]!), 'the bar moved');

    await until('the end of the run', () => pane().some((line) => line.startsWith('EXIT=')), 30_000);
    const end = pane();
    t.assert.ok(end.includes('EXIT=0'), end.join('\n'));
    t.assert.strictEqual(statusRows(end).length, 1, 'one status line left in place');
    t.assert.match(end[statusRows(end)[0]!]!, /100% \| 3\.0 s/);
    const throughput = end.findIndex((line) => line.startsWith('Throughput'));
    t.assert.ok(throughput > statusRows(end)[0]!, 'the report follows the status line');
  },
);

test(
  'pseudo-terminal: the status line is redrawn with cursor moves, not new lines',
  { skip: HAS_SCRIPT ? false : 'script (util-linux) is not installed: the pseudo-terminal test is skipped' },
  async (t: TestContext) => {
    const command = `stty cols 200 rows 50; ${quote(process.execPath)} ${quote(MAIN)} bench --servers ${server!.hosts.join(',')} --duration 1500ms --warmup 0 --display-interval 150ms`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    child.stdout.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    t.assert.strictEqual(code, 0, raw);
    const renders = [...raw.matchAll(/tps now/g)].map((m) => m.index);
    t.assert.ok(renders.length >= 3, `renders ${renders.length}`);
    const between = raw.slice(renders[0], renders[renders.length - 1]);
    t.assert.doesNotMatch(between, /\n/, 'no new line between two renders');
    t.assert.match(between, /\x1b\[\d*G|\r/, 'the cursor goes back to the start of the line');
    t.assert.match(raw, /Throughput\s+[\d,]+ calls\/s/);
  },
);
