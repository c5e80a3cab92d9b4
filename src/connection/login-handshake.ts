/**
 * The login of one connection (PROTOCOL.md 2), from the TCP (or TLS) connect to the login
 * answer: the socket opened, the request sent first (only after the TLS handshake verified the
 * server), the answer read and announced, and what a refused or failed login means in words.
 * Each login result code becomes an `AuthenticationError` that names the host, the user, the
 * hash scheme and the code; a connection that closed before the login answer becomes a
 * `ConnectionError` with its cause (or the connection-limit refusal, when the server sent its
 * one-byte answer and hung up).
 *
 * The credentials live in the handshake only, in ES private fields (`util.inspect` and
 * loggers never see them), and are let go of once the attempt settles.
 */
import { Buffer } from 'node:buffer';
import type net from 'node:net';
import { AuthenticationError, ConnectionError, VoltError } from '../errors.js';
import { CONNECTION_LIMIT_BYTE, LOGIN_RESULT } from '../protocol/constants.js';
import { decodeLoginResponse, encodeLoginRequest, type LoginResponse } from '../protocol/login.js';
import { connectionOpenChannel } from '../calls/diagnostics.js';
import { openSocket, socketError, type SocketTarget } from './tls.js';

const HASH_NAME: Record<'sha256' | 'sha1', string> = { sha256: 'SHA-256', sha1: 'SHA-1' };

/** Where the login went. */
export interface LoginTarget {
  readonly host: string;
  readonly port: number;
  readonly address: string;
}

/** The error for a login answered with `resultCode` (≠ 0). */
export function loginRefusal(resultCode: number, target: LoginTarget, username: string, hashScheme: 'sha256' | 'sha1'): AuthenticationError {
  const scheme = HASH_NAME[hashScheme];
  const other = hashScheme === 'sha256' ? 'sha1' : 'sha256';
  const user = JSON.stringify(username);
  const reasons: Record<number, string> = {
    [LOGIN_RESULT.AUTHENTICATION_FAILED]: `authentication failed for user ${user}: wrong user name or password, or the server does not accept a ${scheme} password hash (try hashScheme '${other}')`,
    [LOGIN_RESULT.TOO_MANY_CONNECTIONS]: 'the server has too many connections',
    [LOGIN_RESULT.AUTHENTICATION_TIMEOUT]: 'the login timed out on the server',
    [LOGIN_RESULT.PROTOCOL_VIOLATION]: `the server could not parse the login message (protocol version 1, ${scheme} hash scheme)`,
    [LOGIN_RESULT.NODE_REJOINING]: 'the node is rejoining the cluster and cannot log in now',
    [LOGIN_RESULT.SERVICE_NOT_ENABLED]: 'the requested service is not enabled on the server',
    [LOGIN_RESULT.TLS_REQUIRED]: 'the server requires TLS',
    [LOGIN_RESULT.CLIENT_CERTIFICATE_REQUIRED]: 'the server requires a client certificate',
  };
  const reason = reasons[resultCode] ?? 'unknown login result';
  return new AuthenticationError(`login to ${target.address} refused: ${reason} (result code ${resultCode})`, {
    host: target.host,
    port: target.port,
    resultCode,
  });
}

/** The error for a connection that closed before its login was answered (`cause`: the socket error, if any). */
export function openFailure(target: LoginTarget, cause: Error | undefined): Error {
  if (cause instanceof VoltError) return cause;
  return new ConnectionError(
    cause !== undefined ? `cannot connect to ${target.address}: ${cause.message}` : `${target.address} closed the connection before answering the login`,
    { host: target.host, port: target.port, cause },
  );
}

/** How many of the first bytes a "not VoltDB" error shows. */
const SHOWN_BYTES = 16;

/** `48 54 54 50 2f 31 2e 31 "HTTP/1.1"`: the bytes in hex, and as text when they are printable. */
function describeBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, SHOWN_BYTES);
  const hex = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  const text = String.fromCharCode(...head).replace(/[^\x20-\x7e]/g, '.');
  const more = bytes.byteLength > SHOWN_BYTES ? ' …' : '';
  return /[\x20-\x7e]{3}/.test(text) ? `${hex}${more} ${JSON.stringify(text)}` : `${hex}${more}`;
}

/**
 * The error for an answer that cannot be a VoltDB login answer (an HTTP or SSH server, say,
 * whose first bytes read as an absurd frame length): it names the address and shows what came.
 */
export function notVoltDB(target: LoginTarget, firstBytes: Uint8Array, cause: unknown): ConnectionError {
  return new ConnectionError(`${target.address} did not answer like a VoltDB server (first bytes ${describeBytes(firstBytes)})`, {
    host: target.host,
    port: target.port,
    cause,
  });
}

/** Where the connection goes and what its login sends (PROTOCOL.md 2.1, 11). */
export interface HandshakeOptions extends SocketTarget {
  username?: string;
  password?: string;
  passwordHash?: Uint8Array;
  hashScheme?: 'sha256' | 'sha1';
}

/** How the attempt reports: resolved at the login answer, rejected otherwise. */
export interface LoginOutcome<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * One connect + login attempt: it opens the socket, and settles once — resolved at the login
 * answer, or rejected by a refusal, an error, the connect timeout or the caller's abort
 * signal — and then lets go of its timer, its abort listener and the credentials.
 */
