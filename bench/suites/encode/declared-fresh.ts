/** Declared types, a fresh Buffer per call: `encodeInvocation(request)` — the simple API. */
import { encodeInvocation } from '../../../src/protocol/invocation-writer.js';
import { canonicalFrames, declared, encodeStrategy, type EncodeInput } from './encode-suite.js';

encodeStrategy<EncodeInput, Buffer[]>({
  name: 'declared-fresh',
  description: 'encodeInvocation() per call with the declared types: one new Buffer per frame',
  applies: declared,
  prepare: (input) => input,
  run: (input) => input.declared.map((request) => encodeInvocation(request)),
  canonical: (frames) => canonicalFrames(frames),
});
