/**
 * From a response frame matched to its call to the call's settlement: decode (inline, or
 * off-thread for a large frame), then resolve on SUCCESS or reject with `ProcedureError`.
 * And what becomes of a response that matched no waiting call.
 */
import type { EventEmitter } from 'node:events';
import { ProcedureError, ProtocolError, VoltError } from '../errors.js';
import { STATUS, statusName } from '../protocol/constants.js';
import { FAILURE_KIND, type CallTracker } from '../calls/call-tracker.js';
import type { ConnectionEvents } from './connection-events.js';
import { lateResponseChannel } from '../calls/diagnostics.js';
import { CALL_STATE, type PendingCall } from '../calls/pending-call.js';
import { UNMATCHED, isReservedHandle, type UnmatchedKind } from '../calls/handle-table.js';

/** The response fields the connection looks at (the decode layer's `DecodedResponse` has them all). */
export interface ResponseStatus {
  status: number;
  statusString: string | null;
  appStatus: number;
  appStatusString: string | null;
  exception: unknown;
}

/**
 * Turns response frames into responses; the client builds one over the decode layer
 * (`createResponseDecoder`), which alone decides what is decoded inline and what off-thread.
 */
export interface ResponseDecoder {
  /** Frames of at least this many bytes (prefix included) go off-thread: the frame decoder assembles them in their own shared memory. */
  readonly ownBufferAtBytes: number;
  /** The response at once (decoded inline) or a promise of it (off-thread); throws or rejects `ProtocolError` on malformed bytes. */
  decode(frame: Buffer): ResponseStatus | Promise<ResponseStatus>;
}

/** Resolve or reject `call` with a decoded response. */
export function deliverResponse(tracker: CallTracker, call: PendingCall, response: ResponseStatus): void {
  if (response.status === STATUS.SUCCESS) {
    tracker.succeed(call, response);
    return;
  }
  const name = statusName(response.status);
  let message = `${call.procedure} failed with ${name} (${response.status})`;
  if (response.statusString !== null && response.statusString !== '') message += `: ${response.statusString}`;
  if (response.appStatusString !== null && response.appStatusString !== '') message += ` [app status ${response.appStatus}: ${response.appStatusString}]`;
  const error = new ProcedureError(message, {
    procedure: call.procedure,
    status: response.status,
    statusString: response.statusString,
    appStatus: response.appStatus,
    appStatusString: response.appStatusString,
    exception: response.exception,
    response,
  });
  tracker.fail(call, error, name, true);
}

/**
 * Decode `frame` for `call` and settle it. Inline decoding throws its `ProtocolError` to the
 * caller (the connection closes). Off-thread, the outcome arrives later: if the call settled
 * meanwhile (timeout, abort, loss) the response is dropped; a `ProtocolError` fails the call
 * and is passed to `onProtocolError` (the connection closes).
 */
export function settleResponse(
  tracker: CallTracker,
  decoder: ResponseDecoder,
  call: PendingCall,
  frame: Buffer,
  onProtocolError: (error: Error) => void,
): void {
  const decoded = decoder.decode(frame);
  if (!(decoded instanceof Promise)) {
    deliverResponse(tracker, call, decoded);
    return;
  }
  const generation = call.generation;
  const current = (): boolean => call.generation === generation && call.state === CALL_STATE.WRITTEN;
  decoded.then(
    (response) => {
      if (current()) deliverResponse(tracker, call, response);
    },
    (error: unknown) => {
      const failure = VoltError.is(error) ? error : new ProtocolError(`decoding a ${frame.length}-byte response failed: ${String(error)}`, { cause: error });
      if (current()) tracker.fail(call, failure, failure instanceof ProtocolError ? FAILURE_KIND.PROTOCOL : 'DECODE');
      if (failure instanceof ProtocolError) onProtocolError(failure);
    },
  );
}

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
    const wide = frame.readBigInt64BE(5);
    if (isReservedHandle(wide)) source.emit('unsolicited', frame, wide);
    else stats.unknownResponses++;
  }
  return false;
}
