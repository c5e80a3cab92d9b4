/** End-to-end, the whole batch issued in one tick (coalesced into as few socket writes as the slabs allow), then awaited: peak pipelining. */
import type { Response } from '../../../src/client.js';
import { canonicalBatch, prepareBatch, runBatch, type BatchRun } from './call-batch.js';
import { endToEndStrategy } from './end-to-end-suite.js';

endToEndStrategy<BatchRun, Response[]>({
  name: 'all-at-once',
  description: 'the whole batch issued in one tick (coalesced into as few socket writes as the slabs allow), then awaited: peak pipelining',
  async: true,
  prepare: (input) => prepareBatch(input, Infinity),
  run: runBatch,
  canonical: canonicalBatch,
  metrics: (run) => run.latencies.summary(),
});
