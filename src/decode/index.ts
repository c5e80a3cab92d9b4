/**
 * Results: the one table type, its columns in Arrow layout, `decodeResponse`, the one decode
 * policy (`ResponseDecoder`: inline, or off-thread) and the pool that decodes large responses
 * off the main thread.
 */
export { VoltTable, type TableOptions, type TableParts } from './volt-table.js';
export { Column, type ColumnInfo, type ColumnParts, type ColumnOptions } from './column.js';
export {
  decodeResponse,
  ResponseDecoder,
  type DecodedResponse,
  type DecodeOptions,
  type DecodePoolStats,
  type OffThreadDecoder,
} from './decode-response.js';
export { decodeTable, type TableShape } from './decode-table.js';
export {
  DecodePool,
  DEFAULT_MAX_QUEUE,
  DEFAULT_OFF_THREAD_BYTES,
  type DecodePoolOptions,
} from './decode-pool.js';
export type { TimestampMode } from '../protocol/value-reader.js';
