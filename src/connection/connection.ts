/**
 * One socket to one VoltDB host: connect, login, pipelined invocations, responses matched by
 * handle, late responses dropped and counted, and the loss of the connection.
 *
 * Life: `connecting` (TCP + login, bounded by `connectTimeoutMs`) → `open` → `closing`
 * (graceful: no new calls, waits for the pending ones) → `closed`. Nothing but the login
 * request is written before the login response arrives (PROTOCOL.md 2.3).
 *
 * Loss: every pending call settles exactly once with `ConnectionLostError`; `sent` is true
 * for calls already written (the server may have run them) and false for calls still queued.
 * A malformed frame (bad length prefix, unreadable response) is a `ProtocolError` that closes
 * this connection only: the call it belonged to rejects with it, the other calls on this
 * connection with `ConnectionLostError` (cause: the ProtocolError).
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { AuthenticationError, ConnectionError, ConnectionLostError, ParameterError, ProtocolError, VoltError } from '../errors.js';
import type { DecodedResponse } from '../decode/decode-response.js';
import type { BufferWriter } from '../protocol/buffer-writer.js';
import { CONNECTION_LIMIT_BYTE, LOGIN_RESULT } from '../protocol/constants.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { writeInvocation, type InvocationRequest } from '../protocol/invocation.js';
import { decodeLoginResponse, encodeLoginRequest, type LoginResponse } from '../protocol/login.js';
import { CallTracker, FAILURE_KIND } from './call-tracker.js';
import { connectionCloseChannel, connectionOpenChannel, lateResponseChannel } from './diagnostics.js';
import type { RateLimiter } from './flow-control.js';
import { CALL_STATE, InFlight, isReservedHandle, readResponseHandle, storeInvocationHandle, type CallOwner, type PendingCall } from './in-flight.js';
import { settleResponse, type ResponseDecoder } from './response-handler.js';
import { SlabPool } from './slab-pool.js';
import { WriteScheduler, type FrameProducer } from './write-scheduler.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_OUTSTANDING, type ConnectionEvents, type ConnectionOptions, type ConnectionState } from './connection-options.js';
import { DEFAULT_CALL_TIMEOUT_MS, type ConnectionCallOptions, type ConnectOptions } from './connection-options.js';
import { createResponseDecoder } from './decoding.js';
import { checkTypes } from './procedure-handle.js';
import { failLostCalls } from './connection-loss.js';
import type { WireDumpWriter } from './wire-dump.js';
import { OpenAttempt, loginRefusal, openFailure } from './login-handshake.js';
import { openSocket, socketError } from './tls.js';

// Re-exported so the connection's types travel with it.
export type { ConnectionEvents, ConnectionOptions, ConnectionState } from './connection-options.js';
export type { ConnectionCallOptions, ConnectOptions } from './connection-options.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);
/** The smallest response a handle can be read from: i32 length, i8 version, i64 handle. */
const MIN_RESPONSE_BYTES = 13;

/**
 * One socket to one VoltDB host (see the file comment): no routing, no reconnect. The managed
 * `Client` is built on it; use it directly for full control.
 *
 * ```ts
 * const connection = await Connection.connect({ host: 'localhost', port: 21212 });
 * const res = await connection.call('Vote', [5551234567n, 3, 10n], { types: ['BIGINT', 'INTEGER', 'BIGINT'], timeoutMs: 5000 });
 * console.log(res.tables[0]!.get(0, 0));
 * await connection.close();
 * ```
 */
export class Connection extends EventEmitter<ConnectionEvents> implements CallOwner, FrameProducer<PendingCall> {
  readonly host: string;
  readonly port: number;
  /** Index of this connection in the client's wire dump. */
  readonly dumpIndex: number;
  state: ConnectionState = 'connecting';
  /** The login response (build, host id, connection id, cluster start, leader). */
  login: LoginResponse | null = null;
  /** Why the connection closed, when it was lost. */
  closeError: Error | undefined = undefined;
  readonly slabs: SlabPool;
  readonly tracker: CallTracker;
  /** Bytes read / written on this socket. */
  bytesIn = 0;
  bytesOut = 0;
  /** Responses dropped because their call had already settled. */
  lateResponses = 0;
  /** Replies to fire-and-forget calls (`response: false`), dropped unread. */
  ignoredResponses = 0;

