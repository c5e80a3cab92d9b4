/**
 * The fair runner. For each suite and each dataset it builds the input once (untimed), then
 * puts into one tinybench `Bench`: a `Buffer.copy` of the same number of bytes (the physical
 * reference on this machine, measured in the same run) and every strategy whose output
 * matched the reference. Each task is warmed up, garbage is collected before it is timed
 * (when `global.gc` is exposed), and after timing the strategy is checked once more, so a
 * strategy that goes wrong with reuse (a pooled buffer overwritten) fails too.
 *
 * A strategy whose output differs from the reference is never timed: it is reported as
 * `failed` with its first differing value, so a fast wrong strategy cannot win.
 */
import { Bench, type Task } from 'tinybench';
import { firstDifference } from './canonical.js';
import { finishMachineInfo, machineInfo, machineNotes } from './machine.js';
import type { Registry } from './registry.js';
import { selectDatasets, selectSuites } from './selection.js';
import type { Dataset, DatasetData, Report, Result, RunContext, RunOptions, Strategy, Suite, Timing, Work } from './types.js';

export const COPY_STRATEGY = 'Buffer.copy';

interface Timed {
  strategy: Strategy;
  prepared: unknown;
  task?: Task;
}

/**
 * Before a task's timed phase (not its warm-up), collect the previous task's garbage so it is
 * not charged to this one: a full collection for measured runs; a minor one (the young
 * generation only, ~0.1 ms instead of ~25 ms) for the `tiny` smoke run, which checks more
 * than it measures.
 */
function garbageCollector(kind: 'major' | 'minor'): (mode?: string) => void {
  return (mode) => {
    if (mode === 'warmup' || globalThis.gc === undefined) return;
    if (kind === 'major') globalThis.gc();
    else globalThis.gc({ type: 'minor' });
  };
}

