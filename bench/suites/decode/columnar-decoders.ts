/**
 * The two columnar decoders side by side, on the main thread: the decoder generated for the
 * table's shape (forced, whatever the table's size: the product uses it from a few hundred rows
 * on) and the general column-at-a-time decoder (`codegen: false`, the reference and fallback).
 * Both decode every column of every table (`decodeResponse` + `decodeColumns()`); the harness
 * checks their values against the reference decoder before timing. `columnar-inline` is what
 * the product does (generated when it applies). A shape's generation cost is paid once, in the
 * untimed check run, as a cached shape never pays it again.
 */
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { decodeGenerated } from '../../../src/decode/generated-decoder.js';
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { VoltTable } from '../../../src/decode/volt-table.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, VoltTable[][]>({
  name: 'columnar-general',
  description: 'decodeResponse(frame, { codegen: false }), then decodeColumns(): the general column-at-a-time decoder',
  prepare: (input) => input,
  run(input) {
    const out: VoltTable[][] = [];
    for (const frame of input.frames) {
      const tables = decodeResponse(frame, { codegen: false }).tables;
      for (const table of tables) table.decodeColumns();
      out.push(tables);
    }
    return out;
  },
  canonical: (output) => output.map((tables) => tables.map((table) => canonicalTable(table.rows()))),
});

decodeStrategy<DecodeInput, VoltTable[][]>({
  name: 'columnar-generated',
  description: 'the decoder generated for each table shape, forced at every size: header, layouts, every column',
  prepare: (input) => input,
  run(input) {
    const out: VoltTable[][] = [];
    for (const frame of input.frames) {
      const tables = tableLayouts(frame, readResponseHeader(frame)).map((layout) => {
        const columns = decodeGenerated(frame, layout);
        if (columns === null) throw new Error('the generated decoder refused a valid table');
        return VoltTable.fromColumns({ columns, rowCount: layout.rowCount, status: layout.status });
      });
      out.push(tables);
    }
    return out;
  },
  canonical: (output) => output.map((tables) => tables.map((table) => canonicalTable(table.rows()))),
});

