/**
 * `npm run fuzz`: feeds mutated, spliced and random inputs through every decoder and random
 * JS values through the encoders (targets in test/fuzz/targets.ts) and checks, per input: no
 * crash, nothing but VoltErrors thrown, no allocation beyond the limit (maxFrameBytes + 4 for
 * the frame decoder, the frame's size for the decoders behind it), no input slower than the
 * time bound, no hang; and per batch that retained memory does not grow.
 *
 *   node dist/scripts/fuzz.js [--seed N] [--count N] [--target a,b] [--workers N]
 *                             [--time-bound MS] [--no-time-check] [--hang MS] [--strict] [--replay INDEX]
 *
 * Every input is a pure function of (seed, target, index): a failure is reported with that
 * triple, the input as hex and a `--replay` command that runs it again in this process.
 * Each target runs in worker threads (one per core by default) split over the index range;
 * the main thread is a watchdog: a worker that stops making progress is terminated and its
 * input reported as a hang, a worker that dies (e.g. out of memory) is reported and restarted
 * after the input that killed it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { installAllocationProbe } from '../test/fuzz/allocation-probe.js';
import { loadCorpus } from '../test/fuzz/corpus.js';
import { checkInput, LoadGauge, referenceWork, signatureOf, warmUp, type Failure } from '../test/fuzz/runner.js';
import { generateInput, targetNamed, TARGETS } from '../test/fuzz/targets.js';
import { kernelThreadId, threadCpuMsOf } from '../test/fuzz/thread-clock.js';

interface Job {
  target: string;
  seed: number;
  from: number;
  to: number;
  timeBoundMs: number;
  amplification: number;
  allocationCheck: boolean;
  /** Int32 slots: [index being run, inputs done, 1 once warmed up, the worker's kernel thread id or 0]. */
  status: SharedArrayBuffer;
}

interface Stats {
  done: number;
  accepted: number;
  cells: number;
  notes: number;
  slowestMs: number;
  /** Inputs over the bound by wall time, rerun and judged on the judging clock. */
  rerun: number;
  /** The highest fastest-rerun / bound of those that passed: how close the time check came to a finding. */
  closest: number;
  peakHeapAfterGc: number;
  peakArrayBuffersAfterGc: number;
}

type WorkerMessage =
  | { type: 'failure'; failure: Failure }
  | { type: 'note'; signature: string; note: string; index: number; origin: string; hex?: string }
  | { type: 'done'; stats: Stats };

const GC_EVERY = 5000;
/** Inputs of another seed run untimed first, so the time bound is not spent on JIT compilation. */
const WARM_UP_INPUTS = 300;
const MIB = 1024 * 1024;

/* ------------------------------------------------------------------ worker */

