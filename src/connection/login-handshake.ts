/**
 * What a refused or failed login means, in words (PROTOCOL.md 2.3): each login result code
 * becomes an `AuthenticationError` that names the host, the user, the hash scheme and the code;
 * a connection that closed before the login answer becomes a `ConnectionError` with its cause.
 */
import { AuthenticationError, ConnectionError, VoltError } from '../errors.js';
import { LOGIN_RESULT } from '../protocol/constants.js';

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
  const user = JSON.stringify(username);
  const reasons: Record<number, string> = {
    [LOGIN_RESULT.AUTHENTICATION_FAILED]: `authentication failed for user ${user}: wrong user name or password, or the server does not accept a ${scheme} password hash (try hashScheme 'sha256' or 'sha1')`,
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

/**
 * One connect + login attempt: it settles once — resolved at the login answer, or rejected by
 * a refusal, an error, the connect timeout or the caller's abort signal — and then lets go of
 * its timer and its abort listener.
 */
export class OpenAttempt<T> {
  private ready: { resolve: (value: T) => void; reject: (error: Error) => void } | null;
  private timer: NodeJS.Timeout | null = null;
  private signal: AbortSignal | null = null;
  private readonly onAbort: () => void;

  constructor(
    ready: { resolve: (value: T) => void; reject: (error: Error) => void },
    private readonly target: LoginTarget,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    private readonly onFail: (error: Error) => void,
  ) {
    this.ready = ready;
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

  private settle(): void {
    this.ready = null;
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
