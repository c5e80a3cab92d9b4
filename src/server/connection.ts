/**
 * One client socket on a server node: login, then pipelined invocations answered with their
 * handles.
 *
 * Output batching: every response is encoded (by the codec's `writeResponse`) into the
 * connection's current slab; the slab goes to the socket in ONE write when the chunk that
 * carried the requests has been handled (or, for asynchronous procedures, on the next tick).
 * A slab belongs to the socket until its write callback, then returns to the node's pool.
 * When the socket needs draining the connection stops reading (TCP backpressure) until
 * 'drain'.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { VoltError } from '../errors.js';
import { BufferReader } from '../protocol/buffer-reader.js';
import { BufferWriter } from '../protocol/buffer-writer.js';
import { INVOCATION_VERSION, LOGIN_RESULT, SERVER_MAX_FRAME_BYTES, STATUS } from '../protocol/constants.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeInvocation, type DecodedInvocation } from '../protocol/invocation-reader.js';
import { encodeLoginResponse } from '../protocol/login.js';
import { writeResponse, type ResponseInput } from '../protocol/response-writer.js';
import type { Authenticator } from './authentication.js';
import { dispatch, failureResponse, type NodeCounters } from './dispatcher.js';
import { failure, malformedInvocation, unexpectedFailure } from './failure-responses.js';
import type { Faults } from './faults.js';
import type { ClusterContext, ConnectionInfo, NodeInfo } from './procedure.js';

/** What a connection needs from its node. */
export interface ConnectionHost {
  readonly cluster: ClusterContext;
  readonly info: NodeInfo;
  readonly counters: NodeCounters & { bytesReceived: number; bytesSent: number; logins: number; failedLogins: number };
  readonly faults: Faults;
  readonly authenticator: Authenticator;
  readonly loginTimeoutMs: number;
  nextConnectionId(): bigint;
  /** A slab of at least `minimum` bytes; `outgrown`: the size of the slab a message outgrew (it grows geometrically). */
  takeSlab(minimum: number, outgrown?: number): Buffer;
  releaseSlab(slab: Buffer): void;
  subscribe(connection: ServerConnection): void;
  closed(connection: ServerConnection): void;
}

/**
 * The handle of an invocation whose parameters could not be decoded (header intact), or null
 * when the header itself is broken. Reads only the header fields, with the codec's reader.
 */
function headerHandle(frame: Buffer): bigint | null {
  try {
    const r = new BufferReader(frame, 4);
    const version = r.int8();
    if (version === INVOCATION_VERSION.BATCH_TIMEOUT && r.int8() === 1) r.int32();
    else if (version !== INVOCATION_VERSION.ORIGINAL && version !== INVOCATION_VERSION.EXTENSIBLE && version !== INVOCATION_VERSION.BATCH_TIMEOUT) return null;
    const name = r.string();
    if (name === null || name.length === 0) return null;
    return r.int64();
  } catch {
    return null;
  }
}

export class ServerConnection implements ConnectionInfo {
  readonly id: bigint;
  private readonly decoder: FrameDecoder;
  private writer: BufferWriter;
  private loggedIn = false;
  private answered = 0;
  private flushScheduled = false;
  private closing = false;
  private loginTimer: NodeJS.Timeout | null;
  subscribed = false;

