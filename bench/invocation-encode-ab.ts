/**
 * A/B of the write side across builds: what a connection does per call before the socket —
 * `writeInvocation` into a slab, and a whole `WriteScheduler.flush` of 1,000 queued calls into
 * pooled slabs — each (build, case) pair in a fresh node process, builds alternated round by
 * round, best and median of the rounds.
 *
 *   npx tsc -p . && node dist/bench/invocation-encode-ab.js [--rounds N] [--cases a,b] BUILD…
 *
 * A BUILD is a compiled tree (`dist`, or a build of another commit). A fresh process per
 * measurement keeps one build's JIT state from leaking into the next. The writer is taken from
 * `src/protocol/invocation-writer.js`, or `src/protocol/invocation.js` in builds from before the
 * split; the slab pool from `src/connection/write-scheduler.js`, or `slab-pool.js` before the
 * merge.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BufferWriter } from '../src/protocol/buffer-writer.js';
import type { InvocationRequest } from '../src/protocol/invocation-writer.js';
import type { FrameProducer, SlabPool, WriteScheduler, WriteTarget } from '../src/connection/write-scheduler.js';
import { bestBatchNs, buildAbMain, loadFrom, reportNs } from './harness/build-ab.js';

const CASES = ['vote-declared', 'vote-inferred', 'insert-strings', 'vote-v2', 'wide-12', 'arrays', 'flush-1000'] as const;
type Case = (typeof CASES)[number];

/** Child: time one build on one case; prints the best ns per call of 20 timed batches as JSON. */
async function child(build: string, name: Case): Promise<void> {
  const load = (path: string): Promise<Record<string, unknown>> => loadFrom(build, path);
  const at = (path: string, otherwise: string): string => (existsSync(resolve(build, path)) ? path : otherwise);
  const { writeInvocation } = (await load(at('src/protocol/invocation-writer.js', 'src/protocol/invocation.js'))) as {
    writeInvocation: (w: BufferWriter, request: InvocationRequest) => void;
  };
  const { BufferWriter: Writer } = (await load('src/protocol/buffer-writer.js')) as { BufferWriter: typeof BufferWriter };
  const { Decimal } = (await load('src/protocol/decimal.js')) as { Decimal: new (text: string) => unknown };
  const { GeographyPoint } = (await load('src/protocol/geography.js')) as { GeographyPoint: new (lng: number, lat: number) => unknown };
  const { SlabPool: Pool } = (await load(at('src/connection/slab-pool.js', 'src/connection/write-scheduler.js'))) as { SlabPool: new (options: object) => SlabPool };
  const { WriteScheduler: Scheduler } = (await load('src/connection/write-scheduler.js')) as {
    WriteScheduler: new (target: WriteTarget, pool: SlabPool, producer: FrameProducer<readonly unknown[]>) => WriteScheduler<readonly unknown[]>;
  };
  const vote = ['BIGINT', 'INTEGER', 'BIGINT'] as const;
  const requests: Record<Exclude<Case, 'flush-1000'>, InvocationRequest> = {
    'vote-declared': { procedure: 'Vote', handle: 1, params: [6175551234, 3, 1000000], types: vote },
    // What `client.call('Vote', [phone, 1, 10n])` sends: types inferred from the values.
    'vote-inferred': { procedure: 'Vote', handle: 1, params: [6175551234n, 3, 10n] },
    'insert-strings': { procedure: 'Insert', handle: 1, params: ['Hello', 'World', 'English'], types: ['STRING', 'STRING', 'STRING'] },
    'vote-v2': { procedure: 'Vote', handle: 1, params: [6175551234, 3, 1000000], types: vote, queryTimeoutMs: 1000, priority: 4 },
    'wide-12': {
      procedure: 'CAP_TYPES.insert',
      handle: 1,
      params: [1, -127, -32767, -2147483647, 9007199254740991n, -1.5e300, 'héllo ☃', Uint8Array.of(0, 1, 254, 255), new Date(1700000000123), new Decimal('-12345678.9012'), new GeographyPoint(-71.06, 42.36), null],
      types: ['INTEGER', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'STRING', 'VARBINARY', 'TIMESTAMP', 'DECIMAL', 'GEOGRAPHY_POINT', 'GEOGRAPHY'],
    },
    arrays: { procedure: 'A', handle: 1, params: [[1, 2, 3, 4, 5, 6, 7, 8], [1n, 2n, 3n, 4n]] },
  };
  let sink = 0;
  let run: () => void;
  let perBatch = 2000;
  if (name === 'flush-1000') {
    const target = {
      writableNeedDrain: false,
      destroyed: false,
      cork(): void {},
      uncork(): void {},
      write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean {
        sink += chunk.length;
        callback(null); // the kernel took it at once
        return true;
      },
      on: () => target,
      off: () => target,
    };
    const request: InvocationRequest = { procedure: 'Vote', handle: 0, params: [], types: vote };
    const scheduler = new Scheduler(target, new Pool({ slabBytes: 64 * 1024, maxSlabs: 4 }), {
      mayWrite: () => true,
      encode(w, params) {
        request.handle = (request.handle as number) + 1;
        request.params = params;
        writeInvocation(w, request);
        return true;
      },
      encodeFailed(_params, error) {
        throw error;
      },
    });
    const params = Array.from({ length: 1000 }, (_, i) => [5551234567 + i, (i % 6) + 1, 10] as const);
    perBatch = 20;
    run = () => {
      for (let i = 0; i < 1000; i++) scheduler.enqueue(params[i]!);
      scheduler.flush(); // what the setImmediate would run
    };
  } else {
    const request = requests[name];
    const writer = new Writer(Buffer.allocUnsafeSlow(1 << 20));
    run = () => {
      if (writer.offset > writer.buffer.length - 4096) writer.useSlab(writer.buffer, 0);
      request.handle = (request.handle as number) + 1;
      writeInvocation(writer, request);
      sink += writer.messageLength;
    };
  }
  const ns = bestBatchNs(run, perBatch);
  reportNs(ns, sink);
}

await buildAbMain({
  child,
  self: fileURLToPath(import.meta.url),
  name: 'invocation-encode-ab.js',
  cases: CASES,
  heading: (rounds) => `ns per call (flush-1000: per flush of 1,000 calls): best / median of ${rounds} fresh processes per build (each: the best of 20 timed batches)`,
  show: (ns) => ns.toFixed(0),
});
