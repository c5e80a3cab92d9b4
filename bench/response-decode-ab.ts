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
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeResponse } from '../src/protocol/response-writer.js';
import { FIXTURES_PRESENT, readFixture } from '../test/helpers/fixtures.js';

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
  const load = async (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(resolve(build, path)).href) as Promise<Record<string, unknown>>;
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
  const batches: number[] = [];
  for (let b = 0; b < 25; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) run();
    batches.push(Number(process.hrtime.bigint() - start) / perBatch);
  }
  await auto.close();
  await none.close();
  // The first 5 batches are warm-up; `sink` is printed so no work can be dropped.
  console.log(JSON.stringify({ ns: Math.min(...batches.slice(5)), sink: sink > 0 }));
}

function parent(argv: string[]): void {
  const option = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const rounds = Number(option('--rounds') ?? 8);
  const cases = (option('--cases') ?? CASES.join(',')).split(',') as Case[];
  for (const name of cases) if (!CASES.includes(name)) throw new Error(`unknown case ${name}: ${CASES.join(', ')}`);
  const builds = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--rounds' && argv[i - 1] !== '--cases');
  if (builds.length === 0) throw new Error('usage: response-decode-ab.js [--rounds N] [--cases a,b] BUILD…');
  const self = fileURLToPath(import.meta.url);
  const load = [loadavg()[0]!];
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const name of cases) {
      for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
        const { ns } = JSON.parse(execFileSync(process.execPath, [self, '--child', build, name], { encoding: 'utf8' })) as { ns: number };
        const key = `${name}\u0000${build}`;
        results.set(key, [...(results.get(key) ?? []), ns]);
      }
    }
    load.push(loadavg()[0]!);
  }
  console.log(`ns per frame: best / median of ${rounds} fresh processes per build (each: the best of 20 timed batches)`);
  console.log(`| case | ${builds.join(' | ')} | ratio of medians |`);
  console.log(`|---|${builds.map(() => '---:').join('|')}|---:|`);
  for (const name of cases) {
    const medians: number[] = [];
    const cells = builds.map((build) => {
      const sorted = results.get(`${name}\u0000${build}`)!.sort((a, b) => a - b);
      medians.push(sorted[sorted.length >> 1]!);
      const unit = sorted[0]! >= 100_000 ? 1e6 : 1;
      const show = (ns: number): string => (unit === 1 ? `${ns.toFixed(0)} ns` : `${(ns / unit).toFixed(3)} ms`);
      return `${show(sorted[0]!)} / ${show(sorted[sorted.length >> 1]!)}`;
    });
    console.log(`| ${name} | ${cells.join(' | ')} | ${(medians[medians.length - 1]! / medians[0]!).toFixed(2)} |`);
  }
  console.log(`\nnode ${process.version}, 1-minute load average per round: ${load.map((l) => l.toFixed(2)).join(' ')}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, argv[2] as Case);
else parent(argv);