  private readonly socket: net.Socket;
  private readonly frames: FrameDecoder;
  private readonly scheduler: WriteScheduler<PendingCall>;
  private readonly inflight = new InFlight();
  private readonly maxOutstanding: number;
  private readonly decoder: ResponseDecoder;
  private readonly rate: RateLimiter | null;
  private readonly dump: WireDumpWriter | null;
  // An ES private field: `util.inspect` and loggers never see it, and it holds the password.
  readonly #options: ConnectionOptions;
  /** The one request object every invocation is encoded from (no object per call). */
  private readonly request: InvocationRequest = { procedure: '', handle: 0n, params: [], types: undefined, queryTimeoutMs: undefined };
  /** Calls submitted here and not settled (queued + written). */
  private live = 0;
  /** The connect + login attempt, until it settles. */
  private readonly opening: OpenAttempt<Connection>;
  private idle: (() => void) | null = null;
  private readonly kickBound: () => void;
  /** Handles of fire-and-forget calls whose reply has not come yet (they still hold an in-flight slot). */
  private readonly ignored = new Set<number>();
  /** Fire-and-forget calls encoded by the running flush, resolved once it handed its bytes to the socket. */
  private readonly unawaited: PendingCall[] = [];

  /**
   * Connect and log in, for direct use: a private call tracker (timeouts, statistics) unless
   * `tracker` is given, and inline decoding on this thread unless `decoder` is given.
   * Resolves with the open connection; rejects with `AuthenticationError`/`ConnectionError`.
   */
  static async connect(options: ConnectOptions): Promise<Connection> {
    const tracker = options.tracker ?? new CallTracker({ timerResolutionMs: options.timerResolutionMs });
    const decoder = options.decoder ?? createResponseDecoder({ workers: 0, timestamps: options.timestamps });
    const connection = await Connection.open({ ...options, tracker, decoder });
    if (options.tracker === undefined) connection.once('close', () => tracker.close());
    return connection;
  }

  /** Connect and log in; resolves once the server accepted the login. */
  static open(options: ConnectionOptions): Promise<Connection> {
    return new Promise((resolve, reject) => {
      // The constructor wires the callbacks; the instance reports through them.
      new Connection(options, { resolve, reject });
    });
  }

