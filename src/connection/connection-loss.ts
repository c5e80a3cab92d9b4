/**
 * The end of an open connection: why it ended, its calls, and who is told.
 *
 * - The cause: none when it was closed on purpose (a graceful `close()` with no error on the
 *   way), else the error recorded on the way down (socket error, protocol error, keepalive
 *   verdict, `destroy(error)`), else "the server closed the connection".
 * - The calls: each one settles exactly once (the tracker ignores calls already settled) with a
 *   `ConnectionLostError` whose `sent` says whether the server may have executed it — false for
 *   calls still in the write queue, true for calls on the wire.
 * - The wire dump and the `voltwire:connection:close` channel; only a connection that was
 *   announced open (its login succeeded) is announced closed.
 */
import { ConnectionError, ConnectionLostError } from '../errors.js';
import type { LoginResponse } from '../protocol/login.js';
import { FAILURE_KIND, type CallTracker } from '../calls/call-tracker.js';
import { connectionCloseChannel } from '../calls/diagnostics.js';
import { CALL_STATE, type PendingCall } from '../calls/pending-call.js';
import type { HandleTable } from './connection-calls.js';
import type { LoginTarget } from './login-handshake.js';
import type { WireDumpWriter } from './wire-dump.js';

/** Why an open connection ended (see the file comment); undefined when it was closed on purpose. */
export function lossCause(target: LoginTarget, closedOnPurpose: boolean, recorded: Error | undefined): Error | undefined {
  if (closedOnPurpose && recorded === undefined) return undefined;
  return recorded ?? new ConnectionError(`${target.address} closed the connection`, { host: target.host, port: target.port });
}

/**
 * Fail `queued` (never written) calls and those of the handle table `written` (which forgets
 * its fire-and-forget handles: no reply will come); `cause` is why the connection ended (none:
 * closed on purpose).
 */
export function failLostCalls(tracker: CallTracker, target: LoginTarget, queued: readonly PendingCall[], written: HandleTable, cause: Error | undefined): void {
  const why = cause === undefined ? 'was closed' : `was lost (${cause.message})`;
  const where = { host: target.host, port: target.port, cause };
  for (const call of queued) {
    if (call.state === CALL_STATE.QUEUED) {
      const error = new ConnectionLostError(`connection to ${target.address} ${why} before ${call.procedure} was sent`, { ...where, sent: false });
      tracker.fail(call, error, FAILURE_KIND.CONNECTION_LOST);
    }
    tracker.dequeued(call);
  }
  // A snapshot: failing a call removes it from the handle table.
  for (const call of written.calls.values()) {
    const error = new ConnectionLostError(
      `connection to ${target.address} ${why} before the response to ${call.procedure} arrived; the server may have executed it`,
      { ...where, sent: true },
    );
    tracker.fail(call, error, FAILURE_KIND.CONNECTION_LOST);
  }
  written.forgetReplies();
}

/** Record the end in the wire dump and publish it (when the connection had been announced open). */
export function announceClose(
  target: LoginTarget,
  login: LoginResponse | null,
  dump: WireDumpWriter | null,
  dumpIndex: number,
  cause: Error | undefined,
): void {
  if (dump !== null) dump.event('close', dumpIndex, cause?.message ?? '');
  if (login !== null && connectionCloseChannel.hasSubscribers) {
    connectionCloseChannel.publish({ host: target.host, port: target.port, hostId: login.hostId, connectionId: login.connectionId, error: cause });
  }
}
