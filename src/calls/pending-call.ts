/**
 * The record of one call from `client.call()` to its settlement, and the state of the client
 * queue that bounds how many calls may pend. What *happens* to them is written by phase: a call
 * starts in start-call.ts (admission, a record from the pool, its deadline and abort listener)
 * and ends in call-tracker.ts (settlement, the record back to the pool, the queue place given
 * back) — the tracker owns the pool and the queue accounting, and this file has neither path.
 *
 * A {@link PendingCall} is reused: the hot path allocates only the caller's promise (and the
 * response). It carries its own deadline, which the tracker's periodic sweep compares with the
 * clock (no timer and no timer-list links per call), and is its own `AbortSignal` listener
 * through `handleEvent` (no closure per call). A record returns to the pool only when it is
 * settled *and* no queue still references it (a call aborted while queued stays in the write
 * queue until the flush skips it).
 *
 * Flow control has two levels, like VoltDB's Java Client2: per connection at most
 * `maxOutstanding` calls on the wire (the connection counts those itself and stops its write
 * scheduler at the limit); per client a bounded queue of calls accepted and not yet settled
 * ({@link FlowControl}), with three levels: at `warn` the client reports backpressure
 * (`needsDrain` becomes true), at or below `resume` it emits `'drain'`, and at `hard` a new call
 * is refused at once with `BackpressureError` — the stream `highWaterMark` pattern, plus a hard
 * stop so memory stays bounded when the server stops reading. (The optional rate limit is
 * rate-limiter.ts.)
 */
import { InvalidArgumentError } from '../errors.js';
import type { ParameterType } from '../protocol/invocation-writer.js';
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

/** The connection side of a call (implemented by a connection's calls, `ConnectionCalls`). */
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

/** The parameters of a record that holds none (pooled, or cleared). */
export const NO_PARAMS: readonly unknown[] = Object.freeze([]);

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
export class PendingCall {
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
  /**
   * When the call times out, on the tracker's clock (ms): set when it is armed with a timeout,
   * Infinity otherwise and whenever the record is pooled, so a reused record never carries an
   * earlier call's deadline. The tracker's sweep expires a live call whose deadline has passed.
   */
  deadline = Infinity;
  /** Index in the tracker's `records` while the tracker holds the record (-1 once dropped). */
  recordIndex = -1;

  constructor(private readonly aborter: CallAborter) {}

  /** True once written to the socket: the server may have executed it. */
  get sent(): boolean {
    return this.handle !== 0;
  }

  /** `AbortSignal` listener (EventListenerObject): the call object itself, no closure. */
  handleEvent(): void {
    this.aborter.abort(this);
  }
}

/** Queue levels, in calls accepted by the client and not yet settled. */
export interface QueueLevels {
  /** `needsDrain` turns true at this many pending calls. Default 8000. */
  warn: number;
  /** `'drain'` is emitted when pending calls fall to this many. Default 2000. */
  resume: number;
  /** A call beyond this many pending ones is refused with `BackpressureError`. Default 10000. */
  hard: number;
}

/** Default queue levels (calls accepted and not settled). */
export const DEFAULT_QUEUE_LEVELS: Readonly<QueueLevels> = Object.freeze({ warn: 8000, resume: 2000, hard: 10000 });

/** Callbacks fired when the queue crosses its levels. */
export interface FlowControlEvents {
  /** Pending calls reached `warn`. */
  onBackpressure(pending: number): void;
  /** Pending calls fell to `resume` after a backpressure. */
  onDrain(pending: number): void;
}

/** Validate levels: 0 ≤ resume < warn ≤ hard. */
export function checkQueueLevels(levels: QueueLevels): QueueLevels {
  const { warn, resume, hard } = levels;
  for (const [name, value] of [['warn', warn], ['resume', resume], ['hard', hard]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`queue.${name} must be an integer >= 0, got ${value}`);
  }
  if (!(resume < warn && warn <= hard)) {
    throw new InvalidArgumentError(`queue levels must satisfy resume < warn <= hard, got resume ${resume}, warn ${warn}, hard ${hard}`);
  }
  return levels;
}

/**
 * The client queue's accounting: how many calls it holds and whether it reported backpressure.
 * The client's tracker owns it; a call takes a place when it starts (`admitCall`, start-call.ts:
 * the `hard` and `warn` levels) and gives it back when it ends (`releasePlace`, call-tracker.ts:
 * the `resume` level and `'drain'`).
 */
export class FlowControl {
  /** Calls admitted and not yet released. */
  pending = 0;
  /** True from `warn` until the queue falls back to `resume`. */
  needsDrain = false;
  /** Calls refused at the hard limit. */
  refused = 0;

  constructor(
    readonly levels: QueueLevels,
    readonly events: FlowControlEvents,
  ) {
    checkQueueLevels(levels);
  }
}
