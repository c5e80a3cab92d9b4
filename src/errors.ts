/**
 * The one error taxonomy of voltwire.
 *
 * Every error the library throws or rejects with is a {@link VoltError} with a stable
 * `code`. The brand check {@link VoltError.is} works across two copies of the library
 * (and for errors rebuilt from a worker's `{ code, message }`), where `instanceof` would not.
 */

const BRAND = Symbol.for('voltwire.VoltError');

/** Stable error codes, one per class below. */
export const ERROR_CODE = {
  VOLT: 'ERR_VOLT',
  PROTOCOL: 'ERR_VOLT_PROTOCOL',
  PARAMETER: 'ERR_VOLT_PARAMETER',
  CONNECTION: 'ERR_VOLT_CONNECTION',
  CONNECTION_LOST: 'ERR_VOLT_CONNECTION_LOST',
  AUTHENTICATION: 'ERR_VOLT_AUTHENTICATION',
  TLS: 'ERR_VOLT_TLS',
  CALL_TIMEOUT: 'ERR_VOLT_CALL_TIMEOUT',
  PROCEDURE: 'ERR_VOLT_PROCEDURE',
  BACKPRESSURE: 'ERR_VOLT_BACKPRESSURE',
  NO_CONNECTIONS: 'ERR_VOLT_NO_CONNECTIONS',
  CLIENT_CLOSED: 'ERR_VOLT_CLIENT_CLOSED',
  DECODE_POOL: 'ERR_VOLT_DECODE_POOL',
  INVALID_ARGUMENT: 'ERR_VOLT_INVALID_ARGUMENT',
  ABORTED: 'ERR_VOLT_ABORTED',
  BULK_LOAD: 'ERR_VOLT_BULK_LOAD',
} as const;

/** The stable `code` of every `VoltError` (`ERR_VOLT_…`). */
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** Options of every `VoltError` constructor: the underlying `cause`. */
export interface VoltErrorOptions {
  cause?: unknown;
}

/** Base class of every voltwire error. */
export class VoltError extends Error {
  /** Stable, documented code; compare this rather than the message. */
  readonly code: ErrorCode;

  constructor(message: string, options: VoltErrorOptions = {}, code: ErrorCode = ERROR_CODE.VOLT) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  // Literal names, one per class: `this.constructor.name` would change under a minifier.
  override get name(): string {
    return 'VoltError';
  }

  /** True for any voltwire error, from this copy of the library or another. */
  static is(value: unknown): value is VoltError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Malformed bytes: a frame, a message or a value that does not follow the wire protocol. */
export class ProtocolError extends VoltError {
  override get name(): string {
    return 'ProtocolError';
  }

  /** Byte offset inside the frame (or buffer) where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(message: string, options: VoltErrorOptions & { offset?: number } = {}) {
    super(options.offset === undefined ? message : `${message} (at byte ${options.offset})`, options, ERROR_CODE.PROTOCOL);
    this.offset = options.offset;
  }
}

/** A parameter value refused before any byte is written. */
export class ParameterError extends VoltError {
  override get name(): string {
    return 'ParameterError';
  }

  readonly procedure: string | undefined;
  /** 0-based position of the parameter in the call, when known. */
  readonly index: number | undefined;
  /** The VoltDB type the value was checked against, when known. */
  readonly type: string | undefined;

  constructor(
    message: string,
    options: VoltErrorOptions & { procedure?: string; index?: number; type?: string } = {},
  ) {
    super(message, options, ERROR_CODE.PARAMETER);
    this.procedure = options.procedure;
    this.index = options.index;
    this.type = options.type;
  }
}

/** A connection could not be opened (refused, DNS failure, connect timeout, …). */
export class ConnectionError extends VoltError {
  override get name(): string {
    return 'ConnectionError';
  }

  readonly host: string | undefined;
  readonly port: number | undefined;

  constructor(
    message: string,
    options: VoltErrorOptions & { host?: string; port?: number } = {},
    code: ErrorCode = ERROR_CODE.CONNECTION,
  ) {
    super(message, options, code);
    this.host = options.host;
    this.port = options.port;
  }
}

/** An open connection died while a call was pending on it. */
export class ConnectionLostError extends ConnectionError {
  override get name(): string {
    return 'ConnectionLostError';
  }

