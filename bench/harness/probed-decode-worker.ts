/**
 * The decode pool's worker entry with the detach probe installed first (benchmarks only):
 * `new DecodePool({ workerFile: new URL('./harness/probed-decode-worker.js', …) })`.
 */
import './detach-probe.js';

export { default } from '../../workers/decode-table.js';
