/**
 * What a procedure is to the embedded server: declared parameter types (optional), the
 * partitioning that `@SystemCatalog('PROCEDURES')` reports, and a handler.
 */
import type { TableInput } from '../protocol/response-writer.js';
import type { Database } from './database.js';
import type { NodeStatistics } from './node.js';
import type { Topology } from './topology.js';

/** What every node of a cluster (or the one server) shares. */
export interface ClusterContext {
  readonly database: Database;
  readonly topology: Topology;
  /** Cluster instance start, ms since the epoch (login response, OVERVIEW STARTTIME). */
  readonly clusterStartMs: number;
  /** Login response and OVERVIEW BUILDSTRING: says it is voltwire's embedded server. */
  readonly buildString: string;
  /** OVERVIEW VERSION: the VoltDB release whose protocol is emulated. */
  readonly version: string;
  /**
   * Nodes accepting connections now, ascending by host id. In per-process mode the nodes of the
   * other processes are always listed: this process cannot see whether they are up.
   */
  runningNodes(): NodeInfo[];
  /**
   * The node `hostId` when it runs in another process (per-process cluster mode), else
   * undefined. Work for a partition led there cannot be done here: its rows live there.
   */
  remoteNode(hostId: number): NodeInfo | undefined;
  /** Counters of the nodes running in this process, ascending by host id. */
  localStatistics(): NodeStatistics[];
}

/** The node a call arrived on. */
export interface NodeInfo {
  readonly hostId: number;
  readonly host: string;
  readonly port: number;
}

/** The connection a call arrived on. */
export interface ConnectionInfo {
  readonly id: bigint;
  /** `@Subscribe('TOPOLOGY')` marks the connection for pushed topology/catalog updates. */
  subscribe(topic: string): void;
}

/** One execution of a procedure. */
export interface ProcedureCall {
  readonly name: string;
  /** Decoded parameters, converted to `parameterTypes` when the procedure declares them. */
  readonly params: readonly unknown[];
  /** Wire type codes of the parameters as sent (ARRAY = -99). */
  readonly paramTypes: readonly number[];
  /** Executing partition, or 16383 (MP_PARTITION_ID) for a multi-partition call. */
  readonly partition: number;
  /** True when the partition came from the PARTITION_DESTINATION extension rather than the partition parameter. */
  readonly directed: boolean;
  readonly database: Database;
  readonly cluster: ClusterContext;
  readonly node: NodeInfo;
  readonly connection: ConnectionInfo;
}

/** What a procedure answers (status SUCCESS unless it throws a failure). */
export interface ProcedureOutcome {
  tables?: readonly TableInput[];
  /** Default −128: never set. */
  appStatus?: number;
  appStatusString?: string | null;
  /** `@Ping` answers "SUCCESS"; ordinary procedures send none. */
  statusString?: string | null;
}

export type ProcedureKind = 'system' | 'default' | 'user';

export interface ProcedureDefinition {
  name: string;
  kind: ProcedureKind;
  /** Declared parameter types (VOLT_TYPE codes): count and types are checked and converted. */
  parameterTypes?: readonly number[];
  /** Single-partition procedures: which parameter carries the partition key. */
  partitionParameter?: number;
  /** VoltDB type of the partition column (catalog REMARKS `partitionParameterType`). */
  partitionParameterType?: number;
  /** Name of the partition column (named in the real server's misdirected-call failure). */
  partitionColumnName?: string;
  readOnly: boolean;
  /**
   * The Java class `@SystemCatalog('CLASSES')` lists for a user procedure (voter's are
   * `voter.Vote`, …); a procedure defined in JS is listed under its own name.
   */
  className?: string;
  /** Counted in `@Statistics('PROCEDURE')` (system procedures that are not transactions are not). */
  transactional: boolean;
  /** Name in `@Statistics('PROCEDURE')` when it differs (e.g. `org.voltdb.sysprocs.AdHoc_RO_MP`). */
  statisticsName?: (call: ProcedureCall) => string;
  run(call: ProcedureCall): ProcedureOutcome | Promise<ProcedureOutcome>;
}

/** A single-partition procedure (the catalog's `singlePartition`). */
export function isSinglePartition(definition: ProcedureDefinition): boolean {
  return definition.partitionParameter !== undefined;
}
