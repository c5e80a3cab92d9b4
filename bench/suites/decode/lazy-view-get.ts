/** The lazy view read cell by cell: `table.get(row, column)` for every value (random access path). */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, unknown[][][][]>({
  name: 'lazy-view-get',
  description: 'decodeResponse(frame), then table.get(row, column) for every cell (row index + fixed offsets)',
  prepare: (input) => input,
  run(input) {
    const out: unknown[][][][] = [];
    for (const frame of input.frames) {
      out.push(
        decodeResponse(frame).tables.map((table) => {
          const rows: unknown[][] = [];
          const width = table.columns.length;
          for (let r = 0; r < table.rowCount; r++) {
            const row = new Array<unknown>(width);
            for (let c = 0; c < width; c++) row[c] = table.get(r, c);
            rows.push(row);
          }
          return rows;
        }),
      );
    }
    return out;
  },
  canonical: (output) => output.map((tables) => tables.map((rows) => canonicalTable(rows))),
});
