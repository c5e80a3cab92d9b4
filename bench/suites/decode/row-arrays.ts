/** Row arrays: `decodeResponse` then every table's `rows()` collected — one array per row. */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, unknown[][][][]>({
  name: 'row-arrays',
  description: 'decodeResponse(frame), then Array.from(table.rows()) for every table (the lazy view walked in order)',
  prepare: (input) => input,
  run(input) {
    const out: unknown[][][][] = [];
    for (const frame of input.frames) out.push(decodeResponse(frame).tables.map((table) => Array.from(table.rows())));
    return out;
  },
  canonical: (output) => output.map((tables) => tables.map((rows) => canonicalTable(rows))),
});
