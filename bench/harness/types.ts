/**
 * The shapes the benchmark harness is built from: a {@link Suite} turns a dataset into an
 * input, a {@link Strategy} is one way of doing the suite's work on that input, and a
 * {@link Dataset} is deterministic data built once, outside any timed task.
 *
 * Every strategy must say what it produced in a comparable form (`canonical`), and the suite
 * says what a correct answer is (`reference`): the runner refuses to time a strategy whose
 * answer differs, so a fast wrong strategy fails instead of winning.
 */

/** How much work a run does: `tiny` is the test's (seconds), `quick` a first look, `full` the figures. */
export type Profile = 'tiny' | 'quick' | 'full';
export const PROFILES: readonly Profile[] = ['tiny', 'quick', 'full'];

/** A table as the generators produce it: column metadata and rows of JS values (DESIGN.md mapping). */
export interface TableData {
  columns: { name: string; type: number }[];
  rows: unknown[][];
}

/** A parameter set as the encode suite sends it; `types` are declared type names (`'BIGINT'`, `'STRING[]'`). */
export interface InvocationData {
  procedure: string;
  params: unknown[];
  types?: string[];
}

/** What a dataset holds once built. A suite uses the facets it understands and skips the rest. */
export interface DatasetData {
  /** The tables the frames were encoded from, when the dataset was generated. */
  tables?: TableData[];
  /** Whole invocation-response frames, each with its 4-byte length prefix. */
  responses?: Buffer[];
  /** Parameter sets (procedure invocations) for the encode suite. */
  invocations?: InvocationData[];
  /** Procedure calls for the end-to-end suite. */
  calls?: InvocationData[];
}

export interface Dataset {
  /** Unique name, e.g. `narrow-10k`. `--dataset` matches it or its family. */
  name: string;
  /** e.g. `narrow`; all row counts of one generator share it. */
  family: string;
  description: string;
  /** Row count when the dataset is one generated table. */
  rows?: number;
  /** The profiles that include this dataset (`--quick` runs `quick`, the test runs `tiny`). */
  profiles: readonly Profile[];
  /** Builds the data; called once, outside timing, and cached. */
  build(): DatasetData | Promise<DatasetData>;
}

/** What every hook gets: the run's options. */
export interface RunContext {
  profile: Profile;
  /** Repository root (where `package.json` is), for fixtures and child processes. */
  root: string;
}

/** A value for the charts: bytes per iteration gives MB/s; a unit count gives units/s (calls/s). */
export interface Work {
  /** Bytes one iteration processes: the size of the `Buffer.copy` reference. */
  bytes: number;
  /** Units one iteration completes (e.g. 100 calls), for `units/s`. */
  units?: { count: number; name: string };
}

export interface Suite<Input = unknown> {
  name: string;
  description: string;
  /** The chart's metric: `MB/s` (throughput) or the work unit per second (e.g. `calls/s`). */
  metric: 'MB/s' | 'units/s';
  /** Build this suite's input from a dataset; `undefined` when the dataset has nothing for it. */
  input(data: DatasetData, dataset: Dataset, context: RunContext): Input | undefined | Promise<Input | undefined>;
  work(input: Input): Work;
  /** The canonical correct answer for an input (see harness/canonical.ts); `flavour` selects a variant. */
  reference(input: Input, flavour: string): unknown | Promise<unknown>;
  /** Suite-wide resources (e.g. a server process) opened before the first dataset. */
  open?(context: RunContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

export interface Strategy<Input = unknown, Prepared = unknown, Output = unknown> {
  suite: string;
  name: string;
  description: string;
  /** Which reference this strategy is compared with (a suite may have several; default `default`). */
  flavour?: string;
  /** `true` when `run` returns a promise (e.g. a worker pool or a socket). */
  async?: boolean;
  /** `true` or the reason this strategy does not apply to this input (shown as skipped). */
  applies?(input: Input, dataset: Dataset): true | string;
  /** Per-run resources (a worker pool), opened once per suite run before the first dataset. */
  open?(context: RunContext): void | Promise<void>;
  close?(): void | Promise<void>;
  /** Everything that must not be timed: buffers, chunking, lookups. */
  prepare?(input: Input, context: RunContext): Prepared | Promise<Prepared>;
  /** The timed work. Must return what it produced. */
  run(prepared: Prepared): Output | Promise<Output>;
  /** The output in the suite's canonical form, computed outside timing. */
  canonical(output: Output, prepared: Prepared): unknown;
  /** Extra figures gathered during the timed run (e.g. per-call latency), read after it. */
  metrics?(prepared: Prepared): Record<string, number>;
  dispose?(prepared: Prepared): void | Promise<void>;
}

/** Per-task statistics, times in milliseconds. */
export interface Timing {
  samples: number;
  mean: number;
  p50: number;
  p99: number;
  /** Relative margin of error, percent. */
  rme: number;
  opsPerSecond: number;
  /** Decimal megabytes (10^6) per second of `work.bytes`. */
  mbPerSecond: number;
  /** Units per second (e.g. calls/s) when the suite counts units. */
  unitsPerSecond?: number;
}

export type ResultStatus = 'ok' | 'failed' | 'error' | 'skipped';

export interface Result {
  suite: string;
  dataset: string;
  strategy: string;
  /** The `Buffer.copy` of the same bytes, measured in the same bench. */
  baseline: boolean;
  status: ResultStatus;
  /** Why a strategy failed (its first differing value), errored or was skipped. */
  reason?: string;
  work: Work;
  timing?: Timing;
  /** This strategy's mean time divided by `Buffer.copy`'s mean time for the same bytes. */
  vsCopy?: number;
  metrics?: Record<string, number>;
}

export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryBytes: number;
  /** 1-minute load average at the start and end: the noise indicator on a shared machine. */
  loadAverageStart: number;
  loadAverageEnd: number;
  gcExposed: boolean;
  tinybench: string;
}

export interface RunOptions {
  suites?: readonly string[];
  datasets?: readonly string[];
  profile: Profile;
  /** Time budget per task (ms); warm-up is a fraction of it. */
  timeMs: number;
  warmupMs: number;
  /** Minimum iterations per task. */
  iterations: number;
  /** The collection before each timed task (default major; `tiny` uses minor). */
  gc?: 'major' | 'minor';
  /** Print progress lines. */
  log?: (line: string) => void;
}

export interface Report {
  schema: 'voltwire-bench/1';
  startedAt: string;
  finishedAt: string;
  command: string;
  options: { suites: string[]; datasets: string[]; profile: Profile; timeMs: number; warmupMs: number; iterations: number; gc: 'major' | 'minor' };
  machine: MachineInfo;
  suites: { name: string; description: string; metric: Suite['metric'] }[];
  datasets: { name: string; family: string; description: string; rows?: number }[];
  strategies: { suite: string; name: string; description: string }[];
  results: Result[];
  /** Files that could not be loaded (e.g. a strategy whose code has not landed). */
  loadErrors: { file: string; error: string }[];
  notes: string[];
}
