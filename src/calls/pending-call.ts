/**
 * The calls pending in a client: the record of one call from `client.call()` to its settlement,
 * the pool that reuses those records, and the queue accounting that bounds how many may pend.
 *
 * A {@link PendingCall} is reused: the hot path allocates only the caller's promise (and the
 * response). It carries its own deadline, which the tracker's periodic sweep compares with the
 * clock (no timer and no timer-list links per call), and is its own `AbortSignal` listener
 * through `handleEvent` (no closure per call). A record returns to the
 * pool only when it is settled *and* no queue still references it (a call aborted while
 * queued stays in the write queue until the flush skips it).
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
  /** Index in the pool's `records` while the pool holds the record (-1 once dropped). */
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
    this.deadline = Infinity;
    this.generation++;
  }
}

/**
 * A free list of {@link PendingCall} records, and the list of every record it made and still
 * holds (`records`, free or in use): the timeout sweep scans that list, so a call needs no
 * timer work of its own. Records beyond `maxFree` free ones are dropped when given back.
 */
export class CallPool {
  /** Records created (the pool grows to the peak number of live calls, then stops). */
  created = 0;
  /** Every record made and not dropped, in use or free (each knows its index: `recordIndex`). */
  readonly records: PendingCall[] = [];
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
    const created = new PendingCall(this.aborter);
    created.recordIndex = this.records.length;
    this.records.push(created);
    return created;
  }

  release(call: PendingCall): void {
    call.clear();
    call.state = CALL_STATE.FREE;
    if (this.free.length < this.maxFree) {
      this.free.push(call);
      return;
    }
    // Dropped: out of `records` too (the last record takes its place), so nothing keeps it.
    const records = this.records;
    const last = records.pop()!;
    if (last !== call) {
      records[call.recordIndex] = last;
      last.recordIndex = call.recordIndex;
    }
    call.recordIndex = -1;
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

/** The client queue's accounting: admit, release, and the warn / resume / hard levels. */
export class FlowControl {
  /** Calls admitted and not yet released. */
  pending = 0;
  /** True from `warn` until the queue falls back to `resume`. */
  needsDrain = false;
  /** Calls refused at the hard limit. */
  refused = 0;

  constructor(
    readonly levels: QueueLevels,
    private readonly events: FlowControlEvents,
  ) {
    checkQueueLevels(levels);
  }

  /** Take a place in the queue; false (and nothing counted) when the hard limit is reached. */
  tryAdmit(): boolean {
    if (this.pending >= this.levels.hard) {
      this.refused++;
      return false;
    }
    this.pending++;
    if (!this.needsDrain && this.pending >= this.levels.warn) {
      this.needsDrain = true;
      this.events.onBackpressure(this.pending);
    }
    return true;
  }

  /** Give a place back (the call settled). */
  release(): void {
    this.pending--;
    if (this.needsDrain && this.pending <= this.levels.resume) {
      this.needsDrain = false;
      this.events.onDrain(this.pending);
    }
  }
}
