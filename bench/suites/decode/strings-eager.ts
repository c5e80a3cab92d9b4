/** STRING columns decoded eagerly: a JS string for every value while walking the rows. */
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { decodeStrategy, hasProjection, type DecodeInput } from './decode-suite.js';
import { canonicalStrings, eagerStrings, type EagerStrings } from './string-columns.js';

decodeStrategy<DecodeInput, EagerStrings[][]>({
  name: 'strings-eager',
  description: 'STRING columns only: every value made a JS string during the walk (decodeUtf8)',
  flavour: 'date:strings',
  applies: (input) => hasProjection(input, 'strings'),
  prepare: (input) => input,
  run: (input) => input.frames.map((frame) => tableLayouts(frame, readResponseHeader(frame)).map((layout) => eagerStrings(frame, layout))),
  canonical: (output) => output.map((tables) => tables.map(canonicalStrings)),
});
