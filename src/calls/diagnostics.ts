/**
 * Observability through `node:diagnostics_channel` (no logger dependency).
 *
 * Publishing is guarded by `channel.hasSubscribers`, so with nobody listening a call costs one
 * property read per event and builds no message object. With a subscriber, the start and end
 * events of one call carry the *same* message object (filled in at the end), so a subscriber can
 * correlate them by identity, as with undici's request object.
 *
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('voltwire:call:end', (message) => { … });
 * ```
 */
import diagnosticsChannel from 'node:diagnostics_channel';

/** Channel names. */
export const CHANNEL = {
  /** A call was accepted (before it is queued): {@link CallMessage}. */
  CALL_START: 'voltwire:call:start',
  /** A call settled (success or error): the same {@link CallMessage}, completed. */
  CALL_END: 'voltwire:call:end',
  /** A response arrived for a call that had already timed out or been aborted: {@link LateResponseMessage}. */
  LATE_RESPONSE: 'voltwire:call:late-response',
  /** A connection finished its login: {@link ConnectionMessage}. */
  CONNECTION_OPEN: 'voltwire:connection:open',
  /** A connection closed (on purpose or not): {@link ConnectionMessage} with `error` when it was lost. */
  CONNECTION_CLOSE: 'voltwire:connection:close',
} as const;

/** Published on `voltwire:call:start` and (completed) on `voltwire:call:end`. */
export interface CallMessage {
  procedure: string;
  params: readonly unknown[];
  host: string;
  port: number;
  /** Client handle once the call was written, else null. */
  handle: bigint | null;
  /** `performance.now()` when the call was made. */
  startTime: number;
  /** End event only: milliseconds from the call to its settlement. */
  durationMs: number;
  /** End event only: whether the request was written to the socket. */
  sent: boolean;
  /** End event only, on success: the response. */
  response?: unknown;
  /** End event only, on failure: the error the call rejected with. */
  error?: Error;
}

/** Published on `voltwire:call:late-response`. */
export interface LateResponseMessage {
  host: string;
  port: number;
  handle: bigint;
  /** Bytes of the dropped frame. */
  bytes: number;
}

/** Published on `voltwire:connection:open` / `voltwire:connection:close`. */
export interface ConnectionMessage {
  host: string;
  port: number;
  /** From the login response (0 if the login never completed). */
  hostId: number;
  connectionId: bigint;
  /** Close only: why the connection ended, when it was not closed on purpose. */
  error?: Error;
}

/** The channel objects (publish side); subscribe by name with `diagnostics_channel.subscribe(CHANNEL.…)`. */
export const callStartChannel = diagnosticsChannel.channel(CHANNEL.CALL_START);
export const callEndChannel = diagnosticsChannel.channel(CHANNEL.CALL_END);
export const lateResponseChannel = diagnosticsChannel.channel(CHANNEL.LATE_RESPONSE);
export const connectionOpenChannel = diagnosticsChannel.channel(CHANNEL.CONNECTION_OPEN);
export const connectionCloseChannel = diagnosticsChannel.channel(CHANNEL.CONNECTION_CLOSE);