  /** True when the request had been written to the socket: the server may have executed it. */
  readonly sent: boolean;

  constructor(message: string, options: VoltErrorOptions & { host?: string; port?: number; sent?: boolean } = {}) {
    super(message, options, ERROR_CODE.CONNECTION_LOST);
    this.sent = options.sent ?? false;
  }
}

/** The server refused the login. */
export class AuthenticationError extends ConnectionError {
  override get name(): string {
    return 'AuthenticationError';
  }

  /** Login result code from the server (see LOGIN_RESULT), when it sent one. */
  readonly resultCode: number | undefined;

  constructor(message: string, options: VoltErrorOptions & { host?: string; port?: number; resultCode?: number } = {}) {
    super(message, options, ERROR_CODE.AUTHENTICATION);
    this.resultCode = options.resultCode;
  }
}

/** The TLS handshake failed (untrusted certificate, hostname mismatch, …). */
export class TlsError extends ConnectionError {
  override get name(): string {
    return 'TlsError';
  }

  constructor(message: string, options: VoltErrorOptions & { host?: string; port?: number } = {}) {
    super(message, options, ERROR_CODE.TLS);
  }
}

/** No response within the call's client-side timeout. */
export class CallTimeoutError extends VoltError {
  override get name(): string {
    return 'CallTimeoutError';
  }

  readonly timeoutMs: number;
  /** True when the request had been written: the server may still execute it. */
  readonly sent: boolean;

  constructor(message: string, options: VoltErrorOptions & { timeoutMs: number; sent: boolean }) {
    super(message, options, ERROR_CODE.CALL_TIMEOUT);
    this.timeoutMs = options.timeoutMs;
    this.sent = options.sent;
  }
}

/** What a failed procedure response carried; kept generic so this file imports nothing. */
export interface ProcedureErrorDetails<Response = unknown> {
  procedure: string;
  status: number;
  statusString: string | null;
  appStatus: number;
  appStatusString: string | null;
  exception: unknown;
  response: Response;
}

/** The server answered with a status other than SUCCESS. */
export class ProcedureError<Response = unknown> extends VoltError {
  override get name(): string {
    return 'ProcedureError';
  }

  readonly procedure: string;
  readonly status: number;
  readonly statusString: string | null;
  readonly appStatus: number;
  readonly appStatusString: string | null;
  readonly exception: unknown;
  readonly response: Response;

  constructor(message: string, details: ProcedureErrorDetails<Response>, options: VoltErrorOptions = {}) {
    super(message, options, ERROR_CODE.PROCEDURE);
    this.procedure = details.procedure;
    this.status = details.status;
    this.statusString = details.statusString;
    this.appStatus = details.appStatus;
    this.appStatusString = details.appStatusString;
    this.exception = details.exception;
    this.response = details.response;
  }
}

/** The client queue is above its hard limit: the call was refused at once, nothing was sent. */
export class BackpressureError extends VoltError {
  override get name(): string {
    return 'BackpressureError';
  }

  constructor(message: string, options: VoltErrorOptions = {}) {
    super(message, options, ERROR_CODE.BACKPRESSURE);
  }
}

/** One host's connection outcome, as listed by {@link NoConnectionsError}. */
export interface HostFailure {
  host: string;
  port: number;
  error: Error;
}

/** No connection could be used: every host failed, or none is connected. */
export class NoConnectionsError extends VoltError {
  override get name(): string {
    return 'NoConnectionsError';
  }

  readonly failures: readonly HostFailure[];

  constructor(message: string, options: VoltErrorOptions & { failures?: readonly HostFailure[] } = {}) {
    super(message, options, ERROR_CODE.NO_CONNECTIONS);
    this.failures = options.failures ?? [];
  }
}

/** The client (or connection) was closed before or while the call was made. */
export class ClientClosedError extends VoltError {
  override get name(): string {
    return 'ClientClosedError';
  }

  constructor(message: string, options: VoltErrorOptions = {}) {
    super(message, options, ERROR_CODE.CLIENT_CLOSED);
  }
}

/** The decode worker pool failed for a reason other than malformed bytes. */
export class DecodePoolError extends VoltError {
  override get name(): string {
    return 'DecodePoolError';
  }

