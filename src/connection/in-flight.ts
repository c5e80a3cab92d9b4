/**
 * The record of one call from `client.call()` to its settlement, the pool that reuses those
 * records, and the per-connection handle table.
 *
 * A {@link PendingCall} is reused: the hot path allocates only the caller's promise (and the
 * response). It carries its own timing-wheel links (no timer object per call) and is its own
 * `AbortSignal` listener through `handleEvent` (no closure per call). A record returns to the
 * pool only when it is settled *and* no queue still references it (a call aborted while
 * queued stays in the write queue until the flush skips it).
 *
 * Handles (PROTOCOL.md 5, 7) are 64-bit on the wire. Internally they are JS numbers counting up
 * from 1 per connection, never reused: at a million calls per second 2^53 lasts 285 years, and
 * numbers avoid a BigInt allocation per call. Every handle is therefore far below the three
 * reserved handles near 2^63 (topology push, catalog push, Java's keepalive ping). The server's
 * connection id is skipped too: the server answers an unparseable invocation with the
 * connection id in the handle field (PROTOCOL.md 3.4), which must not match a real call.
 */
import { RESERVED_HANDLE } from '../protocol/constants.js';
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

/** Largest handle this client issues: 2^53 - 1 (far below the reserved handles near 2^63). */
export const MAX_CLIENT_HANDLE = Number.MAX_SAFE_INTEGER;

/** The reserved handles of server pushes and Java's keepalive ping (PROTOCOL.md 7). */
export function isReservedHandle(handle: bigint): boolean {
  return handle === RESERVED_HANDLE.TOPOLOGY_NOTIFICATION || handle === RESERVED_HANDLE.PROCEDURES_NOTIFICATION || handle === RESERVED_HANDLE.KEEPALIVE_PING;
}

/** What an unmatched response frame is (see {@link InFlight.unmatched}). */
export const UNMATCHED = {
  /** The reply to a fire-and-forget call: dropped unread, its slot freed. */
  IGNORED: 0,
  /** The reply to a call that settled first (timeout, abort): dropped and counted. */
  LATE: 1,
  /** A handle this connection never issued (a server push, or a stray). */
  FOREIGN: 2,
  /** The late reply to an internal call: dropped silently (users never see internal calls). */
  INTERNAL: 3,
} as const;

/** One of {@link UNMATCHED}. */
export type UnmatchedKind = (typeof UNMATCHED)[keyof typeof UNMATCHED];

/** Resolves fire-and-forget calls once written (implemented by `CallTracker`). */
export interface WrittenSettler {
  written(call: PendingCall): void;
}

/**
 * The handle table of one connection: increasing handles, calls awaiting a response, and the
 * fire-and-forget calls: those encoded by the running flush (resolved once it handed its bytes
 * to the socket), then the handles whose reply has not come yet (each still holds an
 * in-flight slot until its reply is dropped unread).
 */
export class InFlight {
  /** Calls written and not yet settled, by handle. */
  readonly calls = new Map<number, PendingCall>();
  /** Fire-and-forget calls encoded by the running flush. */
  readonly unawaited: PendingCall[] = [];
  /** Handles of fire-and-forget calls, resolved already, whose reply is still to come. */
  private readonly ignored = new Set<number>();
  /** Handles of internal calls written and not answered yet (so a late reply stays invisible). */
  private readonly internal = new Set<number>();
  private next = 1;
  /** A handle never to issue (the server's connection id, see the file comment). */
  private skip = -1;

  /** Never issue `handle` (when it is a safe integer). */
  avoid(handle: bigint): void {
    if (handle > 0n && handle <= BigInt(MAX_CLIENT_HANDLE)) this.skip = Number(handle);
  }

  /** The handle {@link issue} will return next. */
  peek(): number {
    return this.next === this.skip ? this.next + 1 : this.next;
  }

  /** The next handle: increasing, never reused. */
  issue(): number {
    let handle = this.next++;
    if (handle === this.skip) handle = this.next++;
    return handle;
  }

  /** Whether `handle` was issued on this connection (so an unmatched response for it is late, not unknown). */
  wasIssued(handle: number): boolean {
    return handle > 0 && handle < this.next;
  }

  /**
   * The flush handed its bytes to the socket: resolve the fire-and-forget calls it wrote (null)
   * and keep their handles, so the replies are ignored, not misread.
   */
  settleUnawaited(settler: WrittenSettler): void {
    const calls = this.unawaited;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      // Settled meanwhile (the connection was lost during the flush): nothing to do.
      if (call.state !== CALL_STATE.WRITTEN) continue;
      this.ignored.add(call.handle);
      settler.written(call);
    }
    calls.length = 0;
  }

  /**
   * `call` was encoded with `handle`: it awaits its reply (a fire-and-forget call resolves once
   * the flush handed it to the socket; an internal call's handle is kept until its reply).
   */
  add(handle: number, call: PendingCall): void {
    this.calls.set(handle, call);
    if (!call.awaitResponse) this.unawaited.push(call);
    if (call.internal) this.internal.add(handle);
  }

  /** The reply to the internal call with `handle` arrived in time. */
  answered(handle: number): void {
    this.internal.delete(handle);
  }

  /** Classify a response whose handle matched no call; an ignored reply frees its slot here. */
  unmatched(handle: number): UnmatchedKind {
    if (handle > 0 && this.ignored.size > 0 && this.ignored.delete(handle)) return UNMATCHED.IGNORED;
    if (handle > 0 && this.internal.size > 0 && this.internal.delete(handle)) return UNMATCHED.INTERNAL;
    return this.wasIssued(handle) ? UNMATCHED.LATE : UNMATCHED.FOREIGN;
  }

  /** The connection ended: no reply will come. */
  forgetReplies(): void {
    this.ignored.clear();
    this.internal.clear();
  }

  /** Slots taken: calls awaiting a response plus fire-and-forget replies still to come. */
  get size(): number {
    return this.calls.size + this.ignored.size;
  }
}
