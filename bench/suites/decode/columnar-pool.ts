/**
 * Columnar, in the worker pool: `DecodePool.decode(frame)` with `offThreadBytes: 0`, so every
 * frame goes to a piscina worker, is decoded there by the same columnar decoder and comes
 * back as transferred column buffers.
 *
 * The pool transfers a frame that owns its ArrayBuffer (detaching it), so each iteration
 * gives it a fresh copy of each frame — the copy the FrameDecoder makes anyway when it
 * assembles a large frame in its own ArrayBuffer. Frames are decoded one after the other
 * (each awaited), which measures a worker round trip per frame: the price small frames pay
 * if they are sent off-thread, and what large frames get back by not blocking the loop.
 */
import { DecodePool } from '../../../src/decode/dispatch.js';
import type { DecodedResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

let pool: DecodePool | null = null;

function ownCopy(frame: Buffer): Uint8Array {
  const copy = new Uint8Array(frame.length);
  copy.set(frame);
  return copy;
}

decodeStrategy<DecodeInput, DecodedResponse[]>({
  name: 'columnar-pool',
  description: 'DecodePool.decode(copy of frame) with offThreadBytes 0: columnar decode in a piscina worker, columns transferred back',
  async: true,
  open() {
    pool = new DecodePool({ offThreadBytes: 0 });
  },
  async close() {
    await pool?.close();
    pool = null;
  },
  prepare: (input) => input,
  async run(input) {
    const out: DecodedResponse[] = [];
    for (const frame of input.frames) out.push(await pool!.decode(ownCopy(frame)));
    return out;
  },
  canonical: (output) => output.map((response) => response.tables.map((table) => canonicalTable(table.rows()))),
  metrics: () => ({ 'off-thread decodes': pool?.stats.offThread ?? 0, 'inline (saturated)': pool?.stats.saturatedInline ?? 0 }),
});
