/** Inferred types, a fresh Buffer per call: `encodeInvocation(request)` — the simple API. */
import { encodeInvocation } from '../../../src/protocol/invocation-writer.js';
import { canonicalFrames, encodeStrategy, inferable, type EncodeInput } from './encode-suite.js';

encodeStrategy<EncodeInput, Buffer[]>({
  name: 'inferred-fresh',
  description: 'encodeInvocation() per call with types inferred from the values: one new Buffer per frame',
  applies: inferable,
  prepare: (input) => input,
  run: (input) => input.inferred.map((request) => encodeInvocation(request)),
  canonical: (frames) => canonicalFrames(frames),
});