export class LoginHandshake<T> {
  /** The socket being connected (the connection's, from now on). */
  readonly socket: net.Socket;
  /** After this socket event the login request may go out: `'connect'`, or `'secureConnect'` for TLS. */
  readonly readyEvent: 'connect' | 'secureConnect';
  private ready: LoginOutcome<T> | null;
  private readonly tls: boolean;
  /** The request went out: TCP (and TLS) are up. */
  private sent = false;
  private timer: NodeJS.Timeout | null = null;
  private signal: AbortSignal | null = null;
  private readonly onAbort: () => void;
  readonly #username: string;
  readonly #hashScheme: 'sha256' | 'sha1';
  #secret: { password: string | undefined; passwordHash: Uint8Array | undefined } | null;
  // The TLS options may hold a private key: kept out of `util.inspect` like the credentials.
  readonly #where: SocketTarget;

  /**
   * Start connecting. `onFail` tears the socket down (not called when it already closed). The
   * timeout and the signal bound the whole attempt, TCP and TLS included.
   */
  constructor(
    ready: LoginOutcome<T>,
    private readonly target: LoginTarget,
    options: HandshakeOptions,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    private readonly onFail: (error: Error) => void,
  ) {
    this.ready = ready;
    this.#where = { host: options.host, port: options.port, tls: options.tls };
    // Plain TCP, or TLS on the same port: the login goes out only after the TLS handshake has
    // verified the server ('secureConnect'), and nothing else before the login answer (PROTOCOL.md 2.3, 11).
    const opening = openSocket(this.#where);
    this.socket = opening.socket;
    this.readyEvent = opening.readyEvent;
    this.tls = opening.tls;
    this.#username = options.username ?? '';
    this.#hashScheme = options.hashScheme ?? 'sha256';
    this.#secret = { password: options.password, passwordHash: options.passwordHash };
    this.onAbort = () => this.fail(this.abortError());
    if (timeoutMs > 0 && timeoutMs !== Infinity) {
      this.timer = setTimeout(() => {
        this.fail(new ConnectionError(`connecting to ${target.address} timed out after ${timeoutMs} ms`, { host: target.host, port: target.port }));
      }, timeoutMs);
    }
    if (signal !== undefined) {
      this.signal = signal;
      if (signal.aborted) queueMicrotask(this.onAbort);
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Not settled yet. */
  get pending(): boolean {
    return this.ready !== null;
  }

  /** A socket error while connecting, naming host, port and reason (`TlsError` for certificate and handshake problems). */
  socketError(error: Error): Error {
    return socketError(error, this.#where, this.tls && !this.sent);
  }

  /** The login request (protocol version 1), to write at {@link readyEvent}: the first and only frame before the answer. */
  request(): Buffer {
    this.sent = true;
    const secret = this.#secret ?? { password: undefined, passwordHash: undefined };
    return encodeLoginRequest({
      username: this.#username,
      password: secret.password,
      passwordHash: secret.passwordHash,
      scheme: this.#hashScheme,
      version: 1,
    });
  }

  /**
   * Read the login answer: the login response when the server accepted it (announced on
   * `voltwire:connection:open`; the caller then calls {@link succeed}), else null — the attempt
   * has failed with the refusal.
   */
  answer(frame: Buffer): LoginResponse | null {
    let login: LoginResponse;
    try {
      login = decodeLoginResponse(frame);
    } catch (error) {
      this.fail(notVoltDB(this.target, frame, error));
      return null;
    }
    if (login.resultCode !== LOGIN_RESULT.SUCCESS) {
      this.fail(this.refusal(login.resultCode));
      return null;
    }
    if (connectionOpenChannel.hasSubscribers) {
      connectionOpenChannel.publish({ host: this.target.host, port: this.target.port, hostId: login.hostId, connectionId: login.connectionId });
    }
    return login;
  }

  /** The bytes before the login answer could not be framed (`chunk`: what came): not a VoltDB server. */
  unframed(chunk: Uint8Array, cause: unknown): void {
    this.fail(notVoltDB(this.target, chunk, cause));
  }

  /**
   * The socket closed before the login answer: fail with the connection-limit refusal when the
   * server's one-byte answer is all that came (`buffered`), else with why it closed (`cause`).
   */
  closed(buffered: Buffer | null, cause: Error | undefined): Error {
    const error =
      buffered !== null && buffered.length === 1 && buffered[0] === CONNECTION_LIMIT_BYTE
        ? this.refusal(LOGIN_RESULT.TOO_MANY_CONNECTIONS)
        : openFailure(this.target, cause);
    this.fail(error, false);
    return error;
  }

  succeed(value: T): void {
    const ready = this.ready;
    if (ready === null) return;
    this.settle();
    ready.resolve(value);
  }

  /** Reject the attempt (once); `tearDown` false when the socket is already closed. */
  fail(error: Error, tearDown = true): void {
    const ready = this.ready;
    if (ready === null) return;
    this.settle();
    if (tearDown) this.onFail(error);
    ready.reject(error);
  }

  private refusal(resultCode: number): AuthenticationError {
    return loginRefusal(resultCode, this.target, this.#username, this.#hashScheme);
  }

  private settle(): void {
    this.ready = null;
    this.#secret = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = null;
  }

  private abortError(): Error {
    const reason: unknown = this.signal?.reason;
    const { host, port, address } = this.target;
    return reason instanceof Error ? reason : new ConnectionError(`connecting to ${address} was aborted`, { host, port, cause: reason });
  }
}