  private constructor(options: ConnectionOptions, ready: { resolve: (c: Connection) => void; reject: (e: Error) => void }) {
    super();
    this.#options = options;
    this.host = options.host;
    this.port = options.port;
    this.tracker = options.tracker ?? new CallTracker();
    this.decoder = options.decoder;
    this.rate = options.rateLimiter ?? null;
    this.dump = options.dump ?? null;
    this.dumpIndex = this.dump?.nextConnection() ?? -1;
    this.maxOutstanding = options.maxOutstanding ?? DEFAULT_MAX_OUTSTANDING;
    this.kickBound = () => this.scheduler.kick();
    this.slabs = new SlabPool({ slabBytes: options.slabBytes, maxSlabs: options.maxSlabs });
    this.frames = new FrameDecoder({
      maxFrameBytes: options.maxFrameBytes,
      // Frames the decoder sends off-thread are exactly the ones assembled in their own (transferable) buffer.
      ownBufferAtBytes: options.ownBufferAtBytes ?? options.decoder.offThreadBytes,
      onFrame: (frame) => this.onFrame(frame),
    });
    // Plain TCP, or TLS on the same port: the login goes out only after the TLS handshake has
    // verified the server ('secureConnect'), and nothing else before the login answer (PROTOCOL.md 2.3, 11).
    const opening = openSocket({ host: options.host, port: options.port, tls: options.tls });
    let handshaken = false;
    this.socket = opening.socket;
    this.scheduler = new WriteScheduler<PendingCall>(this.socket, this.slabs, this);
    this.socket.on(opening.readyEvent, () => {
      handshaken = true;
      this.onConnect();
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => {
      // While connecting, name host, port and reason (TlsError for certificate and handshake problems).
      this.closeError ??= this.state === 'connecting' ? socketError(error, options, opening.tls && !handshaken) : error;
    });
    this.socket.on('close', () => this.onClose());
    this.opening = new OpenAttempt(ready, this, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, options.signal, (error) => {
      this.closeError ??= error;
      this.socket.destroy();
    });
  }

  /** `host:port`. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  /** Calls written and awaiting a response (fire-and-forget ones included, until their reply is dropped). */
  get outstanding(): number {
    return this.inflight.size + this.ignored.size;
  }

  /** Calls waiting in the write queue (including ones settled while queued, until the flush skips them). */
  get queued(): number {
    return this.scheduler.queued;
  }

  /** Calls submitted here and not settled. */
  get pending(): number {
    return this.live;
  }

  /** True while calls wait because the socket, the in-flight limit or the slab pool is full. */
  get backpressured(): boolean {
    return this.scheduler.queued > 0 && this.scheduler.blockedOn !== 'none';
  }

  /** Bytes handed to the socket and not yet taken by the kernel (bounded by the socket's highWaterMark plus one slab). */
  get writableBytes(): number {
    return this.socket.writableLength;
  }

  /** Write-side counters: flushes, socket writes, bytes, and the slab pool's allocations. */
  get writeStats(): { flushes: number; writes: number; bytesWritten: number; allocations: number } {
    return { flushes: this.scheduler.flushes, writes: this.scheduler.writes, bytesWritten: this.scheduler.bytesWritten, allocations: this.slabs.allocations };
  }

  /**
   * Call a stored procedure on this connection. Resolves with the response on SUCCESS; rejects
   * with `ProcedureError` for any other status, `CallTimeoutError` (default timeout:
   * `callTimeoutMs` of {@link connect}, 2 minutes), `ConnectionLostError`, `ParameterError`
   * (nothing sent), or the signal's reason when aborted. With a custom `decoder` the response
   * is what that decoder returns.
   */
  call(procedure: string, params: readonly unknown[] = NO_PARAMS, options: ConnectionCallOptions = {}): Promise<DecodedResponse> {
    const counters = this.tracker.stats.counters(typeof procedure === 'string' ? procedure : String(procedure));
    const refuse = (error: unknown, kind: string): Promise<never> => {
      this.tracker.stats.failure(counters, kind, -1);
      return Promise.reject(error);
    };
    try {
      if (typeof procedure !== 'string' || procedure === '') throw new ParameterError('procedure name must be a non-empty string');
      if (!Array.isArray(params)) throw new ParameterError(`parameters of ${procedure} must be an array`, { procedure });
      if (options.types !== undefined) {
        checkTypes(procedure, options.types);
        if (options.types.length !== params.length) {
          throw new ParameterError(`${procedure} takes ${options.types.length} parameters (${options.types.join(', ')}), got ${params.length}`, { procedure });
        }
      }
    } catch (error) {
      return refuse(error, FAILURE_KIND.PARAMETER);
    }
    const signal = options.signal ?? null;
    if (signal !== null && signal.aborted) return refuse(signal.reason, FAILURE_KIND.ABORTED);
    const call = this.tracker.create(procedure, params);
    call.types = options.types;
    call.queryTimeoutMs = options.queryTimeoutMs;
    call.counters = counters;
    const promise = new Promise<unknown>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
    this.tracker.start(call, options.timeoutMs ?? this.#options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, signal, this);
    this.submit(call);
    return promise as Promise<DecodedResponse>;
  }

  /**
   * Queue a call (from `CallTracker.create`, already started). It leaves with this tick's
   * flush. On a connection that is not open the call fails at once with `ConnectionLostError`
   * (not sent).
   */
  submit(call: PendingCall): void {
    if (this.state !== 'open') {
      this.tracker.fail(
        call,
        new ConnectionLostError(`connection to ${this.address} is ${this.state}; the call was not sent`, { host: this.host, port: this.port, sent: false, cause: this.closeError }),
        FAILURE_KIND.CONNECTION_LOST,
      );
      return;
    }
    call.owner = this;
    call.inQueue = true;
    this.live++;
    this.scheduler.enqueue(call);
  }

  /** CallOwner: `call` settled. Frees its handle and in-flight slot. */
  detach(call: PendingCall): void {
    this.live--;
    if (call.handle !== 0) {
      const wasFull = this.outstanding >= this.maxOutstanding;
      this.inflight.calls.delete(call.handle);
      if (wasFull) this.scheduler.kick();
    }
    if (this.live === 0 && this.idle !== null) this.idle();
  }

  /** FrameProducer: may another call go on the wire now? */
  mayWrite(): boolean {
    if (this.outstanding >= this.maxOutstanding) return false;
    if (this.rate !== null && !this.rate.tryTake()) {
      this.rate.waitForToken(this.kickBound);
      return false;
    }
    return true;
  }

  /**
   * FrameProducer: encode one queued call (skips calls settled while queued). A refused
   * parameter throws out of here; the scheduler rolls the writer back and calls
   * {@link encodeFailed}. Everything that can throw happens before the call is marked written.
   */
  encode(writer: BufferWriter, call: PendingCall): boolean {
    if (call.state !== CALL_STATE.QUEUED) {
      this.tracker.dequeued(call);
      return false;
    }
    const request = this.request;
    request.procedure = call.procedure;
    request.params = call.params;
    request.types = call.types;
    request.queryTimeoutMs = call.queryTimeoutMs;
    try {
      writeInvocation(writer, request);
    } finally {
      request.params = NO_PARAMS;
    }
    const handle = this.inflight.issue();
    storeInvocationHandle(writer.buffer, writer.mark, handle);
    if (this.dump !== null) this.dump.record('sent', this.dumpIndex, writer.message());
    call.inQueue = false;
    call.handle = handle;
    call.state = CALL_STATE.WRITTEN;
    this.inflight.calls.set(handle, call);
    if (!call.awaitResponse) this.unawaited.push(call);
    const bytes = writer.offset - writer.mark;
    this.bytesOut += bytes;
    this.tracker.stats.bytesOut += bytes;
    return true;
  }

  /**
   * FrameProducer: the flush handed its bytes to the socket. Fire-and-forget calls written by
   * it resolve null now; their handles stay known so the replies are ignored, not misread.
   */
  flushed(): void {
    const calls = this.unawaited;
    if (calls.length === 0) return;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      // Settled meanwhile (the connection was lost during the flush): nothing to do.
      if (call.state !== CALL_STATE.WRITTEN) continue;
      this.ignored.add(call.handle);
      this.tracker.written(call);
    }
    calls.length = 0;
  }

  /** FrameProducer: `encode` threw (a refused parameter); nothing was written for `call`. */
  encodeFailed(call: PendingCall, error: unknown): void {
    call.inQueue = false;
    const refused = VoltError.is(error)
      ? error
      : new ParameterError(`cannot encode the call to ${call.procedure}: ${String(error)}`, { procedure: call.procedure, cause: error });
    this.tracker.fail(call, refused, FAILURE_KIND.PARAMETER);
  }

  /**
   * Graceful close: refuse new calls, wait until every pending call on this connection has
   * settled (each is bounded by its own timeout), then end the socket.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
    if (this.state === 'open') {
      this.state = 'closing';
      if (this.live > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.idle = null;
      if (this.state === 'closing') {
        this.socket.end();
        // A server that never closes its side must not hold the client open.
        setTimeout(() => this.socket.destroy(), 2000).unref();
      }
    }
    await closed;
  }

  /** Stop reading the socket (the decode pool is saturated); responses wait in TCP buffers. */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Read again after {@link pauseReading}. */
  resumeReading(): void {
    this.socket.resume();
  }

  /** Close now: every pending call fails with `ConnectionLostError` (or with `error`'s cause). */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    if (error !== undefined) this.closeError ??= error;
    this.socket.destroy();
  }

