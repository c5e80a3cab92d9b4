/**
 * STRING columns decoded lazily: the walk records where each value is and makes no string;
 * the strings are made after timing, for the check. This is the cost when values are read
 * rarely (or handed on as bytes); `strings-lazy-read-all` is the cost when all are read.
 */
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { decodeStrategy, hasProjection, type DecodeInput } from './decode-suite.js';
import { canonicalStrings, lazyStrings, readAll, type LazyStrings } from './string-columns.js';

decodeStrategy<DecodeInput, LazyStrings[][]>({
  name: 'strings-lazy',
  description: 'STRING columns only: offsets and lengths recorded, no JS string made (read after timing for the check)',
  flavour: 'date:strings',
  applies: (input) => hasProjection(input, 'strings'),
  prepare: (input) => input,
  run: (input) => input.frames.map((frame) => tableLayouts(frame, readResponseHeader(frame)).map((layout) => lazyStrings(frame, layout))),
  canonical: (output) => output.map((tables) => tables.map((table) => canonicalStrings(readAll(table)))),
});
