/**
 * Runs one fuzz input under the pass criteria and classifies what happened:
 *
 * - `crash`: something other than a VoltError escaped a decoder or encoder;
 * - `invariant`: a promise of the codec was broken (see exercise.ts);
 * - `allocation`: one Buffer/ArrayBuffer/typed array larger than the input's limit was made
 *   (maxFrameBytes + 4 for the frame decoder; the frame's own size, at least 64 KiB, for the
 *   decoders behind it);
 * - `amplification`: all allocations together exceeded `amplification` × that size;
 * - `slow`: the input took longer than the time bound (50 ms + 0.25 ms per KiB of input,
 *   output or largest allocation + the cost of its rows, cells and columns, scaled by the
 *   machine's current load) by wall time, then on every rerun by this thread's CPU time;
 * - (the script adds `hang` and `worker-died`, which only a watchdog can see).
 *
 * A disagreement between two decoders comes back as a `note` (see exercise.ts).
 */
import { VoltError } from '../../src/errors.js';
import { harnessTime, type AllocationProbe } from './allocation-probe.js';
import { JUDGE_CLOCK, perRunMs, WALL_CLOCK, type Clock } from './thread-clock.js';
import { exerciseResponse, InvariantViolation, type Outcome } from './exercise.js';
import type { Corpus } from './corpus.js';
import { ALLOCATION_FLOOR, generateInput, type FuzzInput, type Target } from './targets.js';
import { toHex } from '../helpers/mutators.js';

export type FailureKind = 'crash' | 'invariant' | 'allocation' | 'amplification' | 'slow' | 'hang' | 'worker-died' | 'leak';

export interface Failure {
  kind: FailureKind;
  target: string;
  seed: number;
  index: number;
  message: string;
  stack?: string;
  origin: string;
  detail: string;
  /** The input as hex (whole), when it is bytes. */
  hex?: string;
  inputBytes?: number;
  ms?: number;
}

/** The time bound grows by this much per KiB of input: big inputs may take longer, only super-linear work is a finding. */
export const MS_PER_KIB = 0.25;

/**
 * What the harness's exercise costs per row read, per cell read and per column decoded, in
 * runs of the reference workload ({@link referenceWork}, the load gauge's yardstick) — not in
 * milliseconds, so the terms follow the machine the way the gauge does. The per-KiB term prices
 * bytes; these price what the exercise builds from them: several arrays per row (row view,
 * columnar rows, the parameter reader, the worker path), kept to be compared, and per column a
 * decoder, a Column and its getters. A column header is 5 bytes but costs ~3 µs, where the
 * per-KiB term allows 1.2 µs: 32,767 columns would be "slow" on any machine.
 * Figures: `node dist/bench/fuzz-time-bound.js` (bench/RESULTS.md, "Reliability (issue 21)"),
 * on this thread's CPU time, the steepest step between two sizes, the larger of the table and
 * response exercises — row 1.40e-4, cell 2.89e-5, column 6.66e-4 — times 2 for GC work that
 * keeps growing with the rows kept beyond the sizes measured.
 */
export const WORK_UNITS = { row: 2.8e-4, cell: 5.8e-5, column: 1.33e-3 } as const;
/** The reference workload's CPU time when no gauge is given (the same bench run: 4.72 ms). */
const NOMINAL_REFERENCE_MS = 4.72;

export interface CheckOptions {
  /** Per input: this many ms plus {@link MS_PER_KIB} per KiB of input (or of output, or of its largest allocation). */
  timeBoundMs: number;
  /** Scales the time bound by how slow the machine is right now (see {@link LoadGauge}). */
  gauge?: LoadGauge;
  /** Allowed total allocation as a multiple of max(input bytes, 64 KiB). */
  amplification: number;
  probe: AllocationProbe | null;
}

export interface CheckResult {
  failure: Failure | null;
  note: string | null;
  outcome: Outcome | null;
  ms: number;
  /**
   * Set when the input was over the bound by wall time and rerun: its fastest rerun over the
   * bound it was judged against (below 1: it passed; how far below is the time check's margin).
   */
  judged?: number;
}

interface Run {
  outcome: Outcome | null;
  error: unknown;
  ms: number;
  largest: number;
  total: number;
  over: { bytes: number; via: string; stack: string | undefined } | null;
}

function runOnce(input: FuzzInput, probe: AllocationProbe | null, clock: Clock = WALL_CLOCK): Run {
  if (probe !== null) {
    probe.reset(input.allocationLimit);
    probe.active = true;
  }
  let outcome: Outcome | null = null;
  let error: unknown = null;
  harnessTime.ms = 0;
  harnessTime.now = clock.now;
  const start = clock.now();
  try {
    outcome = input.run();
  } catch (caught) {
    error = caught;
  } finally {
    if (probe !== null) probe.active = false;
  }
  // The oracles' own work (re-encoding to compare) is not the decoder's time.
  const ms = clock.now() - start - harnessTime.ms;
  return { outcome, error, ms, largest: probe?.largest ?? 0, total: probe?.total ?? 0, over: probe?.overLimit ?? null };
}

