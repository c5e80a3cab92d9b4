/**
 * Invocation encoding, the client's hot path (tinybench).
 *
 *   npx tsc -p . && node dist/bench/encode-invocation.bench.js
 *
 * Cases (3 parameters unless named otherwise; requests built once, outside the timed tasks):
 * - writeInvocation into a reused 1 MiB slab — what a connection does per call:
 *   - Vote(BIGINT 6175551234, INTEGER 3, BIGINT 1000000) with declared types (numbers);
 *   - the same with inferred types;
 *   - Insert(STRING, STRING, STRING) — the HELLOWORLD call;
 *   - Vote with v2 extensions (queryTimeoutMs + priority);
 *   - a 12-parameter call of every common type (declared);
 * - encodeInvocation for the Vote call — the one-off API (allocates its own exact Buffer).
 */
import { Bench } from 'tinybench';
import { BufferWriter } from '../src/protocol/buffer-writer.js';
import { Decimal } from '../src/protocol/decimal.js';
import { GeographyPoint } from '../src/protocol/geography.js';
import { encodeInvocation, writeInvocation, type InvocationRequest, type ParameterType } from '../src/protocol/invocation-writer.js';

const VOTE_TYPES: ParameterType[] = ['BIGINT', 'INTEGER', 'BIGINT'];
const voteDeclared: InvocationRequest = { procedure: 'Vote', handle: 1n, params: [6175551234, 3, 1000000], types: VOTE_TYPES };
const voteInferred: InvocationRequest = { procedure: 'Vote', handle: 1n, params: [6175551234, 3, 1000000] };
const insertStrings: InvocationRequest = { procedure: 'Insert', handle: 1n, params: ['Hello', 'World', 'English'], types: ['STRING', 'STRING', 'STRING'] };
const voteV2: InvocationRequest = { ...voteDeclared, queryTimeoutMs: 1000, priority: 4 };
const wide: InvocationRequest = {
  procedure: 'CAP_TYPES.insert',
  handle: 1n,
  params: [1, -127, -32767, -2147483647, 9007199254740991n, -1.5e300, 'héllo ☃', Uint8Array.of(0, 1, 254, 255), new Date(1700000000123), new Decimal('-12345678.9012'), new GeographyPoint(-71.06, 42.36), null],
  types: ['INTEGER', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'STRING', 'VARBINARY', 'TIMESTAMP', 'DECIMAL', 'GEOGRAPHY_POINT', 'GEOGRAPHY'],
};

const writer = new BufferWriter(Buffer.allocUnsafeSlow(1 << 20));
let sink = 0;
let handle = 0n;

function slabWrite(request: InvocationRequest): void {
  // A connection flushes a slab per tick; start over when this one is nearly full.
  if (writer.offset > writer.buffer.length - 4096) writer.useSlab(writer.buffer, 0);
  writeInvocation(writer, request);
  sink += writer.messageLength;
}

const bench = new Bench({ name: 'encode-invocation', time: 1500, warmupTime: 300 });
bench
  .add('writeInvocation Vote (3 declared: BIGINT, INTEGER, BIGINT)', () => slabWrite(voteDeclared))
  .add('writeInvocation Vote (3 inferred)', () => slabWrite(voteInferred))
  .add('writeInvocation Insert (3 STRING)', () => slabWrite(insertStrings))
  .add('writeInvocation Vote v2 (timeout + priority)', () => slabWrite(voteV2))
  .add('writeInvocation Vote, new handle per call', () => {
    voteDeclared.handle = ++handle;
    slabWrite(voteDeclared);
  })
  .add('writeInvocation 12 params of every common type', () => slabWrite(wide))
  .add('encodeInvocation Vote (own Buffer)', () => {
    sink += encodeInvocation(voteDeclared).length;
  });

await bench.run();
console.log(`node ${process.version}, ${process.arch}`);
// The median is the figure to quote: on a busy machine a few long pauses inflate the mean.
console.table(
  bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number; p50?: number; p99?: number }; throughput?: { p50?: number } } | undefined;
    const ns = (ms: number | undefined): number => (ms === undefined ? NaN : Math.round(ms * 1e6));
    return {
      task: task.name,
      'ns/op (median)': ns(result?.latency?.p50),
      'ns/op (mean)': ns(result?.latency?.mean),
      'ns/op (p99)': ns(result?.latency?.p99),
      'ops/s (median)': result?.throughput?.p50 === undefined ? NaN : Math.round(result.throughput.p50),
    };
  }),
);
if (sink === 0) console.log('(nothing written)');