function runWorker(job: Job): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const corpus = loadCorpus();
  const target = targetNamed(job.target);
  const probe = job.allocationCheck ? installAllocationProbe() : null;
  if (probe !== null) probe.active = false;
  const status = new Int32Array(job.status);
  status[0] = job.from;
  Atomics.store(status, 3, kernelThreadId() ?? 0);
  warmUp(target, corpus, WARM_UP_INPUTS);
  const gauge = new LoadGauge(referenceWork(corpus));
  Atomics.store(status, 2, 1); // the watchdog counts from here
  const stats: Stats = { done: 0, accepted: 0, cells: 0, notes: 0, slowestMs: 0, rerun: 0, closest: 0, peakHeapAfterGc: 0, peakArrayBuffersAfterGc: 0 };
  const seenNotes = new Set<string>();
  const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
  let baseline = -1;
  for (let index = job.from; index < job.to; index++) {
    Atomics.store(status, 0, index);
    const input = generateInput(target, corpus, job.seed, index);
    const result = checkInput(job.target, job.seed, index, input, { timeBoundMs: job.timeBoundMs, amplification: job.amplification, probe, gauge });
    stats.done++;
    Atomics.store(status, 1, stats.done);
    if (result.outcome?.accepted === true) stats.accepted++;
    stats.cells += result.outcome?.cells ?? 0;
    if (result.ms > stats.slowestMs) stats.slowestMs = result.ms;
    if (result.judged !== undefined) {
      stats.rerun++;
      if (result.failure === null) stats.closest = Math.max(stats.closest, result.judged);
    }
    if (result.failure !== null) post({ type: 'failure', failure: result.failure });
    if (result.note !== null) {
      stats.notes++;
      const signature = result.note.replace(/-?\d+(\.\d+)?/g, '#').slice(0, 100);
      if (!seenNotes.has(signature)) {
        seenNotes.add(signature);
        const message: WorkerMessage = { type: 'note', signature, note: result.note, index, origin: input.origin };
        if (input.bytes !== undefined) message.hex = input.bytes.toString('hex');
        post(message);
      }
    }
    if (stats.done % GC_EVERY === 0) {
      // Retained memory after a full GC must not keep growing: that would be a leak.
      gc();
      const heap = getHeapStatistics().used_heap_size;
      const arrayBuffers = process.memoryUsage().arrayBuffers;
      stats.peakHeapAfterGc = Math.max(stats.peakHeapAfterGc, heap);
      stats.peakArrayBuffersAfterGc = Math.max(stats.peakArrayBuffersAfterGc, arrayBuffers);
      if (baseline < 0) baseline = heap + arrayBuffers;
      else if (heap + arrayBuffers - baseline > 64 * MIB) {
        post({ type: 'failure', failure: { kind: 'leak', target: job.target, seed: job.seed, index, message: `retained memory after GC grew by ${((heap + arrayBuffers - baseline) / MIB).toFixed(1)} MiB since the first batch`, origin: input.origin, detail: '' } });
        baseline = heap + arrayBuffers;
      }
    }
  }
  post({ type: 'done', stats });
}

/* ------------------------------------------------------------------ main */

