/**
 * From a decoded invocation to a response: find the procedure, check and convert the
 * parameters it declares, pick the partition (PARTITION_DESTINATION — whose partitioning
 * parameter is then handled as the real server does, see directed-call.ts — the partition
 * parameter's hash, or the multi-partition initiator), note a mis-routed call (and refuse it when its
 * partition lives in another process), run it, and record the
 * `@Statistics('PROCEDURE')` counters. Failures become responses in VoltDB's words.
 */
import { performance } from 'node:perf_hooks';
import { APP_STATUS_UNSET, MP_PARTITION_ID, STATUS } from '../protocol/constants.js';
import type { DecodedInvocation } from '../protocol/invocation-reader.js';
import type { ResponseInput, TableInput } from '../protocol/response-writer.js';
import { convertValue } from './coercion.js';
import { asFailure, failure, parameterTypeError, partitionInAnotherProcess, procedureNotFound, wrongParameterCount } from './failure-responses.js';
import type { ClusterContext, ConnectionInfo, NodeInfo, ProcedureCall, ProcedureDefinition, ProcedureOutcome } from './procedure.js';
import { isSinglePartition } from './procedure.js';
import type { CallResult } from './procedure-statistics.js';
import { directedParameters } from './directed-call.js';
import { SYSTEM_PROCEDURES } from './system-procedures.js';

/** Counters a node keeps about the calls it received. */
export interface NodeCounters {
  calls: number;
  /** Single-partition (and directed) calls received for a partition this node does not lead. */
  misroutedCalls: number;
}

export function lookupProcedure(cluster: ClusterContext, name: string): ProcedureDefinition | undefined {
  return SYSTEM_PROCEDURES.get(name) ?? cluster.database.procedures.get(name);
}

function convertParameters(definition: ProcedureDefinition, invocation: DecodedInvocation): unknown[] {
  const types = definition.parameterTypes;
  if (types === undefined) return invocation.params;
  const params = invocation.params;
  if (params.length !== types.length) throw wrongParameterCount(definition.name, types.length, params.length);
  const out = new Array<unknown>(types.length);
  for (let i = 0; i < types.length; i++) {
    const converted = convertValue(params[i], types[i]!);
    if (!converted.ok) throw parameterTypeError(definition.name, i, converted.reason);
    out[i] = converted.value;
  }
  return out;
}

function choosePartition(cluster: ClusterContext, definition: ProcedureDefinition, invocation: DecodedInvocation, params: readonly unknown[]): number {
  const destination = invocation.extensions.partitionDestination;
  if (destination !== null) {
    if (destination >= cluster.database.partitionCount && destination !== MP_PARTITION_ID) {
      throw failure(definition.name, { status: STATUS.UNEXPECTED_FAILURE, statusString: `Invalid partition ${destination} for PARTITION_DESTINATION` });
    }
    return destination;
  }
  if (!isSinglePartition(definition)) return MP_PARTITION_ID;
  const index = definition.partitionParameter!;
  if (index >= params.length) return MP_PARTITION_ID;
  const type = definition.partitionParameterType ?? invocation.paramTypes[index]!;
  try {
    return cluster.database.partitionFor(params[index], type);
  } catch (error) {
    throw parameterTypeError(definition.name, index, (error as Error).message);
  }
}

/**
 * A single-partition (or directed) call for a partition this node does not lead is misrouted:
 * count it. Its leader in this process shares the store, so running it here is what forwarding
 * would do; a leader in another process holds the partition's rows, so the call is refused.
 */
function checkLeader(cluster: ClusterContext, node: NodeInfo, counters: NodeCounters, procedure: string, partition: number): void {
  const leader = cluster.topology.leaderOf(partition);
  if (leader === node.hostId) return;
  counters.misroutedCalls++;
  const remote = cluster.remoteNode(leader);
  if (remote !== undefined) throw partitionInAnotherProcess(procedure, partition, remote);
}

function success(handle: bigint, outcome: ProcedureOutcome, elapsedMs: number): ResponseInput {
  return {
    handle,
    status: STATUS.SUCCESS,
    statusString: outcome.statusString ?? null,
    appStatus: outcome.appStatus ?? APP_STATUS_UNSET,
    appStatusString: outcome.appStatusString ?? null,
    clusterRoundTripMs: Math.round(elapsedMs),
    tables: outcome.tables ?? NO_TABLES,
  };
}

