/**
 * `voltwire/server`: an embedded VoltDB-protocol server for tests, demos and benchmarks.
 * Production deployments run a real VoltDB cluster, which voltwire connects to the same way.
 */
export {
  BUILD_STRING,
  EMULATED_VOLTDB_VERSION,
  EmbeddedCluster,
  EmbeddedServer,
  startCluster,
  startClusterNode,
  startServer,
  type ClusterNodeOptions,
  type ClusterOptions,
  type ServerOptions,
  type ServerStats,
  type WorkloadName,
} from './cluster.js';
export type { ServerUser } from './authentication.js';
export type { FaultState, Faults } from './faults.js';
export type { NodeStatistics } from './node.js';
export {
  userAbort,
  type ColumnTypeSpec,
  type DefineOptions,
  type ProcedureContext,
  type ProcedureHandler,
  type ProcedureResult,
  type ProcedureReturn,
  type ResultTable,
} from './user-procedures.js';
export { serveCommand, type ServeOptions } from './cli.js';
