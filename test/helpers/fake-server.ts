/**
 * A minimal VoltDB-protocol server on port 0 for connection tests, built from the codec.
 * (The embedded server in src/server is the full one; this fake exists so the connection layer
 * can be tested in isolation and with faults the full server does not need.)
 *
 * Procedures: `@Ping`; `Echo(x)` → one BIGINT/STRING row with x; `Sleep(ms, x)` answers after
 * ms; `Fail` → GRACEFUL_FAILURE; `Big(n)` → a table of n BIGINT rows; anything else →
 * UNEXPECTED_FAILURE "Procedure X was not found".
 */
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { decodeLoginRequest, encodeLoginResponse, hashPassword } from '../../src/protocol/login.js';
import { encodeResponse, type ResponseInput } from '../../src/protocol/response-writer.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';

export interface FakeServerOptions {
  username?: string;
  password?: string;
  /** Accept only this hash scheme (answer -1 otherwise). Default: both. */
  scheme?: 'sha256' | 'sha1';
  connectionId?: bigint;
}

export interface FakeFaults {
  /** Delay every response by this many ms. */
  delayMs: number;
  /** Pause reading client sockets (TCP backpressure). */
  stopReading: boolean;
  /** Close a connection after this many invocation frames were received. */
  closeAfterFrames: number;
  /** Instead of the response to the Nth invocation, send half of it and close. */
  closeMidFrameAt: number;
  /** Instead of the response to the Nth invocation, send a frame with a bad length prefix. */
  garbageAt: number;
  /** Answer logins with this failure result code. */
  refuseLogin: number | null;
  /** Send the raw connection-limit byte and close instead of a login answer. */
  connectionLimit: boolean;
  /** Never answer logins. */
  silentLogin: boolean;
  /** Answer the Nth invocation with a well-framed but unreadable response body. */
  malformedAt: number;
}

export class FakeServer {
  readonly faults: FakeFaults = FakeServer.noFaults();

  private static noFaults(): FakeFaults {
    return {
    delayMs: 0,
    stopReading: false,
    closeAfterFrames: Infinity,
    closeMidFrameAt: Infinity,
    garbageAt: Infinity,
    refuseLogin: null,
    connectionLimit: false,
    silentLogin: false,
    malformedAt: Infinity,
    };
  }

  /** Back to no faults (and resume reading). */
  resetFaults(): void {
    Object.assign(this.faults, FakeServer.noFaults());
    for (const socket of this.sockets) socket.resume();
  }

