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
 *   output or largest allocation, scaled by the machine's current load) five times in a row;
 * - (the script adds `hang` and `worker-died`, which only a watchdog can see).
 *
 * A disagreement between two decoders comes back as a `note` (see exercise.ts).
 */
import { VoltError } from '../../src/errors.js';
import { harnessTime, type AllocationProbe } from './allocation-probe.js';
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
}

interface Run {
  outcome: Outcome | null;
  error: unknown;
  ms: number;
  largest: number;
  total: number;
  over: { bytes: number; via: string; stack: string | undefined } | null;
}

function runOnce(input: FuzzInput, probe: AllocationProbe | null): Run {
  if (probe !== null) {
    probe.reset(input.allocationLimit);
    probe.active = true;
  }
  let outcome: Outcome | null = null;
  let error: unknown = null;
  harnessTime.ms = 0;
  const start = performance.now();
  try {
    outcome = input.run();
  } catch (caught) {
    error = caught;
  } finally {
    if (probe !== null) probe.active = false;
  }
  // The oracles' own work (re-encoding to compare) is not the decoder's time.
  const ms = performance.now() - start - harnessTime.ms;
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
    // A GC pause, a cold JIT or a busy machine can make one run slow: it must stay slow on
    // reruns, against a bound scaled by how much slower a fixed reference workload runs now.
    // Work in proportion to the bytes read, written or allocated in one piece is not a finding.
    const size = Math.max(input.bytes?.length ?? 0, run.outcome?.outputBytes ?? 0, run.largest);
    const base = options.timeBoundMs + (size / 1024) * MS_PER_KIB;
    let load = options.gauge?.load() ?? 1;
    let bound = base * load;
    let fastest = run.ms;
    for (let i = 0; i < 4 && fastest > bound && fastest < 10 * bound; i++) fastest = Math.min(fastest, (run = runOnce(input, options.probe)).ms);
    if (fastest > bound && options.gauge !== undefined) {
      // The load may have risen during the reruns: measure it again and keep the higher figure.
      load = Math.max(load, options.gauge.load());
      bound = base * load;
    }
    if (fastest > bound) {
      run.ms = fastest;
      return result(failure('slow', `took ${fastest.toFixed(1)} ms (bound ${base.toFixed(1)} ms${load > 1 ? ` × ${load.toFixed(1)} for the machine's current load` : ''})`));
    }
  }
  return result(null);
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
 * workload (decoding the same frames) now, over its time when the gauge was made. Other
 * processes on the machine slow every input alike; a genuinely slow input stays slow after
 * dividing that out.
 */
export class LoadGauge {
  private readonly baselineMs: number;

  constructor(private readonly work: () => void) {
    this.baselineMs = Math.max(0.05, this.measure(5));
  }

  load(): number {
    return Math.max(1, this.measure(3) / this.baselineMs);
  }

  private measure(times: number): number {
    let best = Infinity;
    for (let i = 0; i < times; i++) {
      const start = performance.now();
      this.work();
      best = Math.min(best, performance.now() - start);
    }
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