/** Run `input` once (again when slow) and judge it. */
export function checkInput(target: string, seed: number, index: number, input: FuzzInput, options: CheckOptions): CheckResult {
  let run = runOnce(input, options.probe);
  const failure = (kind: FailureKind, message: string, stack?: string): Failure => {
    const f: Failure = { kind, target, seed, index, message, origin: input.origin, detail: input.detail(), ms: run.ms };
    if (stack !== undefined) f.stack = stack;
    if (input.bytes !== undefined) {
      f.hex = toHex(input.bytes);
      f.inputBytes = input.bytes.length;
    }
    return f;
  };
  const result = (f: Failure | null): CheckResult => ({ failure: f, note: run.outcome?.note ?? null, outcome: run.outcome, ms: run.ms });

  if (run.error !== null && !VoltError.is(run.error)) {
    const error = run.error instanceof Error ? run.error : new Error(String(run.error));
    const kind = error instanceof InvariantViolation ? 'invariant' : 'crash';
    return result(failure(kind, `${error.name}: ${error.message}`, error.stack));
  }
  if (run.over !== null) {
    return result(failure('allocation', `allocated ${run.over.bytes} bytes at once via ${run.over.via}; the limit for this input is ${input.allocationLimit}`, run.over.stack));
  }
  const size = Math.max(input.bytes?.length ?? 0, ALLOCATION_FLOOR);
  if (Number.isFinite(input.allocationLimit) && options.probe !== null && run.total > options.amplification * size) {
    return result(failure('amplification', `allocated ${run.total} bytes in all for a ${input.bytes?.length ?? 0}-byte input (more than ${options.amplification} × ${size})`));
  }
  if (run.ms > options.timeBoundMs) {
    // Over the bound by wall time, which a busy machine inflates: rerun on the judging clock
    // (this thread's CPU time where available, see thread-clock.ts). A GC pause or a cold JIT
    // can make one run slow, so it must stay slow over up to four reruns, against a bound scaled
    // by how much slower a fixed reference workload runs now on the same clock. Work in
    // proportion to the bytes read, written or allocated in one piece, and to the rows, cells and
    // columns the exercise builds, is not a finding.
    const size = Math.max(input.bytes?.length ?? 0, run.outcome?.outputBytes ?? 0, run.largest);
    const base = options.timeBoundMs + (size / 1024) * MS_PER_KIB + workMs(run.outcome, options.gauge);
    let load = options.gauge?.load() ?? 1;
    let bound = base * load;
    let fastest = Infinity;
    for (let i = 0; i < 4 && fastest > bound && (i === 0 || fastest < 10 * bound); i++) fastest = Math.min(fastest, (run = runOnce(input, options.probe, JUDGE_CLOCK)).ms);
    if (fastest > bound && options.gauge !== undefined) {
      // The load may have risen during the reruns: measure it again and keep the higher figure.
      load = Math.max(load, options.gauge.load());
      bound = base * load;
    }
    if (fastest > bound) {
      run.ms = fastest;
      return { ...result(failure('slow', `took ${fastest.toFixed(1)} ms of ${JUDGE_CLOCK.name} time (bound ${base.toFixed(1)} ms${load > 1 ? ` × ${load.toFixed(1)} for the machine's current load` : ''})`)), judged: fastest / bound };
    }
    return { ...result(null), judged: fastest / bound };
  }
  return result(null);
}

/** The bound's share for rows, cells and columns read ({@link WORK_UNITS}), in ms of the reference workload at the gauge's start. */
function workMs(outcome: Outcome | null, gauge: LoadGauge | undefined): number {
  if (outcome === null) return 0;
  const units = (outcome.rows ?? 0) * WORK_UNITS.row + outcome.cells * WORK_UNITS.cell + (outcome.columns ?? 0) * WORK_UNITS.column;
  return units * (gauge?.baselineMs ?? NOMINAL_REFERENCE_MS);
}

/** A grouping key: same kind, same message shape, same throwing function. */
export function signatureOf(failure: Failure): string {
  if (failure.kind === 'slow' || failure.kind === 'hang' || failure.kind === 'amplification') {
    return `${failure.target}:${failure.kind}:${failure.origin.replace(/ \+ \[.*$/, '').replace(/\(.*\)/, '')}`;
  }
  const frame = failure.stack?.split('\n').find((line) => line.includes('/src/')) ?? '';
  const where = frame.replace(/^\s*at\s+/, '').replace(/:\d+:\d+\)?$/, '');
  return `${failure.target}:${failure.kind}:${failure.message.replace(/-?\d+(\.\d+)?/g, '#').replace(/"[^"]*"/g, '"…"').slice(0, 120)}:${where}`;
}

/** Run `count` inputs of another seed, unchecked, so the JIT is warm before anything is timed. */
export function warmUp(target: Target, corpus: Corpus, count: number): void {
  for (let i = 0; i < count; i++) {
    try {
      generateInput(target, corpus, 0x5eed, i).run();
    } catch {
      // only warming up
    }
  }
}

/**
 * How much slower than at the start this thread runs now: the time of a fixed reference
 * workload (decoding the same frames) now, over its time when the gauge was made, on the
 * judging clock. On thread CPU time this divides out what other processes do to the CPU itself
 * (shared caches, a busy sibling hyperthread); the wait for a core is not in that clock at all.
 * A genuinely slow input stays slow after dividing that out.
 */
export class LoadGauge {
  /** The reference workload's time when the gauge was made (best of 5 spans of at least 20 ms). */
  readonly baselineMs: number;

  constructor(
    private readonly work: () => void,
    private readonly clock: Clock = JUDGE_CLOCK,
  ) {
    this.baselineMs = Math.max(0.05, this.measure(5));
  }

  load(): number {
    return Math.max(1, this.measure(3) / this.baselineMs);
  }

  private measure(times: number): number {
    let best = Infinity;
    for (let i = 0; i < times; i++) best = Math.min(best, perRunMs(this.clock, this.work));
    return best;
  }
}

/** A reference workload: every seed of the corpus through the response decoders, once. */
export function referenceWork(corpus: Corpus): () => void {
  const frames = corpus.responses.slice(0, 12).map((seed) => seed.bytes);
  return () => {
    for (const frame of frames) {
      try {
        exerciseResponse(frame, 'date');
      } catch {
        // the workload only has to take the same time each run
      }
    }
  };
}
