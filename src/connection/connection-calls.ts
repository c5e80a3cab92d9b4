/**
 * The calls of one connection: the handle table, and the connection's side of a call's path —
 * queueing a started call for the write scheduler, encoding it with its handle, matching a
 * response back to its call, freeing the call's slot when it settles.
 *
 * Handles (PROTOCOL.md 5, 7) are 64-bit on the wire. Internally they are JS numbers counting up
 * from 1 per connection, never reused: at a million calls per second 2^53 lasts 285 years, and
 * numbers avoid a BigInt allocation per call. Every handle is therefore far below the three
 * reserved handles near 2^63 (topology push, catalog push, Java's keepalive ping). The server's
 * connection id is skipped too: the server answers an unparseable invocation with the
 * connection id in the handle field (PROTOCOL.md 3.4), which must not match a real call.
 *
 * The socket itself (login, reading, the write scheduler, the end) is the `Connection`'s
 * (connection.ts); it hands every response frame after the login to {@link ConnectionCalls.received}.
 */
import { ConnectionLostError, ParameterError, VoltError } from '../errors.js';
import type { BufferWriter } from '../protocol/buffer-writer.js';
import { writeInvocation, type InvocationRequest } from '../protocol/invocation-writer.js';
import { readResponseHandle } from '../protocol/response-reader.js';
import { FAILURE_KIND, type CallResponseDecoder, type CallTracker } from '../calls/call-tracker.js';
import type { RateLimiter } from '../calls/rate-limiter.js';
import { CALL_STATE, type CallOwner, type PendingCall } from '../calls/pending-call.js';
import type { CallTarget } from '../calls/start-call.js';
import type { ConnectionState } from './connection-events.js';
import { frameTooLarge } from './frame-limit.js';
import { UNMATCHED, dropUnmatched, type ResponseSource, type UnmatchedKind } from './unmatched-response.js';
import type { WireDumpWriter } from './wire-dump.js';
import type { FrameProducer, WriteScheduler } from './write-scheduler.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/**
 * The key of a `Connection`'s calls (`connection[CALLS]`): where the engine, the cluster's
 * internal calls and `Connection.call` start a call routed to that connection. Not exported by
 * the package, so the calls stay off the connection's public surface.
 */
export const CALLS: unique symbol = Symbol('voltwire.connection.calls');

/** Largest handle this client issues: 2^53 - 1 (far below the reserved handles near 2^63). */
export const MAX_CLIENT_HANDLE = Number.MAX_SAFE_INTEGER;

/** Resolves fire-and-forget calls once written (implemented by `CallTracker`). */
export interface WrittenSettler {
  written(call: PendingCall): void;
}

/** Slots of {@link CallsByHandle}: a power of two, so a handle's slot is a mask of its low bits. */
const HANDLE_SLOTS = 1024;

/**
 * Calls awaiting their reply, by handle. Handles are issued in order, so a call's place is its
 * handle's low bits in an array: a lookup is an array read where a `Map` hashes (the Map's get,
 * set and delete were ~6 % of `voltwire bench`'s client CPU). A call still waiting when the handle
 * 1,024 later needs its slot moves to a `Map` beside the array, where it is found as before.
 */
