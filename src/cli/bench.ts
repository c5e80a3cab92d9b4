/**
 * `voltwire bench`: a VoltDB load test in the spirit of VoltDB's AsyncBenchmark — setup,
 * warm-up, a measured window with live statistics, and a report of throughput, latency
 * percentiles from an HdrHistogram, errors by status, bytes and client CPU.
 *
 * Without `--servers` it starts the embedded server in a child process (so client and server
 * do not share an event loop) and stops it afterwards.
 */
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Client } from '../client.js';
import type { CliContext } from './context.js';
import { LoadRunner, type LoadRunResult } from './load/load-runner.js';
import type { LoadPhase, LoadStats } from './load/load-stats.js';
import { LiveDisplay } from './load/live-display.js';
import { buildReport, formatCsv, formatReport, type BenchConfig, type BenchReport } from './load/report.js';
import { runWorkers, type WorkerKind } from './load/workers.js';
import { createWorkload, WORKLOAD_NAMES, type WorkloadName, type WorkloadSpec } from './load/workloads.js';
import {
  addConnectionOptions,
  choiceOption,
  connectClient,
  durationOption,
  integerOption,
  numberOption,
  resolveTarget,
  type ConnectionFlags,
  type ConnectionTarget,
} from './options.js';
import { startEmbeddedServer, type EmbeddedServer } from './server-process.js';

export interface BenchFlags extends ConnectionFlags {
  workload: WorkloadName;
  duration: number;
  warmup: number;
  rate?: number;
  connections: number;
  displayInterval?: number;
  workers: number;
  workerKind: WorkerKind;
  maxOutstanding?: number;
  timeout: number;
  seed?: number;
  json?: string;
  csv?: string;
  quiet?: boolean;
  live?: boolean;
  contestants: number;
  maxVotes: number;
  keys: number;
  getRatio: number;
  keySize: number;
  minValueSize: number;
  maxValueSize?: number;
  entropy: number;
  preload: boolean;
}

/**
 * Calls in flight per server host when --max-outstanding is not given. Deeper pipelines only
 * add queueing: against the embedded server, 4 connections with 1000 calls in flight gave
 * ~125k calls/s and p50 7 ms; with 4000 in flight, ~94k calls/s and p50 38 ms (2 shared cores).
 */
const OUTSTANDING_PER_HOST = 1000;

/** Signals that stop the load early (it still reports). */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function benchCommand(ctx: CliContext): Command {
  const command = new Command('bench')
    .summary('load-test VoltDB (voter or key-value workload)')
    .description(
      'Drive a VoltDB database (or the embedded server) with the voter or key-value workload and report throughput, ' +
        'latency percentiles (HdrHistogram), errors by status, bytes and client CPU. Without --servers the embedded ' +
        'server is started in a separate process and stopped afterwards. With --rate, each latency is measured from ' +
        "the call's intended send time, so a stalled server cannot hide its stall (coordinated omission).",
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  voltwire bench                                # 10 s of voter against the embedded server\n' +
        '  voltwire bench --rate 20000 --duration 30s --csv result.csv\n' +
        '  voltwire bench kv --get-ratio 0.5 --servers volt1,volt2 --connections 4 --workers 2\n\n' +
        'Durations: 10 (seconds), 10s, 500ms, 2m. Ctrl-C stops the load early and still prints the report.',
    )
    .argument('[workload]', `workload: ${WORKLOAD_NAMES.join(' or ')}`, choiceOption('workload', WORKLOAD_NAMES), 'voter')
    .addOption(new Option('-d, --duration <duration>', 'measured window').argParser(durationOption('--duration', false)).default(10_000, '10s'))
    .addOption(new Option('-w, --warmup <duration>', 'warm-up before measuring').argParser(durationOption('--warmup', true)).default(2_000, '2s'))
    .option('-r, --rate <tps>', 'calls per second for the whole run (default: as fast as flow control allows)', numberOption('--rate', 0, Number.POSITIVE_INFINITY, true))
    .option('-c, --connections <n>', 'connections per host, per client', integerOption('--connections', 1, 256), 1)
    .option('--display-interval <duration>', 'live statistics period (default 1 s on a terminal, 5 s otherwise)', durationOption('--display-interval', false))
    .option('--workers <n>', 'client threads (or processes) driving the load, results merged', integerOption('--workers', 1, 64), 1)
    .addOption(new Option('--worker-kind <kind>', 'what a worker is').choices(['thread', 'process']).default('thread'))
    .option('--max-outstanding <n>', `calls in flight for the whole run, split among workers (default ${OUTSTANDING_PER_HOST} per server host)`, integerOption('--max-outstanding', 1))
    .addOption(new Option('-t, --timeout <duration>', 'timeout of each call').argParser(durationOption('--timeout', false)).default(30_000, '30s'))
    .option('--seed <n>', 'random seed of the workload (default: a random one, printed, so a run can be repeated)', integerOption('--seed', 0, 2 ** 32 - 1))
    .option('--json <file>', 'write the result as JSON')
    .option('--csv <file>', 'write the result as a CSV summary row')
    .option('-q, --quiet', 'no live statistics')
    .option('--no-live', 'plain periodic lines even on a terminal')
    .option('--contestants <n>', 'voter: contestants to initialize', integerOption('--contestants', 1, 12), 6)
    .option('--max-votes <n>', 'voter: votes allowed per phone number', integerOption('--max-votes', 1), 2)
    .option('--keys <n>', 'kv: keys in the pool', integerOption('--keys', 1), 100_000)
    .option('--get-ratio <ratio>', 'kv: fraction of calls that are gets (0..1)', numberOption('--get-ratio', 0, 1), 0.9)
    .option('--key-size <n>', 'kv: key length in characters', integerOption('--key-size', 2, 1_048_576), 32)
    .option('--min-value-size <n>', 'kv: smallest value in bytes', integerOption('--min-value-size', 0, 1_048_576), 1024)
    .option('--max-value-size <n>', 'kv: largest value in bytes (default: the smallest)', integerOption('--max-value-size', 0, 1_048_576))
    .option('--entropy <n>', 'kv: value bytes drawn from [0, n): 1 compresses best, 256 is random', integerOption('--entropy', 1, 256), 127)
    .option('--no-preload', 'kv: do not put every key before the run');
  addConnectionOptions(command, 'VoltDB hosts, comma-separated host[:port] (default: start the embedded server in a separate process)');
  command.action(async (workload: WorkloadName, flags: BenchFlags) => {
    const report = await runBench(ctx, { ...flags, workload });
    // A run cut short by the server (connections lost, calls stuck) is a failure; Ctrl-C is not.
    if (report.stoppedEarly !== null && report.stoppedEarly !== 'interrupted') ctx.exitCode = 1;
  });
  return command;
}