const NO_TABLES: readonly TableInput[] = [];

/** A failure as a response (no tables). */
export function failureResponse(handle: bigint, error: unknown, procedure: string, startedAt = performance.now()): ResponseInput {
  const f = asFailure(procedure, error);
  return {
    handle,
    status: f.status,
    statusString: f.statusString,
    appStatus: f.appStatus,
    appStatusString: f.appStatusString,
    clusterRoundTripMs: Math.round(performance.now() - startedAt),
    tables: NO_TABLES,
  };
}

function resultOf(status: number): CallResult {
  if (status === STATUS.SUCCESS) return 'success';
  return status === STATUS.USER_ABORT ? 'abort' : 'failure';
}

/**
 * Run one invocation. Returns the response, or a promise of it when a user procedure is
 * asynchronous. Never throws: every failure is a response.
 */
export function dispatch(cluster: ClusterContext, node: NodeInfo, counters: NodeCounters, connection: ConnectionInfo, invocation: DecodedInvocation, paramBytes: number): ResponseInput | Promise<ResponseInput> {
  const startedAt = performance.now();
  counters.calls++;
  const definition = lookupProcedure(cluster, invocation.procedure);
  if (definition === undefined) return failureResponse(invocation.handle, procedureNotFound(invocation.procedure), invocation.procedure, startedAt);
  let partition = MP_PARTITION_ID;
  let call: ProcedureCall;
  try {
    let params: readonly unknown[] = convertParameters(definition, invocation);
    partition = choosePartition(cluster, definition, invocation, params);
    const directed = invocation.extensions.partitionDestination !== null;
    if (directed && isSinglePartition(definition)) params = directedParameters(cluster.database, definition, params, partition);
    if (partition !== MP_PARTITION_ID && (directed || isSinglePartition(definition))) checkLeader(cluster, node, counters, definition.name, partition);
    call = { name: definition.name, params, paramTypes: invocation.paramTypes, partition, directed, database: cluster.database, cluster, node, connection };
  } catch (error) {
    const response = failureResponse(invocation.handle, error, definition.name, startedAt);
    record(cluster, definition, undefined, partition, (performance.now() - startedAt) * 1e6, response, paramBytes);
    return response;
  }

  let outcome: ProcedureOutcome | Promise<ProcedureOutcome>;
  try {
    outcome = definition.run(call);
  } catch (error) {
    const response = failureResponse(invocation.handle, error, definition.name, startedAt);
    record(cluster, definition, call, partition, (performance.now() - startedAt) * 1e6, response, paramBytes);
    return response;
  }
  if (outcome instanceof Promise) {
    return outcome.then(
      (settled) => finish(cluster, definition, call, partition, startedAt, settled, invocation.handle, paramBytes),
      (error: unknown) => {
        const response = failureResponse(invocation.handle, error, definition.name, startedAt);
        record(cluster, definition, call, partition, (performance.now() - startedAt) * 1e6, response, paramBytes);
        return response;
      },
    );
  }
  return finish(cluster, definition, call, partition, startedAt, outcome, invocation.handle, paramBytes);
}

function finish(cluster: ClusterContext, definition: ProcedureDefinition, call: ProcedureCall, partition: number, startedAt: number, outcome: ProcedureOutcome, handle: bigint, paramBytes: number): ResponseInput {
  const elapsedMs = performance.now() - startedAt;
  const response = success(handle, outcome, elapsedMs);
  record(cluster, definition, call, partition, elapsedMs * 1e6, response, paramBytes);
  return response;
}

function record(cluster: ClusterContext, definition: ProcedureDefinition, call: ProcedureCall | undefined, partition: number, elapsedNs: number, response: ResponseInput, paramBytes: number): void {
  if (!definition.transactional) return;
  const name = call !== undefined && definition.statisticsName !== undefined ? definition.statisticsName(call) : definition.name;
  let resultBytes = 0;
  for (const table of response.tables ?? NO_TABLES) resultBytes += table instanceof Uint8Array ? table.length : 0;
  cluster.database.statistics.record(name, partition, true, elapsedNs, resultBytes, paramBytes, resultOf(response.status));
}
