/**
 * A call on one chosen connection, outside any router: `Connection.call` for direct use, and
 * the cluster layer's own calls. The request is checked before anything is queued (a refusal
 * is counted in the procedure's statistics and nothing is sent), then the call record is
 * filled, armed (timeout, abort signal) and queued on the connection.
 */
import { ParameterError } from '../errors.js';
import type { DecodedResponse } from '../decode/decode-response.js';
import { MP_PARTITION_ID } from '../protocol/constants.js';
import { parameterCountError, type ParameterType } from '../protocol/parameters.js';
import { describeValue } from '../protocol/value-errors.js';
import { FAILURE_KIND, type CallTracker } from './call-tracker.js';
import type { ConnectionCallOptions } from './connection-options.js';
import type { PendingCall } from './in-flight.js';
import { checkTypes } from './procedure-handle.js';

/** The connection side of such a call (implemented by `Connection`). */
export interface CallTarget {
  readonly host: string;
  readonly port: number;
  readonly tracker: CallTracker;
  /** Queue an armed call (it fails at once, unsent, when the connection is not open). */
  submit(call: PendingCall): void;
}

/**
 * Check one call's request: a non-empty procedure name, an array of parameters and, when
 * types are declared, a valid type list as long as the parameters. Throws `ParameterError`.
 */
export function checkCall(procedure: string, params: readonly unknown[], types: readonly ParameterType[] | undefined): void {
  if (typeof procedure !== 'string' || procedure === '') throw new ParameterError('procedure name must be a non-empty string');
  if (!Array.isArray(params)) throw new ParameterError(`parameters of ${procedure} must be an array`, { procedure });
  if (types === undefined) return;
  checkTypes(procedure, types);
  if (types.length !== params.length) {
    throw parameterCountError(procedure, types, params.length);
  }
}

/** REQUEST_PRIORITY values a client may send (PROTOCOL.md 3.3; 0 is the server's own). */
export const PRIORITY = { HIGHEST: 1, LOWEST: 8 } as const;

/** An integer from 1 (highest) to 8 (lowest). */
export function isPriority(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= PRIORITY.HIGHEST && value <= PRIORITY.LOWEST;
}

/** A partition id PARTITION_DESTINATION may name: an integer from 0 to 16382 (16383 is the MP initiator). */
export function isPartitionId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MP_PARTITION_ID;
}

/** The refusal of a `priority` that is not {@link isPriority}. */
export function priorityError(procedure: string, value: unknown): ParameterError {
  return new ParameterError(
    `${procedure}: priority ${describeValue(value)} must be an integer from ${PRIORITY.HIGHEST} (highest) to ${PRIORITY.LOWEST} (lowest); the call was not sent`,
    { procedure },
  );
}

/** The refusal of a `partition` that is not {@link isPartitionId}. */
export function partitionError(procedure: string, value: unknown): ParameterError {
  return new ParameterError(`${procedure}: partition ${describeValue(value)} must be a partition id, an integer from 0 to ${MP_PARTITION_ID - 1}; the call was not sent`, { procedure });
}

/** `Connection.call`: check, count, and run `procedure` on `target` (`defaultTimeoutMs` unless the options say otherwise). */
export function callDirect(
  target: CallTarget,
  procedure: string,
  params: readonly unknown[],
  options: ConnectionCallOptions,
  defaultTimeoutMs: number,
): Promise<DecodedResponse> {
  const tracker = target.tracker;
  const counters = tracker.stats.counters(typeof procedure === 'string' ? procedure : String(procedure));
  const refuse = (error: unknown, kind: string): Promise<never> => {
    tracker.stats.failure(counters, kind, -1);
    return Promise.reject(error);
  };
  try {
    checkCall(procedure, params, options.types);
    if (options.priority !== undefined && !isPriority(options.priority)) throw priorityError(procedure, options.priority);
    if (options.partition !== undefined && !isPartitionId(options.partition)) throw partitionError(procedure, options.partition);
  } catch (error) {
    return refuse(error, FAILURE_KIND.PARAMETER);
  }
  const signal = options.signal ?? null;
  if (signal !== null && signal.aborted) return refuse(signal.reason, FAILURE_KIND.ABORTED);
  const call = tracker.create(procedure, params);
  call.types = options.types;
  call.queryTimeoutMs = options.queryTimeoutMs;
  call.priority = options.priority;
  call.partition = options.partition;
  call.counters = counters;
  return startOn(target, call, options.timeoutMs ?? defaultTimeoutMs, signal) as Promise<DecodedResponse>;
}

/** Arm `call` (from `tracker.create`, filled in) and queue it on `target`; the promise settles with the call. */
export function startOn(target: CallTarget, call: PendingCall, timeoutMs: number, signal: AbortSignal | null): Promise<unknown> {
  const promise = new Promise<unknown>((resolve, reject) => {
    call.resolve = resolve;
    call.reject = reject;
  });
  target.tracker.start(call, timeoutMs, signal, target);
  target.submit(call);
  return promise;
}
