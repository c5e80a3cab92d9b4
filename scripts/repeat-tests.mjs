// The flake hunt: runs the compiled suite N times, each in a fresh `node --test` process, while
// a busy child process per core keeps the CPU loaded, then prints every test that failed with
// how many of the N runs it failed in. A test that fails in some runs only is timing-dependent.
//
//   npx tsc -p tsconfig.json && node scripts/repeat-tests.mjs N [--load K] [--concurrency C] [filter ...]
//
// --load K: busy processes (default: one per core; 0 for none); --concurrency C: test files run
// at once, as `npm test` does (default 2); filters: substrings of the compiled test paths, as
// scripts/run-tests.mjs takes. No coverage (c8): the runs are about timing, not lines.
//
// This file is also the node:test reporter of those runs (`--test-reporter=<this file>`): it
// prints one JSON line per failed test, suite or file and per unexpected diagnostic, and a count
// of the passed and the skipped tests, which the main part reads.
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const MARK = '@@repeat-tests ';

// The runner's own summary lines (`tests 12`, `pass 11`, …). Its other diagnostics are worth
// keeping, e.g. "… generated asynchronous activity after the test ended …", which fails the file
// and names no test; a test's own `t.diagnostic()` lines (they carry a file) are its business.
const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) \d/;
// How much of a file's stderr to keep for its failure report.
const STDERR_LINES = 20;

function firstLine(value) {
  return String(value ?? '').split('\n')[0].slice(0, 300);
}

/**
 * The reporter: one `MARK {json}` line per failed test or suite (a failed hook fails its suite),
 * per failed file (its process exited with a failure but no test of it failed: the exit code or
 * signal and the tail of its stderr come along), per unexpected diagnostic, and the pass count.
 */
export default async function* reporter(source) {
  let passed = 0;
  // Skipped tests pass too: counted apart, so a run that silently lost its fixtures shows.
  let skipped = 0;
  const stderr = new Map();
  for await (const event of source) {
    const data = event.data;
    if (event.type === 'test:stderr') {
      const lines = stderr.get(data.file) ?? [];
      lines.push(...String(data.message).split('\n').filter((line) => line !== ''));
      stderr.set(data.file, lines.slice(-STDERR_LINES));
    } else if (event.type === 'test:diagnostic' && data.file === undefined && !SUMMARY.test(data.message)) {
      yield `${MARK}${JSON.stringify({ diagnostic: String(data.message).slice(0, 2000), file: data.file ?? '' })}\n`;
    } else if (event.type === 'test:pass' && data.details?.type !== 'suite') {
      if (data.skip !== undefined && data.skip !== false) skipped++;
      else passed++;
    } else if (event.type === 'test:fail') {
      const error = data.details?.error;
      const record = { file: data.file ?? '', line: data.line ?? 0, name: data.name, message: firstLine(error?.cause?.message ?? error?.cause ?? error?.message ?? error) };
      if (data.details?.type === 'suite') record.suite = true;
      if (error?.failureType !== undefined) record.failureType = error.failureType;
      // A file's own failure: named by its path, with how its process ended.
      if (data.name === data.file) {
        record.exitCode = error?.exitCode ?? null;
        record.signal = error?.signal ?? null;
        record.durationMs = Math.round(data.details?.duration_ms ?? 0);
        record.stderr = stderr.get(data.file) ?? [];
      }
      yield `${MARK}${JSON.stringify(record)}\n`;
    }
  }
  yield `${MARK}${JSON.stringify({ passed, skipped })}\n`;
}

function collect(dir, root, suffix) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...collect(path, root, suffix));
    else if (entry.endsWith(suffix)) found.push(relative(root, path));
  }
  return found.sort();
}

/** A child that spins until killed: the artificial CPU load. */
function busyChild() {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  child.on('error', () => {});
  return child;
}

/** The suite run in progress, so that stopping this script stops it too. */
let running = null;

