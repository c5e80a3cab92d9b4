/**
 * The record of one call from `client.call()` to its settlement, and the pool that reuses those
 * records.
 *
 * A {@link PendingCall} is reused: the hot path allocates only the caller's promise (and the
 * response). It carries its own timing-wheel links (no timer object per call) and is its own
 * `AbortSignal` listener through `handleEvent` (no closure per call). A record returns to the
 * pool only when it is settled *and* no queue still references it (a call aborted while
 * queued stays in the write queue until the flush skips it).
 */
import type { ParameterType } from '../protocol/parameters.js';
import type { TimerEntry } from './timer-wheel.js';
import type { CallMessage } from './diagnostics.js';
import type { ProcedureCounters } from './stats.js';

/** Life of a call. */
export const CALL_STATE = {
  /** In the pool. */
  FREE: 0,
  /** Accepted, waiting in a connection's write queue. */
  QUEUED: 1,
  /** Encoded and handed to the socket; awaiting its response. */
  WRITTEN: 2,
  /** Resolved or rejected. */
  SETTLED: 3,
} as const;

/** One of {@link CALL_STATE}. */
export type CallState = (typeof CALL_STATE)[keyof typeof CALL_STATE];

/** The connection side of a call (implemented by `Connection`). */
export interface CallOwner {
  readonly host: string;
  readonly port: number;
  /** Forget `call` (it settled): drop its handle, free its in-flight slot. */
  detach(call: PendingCall): void;
}

/** Settles calls; `PendingCall.handleEvent` forwards aborts here. */
export interface CallAborter {
  abort(call: PendingCall): void;
}

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/**
 * How a call started without a promise (`ProcedureHandle.send`) reports its end: `error` null
 * and the response, or the error its promise would have rejected with and a null response.
 */
export type CallCallback<R = unknown> = (error: unknown, response: R | null) => void;

/**
 * Run a caller's callback. What it throws is the caller's own failure, not this connection's:
 * it is thrown again outside the I/O that settled the call (an uncaught exception, as from any
 * Node callback), so the frames after it are still read and their calls settled.
 */
export function runCallback(callback: CallCallback, error: unknown, response: unknown): void {
  try {
    callback(error, response);
  } catch (thrown) {
    process.nextTick(rethrow, thrown);
  }
}

function rethrow(error: unknown): never {
  throw error;
}

/** The reusable record of one call (see the file comment). */
export class PendingCall implements TimerEntry {
  procedure = '';
  params: readonly unknown[] = NO_PARAMS;
  types: readonly ParameterType[] | undefined = undefined;
  queryTimeoutMs: number | undefined = undefined;
  /** REQUEST_PRIORITY 1 (highest) … 8 (lowest), checked by the caller; undefined: the server's default. */
  priority: number | undefined = undefined;
  /** PARTITION_DESTINATION (with ALL_PARTITION), checked by the caller; undefined: none. */
  partition: number | undefined = undefined;
  /** False for a fire-and-forget call (`response: false`): it resolves null once written, its reply is ignored. */
  awaitResponse = true;
  /**
   * A call the client makes for itself (keepalive, topology, catalog): settled like any call,
   * but never published on the diagnostics channels, and its late reply is dropped silently.
   */
  internal = false;
  resolve: ((value: unknown) => void) | null = null;
  reject: ((error: unknown) => void) | null = null;
  /** Set instead of `resolve`/`reject` for a call started without a promise. */
  callback: CallCallback | null = null;
  state: CallState = CALL_STATE.FREE;
  /** Still referenced by a write queue. */
  inQueue = false;
  /** Wire handle once written (0 before). */
  handle = 0;
  owner: CallOwner | null = null;
  counters: ProcedureCounters | null = null;
  /** `performance.now()` at the call. */
  startTime = 0;
  timeoutMs = 0;
  signal: AbortSignal | null = null;
  diagnostic: CallMessage | null = null;
  /** Bumped on every reuse, so a stale reference can tell it is looking at another call. */
  generation = 0;
  // TimerEntry links, owned by the timing wheel.
  deadline = 0;
  timerNext: TimerEntry | null = null;
  timerPrev: TimerEntry | null = null;
  timerSlot = -1;

  constructor(private readonly aborter: CallAborter) {}

  /** True once written to the socket: the server may have executed it. */
  get sent(): boolean {
    return this.handle !== 0;
  }

  /** `AbortSignal` listener (EventListenerObject): the call object itself, no closure. */
  handleEvent(): void {
    this.aborter.abort(this);
  }

  /** Drop every reference so a pooled record keeps nothing alive. */
  clear(): void {
    this.procedure = '';
    this.params = NO_PARAMS;
    this.types = undefined;
    this.queryTimeoutMs = undefined;
    this.priority = undefined;
    this.partition = undefined;
    this.awaitResponse = true;
    this.internal = false;
    this.resolve = null;
    this.reject = null;
    this.callback = null;
    this.handle = 0;
    this.owner = null;
    this.counters = null;
    this.signal = null;
    this.diagnostic = null;
    this.generation++;
  }
}

/** A free list of {@link PendingCall} records. */
export class CallPool {
  /** Records created (the pool grows to the peak number of live calls, then stops). */
  created = 0;
  private readonly free: PendingCall[] = [];

  constructor(
    private readonly aborter: CallAborter,
    private readonly maxFree = 16384,
  ) {}

  get available(): number {
    return this.free.length;
  }

  acquire(): PendingCall {
    const call = this.free.pop();
    if (call !== undefined) return call;
    this.created++;
    return new PendingCall(this.aborter);
  }

  release(call: PendingCall): void {
    call.clear();
    call.state = CALL_STATE.FREE;
    if (this.free.length < this.maxFree) this.free.push(call);
  }
}
