/**
 * The loss of a connection, for its calls: each one settles exactly once (the tracker ignores
 * calls already settled) with a `ConnectionLostError` whose `sent` says whether the server may
 * have executed it — false for calls still in the write queue, true for calls on the wire.
 */
import { ConnectionLostError } from '../errors.js';
import { FAILURE_KIND, type CallTracker } from './call-tracker.js';
import { CALL_STATE, type PendingCall } from './in-flight.js';
import type { LoginTarget } from './login-handshake.js';

/** Fail `queued` (never written) and `written` calls; `cause` is why the connection ended (none: closed on purpose). */
export function failLostCalls(
  tracker: CallTracker,
  target: LoginTarget,
  queued: readonly PendingCall[],
  written: readonly PendingCall[],
  cause: Error | undefined,
): void {
  const why = cause === undefined ? 'was closed' : `was lost (${cause.message})`;
  const where = { host: target.host, port: target.port, cause };
  for (const call of queued) {
    if (call.state === CALL_STATE.QUEUED) {
      const error = new ConnectionLostError(`connection to ${target.address} ${why} before ${call.procedure} was sent`, { ...where, sent: false });
      tracker.fail(call, error, FAILURE_KIND.CONNECTION_LOST);
    }
    tracker.dequeued(call);
  }
  for (const call of written) {
    const error = new ConnectionLostError(
      `connection to ${target.address} ${why} before the response to ${call.procedure} arrived; the server may have executed it`,
      { ...where, sent: true },
    );
    tracker.fail(call, error, FAILURE_KIND.CONNECTION_LOST);
  }
}