function runSuite(root, files, concurrency) {
  return new Promise((resolve) => {
    const args = ['--test', `--test-reporter=${SELF}`, `--test-concurrency=${concurrency}`, ...files];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    const failures = [];
    const diagnostics = [];
    let passed = 0;
    let skipped = 0;
    let pending = '';
    let stderr = '';
    const onLine = (line) => {
      if (!line.startsWith(MARK)) return;
      const record = JSON.parse(line.slice(MARK.length));
      if ('passed' in record) {
        passed += record.passed;
        skipped += record.skipped;
      }
      else if ('diagnostic' in record) diagnostics.push(record);
      else failures.push(record);
    };
    child.stdout.on('data', (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      lines.forEach(onLine);
    });
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('close', (code) => {
      running = null;
      if (pending !== '') onLine(pending);
      resolve({ code, failures, diagnostics, passed, skipped, stderr });
    });
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { load: { type: 'string' }, concurrency: { type: 'string', default: '2' } },
  });
  const runs = Number(positionals[0]);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    console.error('usage: node scripts/repeat-tests.mjs N [--load K] [--concurrency C] [filter ...]');
    process.exit(2);
  }
  const filters = positionals.slice(1);
  const load = values.load === undefined ? availableParallelism() : Number(values.load);
  const concurrency = Number(values.concurrency);
  const root = fileURLToPath(new URL('..', import.meta.url));
  // The compiled tests and the plain-JavaScript ones, as scripts/run-tests.mjs (and so `npm test`) runs them.
  const all = [...collect(join(root, 'dist', 'test'), root, '.test.js'), ...collect(join(root, 'test'), root, '.test.mjs')];
  const files = all.filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
  if (files.length === 0) {
    console.error('repeat-tests: no compiled test files found under dist/test (run npx tsc -p tsconfig.json first)');
    process.exit(1);
  }
  const busy = Array.from({ length: load }, busyChild);
  const stopBusy = () => {
    for (const child of busy) child.kill('SIGKILL');
  };
  // Stopped by hand: no busy process may outlive this one (they spin forever), nor the suite
  // run (the runner ends its own test files when it is told to stop).
  process.on('exit', () => {
    stopBusy();
    running?.kill('SIGTERM');
  });
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  console.log(`repeat-tests: ${runs} run(s) of ${files.length} test files, concurrency ${concurrency}, ${load} busy process(es); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const byTest = new Map();
  let green = 0;
  for (let run = 1; run <= runs; run++) {
    const started = performance.now();
    const result = await runSuite(root, files, concurrency);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    // A run is green when the process passed and no test failed (a crash of a file counts too).
    const ok = result.code === 0 && result.failures.length === 0;
    if (ok) green++;
    for (const failure of result.failures) {
      const key = `${failure.file.replace(root, '')}:${failure.line} ${failure.name}`;
      const entry = byTest.get(key) ?? { count: 0, message: failure.message };
      entry.count++;
      byTest.set(key, entry);
    }
    const names = result.failures.map((f) => (f.suite ? `suite ${f.name}` : f.name)).join('; ');
    console.log(`  run ${run}/${runs}: ${ok ? 'green' : `FAILED (exit ${result.code})`}, ${result.passed} passed, ${result.skipped} skipped, ${result.failures.length} failed, ${seconds} s, load ${loadavg()[0].toFixed(2)}${names === '' ? '' : ` — ${names}`}`);
    // What a failure needs to be understood later: the whole record of each, every diagnostic
    // beyond the summary, and the runner's own stderr when it failed with nothing else to show.
    for (const failure of result.failures) console.log(`      ${JSON.stringify({ ...failure, file: failure.file.replace(root, '') })}`);
    for (const { diagnostic } of result.diagnostics) console.log(`      diagnostic: ${diagnostic}`);
    if (!ok && result.failures.length === 0 && result.stderr !== '') console.log(`      stderr: ${result.stderr}`);
  }
  stopBusy();
  console.log(`\n${green}/${runs} runs green`);
  if (byTest.size > 0) {
    console.log('failing tests (runs failed / runs):');
    for (const [key, { count, message }] of [...byTest].sort((a, b) => b[1].count - a[1].count)) {
      console.log(`  ${count}/${runs}  ${key}\n         ${message}`);
    }
  }
  process.exitCode = green === runs ? 0 : 1;
}

if (process.argv[1] === SELF) await main();