  private onConnect(): void {
    const frame = encodeLoginRequest({
      username: this.#options.username ?? '',
      password: this.#options.password,
      passwordHash: this.#options.passwordHash,
      scheme: this.#options.hashScheme ?? 'sha256',
      version: 1,
    });
    this.bytesOut += frame.length;
    this.tracker.stats.bytesOut += frame.length;
    if (this.dump !== null) {
      this.dump.event('open', this.dumpIndex, this.address);
      this.dump.recordLogin(this.dumpIndex, frame);
    }
    this.socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    this.tracker.stats.bytesIn += chunk.length;
    try {
      this.frames.push(chunk);
    } catch (error) {
      const problem = VoltError.is(error) ? error : new ProtocolError(`response handling failed: ${(error as Error).message}`, { cause: error });
      if (this.state === 'connecting') this.opening.fail(problem);
      else this.destroy(problem);
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.dump !== null) this.dump.record('received', this.dumpIndex, frame);
    if (this.state === 'connecting') {
      this.onLoginResponse(frame);
      return;
    }
    if (frame.length < MIN_RESPONSE_BYTES) {
      throw new ProtocolError(`response frame of ${frame.length} bytes is too short to hold a client handle (needs ${MIN_RESPONSE_BYTES})`, { offset: 0 });
    }
    if (frame[4] !== 0) throw new ProtocolError(`response version ${frame[4]} is not 0: the stream is not VoltDB responses`, { offset: 4 });
    const handle = readResponseHandle(frame);
    const call = handle > 0 ? this.inflight.calls.get(handle) : undefined;
    if (call === undefined) {
      this.onUnmatched(frame, handle);
      return;
    }
    // Decoding errors propagate to onData, which closes the connection; fail this call first
    // with the precise error so only the others see ConnectionLostError.
    try {
      settleResponse(this.tracker, this.decoder, call, frame, (error) => this.destroy(error));
    } catch (error) {
      this.tracker.fail(call, error, FAILURE_KIND.PROTOCOL);
      throw error;
    }
  }

