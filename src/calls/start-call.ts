/**
 * How a call starts, whoever makes it: `Client.call` (after routing), the public
 * `Connection.call`, and the cluster layer's own calls (`@Subscribe`, `@Ping`, …).
 *
 * {@link countersFor} finds the statistics counters the call will be counted in (a procedure
 * handle finds them once). {@link checkCall} is the one argument check — procedure name, parameter array, declared
 * types, priority, partition — run before anything is queued; a refusal is a `ParameterError`
 * and nothing is sent. {@link admitCall} takes a place in the client queue (refused at its hard
 * level, backpressure reported at its warn level). {@link startCall} then takes a record from
 * the tracker's pool, fills it from {@link CallOptions} (the base every caller's options extend)
 * over the caller's defaults, arms it (its deadline for the tracker's timeout sweep, abort
 * listener, start diagnostic) and queues it on the chosen target. How it ends — settled, its
 * record and queue place given back — is call-tracker.ts, over the same tracker state.
 */
import { ParameterError } from '../errors.js';
import { MP_PARTITION_ID, VOLT_TYPE } from '../protocol/constants.js';
import { parameterCountError, type ParameterType } from '../protocol/invocation-writer.js';
import { describeValue } from '../protocol/value-errors.js';
import type { CallTracker } from './call-tracker.js';
import { callEndChannel, callStartChannel, type CallMessage } from './diagnostics.js';
import { CALL_STATE, PendingCall, type CallCallback, type FlowControl } from './pending-call.js';
import { ProcedureCounters, type StatsCollector } from './stats.js';

/**
 * Per-call options every way of calling accepts (`Client.call` and `Connection.call` extend
 * them).
 */
export interface CallOptions {
  /** Client-side timeout for this call (ms, queueing included); 0 = none. Default: the client's (or connection's) `callTimeoutMs`. */
  timeoutMs?: number;
  /** Aborts the call: before it is written it is never sent; after, its promise rejects with the abort reason and the late response is dropped. */
  signal?: AbortSignal;
  /** Server-side query timeout for this call (ms), sent in the invocation. Default: the client's `queryTimeoutMs`. */
  queryTimeoutMs?: number;
  /**
   * Request priority of this call, 1 (highest) … 8 (lowest), sent as the REQUEST_PRIORITY
   * extension (PROTOCOL.md 3.3; the server clips it to its configured range). Anything else is
   * refused with `ParameterError`, nothing sent. Default: the client's `priority` (none: the
   * server's default).
   */
  priority?: number;
  /**
   * Run a single-partition procedure at this partition id (0 … 16382), whatever its
   * parameters: sent as ALL_PARTITION + PARTITION_DESTINATION (PROTOCOL.md 3.3) and routed to
   * that partition's leader. A value that is not such an integer is refused with
   * `ParameterError`, nothing sent; a partition the cluster does not have is the server's to
   * refuse. Default: none (the partitioning parameter decides).
   */
  partition?: number;
}

/** What a caller fills in when the options leave a field out. */
export interface CallDefaults {
  timeoutMs: number;
  queryTimeoutMs?: number | undefined;
  priority?: number | undefined;
}

/** Where a started call is queued (implemented by a connection's calls, `ConnectionCalls`). */
export interface CallTarget {
  readonly host: string;
  readonly port: number;
  readonly tracker: CallTracker;
  /** Queue an armed call (it fails at once, unsent, when the connection is not open). */
  submit(call: PendingCall): void;
}

/**
 * The live statistics counters of `procedure` in `stats`, created on its first call. Every call
 * carries its procedure's counters from the start, so settling it counts it with no lookup.
 */