  constructor(message: string, options: VoltErrorOptions = {}) {
    super(message, options, ERROR_CODE.DECODE_POOL);
  }
}

/** The counts a stopped bulk load carries (the `BulkLoadReport` of `client.bulkLoad`). */
export interface BulkLoadCounts {
  /** Rows read from the source. */
  rows: number;
  /** Rows the server wrote (inserted, or inserted-or-replaced with `upsert`). */
  inserted: number;
  /** Rows refused: by the client before sending, or by the server. */
  failed: number;
  /** Rows whose batch was sent but never answered (connection lost): they may or may not have landed. */
  unknown: number;
  /** Bytes of VoltTable parameters sent (retries included). */
  bytes: number;
  /** `@Load…Table` calls made (row-by-row retries included). */
  calls: number;
  seconds: number;
}

/** A bulk load stopped before its source was exhausted (more failed rows than `maxErrors`); `report` says what it did. */
export class BulkLoadError extends VoltError {
  override get name(): string {
    return 'BulkLoadError';
  }

  readonly report: BulkLoadCounts;

  constructor(message: string, options: VoltErrorOptions & { report: BulkLoadCounts }) {
    super(message, options, ERROR_CODE.BULK_LOAD);
    this.report = options.report;
  }
}

/**
 * An option or argument of the wrong type or outside its range, refused before anything
 * happened (`maxSlabs must be an integer >= 1, got 0`).
 */
export class InvalidArgumentError extends VoltError {
  override get name(): string {
    return 'InvalidArgumentError';
  }

  constructor(message: string, options: VoltErrorOptions = {}) {
    super(message, options, ERROR_CODE.INVALID_ARGUMENT);
  }
}

/**
 * The caller's `AbortSignal` fired while the call was pending. A signal aborted with a reason
 * rejects the call with that reason itself (as `fetch` does); this error stands in when there is
 * none, and carries the reason as `cause` where a voltwire error is needed.
 */
export class AbortedError extends VoltError {
  override get name(): string {
    return 'AbortedError';
  }

  constructor(message: string, options: VoltErrorOptions = {}) {
    super(message, options, ERROR_CODE.ABORTED);
  }
}

/**
 * Rebuild an error that crossed a thread boundary as `{ code, message }` (structured clone
 * keeps neither the class nor the brand). Unknown codes become a plain {@link VoltError}.
 */
export function errorFromCode(code: string, message: string): VoltError {
  switch (code) {
    case ERROR_CODE.PROTOCOL:
      return new ProtocolError(message);
    case ERROR_CODE.PARAMETER:
      return new ParameterError(message);
    case ERROR_CODE.CONNECTION:
      return new ConnectionError(message);
    case ERROR_CODE.CONNECTION_LOST:
      return new ConnectionLostError(message);
    case ERROR_CODE.AUTHENTICATION:
      return new AuthenticationError(message);
    case ERROR_CODE.TLS:
      return new TlsError(message);
    case ERROR_CODE.CALL_TIMEOUT:
      // The thread boundary keeps neither the timeout nor whether it was sent: say "unknown" safely.
      return new CallTimeoutError(message, { timeoutMs: 0, sent: true });
    case ERROR_CODE.PROCEDURE:
      return new ProcedureError(message, {
        procedure: '',
        status: 0,
        statusString: null,
        appStatus: 0,
        appStatusString: null,
        exception: null,
        response: null,
      });
    case ERROR_CODE.BACKPRESSURE:
      return new BackpressureError(message);
    case ERROR_CODE.NO_CONNECTIONS:
      return new NoConnectionsError(message);
    case ERROR_CODE.CLIENT_CLOSED:
      return new ClientClosedError(message);
    case ERROR_CODE.DECODE_POOL:
      return new DecodePoolError(message);
    case ERROR_CODE.INVALID_ARGUMENT:
      return new InvalidArgumentError(message);
    case ERROR_CODE.ABORTED:
      return new AbortedError(message);
    case ERROR_CODE.BULK_LOAD:
      return new BulkLoadError(message, { report: { rows: 0, inserted: 0, failed: 0, unknown: 0, bytes: 0, calls: 0, seconds: 0 } });
    default:
      return new VoltError(message);
  }
}