  private onUnmatched(frame: Buffer, handle: number): void {
    if (handle > 0 && this.ignored.size > 0) {
      const wasFull = this.outstanding >= this.maxOutstanding;
      if (this.ignored.delete(handle)) {
        this.ignoredResponses++;
        this.tracker.stats.ignoredResponses++;
        if (wasFull) this.scheduler.kick();
        return;
      }
    }
    if (handle > 0 && this.inflight.wasIssued(handle)) {
      this.lateResponses++;
      this.tracker.stats.lateResponses++;
      const wide = BigInt(handle);
      if (lateResponseChannel.hasSubscribers) lateResponseChannel.publish({ host: this.host, port: this.port, handle: wide, bytes: frame.length });
      this.emit('late-response', wide);
      return;
    }
    const wide = frame.readBigInt64BE(5);
    if (isReservedHandle(wide)) {
      this.emit('unsolicited', frame, wide);
      return;
    }
    this.tracker.stats.unknownResponses++;
  }

  private onLoginResponse(frame: Buffer): void {
    const login = decodeLoginResponse(frame);
    if (login.resultCode !== LOGIN_RESULT.SUCCESS) {
      this.opening.fail(this.authenticationError(login.resultCode));
      return;
    }
    this.login = login;
    this.inflight.avoid(login.connectionId);
    this.state = 'open';
    if (connectionOpenChannel.hasSubscribers) {
      connectionOpenChannel.publish({ host: this.host, port: this.port, hostId: login.hostId, connectionId: login.connectionId });
    }
    this.opening.succeed(this);
  }

  private authenticationError(resultCode: number): AuthenticationError {
    return loginRefusal(resultCode, this, this.#options.username ?? '', this.#options.hashScheme ?? 'sha256');
  }

  private onClose(): void {
    const wasState = this.state;
    this.state = 'closed';
    if (this.opening.pending) {
      // Closed before the login answer: the connection-limit byte, a refused connection, or a server that hung up.
      const buffered = this.frames.bufferedBytes === 1 ? this.frames.peekBuffered() : null;
      const error =
        buffered !== null && buffered[0] === CONNECTION_LIMIT_BYTE ? this.authenticationError(LOGIN_RESULT.TOO_MANY_CONNECTIONS) : openFailure(this, this.closeError);
      this.opening.fail(error, false);
      this.closeError ??= error;
      this.scheduler.close();
      this.emit('close', error);
      return;
    }
    const lost = wasState === 'closing' && this.closeError === undefined ? undefined : (this.closeError ?? new ConnectionError(`${this.address} closed the connection`, { host: this.host, port: this.port }));
    this.failPending(lost);
    if (this.dump !== null) this.dump.event('close', this.dumpIndex, lost?.message ?? '');
    const login = this.login;
    // Only connections that were announced as open are announced as closed.
    if (login !== null && connectionCloseChannel.hasSubscribers) {
      connectionCloseChannel.publish({ host: this.host, port: this.port, hostId: login.hostId, connectionId: login.connectionId, error: lost });
    }
    this.emit('close', lost);
  }

  /** Settle every call still on this connection with ConnectionLostError. */
  private failPending(cause: Error | undefined): void {
    const queued = this.scheduler.close();
    this.rate?.cancel(this.kickBound);
    failLostCalls(this.tracker, this, queued, [...this.inflight.calls.values()], cause);
    this.ignored.clear();
  }
}
