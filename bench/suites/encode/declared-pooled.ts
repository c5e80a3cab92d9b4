/** Declared types into pooled slabs: `writeInvocation(writer, request)` as a connection does it. */
import { canonicalFrames, declared, encodeStrategy, type EncodeInput } from './encode-suite.js';
import { PooledEncoder } from './pooled-slabs.js';

interface Prepared {
  input: EncodeInput;
  encoder: PooledEncoder;
}

encodeStrategy<Prepared, PooledEncoder>({
  name: 'declared-pooled',
  description: 'writeInvocation() into 64 KiB slabs from a SlabPool, returned after each iteration (no allocation in steady state)',
  applies: declared,
  prepare: (input) => ({ input, encoder: new PooledEncoder(input.declared.length, input.bytes * 2) }),
  run: (prepared) => prepared.encoder.encode(prepared.input.declared),
  canonical: (encoder) => canonicalFrames(encoder.frames()),
  metrics: (prepared) => ({ 'slab allocations': prepared.encoder.allocations }),
});
