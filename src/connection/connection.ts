/**
 * One socket to one VoltDB host: its life, and the call path over it — pipelined invocations
 * out, responses matched by handle back in, late responses dropped and counted.
 *
 * Life: `connecting` (TCP + login, bounded by `connectTimeoutMs`; login-handshake.ts) → `open`
 * → `closing` (graceful: no new calls, waits for the pending ones) → `closed` (every pending
 * call settles exactly once with `ConnectionLostError`; connection-loss.ts). A malformed frame
 * (bad length prefix, unreadable response) is a `ProtocolError` that closes this connection
 * only: the call it belonged to rejects with it, the others with `ConnectionLostError`.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { ProtocolError, VoltError } from '../errors.js';
import { ResponseDecoder, type DecodedResponse } from '../decode/decode-response.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import type { LoginResponse } from '../protocol/login.js';
import { CallTracker, FAILURE_KIND } from '../calls/call-tracker.js';
import type { PendingCall } from '../calls/pending-call.js';
import { CALLS, ConnectionCalls } from './connection-calls.js';
import { SlabPool, WriteScheduler } from './write-scheduler.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_OUTSTANDING, type ConnectionEvents, type ConnectionOptions, type ConnectionState } from './connection-options.js';
import { DEFAULT_CALL_TIMEOUT_MS, type ConnectionCallOptions, type ConnectOptions } from './connection-options.js';
import { checkCall, countersFor, startCall, type CallDefaults } from '../calls/start-call.js';
import { announceClose, failLostCalls, lossCause } from './connection-loss.js';
import { applicationFrameLimit, frameTooLarge, refusedFrameOwner, streamFrameLimit } from './frame-limit.js';
import type { WireDumpWriter } from './wire-dump.js';
import { LoginHandshake } from './login-handshake.js';

// Re-exported so the connection's types travel with it.
export type { ConnectionEvents, ConnectionOptions, ConnectionState } from './connection-options.js';
export type { ConnectionCallOptions, ConnectOptions } from './connection-options.js';

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

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
export class Connection extends EventEmitter<ConnectionEvents> {
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
  private readonly dump: WireDumpWriter | null;
  /** What {@link call} fills in when its options leave it out. */
  private readonly callDefaults: CallDefaults;
  /** The application's `maxFrameBytes` (the stream's own limit may be higher: frame-limit.ts). */
  private readonly maxFrameBytes: number;
  /** The connect + login attempt (it holds the credentials until it settles). */
  private readonly opening: LoginHandshake<Connection>;
  /** Reading paused by {@link pauseReading}. */
  private paused = false;
  /** Its calls: handles, queueing, encoding, matching responses (connection-calls.ts). */
  readonly #calls: ConnectionCalls;
  /**
   * The same calls, where `startCall` queues a call routed here — keyed by a symbol the package
   * does not export, and not enumerable: a field the engine reads, not a method of the public type.
   */
  declare readonly [CALLS]: ConnectionCalls;

  /**
   * Connect and log in, for direct use: a private call tracker (timeouts, statistics) unless
   * `tracker` is given, and inline decoding on this thread unless `decoder` is given.
   * Resolves with the open connection; rejects with `AuthenticationError`/`ConnectionError`.
   */
  static async connect(options: ConnectOptions): Promise<Connection> {
    const tracker = options.tracker ?? new CallTracker({ timerResolutionMs: options.timerResolutionMs });
    const decoder = options.decoder ?? new ResponseDecoder({ timestamps: options.timestamps });
    const connection = await Connection.open({ ...options, tracker, decoder });
    if (options.tracker === undefined) connection.once('close', () => tracker.close());
    return connection;
  }

  /** Connect and log in; resolves once the server accepted the login. */
  static open(options: ConnectionOptions): Promise<Connection> {
    // The constructor wires the callbacks; the instance reports through them.
    return new Promise((resolve, reject) => void new Connection(options, { resolve, reject }));
  }

  private constructor(options: ConnectionOptions, ready: { resolve: (c: Connection) => void; reject: (e: Error) => void }) {
    super();
    this.host = options.host;
    this.port = options.port;
    this.tracker = options.tracker ?? new CallTracker();
    this.dump = options.dump ?? null;
    this.dumpIndex = this.dump?.nextConnection() ?? -1;
    this.callDefaults = { timeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS };
    this.slabs = new SlabPool({ slabBytes: options.slabBytes, maxSlabs: options.maxSlabs });
    this.maxFrameBytes = applicationFrameLimit(options.maxFrameBytes);
    this.#calls = new ConnectionCalls(this, {
      tracker: this.tracker,
      decoder: options.decoder,
      rateLimiter: options.rateLimiter ?? null,
      dump: this.dump,
      dumpIndex: this.dumpIndex,
      maxOutstanding: options.maxOutstanding ?? DEFAULT_MAX_OUTSTANDING,
      maxFrameBytes: this.maxFrameBytes,
      // Closes the connection on an off-thread decoding error (one function, not one per response).
      destroy: (error) => this.destroy(error),
    });
    this.frames = new FrameDecoder({
      maxFrameBytes: streamFrameLimit(options.maxFrameBytes),
      // The decode layer says which frames go off-thread: those are assembled in their own shared memory.
      ownBufferAtBytes: options.decoder.ownBufferAtBytes,
      onFrame: (frame) => this.onFrame(frame),
    });
    this.opening = new LoginHandshake(ready, this, options, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, options.signal, (error) => {
      this.closeError ??= error;
      this.socket.destroy();
    });
    this.socket = this.opening.socket;
    Object.defineProperty(this, CALLS, { value: this.#calls });
    this.scheduler = new WriteScheduler<PendingCall>(this.socket, this.slabs, this.#calls);
    this.#calls.scheduler = this.scheduler;
    this.socket.on(this.opening.readyEvent, () => this.onConnect());
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => {
      this.closeError ??= this.state === 'connecting' ? this.opening.socketError(error) : error;
    });
    this.socket.on('close', () => this.onClose());
  }

  /** `host:port`. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  /** Calls written and awaiting a response (fire-and-forget ones included, until their reply is dropped). */
  get outstanding(): number {
    return this.#calls.handles.size;
  }

  /** Calls waiting in the write queue (including ones settled while queued, until the flush skips them). */
  get queued(): number {
    return this.scheduler.queued;
  }

  /** Calls submitted here and not settled. */
  get pending(): number {
    return this.#calls.live;
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
    const tracker = this.tracker;
    const counters = countersFor(tracker.stats, typeof procedure === 'string' ? procedure : String(procedure));
    const refused = checkCall(procedure, params, options.types, options);
    if (refused !== null) return tracker.refuse(counters, refused, FAILURE_KIND.PARAMETER);
    const signal = options.signal;
    if (signal !== undefined && signal.aborted) return tracker.refuse(counters, signal.reason, FAILURE_KIND.ABORTED);
    return startCall(this.#calls, procedure, params, options.types, options, this.callDefaults, counters) as Promise<DecodedResponse>;
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
      const calls = this.#calls;
      if (calls.live > 0) await new Promise<void>((resolve) => (calls.onIdle = resolve));
      calls.onIdle = null;
      if (this.state === 'closing') {
        this.socket.end();
        // A server that never closes its side must not hold the client open.
        setTimeout(() => this.socket.destroy(), 2000).unref();
      }
    }
    await closed;
  }

  /** True from {@link pauseReading} to {@link resumeReading}: no bytes can arrive, so silence means nothing. */
  get readingPaused(): boolean {
    return this.paused;
  }

  /** Stop reading the socket (the decode pool is saturated); responses wait in TCP buffers. */
  pauseReading(): void {
    this.paused = true;
    this.socket.pause();
  }

  /** Read again after {@link pauseReading}. */
  resumeReading(): void {
    this.paused = false;
    this.socket.resume();
  }

  /** Close now: every pending call fails with `ConnectionLostError` (or with `error`'s cause). */
  destroy(error?: Error): void {
    if (this.state === 'closed') return;
    if (error !== undefined) this.closeError ??= error;
    this.socket.destroy();
  }

  private onConnect(): void {
    const frame = this.opening.request();
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
      if (this.state === 'connecting') {
        this.opening.unframed(chunk, problem);
        return;
      }
      // A refused length prefix: its call gets the error itself (frame-limit.ts), the rest are lost.
      const owner = refusedFrameOwner(this.frames.refusedHead, this.#calls.handles.calls);
      const why = owner === undefined ? problem : frameTooLarge(owner.procedure, this.frames.refusedHead!.readInt32BE(0), this.maxFrameBytes, problem);
      if (owner !== undefined) this.tracker.fail(owner, why, FAILURE_KIND.PROTOCOL);
      this.destroy(why);
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.dump !== null) this.dump.record('received', this.dumpIndex, frame);
    if (this.state === 'connecting') {
      this.onLoginResponse(frame);
      return;
    }
    this.#calls.received(frame);
  }

  private onLoginResponse(frame: Buffer): void {
    const login = this.opening.answer(frame);
    if (login === null) return;
    this.login = login;
    this.#calls.handles.avoid(login.connectionId);
    this.state = 'open';
    this.opening.succeed(this);
  }

  private onClose(): void {
    const wasState = this.state;
    this.state = 'closed';
    if (this.opening.pending) {
      // Closed before the login answer: the connection-limit byte, a refused connection, or a server that hung up.
      const error = this.opening.closed(this.frames.bufferedBytes === 1 ? this.frames.peekBuffered() : null, this.closeError);
      this.closeError ??= error;
      this.scheduler.close();
      this.emit('close', error);
      return;
    }
    const lost = lossCause(this, wasState === 'closing', this.closeError);
    const queued = this.scheduler.close();
    this.#calls.stopWaiting();
    failLostCalls(this.tracker, this, queued, this.#calls.handles, lost);
    announceClose(this, this.login, this.dump, this.dumpIndex, lost);
    this.emit('close', lost);
  }
}
