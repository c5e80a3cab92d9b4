/**
 * The errors a cluster client reports when it has no connection: at start (every host failed,
 * or one did with `requireAll`) and later (no host is connected), each listing every host's
 * last error so one message tells the whole story.
 */
import { AuthenticationError, ConnectionError, NoConnectionsError, type HostFailure } from '../errors.js';
import { hostKey } from './host-list.js';

/** `host:port: message`, or the message alone when it already names the host. */
function hostText(failure: HostFailure): string {
  const key = hostKey(failure.host, failure.port);
  return failure.error.message.includes(key) ? failure.error.message : `${key}: ${failure.error.message}`;
}

/** `NoConnectionsError` with `message` and each host's error (or "not connected"). */
export function noConnections(message: string, hosts: readonly { host: string; port: number; error: Error | null }[]): NoConnectionsError {
  const failures: HostFailure[] = hosts.map((h) => ({
    host: h.host,
    port: h.port,
    error: h.error ?? new ConnectionError(`${hostKey(h.host, h.port)} is not connected`, { host: h.host, port: h.port }),
  }));
  return new NoConnectionsError(`${message} (${failures.map(hostText).join('; ')})`, { failures });
}

/**
 * What `start()` rejects with: with `requireAll` and some hosts up, `NoConnectionsError`
 * naming the missing ones; with every host down, a lone host's own error (the most precise
 * message), the first `AuthenticationError` when every host refused the login, else
 * `NoConnectionsError` listing every host.
 */
export function startupError(failures: HostFailure[], listed: number, requireAll: boolean): Error {
  // Each host named once: `cannot connect to h:1: refused; h:2: timed out`, not `h:1 (cannot connect to h:1: …)`.
  const summary = failures.map(hostText).join('; ');
  if (failures.length < listed) {
    return new NoConnectionsError(`requireAll: ${failures.length} of ${listed} hosts could not be reached: ${summary}`, { failures });
  }
  if (listed === 1) return failures[0]!.error;
  if (!requireAll && failures.every((f) => f.error instanceof AuthenticationError)) return failures[0]!.error;
  return new NoConnectionsError(`could not connect to any of ${listed} hosts: ${summary}`, { failures });
}