function message(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function timingOf(task: Task, work: Work): Timing | undefined {
  const result = task.result;
  if (result.state !== 'completed' && result.state !== 'aborted-with-statistics') return undefined;
  const latency = result.latency;
  const seconds = latency.mean / 1000;
  const timing: Timing = {
    samples: latency.samplesCount,
    mean: latency.mean,
    p50: latency.p50,
    p99: latency.p99,
    rme: latency.rme,
    opsPerSecond: seconds > 0 ? 1 / seconds : Number.POSITIVE_INFINITY,
    mbPerSecond: seconds > 0 ? work.bytes / seconds / 1e6 : Number.POSITIVE_INFINITY,
  };
  if (work.units !== undefined) timing.unitsPerSecond = seconds > 0 ? work.units.count / seconds : Number.POSITIVE_INFINITY;
  return timing;
}

function taskError(task: Task): string | undefined {
  const result = task.result;
  return result.state === 'errored' ? message(result.error) : undefined;
}

/** Runs the check outside timing: `undefined` when the output matches the reference, else why not. */
async function check(strategy: Strategy, prepared: unknown, expected: unknown): Promise<string | undefined> {
  const output = await strategy.run(prepared);
  const difference = firstDifference(strategy.canonical(output, prepared), expected);
  return difference === undefined ? undefined : `wrong output: ${difference}`;
}

export interface RunOutcome {
  report: Report;
  /** Failed or errored strategies (not skipped ones). */
  failures: Result[];
}

/** Opens each suite (and each strategy) on first use, keeps them open for the run, closes them at the end. */
class SuiteRuns {
  readonly results: Result[] = [];
  private readonly opened = new Map<Suite, true | string>();
  private readonly openedStrategies: Strategy[] = [];

  constructor(
    private readonly registry: Registry,
    private readonly options: RunOptions,
    private readonly context: RunContext,
  ) {}

  private async open(suite: Suite): Promise<true | string> {
    let state = this.opened.get(suite);
    if (state === undefined) {
      try {
        await suite.open?.(this.context);
        state = true;
      } catch (error) {
        state = `suite could not start: ${message(error)}`;
      }
      this.opened.set(suite, state);
    }
    return state;
  }

  async close(): Promise<void> {
    for (const strategy of this.openedStrategies) await strategy.close?.();
    for (const [suite, state] of this.opened) if (state === true) await suite.close?.();
  }

  /** One suite on one dataset: input, reference, checks, one Bench with Buffer.copy and every correct strategy. */
  async dataset(suite: Suite, dataset: Dataset, data: DatasetData): Promise<void> {
    const { results, options, context } = this;
    const strategies = this.registry.strategiesOf(suite.name);
    const opened = await this.open(suite);
    if (opened !== true) {
      for (const strategy of strategies) results.push(skeleton(suite, dataset.name, strategy.name, 'error', { bytes: 0 }, opened));
      return;
    }
    let input: unknown;
    try {
      input = await suite.input(data, dataset, context);
    } catch (error) {
      results.push(skeleton(suite, dataset.name, COPY_STRATEGY, 'error', { bytes: 0 }, `no input: ${message(error)}`, true));
      return;
    }
    if (input === undefined) return;
    const work = suite.work(input);
    options.log?.(`${suite.name} / ${dataset.name}: ${work.bytes} bytes per iteration`);
    const references = new Map<string, Promise<unknown>>();
    const referenceFor = (flavour: string): Promise<unknown> => {
      let reference = references.get(flavour);
      if (reference === undefined) {
        reference = Promise.resolve().then(() => suite.reference(input, flavour));
        references.set(flavour, reference);
      }
      return reference;
    };

    const bench = new Bench({
      time: options.timeMs,
      warmupTime: options.warmupMs,
      iterations: options.iterations,
      warmupIterations: Math.max(1, Math.min(16, options.iterations)),
    });
    const gcFirst = { beforeAll: garbageCollector(options.gc ?? 'major') };
    const source = Buffer.alloc(Math.max(work.bytes, 1), 0x5a);
    const target = Buffer.allocUnsafe(source.length);
    const copyTask = bench.add(COPY_STRATEGY, () => source.copy(target, 0), gcFirst).getTask(COPY_STRATEGY);

    const timed: Timed[] = [];
    for (const strategy of strategies) {
      const applies = strategy.applies?.(input, dataset) ?? true;
      if (applies !== true) {
        results.push(skeleton(suite, dataset.name, strategy.name, 'skipped', work, applies));
        continue;
      }
      try {
        if (!this.openedStrategies.includes(strategy)) {
          this.openedStrategies.push(strategy);
          await strategy.open?.(context);
        }
        const prepared = await strategy.prepare?.(input, context);
        const wrong = await check(strategy, prepared, await referenceFor(strategy.flavour ?? 'default'));
        if (wrong !== undefined) {
          results.push(skeleton(suite, dataset.name, strategy.name, 'failed', work, wrong));
          await strategy.dispose?.(prepared);
          continue;
        }
        bench.add(strategy.name, () => strategy.run(prepared), { ...gcFirst, async: strategy.async === true });
        timed.push({ strategy, prepared, task: bench.getTask(strategy.name) });
      } catch (error) {
        results.push(skeleton(suite, dataset.name, strategy.name, 'error', work, message(error)));
      }
    }

    await bench.run();
    const copyWork = { bytes: work.bytes };
    const copyTiming = copyTask === undefined ? undefined : timingOf(copyTask, copyWork);
    results.push({ ...skeleton(suite, dataset.name, COPY_STRATEGY, 'ok', copyWork, undefined, true), timing: copyTiming, vsCopy: 1 });

    for (const { strategy, prepared, task } of timed) {
      const base = skeleton(suite, dataset.name, strategy.name, 'ok', work);
      const failedRun = task === undefined ? 'not run' : taskError(task);
      if (failedRun !== undefined) {
        results.push({ ...base, status: 'error', reason: failedRun });
        await strategy.dispose?.(prepared);
        continue;
      }
      const timing = timingOf(task!, work);
      let wrongAfter: string | undefined;
      try {
        wrongAfter = await check(strategy, prepared, await referenceFor(strategy.flavour ?? 'default'));
      } catch (error) {
        wrongAfter = message(error);
      }
      const metrics = strategy.metrics?.(prepared);
      await strategy.dispose?.(prepared);
      if (wrongAfter !== undefined) {
        results.push({ ...base, status: 'failed', reason: `after timing: ${wrongAfter}` });
        continue;
      }
      const result: Result = { ...base, timing };
      if (timing !== undefined && copyTiming !== undefined && copyTiming.mean > 0) result.vsCopy = timing.mean / copyTiming.mean;
      if (metrics !== undefined) result.metrics = metrics;
      results.push(result);
    }
  }
}

export async function runBenchmarks(registry: Registry, options: RunOptions, context: RunContext, command = ''): Promise<RunOutcome> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const suites = selectSuites(registry, options.suites);
  const datasets = selectDatasets(registry, options.datasets, options.profile);
  const run = new SuiteRuns(registry, options, context);
  try {
    // Dataset by dataset, so only one dataset's data is alive at a time: a full run's largest
    // tables would otherwise sit in the heap and slow every collection of every later task.
    for (const dataset of datasets) {
      let data: DatasetData;
      try {
        data = await dataset.build();
      } catch (error) {
        for (const suite of suites) run.results.push(skeleton(suite, dataset.name, COPY_STRATEGY, 'error', { bytes: 0 }, `dataset could not be built: ${message(error)}`, true));
        continue;
      }
      for (const suite of suites) await run.dataset(suite, dataset, data);
    }
  } finally {
    await run.close();
  }
  const results = run.results;

  const finished = finishMachineInfo(machine);
  const report: Report = {
    schema: 'voltwire-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    options: {
      suites: suites.map((s) => s.name),
      datasets: datasets.map((d) => d.name),
      profile: options.profile,
      timeMs: options.timeMs,
      warmupMs: options.warmupMs,
      iterations: options.iterations,
      gc: options.gc ?? 'major',
    },
    machine: finished,
    suites: suites.map((s) => ({ name: s.name, description: s.description, metric: s.metric })),
    datasets: datasets.map((d) => ({ name: d.name, family: d.family, description: d.description, ...(d.rows === undefined ? {} : { rows: d.rows }) })),
    strategies: suites.flatMap((s) => registry.strategiesOf(s.name).map((st) => ({ suite: s.name, name: st.name, description: st.description }))),
    results,
    loadErrors: [],
    notes: [
      ...machineNotes(finished),
      ...suites.filter((s) => registry.strategiesOf(s.name).length === 0).map((s) => `Suite ${s.name} has no strategies registered (a file failed to load, or was being rewritten by a concurrent build).`),
    ],
  };
  return { report, failures: results.filter((r) => r.status === 'failed' || r.status === 'error') };
}

function skeleton(
  suite: Suite,
  dataset: string,
  strategy: string,
  status: Result['status'],
  work: Work,
  reason?: string,
  baseline = false,
): Result {
  const result: Result = { suite: suite.name, dataset, strategy, baseline, status, work };
  if (reason !== undefined) result.reason = reason;
  return result;
}
