/** Bulk loading (`client.bulkLoad`): rows, Arrow tables and batches into a table, per partition. */
export { bulkLoad } from './bulk-load.js';
export type { BulkLoadClient } from './load-target.js';
export type { BulkLoadOptions, BulkLoadProgress, BulkLoadReport, BulkRow } from './options.js';
export type { BulkLoadSource } from './row-source.js';
