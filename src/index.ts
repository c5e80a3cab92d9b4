/**
 * voltwire — a fast, complete VoltDB client for Node.js.
 *
 * The package's main entry: the managed {@link Client}, the low-level {@link Connection}, the
 * error taxonomy, the result types, the value classes, and (re-exported) the whole wire codec
 * of `voltwire/protocol`. The embedded server lives in `voltwire/server`.
 */
export {
  Client,
  ProcedureHandle,
  type CallManyResult,
  type CallOptions,
  type CallSpec,
  type ClientEvents,
  type ClientOptions,
  type ClientStats,
  type ConnectResult,
  type LatencySummary,
  type ProcedureStats,
  type Response,
  type ServerInfo,
  type SettledCall,
} from './client.js';
export { CLIENT_DEFAULTS, DEFAULT_PORT, type HostAddress, type HostSpec } from './options.js';
export {
  Connection,
  type ConnectOptions,
  type ConnectionCallOptions,
  type ConnectionEvents,
  type ConnectionOptions,
  type ConnectionState,
} from './connection/connection.js';
export * from './errors.js';
export { DecodePool, type DecodePoolOptions, type DecodePoolStats } from './decode/index.js';
export * from './protocol/index.js';
export {
  AdminApi,
  type AdminTarget,
  type ClusterTopology,
  type HostOverview,
  type PartitionTopology,
  type ProcedureInfo,
  type ServerVersion,
  type SiteRef,
  type StatisticsResult,
} from './admin.js';
/** The documented Python client's API (`FastSerializer`, `VoltProcedure`, …); also at `voltwire/compat`. */
export * as compat from './compat/index.js';
export {
  CHANNEL,
  type CallMessage,
  type ConnectionMessage,
  type LateResponseMessage,
} from './connection/diagnostics.js';
export { readWireDump, type WireDump, type WireDumpRecord } from './connection/wire-dump.js';
export { formatWireDump, type WireDumpFormatOptions } from './connection/wire-dump-format.js';
export {
  ExtractBatch,
  Extraction,
  EXTRACT_DEFAULTS,
  EXTRACT_FORMATS,
  EXTRACT_STRATEGIES,
  extract,
  extractTo,
  type CsvOptions,
  type ExtractFormat,
  type ExtractOptions,
  type ExtractProgress,
  type ExtractStrategy,
  type ExtractToOptions,
  type ExtractToProgress,
  type ExtractToResult,
} from './extract/index.js';
export { bulkLoad, type BulkLoadClient, type BulkLoadOptions, type BulkLoadProgress, type BulkLoadReport, type BulkLoadSource, type BulkRow } from './bulk-load/index.js';
/** Connection strings, row shapes and result presentation (node-postgres / mysql2 ergonomics). */
export { parseConnectionString, redactConnectionString, CONNECTION_SCHEMES, type ConnectionStringOptions } from './connection-string.js';
export { ProcedureResponse, type RowObject, type ResponseJson, type TableJson } from './decode/procedure-response.js';
export type { Field, JsonRow, JsonValue } from './decode/presentation.js';
export { BIGINT_MODES, type BigIntMode } from './decode/bigint-mode.js';
export { RowStream, DEFAULT_STREAM_ROWS, type StreamOptions } from './row-stream.js';
