/**
 * From a response frame matched to its call to the call's settlement: decode (inline, or
 * off-thread for a large frame), then resolve on SUCCESS or reject with `ProcedureError`.
 */
import { ProcedureError, ProtocolError, VoltError } from '../errors.js';
import { STATUS, statusName } from '../protocol/constants.js';
import { FAILURE_KIND, type CallTracker } from './call-tracker.js';
import { CALL_STATE, type PendingCall } from './in-flight.js';

/** The response fields the connection looks at (the decode layer's `DecodedResponse` has them all). */
export interface ResponseStatus {
  status: number;
  statusString: string | null;
  appStatus: number;
  appStatusString: string | null;
  exception: unknown;
}

/** Turns response frames into responses; the client builds one over the decode layer. */
export interface ResponseDecoder {
  /** Frames of at least this many bytes (prefix included) go to {@link decodeAsync}. */
  readonly offThreadBytes: number;
  /** Decode on this thread; throws `ProtocolError` on malformed bytes. */
  decode(frame: Buffer): ResponseStatus;
  /** Decode off-thread (a worker); rejects with `ProtocolError` on malformed bytes. */
  decodeAsync(frame: Buffer): Promise<ResponseStatus>;
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
  if (frame.length < decoder.offThreadBytes) {
    deliverResponse(tracker, call, decoder.decode(frame));
    return;
  }
  const generation = call.generation;
  const current = (): boolean => call.generation === generation && call.state === CALL_STATE.WRITTEN;
  decoder.decodeAsync(frame).then(
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
