/**
 * What becomes of a response that matched no waiting call: the reply to a fire-and-forget call,
 * a late reply, a server push or ping answer, or a stray. (A matched one settles its call in the
 * call tracker.)
 */
import type { EventEmitter } from 'node:events';
import type { CallTracker } from '../calls/call-tracker.js';
import type { ConnectionEvents } from './connection-events.js';
import { lateResponseChannel } from '../calls/diagnostics.js';
import { RESERVED_HANDLE } from '../protocol/constants.js';
import { peekHandle } from '../protocol/response-reader.js';

/** The reserved handles of server pushes and Java's keepalive ping (PROTOCOL.md 7). */
export function isReservedHandle(handle: bigint): boolean {
  return handle === RESERVED_HANDLE.TOPOLOGY_NOTIFICATION || handle === RESERVED_HANDLE.PROCEDURES_NOTIFICATION || handle === RESERVED_HANDLE.KEEPALIVE_PING;
}

/** What an unmatched response frame is (the handle table's `unmatched`, connection-calls.ts). */
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

/** The connection a response that matched no waiting call arrived on (a `Connection`). */
export interface ResponseSource extends EventEmitter<ConnectionEvents> {
  readonly host: string;
  readonly port: number;
  readonly tracker: CallTracker;
  lateResponses: number;
  ignoredResponses: number;
}

/**
 * A response whose handle matched no waiting call, as the handle table classified it
 * (`kind`): the reply to a fire-and-forget call (dropped unread, counted), a late reply to a
 * call that timed out or was aborted (dropped, counted, published, 'late-response'; silently
 * for an internal call), a server push or ping answer on a reserved handle ('unsolicited'), or
 * a stray (counted). True when it freed an in-flight slot (the fire-and-forget reply).
 */
export function dropUnmatched(source: ResponseSource, frame: Buffer, handle: number, kind: UnmatchedKind): boolean {
  const stats = source.tracker.stats;
  if (kind === UNMATCHED.IGNORED) {
    source.ignoredResponses++;
    stats.ignoredResponses++;
    return true;
  }
  if (kind === UNMATCHED.LATE) {
    source.lateResponses++;
    stats.lateResponses++;
    const wide = BigInt(handle);
    if (lateResponseChannel.hasSubscribers) lateResponseChannel.publish({ host: source.host, port: source.port, handle: wide, bytes: frame.length });
    source.emit('late-response', wide);
  } else if (kind === UNMATCHED.FOREIGN) {
    const wide = peekHandle(frame);
    if (isReservedHandle(wide)) source.emit('unsolicited', frame, wide);
    else stats.unknownResponses++;
  }
  return false;
}