interface Options {
  seed: number;
  count: number;
  targets: string[];
  workers: number;
  timeBoundMs: number;
  hangMs: number;
  amplification: number;
  allocationCheck: boolean;
  strict: boolean;
  replay: number | null;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      count: { type: 'string', default: '200000' },
      target: { type: 'string', default: TARGETS.map((t) => t.name).join(',') },
      workers: { type: 'string', default: String(availableParallelism()) },
      'time-bound': { type: 'string', default: '50' },
      hang: { type: 'string', default: '10000' },
      amplification: { type: 'string', default: '32' },
      'no-alloc-check': { type: 'boolean', default: false },
      'no-time-check': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      replay: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`usage: node dist/scripts/fuzz.js [--seed N] [--count N per target, default 200000] [--target ${TARGETS.map((t) => t.name).join(',')}]
       [--workers N] [--time-bound MS, default 50, plus 0.25 ms per KiB of input] [--hang MS, default 10000] [--amplification X, default 32]
       [--no-alloc-check] [--no-time-check (no slow findings: for a loaded machine)] [--strict (decoder disagreements fail the run)] [--replay INDEX (with one --target and --seed)]`);
    process.exit(0);
  }
  const integer = (text: string, name: string): number => {
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, got ${text}`);
    return n;
  };
  const targets = values.target.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const t of targets) targetNamed(t);
  return {
    seed: values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : integer(values.seed, 'seed') >>> 0,
    count: integer(values.count, 'count'),
    targets,
    workers: Math.max(1, integer(values.workers, 'workers')),
    // No time check: only what does not depend on the machine's load (a short pass on a shared CI box).
    timeBoundMs: values['no-time-check'] ? Infinity : integer(values['time-bound'], 'time-bound'),
    hangMs: integer(values.hang, 'hang'),
    amplification: integer(values.amplification, 'amplification'),
    allocationCheck: !values['no-alloc-check'],
    strict: values.strict,
    replay: values.replay === undefined ? null : integer(values.replay, 'replay'),
  };
}

const SCRIPT = fileURLToPath(import.meta.url);

function rate(count: number, ms: number): string {
  return Math.round(count / (ms / 1000)).toLocaleString('en-US');
}

/** Run one target's index range on `workers` threads; restarts after a hang or a death. */
async function runTarget(options: Options, target: string, onFailure: (f: Failure) => void, onNote: (n: Extract<WorkerMessage, { type: 'note' }>) => void): Promise<Stats> {
  const total: Stats = { done: 0, accepted: 0, cells: 0, notes: 0, slowestMs: 0, rerun: 0, closest: 0, peakHeapAfterGc: 0, peakArrayBuffersAfterGc: 0 };
  const corpus = loadCorpus();
  const per = Math.ceil(options.count / options.workers);
  const ranges: [number, number][] = [];
  for (let from = 0; from < options.count; from += per) ranges.push([from, Math.min(options.count, from + per)]);
  const progress: Int32Array[] = [];
  const started = performance.now();
  let lastPrint = started;

  const runRange = (from: number, to: number): Promise<void> =>
    new Promise((resolve) => {
      const shared = new SharedArrayBuffer(16);
      const status = new Int32Array(shared);
      status[0] = from;
      progress.push(status);
      const job: Job = { target, seed: options.seed, from, to, timeBoundMs: options.timeBoundMs, amplification: options.amplification, allocationCheck: options.allocationCheck, status: shared };
      const worker = new Worker(SCRIPT, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
      let finished = false;
      let lastIndex = from;
      let lastChange = performance.now();
      // A hang is hangMs of the worker's own CPU time without progress (Linux: its thread's
      // schedstat), so a worker starved by a busy machine (a nice'd run at load 25 can wait
      // 10 s for a core) is not one; a worker blocked without using CPU is one after 10 × hangMs.
      // Where the thread's CPU time cannot be read, hangMs of wall time.
      let lastChangeCpu: number | null = null;
      let killedForHang = false;
      let deathReason = '';
      const workerCpuMs = (): number | null => {
        const id = Atomics.load(status, 3);
        return id === 0 ? null : threadCpuMsOf(id);
      };
      const watchdog = setInterval(() => {
        const index = Atomics.load(status, 0);
        if (Atomics.load(status, 2) === 0 || index !== lastIndex) {
          // still loading and warming up, or moving
          lastIndex = index;
          lastChange = performance.now();
          lastChangeCpu = workerCpuMs();
          return;
        }
        const cpu = lastChangeCpu === null ? null : workerCpuMs();
        const stuck = cpu === null || lastChangeCpu === null ? performance.now() - lastChange > options.hangMs : cpu - lastChangeCpu > options.hangMs || performance.now() - lastChange > 10 * options.hangMs;
        if (stuck) {
          killedForHang = true;
          void worker.terminate();
        }
      }, 250);
      const report = (kind: 'hang' | 'worker-died', message: string): number => {
        const index = Atomics.load(status, 0);
        const input = generateInput(targetNamed(target), corpus, options.seed, index);
        const failure: Failure = { kind, target, seed: options.seed, index, message, origin: input.origin, detail: input.detail() };
        if (input.bytes !== undefined) {
          failure.hex = input.bytes.toString('hex');
          failure.inputBytes = input.bytes.length;
        }
        onFailure(failure);
        return index;
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'failure') onFailure(message.failure);
        else if (message.type === 'note') onNote(message);
        else {
          finished = true;
          for (const key of ['done', 'accepted', 'cells', 'notes', 'rerun'] as const) total[key] += message.stats[key];
          total.slowestMs = Math.max(total.slowestMs, message.stats.slowestMs);
          total.closest = Math.max(total.closest, message.stats.closest);
          total.peakHeapAfterGc = Math.max(total.peakHeapAfterGc, message.stats.peakHeapAfterGc);
          total.peakArrayBuffersAfterGc = Math.max(total.peakArrayBuffersAfterGc, message.stats.peakArrayBuffersAfterGc);
        }
      });
      worker.on('error', (error) => {
        deathReason = `${error.name}: ${error.message}${'code' in error ? ` (${String(error.code)})` : ''}`;
      });
      worker.on('exit', (code) => {
        clearInterval(watchdog);
        if (finished) return resolve();
        // Count what the dead worker did, then carry on after the input that stopped it.
        const done = Atomics.load(status, 1);
        total.done += done;
        const index = killedForHang
          ? report('hang', `no progress for ${options.hangMs} ms of the worker's ${lastChangeCpu === null ? 'wall' : 'CPU'} time (terminated)`)
          : report('worker-died', deathReason || `worker exited with code ${code}`);
        total.done += 1;
        if (index + 1 < to) void runRange(index + 1, to).then(resolve);
        else resolve();
      });
    });

  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - lastPrint < 2000) return;
    lastPrint = now;
    const done = progress.reduce((sum, s) => sum + Atomics.load(s, 1), 0);
    process.stdout.write(`  ${target.padEnd(10)} ${Math.min(done, options.count).toLocaleString('en-US').padStart(11)} / ${options.count.toLocaleString('en-US')}  ${rate(done, now - started).padStart(7)} inputs/s\n`);
  }, 500);
  await Promise.all(ranges.map(([from, to]) => runRange(from, to)));
  clearInterval(ticker);
  return total;
}

