/**
 * Columnar, on the main thread: `decodeResponse` then `decodeColumns()` — every column into
 * typed arrays, validity bitmaps and offsets (DESIGN.md), strings left as UTF-8 bytes.
 */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import type { VoltTable } from '../../../src/decode/volt-table.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, VoltTable[][]>({
  name: 'columnar-inline',
  description: 'decodeResponse(frame), then table.decodeColumns(): the one columnar decoder, inline',
  prepare: (input) => input,
  run(input) {
    const out: VoltTable[][] = [];
    for (const frame of input.frames) {
      const tables = decodeResponse(frame).tables;
      for (const table of tables) table.decodeColumns();
      out.push(tables);
    }
    return out;
  },
  canonical: (output) => output.map((tables) => tables.map((table) => canonicalTable(table.rows()))),
});
