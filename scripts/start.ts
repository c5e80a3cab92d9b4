/**
 * `npm start`: the main job on the embedded default, with nothing else to set up.
 *
 * 1. start the embedded VoltDB-protocol server in a separate process (voter schema, and an
 *    analytics table EVENTS with one column of every type);
 * 2. run a 10-second voter load test against it (2 s warm-up) with live progress — the same
 *    code path as `voltwire bench` — and print the report;
 * 3. extract the EVENTS table into an Arrow file with `extractTo` (the extraction engine: parallel
 *    key ranges, columnar batches);
 * 4. stop everything.
 *
 * Ctrl-C stops it at any step: during the load test the bench reports what it measured, and the
 * extraction is skipped; the embedded server is stopped either way (exit code 130).
 *
 * Files go to ./voltwire-output (or $VOLTWIRE_OUTPUT_DIR): bench-voter.json, bench-voter.csv
 * and events.arrow. For a quick run: VOLTWIRE_START_SECONDS=2 VOLTWIRE_START_ROWS=1000 npm start.
 */
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Client } from '../src/client.js';
import { reportError } from '../src/cli/exit.js';
import { formatBytes } from '../src/cli/load/report.js';
import { runCli } from '../src/cli/program.js';
import { startEmbeddedServer, type EmbeddedServer } from '../src/cli/server-process.js';
import { extractTo, progressLine, type ExtractToProgress, type ExtractToResult } from '../src/extract/index.js';


function setting(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got "${text}"`);
  return value;
}

const say = (line = ''): void => void process.stdout.write(line + '\n');

/** Extract EVENTS into `file` with a progress line (redrawn in place on a terminal). */
async function extractEvents(client: Client, file: string): Promise<ExtractToResult> {
  const tty = process.stdout.isTTY === true;
  let last = 0;
  const onProgress = (p: ExtractToProgress): void => {
    const now = performance.now();
    if (!tty || now - last < 200) return;
    last = now;
    process.stdout.write(`\r\x1b[2K   ${progressLine(p)}`);
  };
  try {
    return await extractTo(client, file, { table: 'EVENTS', onProgress });
  } finally {
    if (tty && last > 0) process.stdout.write('\r\x1b[2K');
  }
}

async function main(): Promise<number> {
  const seconds = setting('VOLTWIRE_START_SECONDS', 10);
  const eventRows = Math.round(setting('VOLTWIRE_START_ROWS', 100_000));
  const outDir = process.env.VOLTWIRE_OUTPUT_DIR ?? join(process.cwd(), 'voltwire-output');
  await mkdir(outDir, { recursive: true });
  const shown = (file: string): string => {
    const path = relative(process.cwd(), file);
    return path === '' || path.startsWith('..') ? file : path;
  };

  say('voltwire — npm start: a voter load test and a table extraction against the embedded VoltDB-protocol server');
  say('');
  let server: EmbeddedServer | undefined;
  let client: Client | undefined;
  // Ctrl-C: during the load test the bench stops and reports (its own handler); otherwise stop
  // the server (it runs in its own process group, so the terminal's Ctrl-C does not reach it).
  let benchRunning = false;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    if (benchRunning) return;
    say('\ninterrupted: stopping the embedded server');
    void (server?.stop() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    server = await startEmbeddedServer({ args: ['--port', '0', '--rows', String(eventRows)] });
    say(`1. embedded server started in a separate process (pid ${server.pid}) on ${server.hosts.join(', ')}`);
    say(`2. voter load test: ${seconds} s measured after a 2 s warm-up, as fast as flow control allows`);
    say('');
    const benchJson = join(outDir, 'bench-voter.json');
    const benchCsv = join(outDir, 'bench-voter.csv');
    benchRunning = true;
    const code = await runCli(
      ['bench', 'voter', '--servers', server.hosts.join(','), '--duration', `${seconds}s`, '--warmup', '2s', '--json', benchJson, '--csv', benchCsv],
      { stdout: process.stdout, stderr: process.stderr },
    );
    benchRunning = false;
    if (code !== 0) return code;
    if (interrupted) {
      say('\ninterrupted: the extraction is skipped; stopping the embedded server');
      return 130;
    }

    say('');
    say(`3. extracting the analytics table EVENTS (${eventRows.toLocaleString('en-US')} rows, one column of every VoltDB type)`);
    client = await Client.connect({ hosts: server.hosts });
    const result = await extractEvents(client, join(outDir, 'events.arrow'));
    const took = result.elapsedMs / 1000;
    say(
      `   ${result.rows.toLocaleString('en-US')} rows → ${shown(result.path)} (${result.format}, ${formatBytes(result.bytesWritten)}) ` +
        `in ${took.toFixed(2)} s: ${Math.round(result.rows / Math.max(took, 0.001)).toLocaleString('en-US')} rows/s, ` +
        `${result.batches} batch${result.batches === 1 ? '' : 'es'}, strategy ${result.progress.strategy ?? '?'}`,
    );
    say('');
    say(`4. stopping. Results: ${shown(benchJson)}, ${shown(benchCsv)}, ${shown(result.path)}`);
    say('   Next: the voltwire command — in this clone: node dist/src/cli/main.js bench --help');
    return 0;
  } finally {
    if (client !== undefined) await client.close();
    if (server !== undefined) await server.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.exitCode = reportError(error, process.stderr);
}
