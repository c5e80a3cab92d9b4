/**
 * The clock the fuzzer's time bound judges by: the CPU time of the calling thread where Linux
 * exposes it (`/proc/thread-self/schedstat`, first field, nanoseconds on the CPU), else wall time.
 *
 * Why not wall time: on a shared machine wall time mostly measures the wait for a core. Replayed
 * at load 32 on 2 cores, the `slow` finding `--target table --seed 451641341 --replay 197` took
 * 257–859 ms of wall time but 43–96 ms of CPU time (5–19 × apart from run to run), and the load
 * gauge could not divide that out: its short reference workload, best of three, slips between
 * time slices (it read 1.0–1.8 ×). The bound is about the work an input causes, which CPU time
 * measures. Reading the file costs a few system calls, so the runner uses this clock only for
 * the reruns of an input that was already over the bound by wall time.
 *
 * `readFileSync` runs on the calling thread, so inside a worker thread this is that worker's time.
 * The kernel adds to that figure at scheduler ticks and switches, so it moves in steps of about a
 * millisecond: time short work with {@link perRunMs}, never one run at a time.
 */
import { readFileSync, readlinkSync } from 'node:fs';

export interface Clock {
  /** What the clock measures, for messages. */
  readonly name: 'thread CPU' | 'wall';
  /** Milliseconds on this clock (an arbitrary origin). */
  now(): number;
}

export const WALL_CLOCK: Clock = { name: 'wall', now: () => performance.now() };

function threadCpuMs(): number {
  const text = readFileSync('/proc/thread-self/schedstat', 'latin1');
  return Number(text.slice(0, text.indexOf(' '))) / 1e6;
}

function threadCpuClock(): Clock | null {
  try {
    const first = threadCpuMs();
    if (!Number.isFinite(first)) return null;
    return { name: 'thread CPU', now: threadCpuMs };
  } catch {
    return null; // not Linux, or /proc not mounted
  }
}

/** This thread's CPU time where available, else wall time. */
export const JUDGE_CLOCK: Clock = threadCpuClock() ?? WALL_CLOCK;

/** Time `fn` by repeating it until `minSpanMs` of the clock have passed: ms per run (coarse clocks stay accurate). */
export function perRunMs(clock: Clock, fn: () => void, minSpanMs = 20): number {
  const start = clock.now();
  let runs = 0;
  let span = 0;
  do {
    fn();
    runs++;
    span = clock.now() - start;
  } while (span < minSpanMs);
  return span / runs;
}

/** The calling thread's kernel id (Linux), for another thread to read its CPU time; null elsewhere. */
export function kernelThreadId(): number | null {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** CPU time (ms) of thread `id` of this process, or null when it cannot be read (gone, or not Linux). */
export function threadCpuMsOf(id: number): number | null {
  try {
    const text = readFileSync(`/proc/self/task/${id}/schedstat`, 'latin1');
    const ms = Number(text.slice(0, text.indexOf(' '))) / 1e6;
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
}
