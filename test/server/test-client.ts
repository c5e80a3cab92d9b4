/**
 * A minimal pipelining test client for the embedded server, built only on the project's codec
 * (encodeLoginRequest / encodeInvocation / FrameDecoder / readResponseHeader / readTableLayout /
 * readValue) — no client library, so server tests do not depend on the client's code.
 */
import { connect, type Socket } from 'node:net';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { encodeInvocation, type InvocationRequest } from '../../src/protocol/invocation-writer.js';
import { decodeLoginResponse, encodeLoginRequest, type LoginRequestOptions, type LoginResponse } from '../../src/protocol/login.js';
import { readResponseHeader, readTableLayout, type ResponseHeader } from '../../src/protocol/response.js';
import { readValue, type TimestampMode } from '../../src/protocol/value-reader.js';

export interface DecodedTable {
  status: number;
  columns: readonly { name: string; type: number }[];
  rows: unknown[][];
}

export interface Reply extends Omit<ResponseHeader, 'tableCount' | 'tablesOffset'> {
  tables: DecodedTable[];
  frame: Buffer;
}

/** Decode every table of a response frame into plain rows. */
export function decodeFrame(frame: Buffer, timestamps: TimestampMode = 'bigint'): Reply {
  const header = readResponseHeader(frame);
  const tables: DecodedTable[] = [];
  let offset = header.tablesOffset;
  for (let t = 0; t < header.tableCount; t++) {
    const layout = readTableLayout(frame, offset);
    const reader = new BufferReader(frame, layout.rowsOffset, layout.end);
    const rows: unknown[][] = [];
    for (let r = 0; r < layout.rowCount; r++) {
      reader.int32();
      rows.push(layout.columns.map((c) => readValue(reader, c.type, timestamps)));
    }
    tables.push({ status: layout.status, columns: layout.columns, rows });
    offset = layout.end;
  }
  const { tableCount: _count, tablesOffset: _offset, ...rest } = header;
  return { ...rest, tables, frame };
}

/** A socket with a frame queue: `next()` resolves with the next whole frame; `closed` when the peer closes. */
export class FrameSocket {
  readonly socket: Socket;
  private readonly frames: Buffer[] = [];
  private readonly waiters: { resolve: (frame: Buffer) => void; reject: (error: Error) => void }[] = [];
  readonly received: Buffer[] = [];
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    const decoder = new FrameDecoder({
      onFrame: (frame) => {
        const copy = Buffer.from(frame);
        const waiter = this.waiters.shift();
        if (waiter !== undefined) waiter.resolve(copy);
        else this.frames.push(copy);
      },
    });
    socket.on('data', (chunk: Buffer) => {
      this.received.push(Buffer.from(chunk));
      try {
        decoder.push(chunk);
      } catch {
        // raw-byte fault tests inspect `received` instead
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('socket closed'));
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  static open(port: number, host = '127.0.0.1'): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => resolve(new FrameSocket(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  next(timeoutMs = 5000): Promise<Buffer> {
    const ready = this.frames.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.ended) return Promise.reject(new Error('socket closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (frame: Buffer) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref(); // the socket keeps the process alive while it is open
      this.waiters.push(waiter);
    });
  }

  /** Bytes received so far, concatenated. */
  bytes(): Buffer {
    return Buffer.concat(this.received);
  }

  close(): void {
    this.socket.destroy();
  }
}

export class TestClient {
  private handle = 1n;
  readonly pending = new Map<bigint, (reply: Reply) => void>();

  private constructor(
    readonly connection: FrameSocket,
    readonly login: LoginResponse,
    private readonly timestamps: TimestampMode,
  ) {
    void this.pump();
  }

  static async connect(port: number, login: LoginRequestOptions = {}, timestamps: TimestampMode = 'bigint'): Promise<TestClient> {
    const connection = await FrameSocket.open(port);
    connection.send(encodeLoginRequest(login));
    const response = decodeLoginResponse(await connection.next());
    if (response.resultCode !== 0) {
      connection.close();
      throw new Error(`login failed with code ${response.resultCode}`);
    }
    return new TestClient(connection, response, timestamps);
  }

  private async pump(): Promise<void> {
    for (;;) {
      let frame: Buffer;
      try {
        frame = await this.connection.next(24 * 3600 * 1000);
      } catch {
        return;
      }
      const reply = decodeFrame(frame, this.timestamps);
      const resolve = this.pending.get(reply.handle);
      this.pending.delete(reply.handle);
      resolve?.(reply);
    }
  }

  /** Send one invocation; resolves with its decoded reply. */
  call(procedure: string, params: readonly unknown[] = [], options: Omit<InvocationRequest, 'procedure' | 'handle' | 'params'> = {}): Promise<Reply> {
    const handle = this.handle++;
    const frame = encodeInvocation({ procedure, handle, params, ...options });
    return new Promise((resolve) => {
      this.pending.set(handle, resolve);
      this.connection.send(frame);
    });
  }

  /** Call and expect SUCCESS; returns the tables. */
  async ok(procedure: string, params: readonly unknown[] = [], options: Omit<InvocationRequest, 'procedure' | 'handle' | 'params'> = {}): Promise<DecodedTable[]> {
    const reply = await this.call(procedure, params, options);
    if (reply.status !== 1) throw new Error(`${procedure} failed: ${reply.status} ${reply.statusString}`);
    return reply.tables;
  }

  close(): void {
    this.connection.close();
  }
}