export function countersFor(stats: StatsCollector, procedure: string): ProcedureCounters {
  let counters = stats.procedures.get(procedure);
  if (counters === undefined) {
    counters = new ProcedureCounters(procedure);
    stats.procedures.set(procedure, counters);
  }
  return counters;
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

const TYPE_NAMES = new Set<string>(Object.keys(VOLT_TYPE).filter((name) => name !== 'ARRAY'));

/** Check a declared type list (`'BIGINT'`, `'STRING[]'`, `'DECIMAL_STRING'`, …). Throws `ParameterError`. */
export function checkTypes(procedure: string, types: readonly ParameterType[]): void {
  if (!Array.isArray(types)) throw new ParameterError(`types of ${procedure} must be an array of VoltDB type names`, { procedure });
  types.forEach((type, index) => {
    const base = typeof type === 'string' && type.endsWith('[]') ? type.slice(0, -2) : type;
    if (type !== 'DECIMAL_STRING' && (typeof base !== 'string' || !TYPE_NAMES.has(base))) {
      throw new ParameterError(`parameter ${index + 1} of ${procedure}: ${JSON.stringify(type)} is not a VoltDB type name`, { procedure, index, type: String(type) });
    }
  });
}

/** A checked, frozen copy of `types` (a procedure handle's: {@link checkCall} need not check it again). Throws `ParameterError`. */
export function checkedTypes(procedure: string, types: readonly ParameterType[]): readonly ParameterType[] {
  checkTypes(procedure, types);
  return Object.freeze([...types]);
}

/**
 * The one argument check of a call: a non-empty procedure name, an array of parameters, a valid
 * type list as long as the parameters (when types are declared; `typesChecked`: the list came from
 * {@link checkedTypes}, only its length is compared), a valid priority and partition. Returns the
 * refusal (nothing is sent), or null. It returns rather than throws so the hot path needs no
 * try/catch.
 */
export function checkCall(
  procedure: string,
  params: readonly unknown[],
  types: readonly ParameterType[] | undefined,
  options: CallOptions | undefined,
  typesChecked = false,
): ParameterError | null {
  if (typeof procedure !== 'string' || procedure === '') return new ParameterError(`procedure name must be a non-empty string, got ${describeValue(procedure)}`);
  if (!Array.isArray(params)) return new ParameterError(`parameters of ${procedure} must be an array, got ${describeValue(params)}`, { procedure });
  if (types !== undefined) {
    if (!typesChecked) {
      try {
        checkTypes(procedure, types);
      } catch (error) {
        return error as ParameterError;
      }
    }
    if (types.length !== params.length) {
      return parameterCountError(procedure, types, params.length);
    }
  }
  if (options !== undefined) {
    const { priority, partition } = options;
    if (priority !== undefined && !isPriority(priority)) {
      return new ParameterError(
        `${procedure}: priority ${describeValue(priority)} must be an integer from ${PRIORITY.HIGHEST} (highest) to ${PRIORITY.LOWEST} (lowest); the call was not sent`,
        { procedure },
      );
    }
    if (partition !== undefined && !isPartitionId(partition)) {
      return new ParameterError(`${procedure}: partition ${describeValue(partition)} must be a partition id, an integer from 0 to ${MP_PARTITION_ID - 1}; the call was not sent`, {
        procedure,
      });
    }
  }
  return null;
}

// One executor for every call's promise: it parks the resolvers here instead of closing over
// the call, so starting a call makes no closure.
let parkedResolve: ((value: unknown) => void) | null = null;
let parkedReject: ((error: unknown) => void) | null = null;
function park(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  parkedResolve = resolve;
  parkedReject = reject;
}

/**
 * Start a checked call (see {@link checkCall}) on `target`: a pooled record filled from
 * `options` over `defaults`, armed and queued. `counters` null: no statistics (an internal
 * call). The promise settles exactly once, with the call; with a `callback` there is no
 * promise (undefined is returned) and the callback is called exactly once instead.
 */
export function startCall(
  target: CallTarget,
  procedure: string,
  params: readonly unknown[],
  types: readonly ParameterType[] | undefined,
  options: CallOptions | undefined,
  defaults: CallDefaults,
  counters: ProcedureCounters | null,
  awaitResponse = true,
  internal = false,
  callback: CallCallback | null = null,
): Promise<unknown> | undefined {
  const tracker = target.tracker;
  const call = takeCall(tracker, procedure, params);
  let timeoutMs = defaults.timeoutMs;
  let signal: AbortSignal | null = null;
  call.types = types;
  call.queryTimeoutMs = defaults.queryTimeoutMs;
  call.priority = defaults.priority;
  if (options !== undefined) {
    if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
    if (options.signal !== undefined) signal = options.signal;
    if (options.queryTimeoutMs !== undefined) call.queryTimeoutMs = options.queryTimeoutMs;
    if (options.priority !== undefined) call.priority = options.priority;
    call.partition = options.partition;
  }
  call.counters = counters;
  call.awaitResponse = awaitResponse;
  call.internal = internal;
  if (callback === null) {
    const promise = new Promise<unknown>(park);
    call.resolve = parkedResolve;
    call.reject = parkedReject;
    parkedResolve = parkedReject = null;
    armCall(tracker, call, timeoutMs, signal, target);
    target.submit(call);
    return promise;
  }
  call.callback = callback;
  armCall(tracker, call, timeoutMs, signal, target);
  tracker.submitting = call;
  try {
    target.submit(call);
  } finally {
    tracker.submitting = null;
  }
  return undefined;
}

/**
 * Take a place in the client queue. At its hard level no place is taken: false is returned and
 * the refusal counted (`refused`). Reaching the warn level reports backpressure (`needsDrain`).
 * The place is given back when the call ends (`releasePlace`, call-tracker.ts).
 */
export function admitCall(flow: FlowControl): boolean {
  if (flow.pending >= flow.levels.hard) {
    flow.refused++;
    return false;
  }
  flow.pending++;
  if (!flow.needsDrain && flow.pending >= flow.levels.warn) {
    flow.needsDrain = true;
    flow.events.onBackpressure(flow.pending);
  }
  return true;
}

/** A record from `tracker`'s pool, filled with the request; its clock starts now. */
export function takeCall(tracker: CallTracker, procedure: string, params: readonly unknown[]): PendingCall {
  const call = tracker.freeCalls.pop() ?? newRecord(tracker);
  call.procedure = procedure;
  call.params = params;
  call.state = CALL_STATE.QUEUED;
  call.startTime = tracker.now();
  return call;
}

/** The pool is empty (it grows to the peak number of live calls): a new record, listed for the timeout sweep. */
function newRecord(tracker: CallTracker): PendingCall {
  const call = new PendingCall(tracker);
  call.recordIndex = tracker.records.length;
  tracker.records.push(call);
  return call;
}

/** Start the tracker's timeout sweep: a call became live on an idle tracker (unref'd: it never keeps the process alive). */
function startSweep(tracker: CallTracker): void {
  const timer = setTimeout(tracker.sweepTick, tracker.resolutionMs);
  timer.unref();
  tracker.sweepTimer = timer;
}

/**
 * Arm a call taken with {@link takeCall}: its deadline for the tracker's timeout sweep
 * (`timeoutMs` > 0; 0 or Infinity = none), its abort listener, and the start diagnostic
 * (`target` names the connection it is routed to; an internal call is never published).
 */
export function armCall(tracker: CallTracker, call: PendingCall, timeoutMs: number, signal: AbortSignal | null, target: { host: string; port: number } | null): void {
  // The first live call starts the tracker's timeout sweep; the last one to end cancels it.
  if (tracker.live++ === 0) startSweep(tracker);
  call.timeoutMs = timeoutMs;
  // No timer per call: the sweep compares this with the clock (the record's deadline is Infinity otherwise).
  if (timeoutMs > 0 && timeoutMs !== Infinity) call.deadline = call.startTime + timeoutMs;
  if (signal !== null) {
    call.signal = signal;
    signal.addEventListener('abort', call);
  }
  // One message object for both events, made only when someone listens to either.
  if ((callStartChannel.hasSubscribers || callEndChannel.hasSubscribers) && !call.internal) {
    const message: CallMessage = {
      procedure: call.procedure,
      params: call.params,
      host: target?.host ?? '',
      port: target?.port ?? 0,
      handle: null,
      startTime: call.startTime,
      durationMs: 0,
      sent: false,
    };
    call.diagnostic = message;
    if (callStartChannel.hasSubscribers) callStartChannel.publish(message);
  }
}
