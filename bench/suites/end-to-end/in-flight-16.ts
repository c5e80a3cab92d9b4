/** End-to-end, 16 calls in flight (16 lanes, each awaiting its call): a modest pipeline. */
import type { Response } from '../../../src/client.js';
import { canonicalBatch, prepareBatch, runBatch, type BatchRun } from './call-batch.js';
import { endToEndStrategy } from './end-to-end-suite.js';

endToEndStrategy<BatchRun, Response[]>({
  name: 'in-flight-16',
  description: '16 calls in flight (16 lanes, each awaiting its call): a modest pipeline',
  async: true,
  prepare: (input) => prepareBatch(input, 16),
  run: runBatch,
  canonical: canonicalBatch,
  metrics: (run) => run.latencies.summary(),
});
