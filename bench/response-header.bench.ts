/**
 * Response header and table layout reading, and response encoding (tinybench).
 *
 *   npx tsc -p . && node dist/bench/response-header.bench.js
 *
 * Uses the real captures from ../shared/fixtures when present (else equivalent frames built
 * with encodeResponse). Cases:
 * - peekHandle / readResponseHeader on `real/ping.response.bin` (status string present);
 * - readResponseHeader on `wire/invocation_response_fail_cv.msg` (229-byte status string);
 * - readResponseHeader + tableLayouts on `real/voter_vote_ok.response.bin` (the common case);
 * - readResponseHeader + tableLayouts on `real/select_votes_50000.response.bin` (1.1 MB,
 *   50 000 rows: the cost of walking every row length), against the 1-row case above;
 * - writeResponse into a reused slab (the embedded server's hot path) with a pre-encoded
 *   table and with `{ columns, rows }` (one BIGINT), and encodeResponse (own buffer).
 */
import { Bench } from 'tinybench';
import { BufferWriter } from '../src/protocol/buffer-writer.js';
import { encodeResponse, peekHandle, readResponseHeader, tableLayouts, writeResponse } from '../src/protocol/response.js';
import { FIXTURES_PRESENT, readFixture } from '../test/helpers/fixtures.js';

const modified = { columns: [{ name: '', type: 6 }], rows: [[0n]] };
const ping = FIXTURES_PRESENT
  ? readFixture('real/ping.response.bin')
  : encodeResponse({ handle: 1n, status: 1, statusString: 'SUCCESS', tables: [{ columns: [{ name: 'STATUS', type: 6 }], rows: [[0n]] }] });
const failCv = FIXTURES_PRESENT
  ? readFixture('wire/invocation_response_fail_cv.msg')
  : encodeResponse({ handle: 1n, status: -2, statusString: 'VOLTDB ERROR: CONSTRAINT VIOLATION '.repeat(6) });
const voteOk = FIXTURES_PRESENT ? readFixture('real/voter_vote_ok.response.bin') : encodeResponse({ handle: 1n, status: 1, tables: [modified] });
const votes = FIXTURES_PRESENT
  ? readFixture('real/select_votes_50000.response.bin')
  : encodeResponse({
      handle: 1n,
      status: 1,
      tables: [
        {
          columns: [{ name: 'PHONE_NUMBER', type: 6 }, { name: 'STATE', type: 9 }, { name: 'CONTESTANT_NUMBER', type: 5 }],
          rows: Array.from({ length: 50000 }, (_, i) => [BigInt(2000000000 + i), 'MA', i % 6]),
        },
      ],
    });
const encodedTable = (() => {
  const h = readResponseHeader(voteOk);
  const layout = tableLayouts(voteOk, h)[0]!;
  return voteOk.subarray(layout.offset, layout.end);
})();

let sink = 0;
const slab = new BufferWriter(Buffer.allocUnsafeSlow(1 << 20));
const withBytes = { handle: 1n, status: 1, clusterRoundTripMs: 2, tables: [encodedTable] };
const withRows = { handle: 1n, status: 1, clusterRoundTripMs: 2, tables: [modified] };

function slabWrite(input: typeof withBytes | typeof withRows): void {
  // A server flushes a slab per tick; start over when this one is nearly full.
  if (slab.offset > slab.buffer.length - 4096) slab.useSlab(slab.buffer, 0);
  writeResponse(slab, input);
  sink += slab.messageLength;
}

const bench = new Bench({ name: 'response-header', time: 1500, warmupTime: 300 });
bench
  .add('peekHandle (ping)', () => {
    sink += Number(peekHandle(ping) & 1n);
  })
  .add('readResponseHeader (ping, status string)', () => {
    sink += readResponseHeader(ping).tableCount;
  })
  .add('readResponseHeader (fail_cv, 229-byte status string)', () => {
    sink += readResponseHeader(failCv).status;
  })
  .add('header + tableLayouts (voter_vote_ok, 1 row)', () => {
    sink += tableLayouts(voteOk, readResponseHeader(voteOk))[0]!.rowCount;
  })
  .add('header + tableLayouts (select_votes_50000, 1.1 MB)', () => {
    sink += tableLayouts(votes, readResponseHeader(votes))[0]!.rowCount;
  })
  .add('writeResponse into a slab, encoded table', () => slabWrite(withBytes))
  .add('writeResponse into a slab, { columns, rows } table', () => slabWrite(withRows))
  .add('encodeResponse (own buffer), { columns, rows } table', () => {
    sink += encodeResponse(withRows).length;
  });

await bench.run();

console.table(
  bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number; rme?: number } } | undefined;
    const meanMs = result?.latency?.mean ?? Number.NaN;
    return {
      task: task.name,
      'mean ns': (meanMs * 1e6).toFixed(0),
      'ops/s': Math.round(1000 / meanMs).toLocaleString('en-US'),
      '± %': result?.latency?.rme?.toFixed(2) ?? '',
    };
  }),
);
console.log(`fixtures: ${FIXTURES_PRESENT ? 'real captures' : 'built frames'}; node ${process.version}; sink ${sink > 0}`);
