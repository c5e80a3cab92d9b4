/**
 * Which source files one `Client.call` runs through, going out and coming back — counted by
 * V8's precise coverage (function call counts), not by reading the code.
 *
 *   npx tsc -p . && node dist/bench/call-walk.js [--procedure vote|ping] [--types] [--json]
 *
 * The embedded server runs in ANOTHER process (its files never show up). After a warm-up, the
 * counters are reset and one call is made:
 * - "out": from `client.call()` to the end of the flush that hands its frame to the socket (the
 *   check phase's `setImmediate` after the call's own);
 * - "back": from there until the call's promise has settled (the response's arrival, framing,
 *   decoding, settlement).
 * A file counts when at least one of its functions ran in that phase. Node's own modules and
 * dependencies are not counted (they are listed apart).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';

const { values: args } = parseArgs({
  options: {
    procedure: { type: 'string', default: 'vote' },
    types: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const DIST = dirname(dirname(fileURLToPath(import.meta.url)));

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(DIST, 'scripts', 'serve.js'), '--port', '0', '--workloads', 'voter'], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { ports?: number[] };
    if (message.ports !== undefined) return { child, port: message.ports[0]! };
  }
  throw new Error('the embedded server exited before listening');
}

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

/** Files (relative to dist/) with at least one function called since the last take; other code apart. */
async function touched(session: Session): Promise<{ files: string[]; other: string[] }> {
  const { result } = (await session.post('Profiler.takePreciseCoverage')) as unknown as Coverage;
  const files = new Set<string>();
  const other = new Set<string>();
  for (const script of result) {
    if (!script.functions.some((fn) => fn.ranges[0]!.count > 0)) continue;
    if (script.url.startsWith('file:') && script.url.includes('/dist/src/')) files.add(relative(join(DIST, 'src'), fileURLToPath(script.url)).replace(/\.js$/, '.ts'));
    else if (script.url !== '' && !script.url.includes('/dist/bench/')) other.add(script.url.replace(/^.*node_modules\//, ''));
  }
  return { files: [...files].sort(), other: [...other].sort() };
}

const nextCheck = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const { child, port } = await startServer();
const client = await Client.connect({ hosts: [`127.0.0.1:${port}`], decode: { workers: 0 } });
const vote = args.procedure === 'vote';
if (vote) await client.call('Initialize', [6, 'A,B,C,D,E,F']);
const procedure = vote ? 'Vote' : '@Ping';
const handle = args.types && vote ? client.procedure('Vote', ['BIGINT', 'INTEGER', 'BIGINT']) : null;
let phone = 5550000000n;
const once = (): Promise<unknown> => {
  const params = vote ? [phone++, 1, 10n] : [];
  return handle !== null ? handle.call(params) : client.call(procedure, params);
};
// Warm-up: every lazy path (first slab, first table shape, pool growth) taken before counting.
for (let i = 0; i < 2000; i++) await once();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
await nextCheck();
await touched(session);
const settled = once();
await nextCheck(); // the flush (scheduled by the call) runs before this in the same check phase
const out = await touched(session);
await settled;
const back = await touched(session);
await session.post('Profiler.stopPreciseCoverage');
session.disconnect();
await client.close();
child.kill();

const what = `${handle !== null ? 'client.procedure(Vote, types).call' : `client.call(${procedure})`}`;
console.log(`${what}: ${out.files.length} files out, ${back.files.length} back`);
console.log(`\nout (${out.files.length}):\n  ${out.files.join('\n  ')}`);
console.log(`\nback (${back.files.length}):\n  ${back.files.join('\n  ')}`);
console.log(`\nnot counted (node, dependencies): out ${out.other.length}, back ${back.other.length}`);
if (args.json) console.log(JSON.stringify({ what, out: out.files, back: back.files }));