export class CallsByHandle {
  readonly #calls: (PendingCall | undefined)[] = new Array<PendingCall | undefined>(HANDLE_SLOTS).fill(undefined);
  /** The handle of each slot's call (0: empty). */
  readonly #handles = new Float64Array(HANDLE_SLOTS);
  /** Calls pushed out of their slot by a handle 1,024 later, still waiting. */
  readonly #waitingLong = new Map<number, PendingCall>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  set(handle: number, call: PendingCall): void {
    const slot = handle & (HANDLE_SLOTS - 1);
    const there = this.#handles[slot]!;
    if (there !== 0) this.#waitingLong.set(there, this.#calls[slot]!);
    this.#handles[slot] = handle;
    this.#calls[slot] = call;
    this.#size++;
  }

  get(handle: number): PendingCall | undefined {
    const slot = handle & (HANDLE_SLOTS - 1);
    if (this.#handles[slot] === handle) return this.#calls[slot];
    return this.#waitingLong.size === 0 ? undefined : this.#waitingLong.get(handle);
  }

  delete(handle: number): boolean {
    const slot = handle & (HANDLE_SLOTS - 1);
    // 0 marks an empty slot: no call has handle 0, so deleting it deletes nothing.
    if (handle !== 0 && this.#handles[slot] === handle) {
      this.#handles[slot] = 0;
      this.#calls[slot] = undefined;
      this.#size--;
      return true;
    }
    if (this.#waitingLong.size === 0 || !this.#waitingLong.delete(handle)) return false;
    this.#size--;
    return true;
  }

  /** The calls, a snapshot in the order they were written (by handle, as a `Map` would give them). */
  values(): PendingCall[] {
    const entries: [number, PendingCall][] = [...this.#waitingLong];
    for (let slot = 0; slot < HANDLE_SLOTS; slot++) if (this.#handles[slot] !== 0) entries.push([this.#handles[slot]!, this.#calls[slot]!]);
    return entries.sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
  }
}

/**
 * The handle table of one connection: increasing handles, calls awaiting a response, and the
 * fire-and-forget calls: those encoded by the running flush (resolved once it handed its bytes
 * to the socket), then the handles whose reply has not come yet (each still holds an
 * in-flight slot until its reply is dropped unread).
 */
export class HandleTable {
  /** Calls written and not yet settled, by handle. */
  readonly calls = new CallsByHandle();
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

/** What the calls of a connection read of it (the `Connection`). */
export interface CallsSocket extends ResponseSource {
  readonly state: ConnectionState;
  readonly address: string;
  readonly closeError: Error | undefined;
  bytesOut: number;
}

/** Settings of {@link ConnectionCalls}. */
export interface ConnectionCallsOptions {
  tracker: CallTracker;
  decoder: CallResponseDecoder;
  rateLimiter: RateLimiter | null;
  dump: WireDumpWriter | null;
  dumpIndex: number;
  maxOutstanding: number;
  /** The application's `maxFrameBytes` (frame-limit.ts). */
  maxFrameBytes: number;
  /** Close the connection (an off-thread decoding error). */
  destroy: (error: Error) => void;
}

/**
 * The calls of one connection (see the file comment): the call target `startCall` queues on,
 * the owner a settled call detaches from, and the frame producer of the write scheduler.
 */
export class ConnectionCalls implements CallTarget, CallOwner, FrameProducer<PendingCall> {
  readonly host: string;
  readonly port: number;
  readonly tracker: CallTracker;
  /** Handles issued and calls awaiting their reply. */
  readonly handles = new HandleTable();
  /** Calls submitted and not settled (queued + written). */
  live = 0;
  /** Called once when {@link live} falls to 0 (a graceful close waits for it). */
  onIdle: (() => void) | null = null;
  /** The connection's write scheduler, which takes the started calls (set once it exists: it needs this object as its producer). */
  scheduler: WriteScheduler<PendingCall> | null = null;
  readonly #socket: CallsSocket;
  readonly #decoder: CallResponseDecoder;
  readonly #rate: RateLimiter | null;
  readonly #dump: WireDumpWriter | null;
  readonly #dumpIndex: number;
  readonly #maxOutstanding: number;
  readonly #maxFrameBytes: number;
  /** Another flush, when a slot or a rate-limit token becomes free (one function, made once). */
  readonly #kick = (): void => this.scheduler!.kick();
  readonly #destroy: (error: Error) => void;
  /** The one request object every invocation is encoded from (no object per call). */
  readonly #request: InvocationRequest = { procedure: '', handle: 0, params: [], types: undefined, queryTimeoutMs: undefined, priority: undefined, partitionDestination: undefined };

  constructor(socket: CallsSocket, options: ConnectionCallsOptions) {
    this.#socket = socket;
    this.host = socket.host;
    this.port = socket.port;
    this.tracker = options.tracker;
    this.#decoder = options.decoder;
    this.#rate = options.rateLimiter;
    this.#dump = options.dump;
    this.#dumpIndex = options.dumpIndex;
    this.#maxOutstanding = options.maxOutstanding;
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#destroy = options.destroy;
  }

  /**
   * CallTarget: queue a started call; it leaves with this tick's flush. On a connection that is
   * not open the call fails at once with `ConnectionLostError` (not sent).
   */
  submit(call: PendingCall): void {
    const socket = this.#socket;
    if (socket.state !== 'open') {
      this.tracker.fail(
        call,
        new ConnectionLostError(`connection to ${socket.address} is ${socket.state}; the call was not sent`, { host: this.host, port: this.port, sent: false, cause: socket.closeError }),
        FAILURE_KIND.CONNECTION_LOST,
      );
      return;
    }
    call.owner = this;
    call.inQueue = true;
    this.live++;
    this.scheduler!.enqueue(call);
  }

  /** CallOwner: `call` settled. Frees its handle and in-flight slot. */
  detach(call: PendingCall): void {
    this.live--;
    if (call.handle !== 0) {
      const wasFull = this.handles.size >= this.#maxOutstanding;
      this.handles.calls.delete(call.handle);
      if (wasFull) this.scheduler!.kick();
    }
    if (this.live === 0 && this.onIdle !== null) this.onIdle();
  }

  /** FrameProducer: may another call go on the wire now? */
  mayWrite(): boolean {
    if (this.handles.size >= this.#maxOutstanding) return false;
    const rate = this.#rate;
    if (rate !== null && !rate.tryTake()) {
      rate.waitForToken(this.#kick);
      return false;
    }
    return true;
  }

  /**
   * FrameProducer: encode one queued call (skips calls settled while queued). A refused
   * parameter throws out of here; the scheduler rolls the writer back and calls
   * {@link encodeFailed}. Everything that can throw happens before the call is marked written.
   */
  encode(writer: BufferWriter, call: PendingCall): boolean {
    if (call.state !== CALL_STATE.QUEUED) {
      this.tracker.dequeued(call);
      return false;
    }
    const request = this.#request;
    request.procedure = call.procedure;
    request.params = call.params;
    request.types = call.types;
    request.queryTimeoutMs = call.queryTimeoutMs;
    request.priority = call.priority;
    request.partitionDestination = call.partition;
    // The real handle goes into the frame as it is written; it is taken only once the frame is whole.
    const handles = this.handles;
    const handle = handles.peek();
    request.handle = handle;
    try {
      writeInvocation(writer, request);
    } finally {
      request.params = NO_PARAMS;
    }
    handles.issue();
    if (this.#dump !== null) this.#dump.record('sent', this.#dumpIndex, writer.message());
    call.inQueue = false;
    call.handle = handle;
    call.state = CALL_STATE.WRITTEN;
    handles.add(handle, call);
    const bytes = writer.offset - writer.mark;
    this.#socket.bytesOut += bytes;
    this.tracker.stats.bytesOut += bytes;
    return true;
  }

  /** FrameProducer: `encode` threw (a refused parameter); nothing was written for `call`. */
  encodeFailed(call: PendingCall, error: unknown): void {
    call.inQueue = false;
    const refused = VoltError.is(error)
      ? error
      : new ParameterError(`cannot encode the call to ${call.procedure}: ${String(error)}`, { procedure: call.procedure, cause: error });
    this.tracker.fail(call, refused, FAILURE_KIND.PARAMETER);
  }

  /** FrameProducer: the flush handed its bytes to the socket; fire-and-forget calls written by it resolve null now. */
  flushed(): void {
    if (this.handles.unawaited.length !== 0) this.handles.settleUnawaited(this.tracker);
  }

  /** The connection ended: stop waiting for a rate-limit token. */
  stopWaiting(): void {
    this.#rate?.cancel(this.#kick);
  }

  /**
   * A response frame (after the login): settle the call it answers, or drop it (late, ignored,
   * pushed, stray: unmatched-response.ts). An inline decoding error fails the call with the
   * precise error, then propagates: the connection closes, and only the others see
   * `ConnectionLostError`.
   */
  received(frame: Buffer): void {
    const handle = readResponseHandle(frame);
    const handles = this.handles;
    const call = handle > 0 ? handles.calls.get(handle) : undefined;
    if (call === undefined) {
      const wasFull = handles.size >= this.#maxOutstanding;
      if (dropUnmatched(this.#socket, frame, handle, handles.unmatched(handle)) && wasFull) this.scheduler!.kick();
      return;
    }
    if (call.internal) handles.answered(handle);
    else if (frame.length - 4 > this.#maxFrameBytes) {
      // Within the stream's limit but over the application's: refused, read past, the connection stays.
      this.tracker.fail(call, frameTooLarge(call.procedure, frame.length - 4, this.#maxFrameBytes), FAILURE_KIND.PROTOCOL, true);
      return;
    }
    try {
      this.tracker.settleFrom(this.#decoder, call, frame, this.#destroy);
    } catch (error) {
      this.tracker.fail(call, error, FAILURE_KIND.PROTOCOL);
      throw error;
    }
  }
}
