/** Row objects: `decodeResponse` then every table's `rowObjects()` — one `{ COLUMN: value }` per row. */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

interface Output {
  names: string[][][];
  rows: Record<string, unknown>[][][];
}

decodeStrategy<DecodeInput, Output>({
  name: 'row-objects',
  description: 'decodeResponse(frame), then Array.from(table.rowObjects()) for every table',
  applies(input) {
    // With duplicate names one value is lost by design (rowObjects documents it), so the check could not pass.
    const duplicate = input.layouts.some((tables) => tables.some((t) => new Set(t.columns.map((c) => c.name)).size !== t.columns.length));
    return duplicate ? 'a table has duplicate column names (row objects keep one of them)' : true;
  },
  prepare: (input) => input,
  run(input) {
    const out: Output = { names: [], rows: [] };
    for (const frame of input.frames) {
      const tables = decodeResponse(frame).tables;
      out.names.push(tables.map((t) => t.columns.map((c) => c.name)));
      out.rows.push(tables.map((t) => Array.from(t.rowObjects())));
    }
    return out;
  },
  canonical: (output) =>
    output.rows.map((tables, f) =>
      tables.map((rows, t) => {
        const names = output.names[f]![t]!;
        return canonicalTable(rows.map((row) => names.map((name) => row[name])));
      }),
    ),
});
