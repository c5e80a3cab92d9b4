/** Inferred types into pooled slabs: `writeInvocation(writer, request)` as a connection does it. */
import { canonicalFrames, encodeStrategy, inferable, type EncodeInput } from './encode-suite.js';
import { PooledEncoder } from './pooled-slabs.js';

interface Prepared {
  input: EncodeInput;
  encoder: PooledEncoder;
}

encodeStrategy<Prepared, PooledEncoder>({
  name: 'inferred-pooled',
  description: 'writeInvocation() into 64 KiB slabs from a SlabPool, returned after each iteration (no allocation in steady state)',
  applies: inferable,
  prepare: (input) => ({ input, encoder: new PooledEncoder(input.inferred.length, input.bytes * 2) }),
  run: (prepared) => prepared.encoder.encode(prepared.input.inferred),
  canonical: (encoder) => canonicalFrames(encoder.frames()),
  metrics: (prepared) => ({ 'slab allocations': prepared.encoder.allocations }),
});
