/**
 * The handle table of one connection: the handles it issues and the calls awaiting their reply.
 *
 * Handles (PROTOCOL.md 5, 7) are 64-bit on the wire. Internally they are JS numbers counting up
 * from 1 per connection, never reused: at a million calls per second 2^53 lasts 285 years, and
 * numbers avoid a BigInt allocation per call. Every handle is therefore far below the three
 * reserved handles near 2^63 (topology push, catalog push, Java's keepalive ping). The server's
 * connection id is skipped too: the server answers an unparseable invocation with the
 * connection id in the handle field (PROTOCOL.md 3.4), which must not match a real call.
 */
import { RESERVED_HANDLE } from '../protocol/constants.js';
import { CALL_STATE, type PendingCall } from './pending-call.js';

/** Largest handle this client issues: 2^53 - 1 (far below the reserved handles near 2^63). */
export const MAX_CLIENT_HANDLE = Number.MAX_SAFE_INTEGER;

/** The reserved handles of server pushes and Java's keepalive ping (PROTOCOL.md 7). */
export function isReservedHandle(handle: bigint): boolean {
  return handle === RESERVED_HANDLE.TOPOLOGY_NOTIFICATION || handle === RESERVED_HANDLE.PROCEDURES_NOTIFICATION || handle === RESERVED_HANDLE.KEEPALIVE_PING;
}

/** What an unmatched response frame is (see {@link HandleTable.unmatched}). */
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
export class HandleTable {
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
