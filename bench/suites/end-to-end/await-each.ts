/** End-to-end, one call at a time, each awaited: the latency of a lone call. */
import type { Response } from '../../../src/client.js';
import { canonicalBatch, prepareBatch, runBatch, type BatchRun } from './call-batch.js';
import { endToEndStrategy } from './end-to-end-suite.js';

endToEndStrategy<BatchRun, Response[]>({
  name: 'await-each',
  description: 'one call at a time, each awaited: the latency of a lone call',
  async: true,
  prepare: (input) => prepareBatch(input, 1),
  run: runBatch,
  canonical: canonicalBatch,
  metrics: (run) => run.latencies.summary(),
});
