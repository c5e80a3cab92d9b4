/**
 * A call the cluster layer makes for itself on one chosen connection — `@Subscribe`,
 * `@Statistics('TOPO')`, `@SystemCatalog`, `@GetPartitionKeys`, `@SystemInformation`, the
 * keepalive `@Ping` — rather than on the connection a router would pick.
 *
 * It uses the connection's own call tracker, so the response, the timeout and the loss of the
 * connection settle it exactly once like a user call. But it is marked `internal`: it carries
 * no statistics counters (the client's per-procedure statistics show only the user's calls),
 * it is not published on the `voltwire:call:*` diagnostics channels, and a reply that comes
 * after its timeout is dropped silently (no `lateResponses`, no 'late-response'). It does take
 * a place in the client queue like any call (the tracker releases one when it settles), so
 * memory stays bounded: when the queue is at its hard limit the internal call is refused
 * rather than pushing the queue past it.
 */
import { BackpressureError, ConnectionLostError, VoltError } from '../errors.js';
import type { DecodedResponse } from '../decode/decode-response.js';
import type { Connection } from '../connection/connection.js';
import { CALLS } from '../connection/connection-calls.js';
import { admitCall, startCall } from '../calls/start-call.js';

/** Run `procedure` on `connection`; rejects like a user call (ProcedureError, CallTimeoutError, ConnectionLostError, …). */
export function callOn(connection: Connection, procedure: string, params: readonly unknown[], timeoutMs: number, signal: AbortSignal | null = null): Promise<DecodedResponse> {
  if (connection.state !== 'open') {
    return Promise.reject(new ConnectionLostError(`connection to ${connection.address} is ${connection.state}; ${procedure} was not sent`, { host: connection.host, port: connection.port, sent: false }));
  }
  if (signal !== null && signal.aborted) return Promise.reject(asError(signal.reason));
  const tracker = connection.tracker;
  if (tracker.flow !== null && !admitCall(tracker.flow)) {
    return Promise.reject(new BackpressureError(`${procedure} (internal) refused: the client queue is at its hard limit`));
  }
  // No statistics counters: the client's per-procedure statistics show only the user's calls.
  return startCall(connection[CALLS], procedure, params, undefined, signal === null ? undefined : { signal }, { timeoutMs }, null, true, true) as Promise<DecodedResponse>;
}

/** `error` as an Error (internal calls only ever reject with errors, but be safe). */
export function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new VoltError(String(error));
}
