/**
 * `npm run bench` — runs the registered suites and writes the console table, the JSON and the
 * self-contained HTML report (bench/out/ by default). See harness/options.ts for the flags.
 *
 * Garbage is collected before each task, which needs `global.gc`: when node was started
 * without `--expose-gc`, this script runs itself again in a child node that has it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleReport } from './harness/console-table.js';
import { renderHtmlReport } from './harness/html-report.js';
import { loadBenchFiles } from './harness/loader.js';
import { parseCli, USAGE } from './harness/options.js';
import { registry } from './harness/registry.js';
import { REPOSITORY_ROOT } from './harness/repository.js';
import { runBenchmarks } from './harness/runner.js';
import { selectDatasets } from './harness/selection.js';
import { renderReportChart } from './harness/svg-chart.js';

const REEXEC_MARK = 'VOLTWIRE_BENCH_GC';

/** Run this script again under `--expose-gc`, passing signals on so that no child outlives us. */
function reexecWithGc(): void {
  const child = spawn(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC_MARK]: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + 15)));
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const cli = parseCli(argv);
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const loadErrors = await loadBenchFiles();
  if (cli.list) {
    for (const suite of registry.suites.values()) {
      console.log(`suite ${suite.name}: ${suite.description}`);
      for (const s of registry.strategiesOf(suite.name)) console.log(`  strategy ${s.name}: ${s.description}`);
    }
    for (const d of selectDatasets(registry, undefined, cli.profile)) console.log(`dataset ${d.name} [${d.family}]: ${d.description}`);
    for (const e of loadErrors) console.log(`not loaded: ${e.file}: ${e.error}`);
    return 0;
  }
  const command = `npm run bench${argv.length === 0 ? '' : ` -- ${argv.join(' ')}`}`;
  const { report, failures } = await runBenchmarks(
    registry,
    {
      suites: cli.suites,
      datasets: cli.datasets,
      profile: cli.profile,
      timeMs: cli.timeMs,
      warmupMs: cli.warmupMs,
      iterations: cli.iterations,
      gc: cli.gc,
      log: (line) => process.stderr.write(`${line}\n`),
    },
    { profile: cli.profile, root: REPOSITORY_ROOT },
    command,
  );
  report.loadErrors = loadErrors;
  console.log(consoleReport(report));

  const out = join(REPOSITORY_ROOT, 'bench', 'out');
  const jsonPath = resolve(cli.json ?? join(out, 'results.json'));
  const htmlPath = resolve(cli.html ?? join(out, 'report.html'));
  write(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  write(htmlPath, renderHtmlReport(report));
  console.log(`\nJSON: ${jsonPath}\nHTML: ${htmlPath}`);
  if (cli.svg !== undefined) {
    const svgPath = resolve(cli.svg);
    write(svgPath, renderReportChart(report));
    console.log(`SVG:  ${svgPath}`);
  }
  for (const failure of failures) console.error(`${failure.status.toUpperCase()}: ${failure.suite}/${failure.dataset}/${failure.strategy}: ${failure.reason ?? ''}`);
  const empty = report.suites.filter((suite) => !report.strategies.some((s) => s.suite === suite.name));
  for (const suite of empty) console.error(`EMPTY: suite ${suite.name} ran no strategy`);
  return failures.length > 0 || loadErrors.length > 0 || empty.length > 0 ? 1 : 0;
}

if (typeof globalThis.gc !== 'function' && process.env[REEXEC_MARK] === undefined) {
  reexecWithGc();
} else {
  // Interrupted: exit through process.exit so 'exit' handlers (the end-to-end server's) run.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  start();
}

function start(): void {
  main().then(
    (code) => {
      process.exitCode = code;
      // A suite that leaves a handle open (a socket, a worker) must not hang the command.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      console.error(USAGE);
      process.exit(2);
    },
  );
}