  constructor(
    private readonly host: ConnectionHost,
    readonly socket: Socket,
  ) {
    this.id = host.nextConnectionId();
    this.writer = new BufferWriter(host.takeSlab(0), (minimum, finished, end) => this.overflow(minimum, finished, end));
    this.decoder = new FrameDecoder({ maxFrameBytes: SERVER_MAX_FRAME_BYTES, ownBufferAtBytes: Infinity, onFrame: (frame) => this.onFrame(frame) });
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      if (!this.host.faults.stopReading) socket.resume();
    });
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.cleanup());
    if (host.faults.stopReading) socket.pause();
    this.loginTimer = setTimeout(() => this.destroy(), host.loginTimeoutMs);
    this.loginTimer.unref();
  }

  subscribe(): void {
    if (!this.subscribed) {
      this.subscribed = true;
      this.host.subscribe(this);
    }
  }

  /** Pause or resume reading (the `stopReading` fault). */
  setReading(reading: boolean): void {
    if (reading) this.socket.resume();
    else this.socket.pause();
  }

  destroy(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.destroy();
    this.cleanup();
  }

  /** Queue a response (for a pushed notification or an answer) and flush on the next tick. */
  push(response: ResponseInput): void {
    if (this.closing) return;
    this.queue(response);
    this.scheduleFlush();
  }

  private cleanup(): void {
    this.closing = true;
    if (this.loginTimer !== null) clearTimeout(this.loginTimer);
    this.loginTimer = null;
    this.host.closed(this);
  }

  private onData(chunk: Buffer): void {
    this.host.counters.bytesReceived += chunk.length;
    try {
      this.decoder.push(chunk);
    } catch (error) {
      // A bad length prefix or an undecodable stream: VoltDB drops the connection, no answer.
      // Anything else is a bug of this server: drop the connection too, but say so.
      if (!VoltError.is(error)) process.emitWarning(`voltwire embedded server dropped connection ${this.id}: ${String(error)}`);
      this.destroy();
      return;
    }
    this.flush();
  }

  private onFrame(frame: Buffer): void {
    if (this.closing) return;
    if (!this.loggedIn) {
      this.login(frame);
      return;
    }
    const faults = this.host.faults;
    if (faults.closeAfterFrames !== null && this.answered >= faults.closeAfterFrames) {
      this.flush();
      this.socket.end(() => this.destroy());
      this.closing = true;
      return;
    }
    let invocation: DecodedInvocation;
    try {
      invocation = decodeInvocation(frame, { timestamps: 'bigint' });
    } catch (error) {
      const handle = headerHandle(frame);
      const detail = error instanceof Error ? error.message : String(error);
      const reason = handle === null ? malformedInvocation(detail) : failure('', { status: STATUS.UNEXPECTED_FAILURE, statusString: `Error deserializing the procedure parameters: ${detail}` });
      this.answered++;
      this.queue(failureResponse(handle ?? this.id, reason, ''));
      return;
    }
    if (faults.ignorePings && invocation.procedure === '@Ping') return;
    this.answered++;
    const result = dispatch(this.host.cluster, this.host.info, this.host.counters, this, invocation, frame.length);
    if (result instanceof Promise) {
      void result.then((response) => this.push(response));
    } else {
      this.queue(result);
    }
  }

  private login(frame: Buffer): void {
    if (this.loginTimer !== null) clearTimeout(this.loginTimer);
    this.loginTimer = null;
    const refusal = this.host.faults.loginRefusal();
    const code = refusal ?? this.host.authenticator.check(frame).code;
    if (code !== LOGIN_RESULT.SUCCESS) {
      this.host.counters.failedLogins++;
      this.closing = true;
      this.socket.end(encodeLoginResponse({ resultCode: code }), () => this.destroy());
      return;
    }
    this.loggedIn = true;
    this.host.counters.logins++;
    const cluster = this.host.cluster;
    this.writeRaw(
      encodeLoginResponse({
        resultCode: LOGIN_RESULT.SUCCESS,
        hostId: this.host.info.hostId,
        connectionId: this.id,
        clusterStartMs: BigInt(cluster.clusterStartMs),
        leaderAddress: '127.0.0.1',
        buildString: cluster.buildString,
      }),
    );
  }

  /** Encode a response into the current slab (faults may replace or cut it). */
  private queue(response: ResponseInput): void {
    const faults = this.host.faults;
    const w = this.writer;
    if (faults.altersResponses) {
      this.faultyResponse(response);
      return;
    }
    try {
      writeResponse(w, response);
    } catch (error) {
      // A procedure returned a value its column type cannot hold: answer that instead.
      writeResponse(w, failureResponse(response.handle, unexpectedFailure('', error instanceof Error ? error.message : String(error)), ''));
    }
  }

  private faultyResponse(response: ResponseInput): void {
    const faults = this.host.faults;
    const w = this.writer;
    w.begin();
    if (faults.sendOversized) {
      w.int32(0x7fffffff);
      w.raw(Buffer.from([0, 0, 0, 0]));
      return;
    }
    if (faults.sendGarbage) {
      const frame = w.reserveLength();
      w.raw(Buffer.from([0x7f, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
      w.fillLength(frame);
      return;
    }
    writeResponse(w, response);
    const cut = w.mark + Math.max(1, Math.floor(w.messageLength / 2));
    const bytes = Buffer.from(w.buffer.subarray(0, cut));
    w.useSlab(w.buffer, 0);
    this.closing = true;
    this.host.counters.bytesSent += bytes.length;
    this.socket.end(bytes, () => this.destroy());
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Hand the bytes encoded so far to the socket in one write. */
  private flush(): void {
    const w = this.writer;
    if (w.offset === 0 || this.closing) return;
    const slab = w.buffer;
    const end = w.offset;
    this.writer.useSlab(this.host.takeSlab(0), 0);
    this.send(slab, end);
  }

  /** The writer's slab is full: send its complete responses and continue in a slab of at least `minimum` bytes. */
  private overflow(minimum: number, finished: Buffer, end: number): Buffer {
    if (end > 0) this.send(finished, end);
    else this.host.releaseSlab(finished);
    return this.host.takeSlab(minimum, finished.length);
  }

  private send(slab: Buffer, end: number): void {
    this.host.counters.bytesSent += end;
    const delay = this.host.faults.delayMs;
    const write = (): void => {
      if (this.socket.destroyed) {
        this.host.releaseSlab(slab);
        return;
      }
      const more = this.socket.write(slab.subarray(0, end), () => this.host.releaseSlab(slab));
      if (!more) this.socket.pause();
    };
    if (delay > 0) setTimeout(write, delay);
    else write();
  }

  private writeRaw(bytes: Buffer): void {
    this.host.counters.bytesSent += bytes.length;
    this.socket.write(bytes);
  }
}
