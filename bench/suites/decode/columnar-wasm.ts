/**
 * Columnar with WebAssembly SIMD byte swapping (bench/wasm/wasm-decoder.ts), for tables whose
 * columns are all 1-, 2-, 4- or 8-byte numbers, side by side with the generated and general
 * decoders (`columnar-decoders.ts`) on the same frames, checked against the reference decoder
 * first like every strategy.
 */
import type { VoltTable } from '../../../src/decode/volt-table.js';
import { decodeWasm, fits } from '../../wasm/wasm-decoder.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, VoltTable[][]>({
  name: 'columnar-wasm',
  description: 'fixed-width numeric tables: rows copied into WebAssembly memory, each column byte-swapped by SIMD, NULLs marked in JS',
  applies: (input) => (input.layouts.every((tables) => tables.every((layout) => fits(layout) || layout.rowCount === 0)) ? true : 'only tables of 1-, 2-, 4- and 8-byte numeric columns'),
  prepare: (input) => input,
  run(input) {
    return input.frames.map((frame, f) => input.layouts[f]!.map((layout) => decodeWasm(frame, layout)));
  },
  canonical: (output) => output.map((tables) => tables.map((table) => canonicalTable(table.rows()))),
});
