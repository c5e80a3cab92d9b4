/**
 * What a routed call and the load tester's call stream cost before any byte is written
 * (tinybench): the partition of an integer key, and voter's next call.
 *
 *   npx tsc -p . && node dist/bench/routing.bench.js
 *
 * Cases, on the ring a fresh 8-partition cluster starts with (16,384 tokens, as the real
 * 11.4 server's `stats_topo` capture):
 * - hashValue of a phone number (BIGINT as a number, voter's key);
 * - partitionForHash of a spread of int32 hashes;
 * - partitionFor (both: what `partitionOf` runs per call);
 * - VoterWorkload.next() (the load tester's per-call draw: three random numbers and the call).
 *
 * Each task runs {@link BATCH} operations, so tinybench's own cost per iteration (~100 ns
 * here) does not swamp operations of a few dozen nanoseconds; the table shows ns per operation.
 *
 * For an A/B, copy the compiled file into another build's `dist/bench/` and run it there: it
 * imports that build's own modules.
 */
import { Bench } from 'tinybench';
import { VOLT_TYPE } from '../src/protocol/constants.js';
import { Hashinator, hashValue } from '../src/protocol/hashinator.js';
import { VoterWorkload } from '../src/cli/load/voter-workload.js';

const ring = Hashinator.uniform(8);
const voter = new VoterWorkload({ seed: 7 });
let phone = 6_175_550_000;
let hash = 0;
let sink = 0;
const BATCH = 1000;

const bench = new Bench({ name: 'routing', time: 1500, warmupTime: 300 });
bench
  .add('hashValue (BIGINT phone number as a number)', () => {
    for (let i = 0; i < BATCH; i++) sink += hashValue((phone += 7919), VOLT_TYPE.BIGINT) ?? 0;
  })
  .add('partitionForHash (16,384-token ring)', () => {
    for (let i = 0; i < BATCH; i++) sink += ring.partitionForHash((hash = (hash + 0x9e3779b9) | 0));
  })
  .add('partitionFor (hash + ring)', () => {
    for (let i = 0; i < BATCH; i++) sink += ring.partitionFor((phone += 7919), VOLT_TYPE.BIGINT);
  })
  .add('VoterWorkload.next()', () => {
    for (let i = 0; i < BATCH; i++) sink += voter.next().params.length;
  });

await bench.run();
console.table(
  bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number; rme?: number } } | undefined;
    const meanMs = result?.latency?.mean ?? Number.NaN;
    return { task: task.name, 'ns per operation': ((meanMs * 1e6) / BATCH).toFixed(1), '± %': result?.latency?.rme?.toFixed(2) ?? '' };
  }),
);
console.log(`node ${process.version}; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}; sink ${sink !== 0.5}`);
