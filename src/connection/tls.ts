/**
 * The socket under a connection: plain TCP, or TLS on the same port (PROTOCOL.md 11: no
 * STARTTLS, no negotiation byte; the client must know the port speaks TLS). Inside TLS the
 * framed protocol is unchanged, login first, and nothing else is written before the login
 * answer (PROTOCOL.md 2.3: a TLS server discards application data decrypted with the login).
 *
 * This file also turns socket errors into the client's errors, with the host, the port and the
 * reason in the message: a certificate problem or a broken handshake is a `TlsError`, anything
 * else (refused, DNS, reset) a `ConnectionError`.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ConnectionError, InvalidArgumentError, TlsError, VoltError } from '../errors.js';

/** The client's `tls` option: `true` (system CAs, verify the host name) or Node's TLS connect options. */
export type TlsSetting = boolean | tls.ConnectionOptions;

/** Where a socket goes. */
export interface SocketTarget {
  host: string;
  port: number;
  /** Off when undefined or false. */
  tls?: TlsSetting | null;
}

/** A socket being connected, and the event after which the login may be written. */
export interface OpeningSocket {
  socket: net.Socket;
  /** `'connect'` for TCP, `'secureConnect'` for TLS (the handshake succeeded and the peer is verified). */
  readyEvent: 'connect' | 'secureConnect';
  tls: boolean;
}

/** `host:port`, brackets around IPv6. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Validate and normalise the `tls` option (for `resolveClientOptions`): `undefined`/`false` → null
 * (plain TCP), `true` → `{}`, an object → a shallow copy. Throws `InvalidArgumentError` for anything else.
 */
export function resolveTlsSetting(value: unknown): tls.ConnectionOptions | null {
  if (value === undefined || value === false || value === null) return null;
  if (value === true) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return { ...(value as tls.ConnectionOptions) };
  throw new InvalidArgumentError(`tls must be true, false or tls.ConnectionOptions (ca, cert, key, servername, rejectUnauthorized…), got ${String(value)}`);
}

/**
 * Start connecting to `target`. The TLS server name defaults to the host when it is a name
 * (Node refuses an IP address as SNI); the certificate is checked against `servername ?? host`.
 */
export function openSocket(target: SocketTarget): OpeningSocket {
  const setting = resolveTlsSetting(target.tls);
  if (setting === null) {
    return { socket: net.connect({ host: target.host, port: target.port, noDelay: true }), readyEvent: 'connect', tls: false };
  }
  const servername = setting.servername ?? (net.isIP(target.host) === 0 ? target.host : undefined);
  const socket = tls.connect({ ...setting, host: target.host, port: target.port, servername });
  socket.setNoDelay(true);
  return { socket, readyEvent: 'secureConnect', tls: true };
}

/** Certificate verification codes of OpenSSL/Node, in words. */
const CERTIFICATE_REASONS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not signed by a trusted CA (pass the CA in tls.ca)',
  UNABLE_TO_GET_ISSUER_CERT: 'the server certificate is not signed by a trusted CA (pass the CA in tls.ca)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is not signed by a trusted CA (pass the CA in tls.ca)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in a CA that is not trusted (pass the CA in tls.ca)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted (pass it in tls.ca)',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate is not valid for this host name (hostname mismatch; set tls.servername to a name in the certificate)',
  CERT_REVOKED: 'the server certificate was revoked',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS (is TLS enabled on this port?)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the server did not answer with TLS (is TLS enabled on this port?)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust the client certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server refused the client certificate',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate (pass tls.cert and tls.key)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the TLS handshake failed (no common protocol version or cipher, or a client certificate is required)',
};

/** Plain socket errors, in words. */
const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens on that port)',
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'the host name could not be resolved now (DNS temporary failure)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset by the server',
  EPIPE: 'the server closed the connection while the client was writing',
};

function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The client error for a socket `error`. `handshaking` is true while a TLS socket has not yet
 * emitted `secureConnect`: a reset then is a handshake failure (typically a client certificate
 * the server refused). VoltErrors pass through unchanged. The original error is the `cause`.
 */
export function socketError(error: Error, target: SocketTarget, handshaking: boolean): Error {
  if (VoltError.is(error)) return error;
  const { host, port } = target;
  const address = formatAddress(host, port);
  const code = errorCode(error);
  const certificateReason = code === undefined ? undefined : CERTIFICATE_REASONS[code];
  const tlsOn = resolveTlsSetting(target.tls) !== null;
  if (tlsOn && (certificateReason !== undefined || (code !== undefined && code.startsWith('ERR_SSL_')) || code === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    const reason = certificateReason ?? `the TLS handshake failed`;
    return new TlsError(`TLS connection to ${address} failed: ${reason} [${code}: ${error.message}]`, { host, port, cause: error });
  }
  if (tlsOn && handshaking && (code === 'ECONNRESET' || code === 'EPIPE')) {
    return new TlsError(
      `TLS connection to ${address} failed: the server closed the connection during the TLS handshake (it may require a client certificate, refuse this one, or not speak TLS) [${code}: ${error.message}]`,
      { host, port, cause: error },
    );
  }
  const reason = (code === undefined ? undefined : SOCKET_REASONS[code]) ?? error.message;
  const detail = code !== undefined && reason !== error.message ? ` [${code}: ${error.message}]` : '';
  return new ConnectionError(`cannot connect to ${address}: ${reason}${detail}`, { host, port, cause: error });
}

/**
 * Connect (and for TLS, finish the handshake and verify the peer) within `timeoutMs`; rejects
 * with {@link socketError}'s `TlsError`/`ConnectionError`. For tools and tests that want a ready
 * socket; a `Connection` uses {@link openSocket} with its own connect-and-login deadline.
 */
export function connectSocket(target: SocketTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const { socket, readyEvent, tls: secure } = openSocket(target);
    let ready = false;
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            const address = formatAddress(target.host, target.port);
            fail(secure ? new TlsError(`TLS connection to ${address} timed out after ${timeoutMs} ms`, target) : new ConnectionError(`connecting to ${address} timed out after ${timeoutMs} ms`, target));
          }, timeoutMs)
        : null;
    const fail = (error: Error): void => {
      if (timer !== null) clearTimeout(timer);
      socket.off(readyEvent, onReady);
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => fail(socketError(error, target, secure && !ready));
    const onReady = (): void => {
      ready = true;
      if (timer !== null) clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    };
    socket.once('error', onError);
    socket.once(readyEvent, onReady);
  });
}
