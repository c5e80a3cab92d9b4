/**
 * Columnar, then every value read: `decodeColumns()` and `column.get(row)` for each cell — what
 * a caller pays who wants columns *and* all the row values, to hold against `row-arrays`.
 */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, unknown[][][][]>({
  name: 'columnar-read-all',
  description: 'decodeResponse(frame), table.decodeColumns(), then column.get(row) for every value',
  // Untimed: whatever the timed part needs (here the input as it is).
  prepare: (input) => input,
  // Timed: must return what it produced.
  run(input) {
    return input.frames.map((frame) =>
      decodeResponse(frame).tables.map((table) => {
        const columns = table.decodeColumns();
        return Array.from({ length: table.rowCount }, (_, row) => columns.map((column) => column.get(row)));
      }),
    );
  },
  // Untimed: the output as canonical tables, compared with decodeResponse(frame).tables[i].rows().
  canonical: (output) => output.map((tables) => tables.map((rows) => canonicalTable(rows))),
});