function workloadSpec(flags: BenchFlags, seed: number): WorkloadSpec {
  return {
    name: flags.workload,
    seed,
    voter: { contestants: flags.contestants, maxVotes: flags.maxVotes },
    kv: {
      keys: flags.keys,
      getRatio: flags.getRatio,
      keySize: flags.keySize,
      minValueSize: flags.minValueSize,
      maxValueSize: flags.maxValueSize ?? Math.max(flags.minValueSize, 0),
      entropy: flags.entropy,
      preload: flags.preload,
    },
  };
}

/** Run the whole load test; prints the report and writes the result files. */
export async function runBench(ctx: CliContext, flags: BenchFlags): Promise<BenchReport> {
  // A fixed default seed would replay the same calls on every run: against the same server the
  // second run would mostly measure refusals (voter's "over the vote limit"). Random, and printed.
  const seed = flags.seed ?? randomInt(0, 2 ** 32);
  const spec = workloadSpec(flags, seed);
  const workload = createWorkload(spec); // validates the workload options before anything starts
  // Refuse an unwritable result file now, not after the whole run.
  for (const [option, file] of [['--json', flags.json], ['--csv', flags.csv]] as const) {
    if (file === undefined) continue;
    try {
      await access(dirname(resolve(file)), fsConstants.W_OK);
    } catch {
      throw new RangeError(`${option}: cannot write ${file} (its folder does not exist or is not writable)`);
    }
  }
  const log = (line: string): void => void ctx.stderr.write(line + '\n');
  log(`seed ${seed}${flags.seed === undefined ? ` (random; repeat these calls with --seed ${seed})` : ''}`);
  const interrupt = new AbortController();
  // Ctrl-C (or SIGTERM) stops the load and still reports what was measured; a second one
  // quits at once (the embedded server is then killed by server-process's exit hook).
  const quitNow = (): never => process.exit(130);
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: stopping the load and reporting what was measured (Ctrl-C again to quit at once)`);
    interrupt.abort();
    for (const name of SIGNALS) {
      process.removeListener(name, onSignal);
      process.once(name, quitNow);
    }
  };
  for (const name of SIGNALS) process.on(name, onSignal);

  let server: EmbeddedServer | undefined;
  let client: Client | undefined;
  try {
    let target: ConnectionTarget;
    let serversLabel: string;
    const explicit = flags.servers !== undefined || (ctx.env.VOLTWIRE_SERVERS ?? '') !== '';
    if (explicit) {
      target = resolveTarget(flags, ctx.env);
      serversLabel = target.hosts.join(',');
    } else {
      log('starting the embedded server in a separate process…');
      server = await startEmbeddedServer();
      target = resolveTarget({ ...flags, servers: server.hosts }, ctx.env);
      serversLabel = `embedded (${server.hosts.join(',')}, pid ${server.pid})`;
      log(`embedded server listening on ${server.hosts.join(', ')}`);
    }
    const maxOutstanding = flags.maxOutstanding ?? OUTSTANDING_PER_HOST * target.hosts.length;
    const config: BenchConfig = {
      workload: flags.workload,
      workloadDescription: workload.describe(),
      servers: serversLabel,
      connections: flags.connections,
      workers: flags.workers,
      workerKind: flags.workers > 1 ? flags.workerKind : 'none',
      durationSeconds: flags.duration / 1000,
      warmupSeconds: flags.warmup / 1000,
      rate: flags.rate ?? null,
      maxOutstanding,
      seed,
    };

    client = await connectClient(target, flags.workers > 1 ? 1 : flags.connections, { callTimeoutMs: flags.timeout, reconnect: false });
    log(`connected to ${client.serverInfo.host}:${client.serverInfo.port} (${client.serverInfo.buildString})`);
    await workload.setup(client, log);

    const tty = ctx.stderr.isTTY === true && flags.live !== false;
    const display = new LiveDisplay({ stream: ctx.stderr, totalMs: flags.warmup + flags.duration, tty });
    const displayMs = flags.displayInterval ?? (tty ? 1000 : 5000);
    const onTick = (stats: LoadStats, phase: LoadPhase, elapsedMs: number, measuredMs: number): void => {
      const snapshot = stats.takeInterval(performance.now(), phase, elapsedMs, measuredMs);
      if (flags.quiet === true) display.intervals.push(snapshot);
      else display.tick(snapshot);
    };
    const startedAt = new Date();
    log(
      `running ${workload.describe()} for ${flags.warmup / 1000} s warm-up + ${flags.duration / 1000} s` +
        (flags.rate === undefined ? ', no rate limit' : `, ${flags.rate} calls/s`) +
        (flags.workers > 1 ? `, ${flags.workers} worker ${flags.workerKind === 'process' ? 'processes' : 'threads'}` : ''),
    );

    let result: LoadRunResult;
    if (flags.workers > 1) {
      await client.close();
      client = undefined;
      result = await runWorkers({
        count: flags.workers,
        kind: flags.workerKind,
        config: {
          target,
          connections: flags.connections,
          workload: spec,
          warmupMs: flags.warmup,
          durationMs: flags.duration,
          rate: flags.rate,
          maxOutstanding: Math.max(1, Math.ceil(maxOutstanding / flags.workers)),
          timeoutMs: flags.timeout,
          deltaMs: Math.min(250, displayMs),
        },
        tickMs: displayMs,
        onTick,
        signal: interrupt.signal,
        onStart: () => {
          if (flags.quiet !== true) display.start();
        },
      });
    } else {
      if (flags.quiet !== true) display.start();
      const runner = new LoadRunner({
        client,
        workload,
        warmupMs: flags.warmup,
        durationMs: flags.duration,
        rate: flags.rate,
        maxOutstanding,
        timeoutMs: flags.timeout,
        tickMs: displayMs,
        onTick,
        signal: interrupt.signal,
      });
      result = await runner.run();
    }
    display.stop(result.stoppedEarly === undefined);

    const report = buildReport({
      config,
      startedAt,
      measured: result.stats.measured,
      measuredMs: result.measuredMs,
      bytesIn: result.bytesIn,
      bytesOut: result.bytesOut,
      cpuUserUs: result.cpuUserUs,
      cpuSystemUs: result.cpuSystemUs,
      maxScheduleLagMs: result.maxScheduleLagMs,
      stoppedEarly: result.stoppedEarly,
      intervals: display.intervals,
    });
    ctx.stdout.write('\n' + formatReport(report));
    if (flags.json !== undefined) {
      await writeFile(flags.json, JSON.stringify(report, null, 2) + '\n');
      log(`wrote ${flags.json}`);
    }
    if (flags.csv !== undefined) {
      await writeFile(flags.csv, formatCsv(report));
      log(`wrote ${flags.csv}`);
    }
    return report;
  } finally {
    for (const name of SIGNALS) {
      process.removeListener(name, onSignal);
      process.removeListener(name, quitNow);
    }
    if (client !== undefined) await client.close();
    if (server !== undefined) await server.stop();
  }
}
