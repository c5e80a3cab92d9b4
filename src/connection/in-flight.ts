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
  /** False for a fire-and-forget call (`response: false`): it resolves null once written, its reply is ignored. */
  awaitResponse = true;
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
    this.awaitResponse = true;
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

/** 2^32, to split a handle into two u32 halves. */
const TWO_32 = 4294967296;

/** Largest handle this client issues: 2^53 - 1 (far below the reserved handles near 2^63). */
export const MAX_CLIENT_HANDLE = Number.MAX_SAFE_INTEGER;

/**
 * Read the client handle of a response frame (i64 at byte 5, after the i32 length and the
 * version byte) as a number, or -1 when it is not one this client could have issued
 * (negative, or above 2^53: the reserved push/ping handles).
 */
export function readResponseHandle(frame: Uint8Array): number {
  const high = ((frame[5]! << 24) | (frame[6]! << 16) | (frame[7]! << 8) | frame[8]!) >>> 0;
  if (high > 0x1fffff) return -1;
  const low = ((frame[9]! << 24) | (frame[10]! << 16) | (frame[11]! << 8) | frame[12]!) >>> 0;
  return high * TWO_32 + low;
}

/** Write `handle` (a safe integer ≥ 0) as a big-endian i64 at `offset`. */
export function writeHandle(buffer: Uint8Array, offset: number, handle: number): void {
  const high = Math.floor(handle / TWO_32);
  const low = handle - high * TWO_32;
  buffer[offset] = high >>> 24;
  buffer[offset + 1] = (high >>> 16) & 0xff;
  buffer[offset + 2] = (high >>> 8) & 0xff;
  buffer[offset + 3] = high & 0xff;
  buffer[offset + 4] = low >>> 24;
  buffer[offset + 5] = (low >>> 16) & 0xff;
  buffer[offset + 6] = (low >>> 8) & 0xff;
  buffer[offset + 7] = low & 0xff;
}

/**
 * Store `handle` into an invocation frame written at `frameStart` with handle 0 (so no BigInt is
 * made per call). The handle follows the procedure name (PROTOCOL.md 3.1–3.3):
 * v0/v2: i32 length, i8 version, str name, i64 handle;
 * v1:    i32 length, i8 1, i8 kind, [i32 timeout if kind = 1], str name, i64 handle.
 */
export function storeInvocationHandle(buffer: Buffer, frameStart: number, handle: number): void {
  let at = frameStart + 5;
  if (buffer[at - 1] === 1) at += buffer[at] === 1 ? 5 : 1;
  at += 4 + buffer.readInt32BE(at);
  writeHandle(buffer, at, handle);
}

/** The reserved handles of server pushes and Java's keepalive ping (PROTOCOL.md 7). */
export function isReservedHandle(handle: bigint): boolean {
  return handle === RESERVED_HANDLE.TOPOLOGY_NOTIFICATION || handle === RESERVED_HANDLE.PROCEDURES_NOTIFICATION || handle === RESERVED_HANDLE.KEEPALIVE_PING;
}

/** The handle table of one connection: increasing handles, calls awaiting a response. */
export class InFlight {
  /** Calls written and not yet settled, by handle. */
  readonly calls = new Map<number, PendingCall>();
  private next = 1;
  /** A handle never to issue (the server's connection id, see the file comment). */
  private skip = -1;

  /** Never issue `handle` (when it is a safe integer). */
  avoid(handle: bigint): void {
    if (handle > 0n && handle <= BigInt(MAX_CLIENT_HANDLE)) this.skip = Number(handle);
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

  get size(): number {
    return this.calls.size;
  }
}
