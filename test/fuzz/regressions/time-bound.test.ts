/**
 * Regression (fuzz seed 451641341, `slow` findings that were the harness's, not the decoders'):
 * `--target table --replay 197` (40,000 rows of one TINYINT, 200,020 bytes) took 264 ms against
 * a bound of 98.8 ms × 1.8 at load ~30, and `--target response --replay 15491` (2,000 columns ×
 * 2 rows) 76 ms against 54 ms. Their CPU time is 21–45 ms: the rest was the wait for a core,
 * which the load gauge (a short workload, best of three) did not see. Fix: the reruns that judge
 * an input use this thread's CPU time (test/fuzz/thread-clock.ts), and the bound prices the rows,
 * cells and columns the exercise builds, not only the bytes (`WORK_UNITS`, measured by
 * bench/fuzz-time-bound.ts). Both mechanisms are pinned here with planted inputs whose cost is
 * set on the clock itself, so nothing depends on how busy the machine is.
 */
import { test, type TestContext } from 'node:test';
import { FIXTURES_PRESENT } from '../../helpers/fixtures.js';
import { loadCorpus } from '../corpus.js';
import type { Outcome } from '../exercise.js';
import { checkInput, LoadGauge, referenceWork, warmUp } from '../runner.js';
import { generateInput, targetNamed, type FuzzInput } from '../targets.js';
import { JUDGE_CLOCK } from '../thread-clock.js';

const ON_CPU_CLOCK = JUDGE_CLOCK.name === 'thread CPU';
const NO_CPU_CLOCK = 'this platform exposes no per-thread CPU time (/proc/thread-self/schedstat): the bound judges wall time';

function planted(run: () => void, outcome: Outcome): FuzzInput {
  return { origin: 'planted', bytes: Buffer.from([1, 2]), allocationLimit: Infinity, run: () => (run(), outcome), detail: () => '' };
}

/** Busy for `ms` of the judging clock. */
function burn(ms: number): void {
  const end = JUDGE_CLOCK.now() + ms;
  while (JUDGE_CLOCK.now() < end);
}

test('time spent waiting for a core is not work: an input that waits 150 ms is not slow', { skip: ON_CPU_CLOCK ? false : NO_CPU_CLOCK }, (t: TestContext) => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const waits = planted(() => void Atomics.wait(cell, 0, 0, 150), { accepted: true, cells: 0 });
  const { failure, judged } = checkInput('planted', 1, 1, waits, { timeBoundMs: 50, amplification: 32, probe: null });
  t.assert.equal(failure, null, failure?.message);
  // Over 50 ms of wall time, so it was rerun and judged: its margin is reported.
  t.assert.ok(judged !== undefined && judged < 1, `judged at ${judged} of its bound`);
});

test('rows, cells and columns extend the bound: 80 ms of CPU is slow for 2 bytes, not for 40,000 rows', { skip: ON_CPU_CLOCK ? false : NO_CPU_CLOCK }, (t: TestContext) => {
  // Bound without a gauge: 50 ms + 40,000 × (row + cell) + 1 column, in reference workloads of
  // 4.72 ms: ≈ 114 ms. The same 80 ms with nothing read is over the bare 50 ms.
  const rows = planted(() => burn(80), { accepted: true, cells: 40_000, rows: 40_000, columns: 1 });
  const passed = checkInput('planted', 1, 2, rows, { timeBoundMs: 50, amplification: 32, probe: null });
  t.assert.equal(passed.failure, null);
  t.assert.ok(passed.judged !== undefined && passed.judged < 1, `judged at ${passed.judged} of its bound`);
  const bare = planted(() => burn(80), { accepted: true, cells: 0 });
  const slow = checkInput('planted', 1, 3, bare, { timeBoundMs: 50, amplification: 32, probe: null });
  t.assert.equal(slow.failure?.kind, 'slow');
  t.assert.ok(slow.judged !== undefined && slow.judged > 1, `judged at ${slow.judged} of its bound`);
});

for (const [target, index] of [
  ['table', 197],
  ['response', 15491],
] as const) {
  test(`replay ${target} #${index} of seed 451641341 passes the time bound`, { skip: FIXTURES_PRESENT ? false : 'the replay needs ../shared/fixtures (its inputs are mutations of the captures)' }, (t: TestContext) => {
    const corpus = loadCorpus();
    warmUp(targetNamed(target), corpus, 100);
    const gauge = new LoadGauge(referenceWork(corpus));
    const input = generateInput(targetNamed(target), corpus, 451641341, index);
    const { failure } = checkInput(target, 451641341, index, input, { timeBoundMs: 50, amplification: 32, probe: null, gauge });
    t.assert.equal(failure, null, failure?.message);
  });
}
