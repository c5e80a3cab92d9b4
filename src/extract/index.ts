/**
 * Bulk extraction: large results out of VoltDB as columnar batches, partition-parallel,
 * decoded off-thread, in bounded memory — and straight to Arrow IPC, CSV or NDJSON files.
 */
export { extract, Extraction } from './extract.js';
export { extractTo, createWriter, type ExtractToOptions, type ExtractToProgress, type ExtractToResult } from './extract-to.js';
export { ExtractBatch, type BatchOrigin } from './batch.js';
export { BoundedQueue } from './bounded-queue.js';
export { EXTRACT_DEFAULTS, EXTRACT_STRATEGIES, type ExtractClient, type ExtractOptions, type ExtractStrategy } from './options.js';
export { formatDuration, progressLine, type ExtractProgress } from './progress.js';
export { EXTRACT_FORMATS, formatOfPath, type BatchWriter, type ExtractFormat } from './writers/batch-writer.js';
export type { CsvOptions } from './writers/csv-writer.js';
export type { BinaryText } from '../decode/value-text.js';
