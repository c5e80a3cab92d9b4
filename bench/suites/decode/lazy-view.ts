/**
 * The lazy view, nothing read: `decodeResponse` alone, the cost of a call whose caller looks
 * only at the status or forwards the frame. The values are still checked — read through the
 * same tables after timing — so a view that would decode wrongly fails.
 */
import { decodeResponse, type DecodedResponse } from '../../../src/decode/decode-response.js';
import { canonicalTable } from '../../harness/canonical.js';
import { decodeStrategy, type DecodeInput } from './decode-suite.js';

decodeStrategy<DecodeInput, DecodedResponse[]>({
  name: 'lazy-view',
  description: 'decodeResponse(frame) only: header and table layouts, values left as bytes (read after timing for the check)',
  prepare: (input) => input,
  run: (input) => input.frames.map((frame) => decodeResponse(frame)),
  canonical: (output) => output.map((response) => response.tables.map((table) => canonicalTable(table.rows()))),
});
