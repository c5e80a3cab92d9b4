/** STRING columns decoded lazily, then every value read: lazy's worst case, to hold against eager. */
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { decodeStrategy, hasProjection, type DecodeInput } from './decode-suite.js';
import { canonicalStrings, lazyStrings, readAll, type EagerStrings } from './string-columns.js';

decodeStrategy<DecodeInput, EagerStrings[][]>({
  name: 'strings-lazy-read-all',
  description: 'STRING columns only: the lazy walk, then every value read as a JS string',
  flavour: 'date:strings',
  applies: (input) => hasProjection(input, 'strings'),
  prepare: (input) => input,
  run: (input) =>
    input.frames.map((frame) => tableLayouts(frame, readResponseHeader(frame)).map((layout) => readAll(lazyStrings(frame, layout)))),
  canonical: (output) => output.map((tables) => tables.map(canonicalStrings)),
});