function replay(options: Options): void {
  if (options.targets.length !== 1) throw new Error('--replay needs exactly one --target');
  const target = targetNamed(options.targets[0]!);
  const corpus = loadCorpus();
  warmUp(target, corpus, WARM_UP_INPUTS);
  const gauge = new LoadGauge(referenceWork(corpus));
  const input = generateInput(target, corpus, options.seed, options.replay!);
  console.log(`target ${target.name}, seed ${options.seed}, index ${options.replay}`);
  console.log(`origin: ${input.origin}`);
  if (input.detail() !== '') console.log(`detail: ${input.detail()}`);
  if (input.bytes !== undefined) console.log(`input (${input.bytes.length} bytes): ${input.bytes.toString('hex')}`);
  const probe = options.allocationCheck ? installAllocationProbe() : null;
  const result = checkInput(target.name, options.seed, options.replay!, input, { timeBoundMs: options.timeBoundMs, amplification: options.amplification, probe, gauge });
  console.log(`time: ${result.ms.toFixed(2)} ms; accepted: ${String(result.outcome?.accepted ?? false)}; cells: ${result.outcome?.cells ?? 0}; largest allocation: ${probe?.largest ?? '-'}; total allocated: ${probe?.total ?? '-'}`);
  if (result.note !== null) console.log(`note: ${result.note}`);
  if (result.failure === null) console.log('PASS');
  else {
    console.log(`FAIL (${result.failure.kind}): ${result.failure.message}`);
    if (result.failure.stack !== undefined) console.log(result.failure.stack);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (options.replay !== null) return replay(options);
  const corpus = loadCorpus();
  console.log(`voltwire fuzz — seed ${options.seed}, ${options.count.toLocaleString('en-US')} inputs per target, targets ${options.targets.join(', ')}`);
  console.log(`  ${options.workers} worker threads, time bound ${options.timeBoundMs} ms/input, hang after ${options.hangMs} ms, allocation check ${options.allocationCheck ? 'on' : 'off'}, node ${process.version}`);
  console.log(`  corpus: ${corpus.responses.length} responses, ${corpus.tables.length} tables, ${corpus.invocations.length} invocations, ${corpus.logins.length} logins, ${corpus.tableParts.length} spliceable tables`);
  const failures = new Map<string, { first: Failure; count: number }>();
  const notes = new Map<string, { first: Extract<WorkerMessage, { type: 'note' }>; target: string }>();
  const rows: string[] = [];
  const started = performance.now();
  let inputs = 0;
  for (const target of options.targets) {
    const targetStart = performance.now();
    const stats = await runTarget(
      options,
      target,
      (failure) => {
        const signature = signatureOf(failure);
        const seen = failures.get(signature);
        if (seen !== undefined) seen.count++;
        else {
          failures.set(signature, { first: failure, count: 1 });
          console.log(`  ! ${failure.kind} in ${target} at index ${failure.index}: ${failure.message}`);
        }
      },
      (note) => {
        if (!notes.has(note.signature)) notes.set(note.signature, { first: note, target });
      },
    );
    const ms = performance.now() - targetStart;
    inputs += stats.done;
    const line = `${target.padEnd(10)} ${stats.done.toLocaleString('en-US').padStart(11)} inputs ${(ms / 1000).toFixed(1).padStart(7)} s ${rate(stats.done, ms).padStart(8)} inputs/s  accepted ${((100 * stats.accepted) / Math.max(1, stats.done)).toFixed(1).padStart(5)}%  cells ${stats.cells.toLocaleString('en-US').padStart(12)}  slowest ${stats.slowestMs.toFixed(1)} ms  rerun ${stats.rerun}${stats.rerun > 0 ? ` (closest ${(100 * stats.closest).toFixed(0)}% of its bound)` : ''}  heap after GC ≤ ${(stats.peakHeapAfterGc / MIB).toFixed(0)} MiB  disagreements ${stats.notes}`;
    rows.push(line);
    console.log(`  done: ${line}`);
  }
  const ms = performance.now() - started;
  console.log('\nsummary');
  for (const row of rows) console.log(`  ${row}`);
  console.log(`  total      ${inputs.toLocaleString('en-US').padStart(11)} inputs ${(ms / 1000).toFixed(1).padStart(7)} s ${rate(inputs, ms).padStart(8)} inputs/s   (seed ${options.seed}, peak RSS ${(process.memoryUsage().rss / MIB).toFixed(0)} MiB)`);

  if (notes.size > 0) {
    console.log(`\n${notes.size} kind(s) of decoder disagreement (not crashes${options.strict ? '; --strict makes them fail the run' : ''}):`);
    for (const { first, target } of notes.values()) {
      console.log(`  - [${target} #${first.index}] ${first.note}\n    origin: ${first.origin}${first.hex !== undefined ? `\n    input: ${first.hex.length > 2048 ? `${first.hex.slice(0, 2048)}… (${first.hex.length / 2} bytes)` : first.hex}` : ''}`);
    }
  }
  const directory = join(tmpdir(), 'voltwire-fuzz');
  if (failures.size > 0) {
    mkdirSync(directory, { recursive: true });
    console.log(`\n${failures.size} distinct failure(s):`);
    for (const { first: f, count } of failures.values()) {
      const file = join(directory, `${f.target}-${f.seed}-${f.index}.txt`);
      writeFileSync(file, `${JSON.stringify({ ...f, hex: undefined }, null, 2)}\n${f.hex ?? ''}\n`);
      console.log(`\n  [${f.kind}] ${f.target}, seed ${f.seed}, index ${f.index} (${count} input(s) with this signature)`);
      console.log(`    ${f.message}`);
      if (f.stack !== undefined) console.log(f.stack.split('\n').slice(1, 6).map((l) => `    ${l.trim()}`).join('\n'));
      console.log(`    origin: ${f.origin}`);
      if (f.detail !== '') console.log(`    detail: ${f.detail.length > 600 ? `${f.detail.slice(0, 600)}…` : f.detail}`);
      if (f.hex !== undefined) console.log(`    input (${f.inputBytes} bytes): ${f.hex.length > 4096 ? `${f.hex.slice(0, 4096)}… (whole input in ${file})` : f.hex}`);
      console.log(`    replay: node dist/scripts/fuzz.js --target ${f.target} --seed ${f.seed} --replay ${f.index}`);
    }
  }
  const failed = failures.size > 0 || (options.strict && notes.size > 0);
  console.log(`\n${failed ? 'FAIL' : 'PASS'}: ${inputs.toLocaleString('en-US')} inputs in ${(ms / 1000).toFixed(1)} s, seed ${options.seed}`);
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  });
} else {
  runWorker(workerData as Job);
}