  readonly sockets = new Set<net.Socket>();
  /**
   * Invocations received, in order; `unanswered` counts the calls on that connection received
   * and not yet answered, this one included (how many the client had on the wire).
   */
  readonly invocations: { procedure: string; handle: bigint; params: unknown[]; batchTimeoutMs: number | null; unanswered: number }[] = [];
  logins = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly dying = new WeakSet<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly options: FakeServerOptions,
  ) {}

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const server = net.createServer();
    const fake = new FakeServer(server, options);
    server.on('connection', (socket) => fake.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Resume reading every socket (after `stopReading`). */
  resumeReading(): void {
    this.faults.stopReading = false;
    for (const socket of this.sockets) socket.resume();
  }

  /** Send a SUCCESS response with `handle` to every logged-in client (a push, or a stray answer). */
  push(handle: bigint): void {
    const frame = encodeResponse({ handle, status: STATUS.SUCCESS, tables: [] });
    for (const socket of this.sockets) socket.write(frame);
  }

  /** Write raw bytes to every client. */
  writeRaw(bytes: Uint8Array): void {
    for (const socket of this.sockets) socket.write(bytes);
  }

  /** Kill every client connection now. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let loggedIn = false;
    let count = 0;
    const pending = { unanswered: 0 };
    const decoder = new FrameDecoder({
      onFrame: (frame) => {
        if (!loggedIn) {
          loggedIn = this.login(socket, frame);
          return;
        }
        count++;
        const call = decodeInvocation(frame);
        pending.unanswered++;
        this.invocations.push({ procedure: call.procedure, handle: call.handle, params: call.params, batchTimeoutMs: call.batchTimeoutMs, unanswered: pending.unanswered });
        if (count >= this.faults.closeAfterFrames) {
          socket.destroy();
          return;
        }
        this.answer(socket, pending, count, call.procedure, call.handle, call.params);
      },
    });
    socket.on('data', (chunk) => {
      try {
        decoder.push(chunk);
      } catch {
        socket.destroy();
      }
      if (this.faults.stopReading) socket.pause();
    });
    if (this.faults.stopReading) socket.pause();
  }

  private login(socket: net.Socket, frame: Buffer): boolean {
    this.logins++;
    if (this.faults.silentLogin) return false;
    if (this.faults.connectionLimit) {
      socket.end(Buffer.from([1]));
      return false;
    }
    const request = decodeLoginRequest(frame);
    const scheme = request.scheme === 1 ? 'sha256' : 'sha1';
    let code = this.faults.refuseLogin ?? 0;
    if (this.options.scheme !== undefined && this.options.scheme !== scheme) code = -1;
    if (this.options.password !== undefined) {
      const expected = hashPassword(this.options.password, scheme);
      if (expected.length !== request.digest.length || !timingSafeEqual(expected, request.digest)) code = -1;
    }
    if (this.options.username !== undefined && this.options.username !== request.username) code = -1;
    if (code !== 0) {
      socket.end(encodeLoginResponse({ resultCode: code }));
      return false;
    }
    socket.write(
      encodeLoginResponse({
        resultCode: 0,
        hostId: 3,
        connectionId: this.options.connectionId ?? 77n,
        clusterStartMs: 1_700_000_000_000n,
        leaderAddress: '127.0.0.1',
        buildString: 'fake-server',
      }),
    );
    return true;
  }

  private answer(socket: net.Socket, pending: { unanswered: number }, count: number, procedure: string, handle: bigint, params: unknown[]): void {
    let delay = this.faults.delayMs;
    let response: ResponseInput;
    switch (procedure) {
      case '@Ping':
        response = { handle, status: STATUS.SUCCESS, statusString: 'SUCCESS', tables: [{ columns: [{ name: 'STATUS', type: VOLT_TYPE.BIGINT }], rows: [[0n]] }] };
        break;
      case 'Echo':
      case 'Sleep': {
        if (procedure === 'Sleep') delay += Number(params[0]);
        const value = procedure === 'Sleep' ? params[1] : params[0];
        const type = typeof value === 'string' ? VOLT_TYPE.STRING : VOLT_TYPE.BIGINT;
        const cell = typeof value === 'string' || value === null || value === undefined ? (value ?? null) : BigInt(value as number | bigint);
        response = { handle, status: STATUS.SUCCESS, tables: [{ columns: [{ name: 'VALUE', type }], rows: [[cell]] }] };
        break;
      }
      case 'Big': {
        const rows: bigint[][] = [];
        for (let i = 0; i < Number(params[0]); i++) rows.push([BigInt(i)]);
        response = { handle, status: STATUS.SUCCESS, tables: [{ columns: [{ name: 'N', type: VOLT_TYPE.BIGINT }], rows }] };
        break;
      }
      case 'Fail':
        response = { handle, status: STATUS.GRACEFUL_FAILURE, statusString: 'constraint violated', appStatus: 7, appStatusString: 'app said no' };
        break;
      default:
        response = { handle, status: STATUS.UNEXPECTED_FAILURE, statusString: `Procedure ${procedure} was not found` };
    }
    let bytes = encodeResponse(response);
    if (count === this.faults.malformedAt) {
      // Well framed, right handle, but the body stops after 3 bytes of header: unreadable.
      bytes = Buffer.concat([bytes.subarray(0, 13), Buffer.from([0xff, 0xff, 0xff])]);
      bytes.writeInt32BE(bytes.length - 4, 0);
    }
    const send = (): void => {
      if (socket.destroyed || this.dying.has(socket)) return;
      pending.unanswered--;
      if (count === this.faults.closeMidFrameAt) {
        // Half a frame, then nothing more: the server died while writing.
        this.dying.add(socket);
        socket.write(bytes.subarray(0, Math.max(5, bytes.length >> 1)), () => socket.destroy());
        return;
      }
      if (count === this.faults.garbageAt) {
        socket.write(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]));
        return;
      }
      socket.write(bytes);
    };
    if (delay > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, delay);
      this.timers.add(timer);
    } else {
      send();
    }
  }
}
