/**
 * A tiny pre-11 style server on port 0 (built from the codec) that answers every invocation
 * with a failure carrying a serialized exception (response bit 0x40, PROTOCOL.md 5.2) — the
 * embedded server, like every 11.x server, never sends one. The procedure name picks the
 * exception: `None`, `EE`, `SQL`, `Constraint`, `Interrupt`, `Generic`, `Specified`.
 */
import net from 'node:net';
import { EXCEPTION_TYPE, STATUS } from '../../src/protocol/constants.js';
import { encodeSerializedException } from '../../src/protocol/exception.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { encodeLoginResponse } from '../../src/protocol/login.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';

const i32 = (value: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
};

/** Each kind: ordinal, message and type-specific tail (PROTOCOL.md 5.2). */
export const LEGACY_EXCEPTIONS: Record<string, Buffer> = {
  None: encodeSerializedException(EXCEPTION_TYPE.NONE, ''),
  EE: encodeSerializedException(EXCEPTION_TYPE.EE_EXCEPTION, 'engine said no', i32(42)),
  SQL: encodeSerializedException(EXCEPTION_TYPE.SQL_EXCEPTION, 'bad sql', Buffer.from('42000', 'latin1')),
  Constraint: encodeSerializedException(
    EXCEPTION_TYPE.CONSTRAINT_FAILURE,
    'unique violated',
    Buffer.concat([Buffer.from('23000', 'latin1'), i32(2), i32(1), Buffer.from('T'), i32(0)]),
  ),
  Interrupt: encodeSerializedException(EXCEPTION_TYPE.INTERRUPT, 'interrupted'),
  Generic: encodeSerializedException(EXCEPTION_TYPE.GENERIC, 'something generic'),
  Specified: encodeSerializedException(EXCEPTION_TYPE.SPECIFIED, 'specified', Buffer.concat([Buffer.from([0xfe]), i32(0)])),
};

export class LegacyServer {
  private readonly sockets = new Set<net.Socket>();
  private constructor(private readonly server: net.Server) {}

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  static async start(): Promise<LegacyServer> {
    const server = net.createServer();
    const legacy = new LegacyServer(server);
    server.on('connection', (socket) => legacy.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return legacy;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let loggedIn = false;
    const frames = new FrameDecoder({
      onFrame: (frame) => {
        if (!loggedIn) {
          loggedIn = true;
          socket.write(
            encodeLoginResponse({ resultCode: 0, hostId: 0, connectionId: 7n, clusterStartMs: 1_700_000_000_000n, leaderAddress: '127.0.0.1', buildString: '6.9_legacy' }),
          );
          return;
        }
        const invocation = decodeInvocation(frame);
        const exception = LEGACY_EXCEPTIONS[invocation.procedure] ?? LEGACY_EXCEPTIONS['Generic']!;
        socket.write(
          encodeResponse({ handle: invocation.handle, status: STATUS.GRACEFUL_FAILURE, statusString: `legacy ${invocation.procedure}`, clusterRoundTripMs: 3, exception, tables: [] }),
        );
      },
    });
    socket.on('data', (chunk: Buffer) => frames.push(chunk));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
