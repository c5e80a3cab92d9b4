/**
 * FrameDecoder throughput (tinybench).
 *
 *   npx tsc -p . && node dist/bench/frame-decoder.bench.js
 *
 * Streams, built once outside timing:
 * - 1000 small response frames (69 bytes, the shape of `invocation_response_success.msg`)
 *   pushed as one 69 KB chunk (every frame a view), as 1460-byte chunks (TCP MSS: about one
 *   frame in 21 is split and copied) and as 16-byte chunks (worst case: every frame split);
 * - one 1.1 MB frame (the size of `real/select_votes_50000.response.bin`) pushed in 64 KiB
 *   chunks (assembled once in its own ArrayBuffer) and as one chunk (copied once into its own
 *   ArrayBuffer for transfer), next to two floors: `Buffer.copy` into warm memory, and a fresh
 *   `allocUnsafeSlow` + copy (what any transferable frame must cost: new pages are faulted in).
 */
import { Bench } from 'tinybench';
import { FrameDecoder } from '../src/protocol/frame-decoder.js';
import { encodeResponse } from '../src/protocol/response.js';

const SMALL_FRAMES = 1000;
const small = encodeResponse({
  handle: 1n,
  status: 1,
  clusterRoundTripMs: 4,
  tables: [{ columns: [{ name: 'modified_tuples', type: 6 }], rows: [[1n]] }],
});
const smallStream = Buffer.concat(new Array<Buffer>(SMALL_FRAMES).fill(small));

const bigBody = Buffer.alloc(1_100_082, 0x5a);
const big = Buffer.concat([Buffer.from([0, 0x10, 0xc9, 0x32]), bigBody]); // i32 1_100_082
big.writeInt32BE(bigBody.length, 0);

function cut(stream: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
  return chunks;
}

let frames = 0;
let lastFrame: Buffer | null = null;
function onFrame(frame: Buffer): void {
  frames++;
  lastFrame = frame;
}
const decoder = new FrameDecoder({ onFrame });

function pushAll(chunks: readonly Buffer[], expected: number): void {
  frames = 0;
  for (let i = 0; i < chunks.length; i++) decoder.push(chunks[i]!);
  if (frames !== expected) throw new Error(`expected ${expected} frames, got ${frames}`);
}

const cases: { name: string; chunks: Buffer[]; frames: number; bytes: number }[] = [
  { name: '1000 x 69 B frames, one chunk (views)', chunks: [smallStream], frames: SMALL_FRAMES, bytes: smallStream.length },
  { name: '1000 x 69 B frames, 1460 B chunks', chunks: cut(smallStream, 1460), frames: SMALL_FRAMES, bytes: smallStream.length },
  { name: '1000 x 69 B frames, 16 B chunks', chunks: cut(smallStream, 16), frames: SMALL_FRAMES, bytes: smallStream.length },
  { name: '1.1 MB frame, 64 KiB chunks (own ArrayBuffer)', chunks: cut(big, 65536), frames: 1, bytes: big.length },
  { name: '1.1 MB frame, one chunk (copied to own ArrayBuffer)', chunks: [big], frames: 1, bytes: big.length },
];

const bench = new Bench({ name: 'frame-decoder', time: 1500, warmupTime: 300 });
for (const c of cases) bench.add(c.name, () => pushAll(c.chunks, c.frames));
const copyTarget = Buffer.allocUnsafeSlow(big.length);
bench.add('floor: Buffer.copy of 1.1 MB into warm memory', () => {
  big.copy(copyTarget);
});
bench.add('floor: allocUnsafeSlow(1.1 MB) + copy (a fresh ArrayBuffer)', () => {
  const own = Buffer.allocUnsafeSlow(big.length);
  big.copy(own);
  lastFrame = own;
});

await bench.run();

const rows = bench.tasks.map((task) => {
  const result = task.result as { latency?: { mean: number; rme?: number }; throughput?: { mean: number } } | undefined;
  const meanMs = result?.latency?.mean ?? Number.NaN;
  const c = cases.find((x) => x.name === task.name);
  const bytes = c?.bytes ?? big.length;
  return {
    task: task.name,
    'mean µs': (meanMs * 1000).toFixed(2),
    'frames/s': c === undefined ? '' : Math.round((c.frames / meanMs) * 1000).toLocaleString('en-US'),
    'MB/s': ((bytes / (meanMs / 1000)) / 1e6).toFixed(0),
    '± %': result?.latency?.rme?.toFixed(2) ?? '',
  };
});
console.table(rows);
if (lastFrame === null) throw new Error('no frame');
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
