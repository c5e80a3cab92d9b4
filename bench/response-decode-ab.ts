/**
 * A/B of the response side across builds: what a client does with each response frame — the
 * client's decoder (`createResponseDecoder(...).decode`, the one decode policy, then inline
 * decoding) and the protocol's header + table-layout reading under it — each (build, case)
 * pair in a fresh node process, builds alternated round by round, best and median of the rounds.
 *
 *   npx tsc -p . && node dist/bench/response-decode-ab.js [--rounds N] [--cases a,b] BUILD…
 *
 * A BUILD is a compiled tree (`dist`, or a build of another commit). A fresh process per
 * measurement keeps one build's JIT state from leaking into the next (see decode-table-ab.ts).
 * The client's decoder is taken from `src/decode/decode-pool.js`, or from
 * `src/decode/response-decoder.js` in builds from before the policy moved.
 *
 * Frames: the real captures in ../shared/fixtures when present (`voter_vote_ok`: the Vote
 * answer, one row; `ping`; `select_votes_50000`: 1.1 MB, decoded inline with `workers: 0`),
 * else equivalent frames built with encodeResponse.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeResponse } from '../src/protocol/response-writer.js';
import { FIXTURES_PRESENT, readFixture } from '../test/helpers/fixtures.js';
import { bestBatchNs, buildAbMain, loadFrom, reportNs } from './harness/build-ab.js';

interface Decoded {
  status: number;
  tables: { rowCount: number }[];
}
interface Decoder {
  decode(frame: Uint8Array): Decoded | Promise<Decoded>;
  close(): Promise<void>;
}

function frames(): Record<string, Buffer> {
  const modified = { columns: [{ name: '', type: 6 }], rows: [[0n]] };
  const votes = {
    columns: [{ name: 'PHONE_NUMBER', type: 6 }, { name: 'STATE', type: 9 }, { name: 'CONTESTANT_NUMBER', type: 5 }],
    rows: Array.from({ length: 50000 }, (_, i) => [BigInt(2000000000 + i), 'MA', i % 6]),
  };
  return FIXTURES_PRESENT
    ? { vote: readFixture('real/voter_vote_ok.response.bin'), ping: readFixture('real/ping.response.bin'), votes: readFixture('real/select_votes_50000.response.bin') }
    : {
        vote: encodeResponse({ handle: 1n, status: 1, tables: [modified] }),
        ping: encodeResponse({ handle: 1n, status: 1, statusString: 'SUCCESS', tables: [modified] }),
        votes: encodeResponse({ handle: 1n, status: 1, tables: [votes] }),
      };
}

/** Case name → (frame, what is timed, iterations per batch). */
const CASES = ['decode-vote', 'decode-vote-w0', 'decode-ping', 'layout-vote', 'layout-votes', 'decode-votes-w0'] as const;
type Case = (typeof CASES)[number];

/** Child: time one build on one case; prints ns per operation of each batch as JSON. */
async function child(build: string, name: Case): Promise<void> {
  const load = (path: string): Promise<Record<string, unknown>> => loadFrom(build, path);
  const poolFile = existsSync(resolve(build, 'src/decode/decode-pool.js')) ? 'src/decode/decode-pool.js' : 'src/decode/response-decoder.js';
  const { createResponseDecoder } = (await load(poolFile)) as { createResponseDecoder: (options: object) => Decoder };
  const { readResponseHeader, tableLayouts } = (await load('src/protocol/response.js')) as {
    readResponseHeader: (frame: Uint8Array) => unknown;
    tableLayouts: (frame: Uint8Array, header: unknown) => { rowCount: number }[];
  };
  const { vote, ping, votes } = frames();
  const auto = createResponseDecoder({});
  const none = createResponseDecoder({ workers: 0 });
  let sink = 0;
  const decodeWith = (decoder: Decoder, frame: Buffer) => (): void => {
    const response = decoder.decode(frame) as Decoded;
    sink += response.status + response.tables[0]!.rowCount;
  };
  const layout = (frame: Buffer) => (): void => {
    sink += tableLayouts(frame, readResponseHeader(frame))[0]!.rowCount;
  };
  const [run, perBatch] = ({
    'decode-vote': [decodeWith(auto, vote), 20_000],
    'decode-vote-w0': [decodeWith(none, vote), 20_000],
    'decode-ping': [decodeWith(auto, ping), 20_000],
    'layout-vote': [layout(vote), 20_000],
    'layout-votes': [layout(votes), 20],
    'decode-votes-w0': [decodeWith(none, votes), 20],
  } as const)[name];
  const ns = bestBatchNs(run, perBatch);
  await auto.close();
  await none.close();
  reportNs(ns, sink);
}

await buildAbMain({
  child,
  self: fileURLToPath(import.meta.url),
  name: 'response-decode-ab.js',
  cases: CASES,
  heading: (rounds) => `ns per frame: best / median of ${rounds} fresh processes per build (each: the best of 20 timed batches)`,
  show: (ns) => (ns >= 100_000 ? `${(ns / 1e6).toFixed(3)} ms` : `${ns.toFixed(0)} ns`),
});
