/**
 * Columnar, in the worker pool: `DecodePool.decode(frame)` with `offThreadBytes: 0`, so every
 * frame goes to a piscina worker, is decoded there by the same columnar decoders and comes
 * back as columns copied into private memory by the post (nothing transferred, nothing detached).
 *
 * Each frame is given in a SharedArrayBuffer, as the FrameDecoder assembles large frames (made
 * once, outside timing). Frames are decoded one after the other
 * (each awaited), which measures a worker round trip per frame: the price small frames pay
 * if they are sent off-thread, and what large frames get back by not blocking the loop.
 */
import { DecodePool } from '../../../src/decode/decode-pool.js';
import type { DecodedResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

let pool: DecodePool | null = null;

function sharedCopy(frame: Buffer): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(frame.length));
  copy.set(frame);
  return copy;
}

decodeStrategy<Uint8Array[], DecodedResponse[]>({
  name: 'columnar-pool',
  description: 'DecodePool.decode(frame in shared memory) with offThreadBytes 0: columnar decode in a piscina worker, columns back copied into private memory',
  async: true,
  open() {
    pool = new DecodePool({ offThreadBytes: 0 });
  },
  async close() {
    await pool?.close();
    pool = null;
  },
  prepare: (input) => input.frames.map(sharedCopy),
  async run(frames) {
    const out: DecodedResponse[] = [];
    for (const frame of frames) out.push(await pool!.decode(frame));
    return out;
  },
  canonical: (output) => output.map((response) => response.tables.map((table) => canonicalTable(table.rows()))),
  metrics: () => ({ 'off-thread decodes': pool?.stats.offThread ?? 0, 'inline (saturated)': pool?.stats.saturatedInline ?? 0 }),
});
