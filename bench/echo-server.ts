/**
 * The thinnest possible VoltDB-protocol server, for measuring the *client's* ceiling: it logs
 * anyone in and answers every invocation with one canned response (one BIGINT row, like
 * Vote's answer) carrying the request's handle — no parameter decoding, no procedure. All the
 * answers to one TCP chunk leave in one write. Run it in its own process:
 *
 *   node dist/bench/echo-server.js            # prints {"event":"listening","ports":[N]}
 */
import net from 'node:net';
import { FrameDecoder } from '../src/protocol/frame-decoder.js';
import { encodeLoginResponse } from '../src/protocol/login.js';
import { encodeResponse } from '../src/protocol/response-writer.js';

const LOGIN = encodeLoginResponse({
  resultCode: 0,
  hostId: 0,
  connectionId: 1n,
  clusterStartMs: BigInt(Date.now()),
  leaderAddress: '127.0.0.1',
  buildString: 'voltwire-echo-server',
});
const ANSWER = encodeResponse({ handle: 0n, status: 1, clusterRoundTripMs: 0, tables: [{ columns: [{ name: '', type: 6 }], rows: [[0n]] }] });

function serve(socket: net.Socket): void {
  socket.setNoDelay(true);
  let loggedIn = false;
  let out = Buffer.allocUnsafe(64 * 1024);
  let used = 0;
  const decoder = new FrameDecoder({
    onFrame(frame) {
      if (!loggedIn) {
        loggedIn = true;
        socket.write(LOGIN);
        return;
      }
      // v0/v2: i32 length, i8 version, str name, i64 handle; v1 has the timeout first.
      let at = 5;
      if (frame[4] === 1) at += frame[5] === 1 ? 5 : 1;
      at += 4 + frame.readInt32BE(at);
      if (used + ANSWER.length > out.length) {
        socket.write(out.subarray(0, used));
        out = Buffer.allocUnsafe(out.length);
        used = 0;
      }
      ANSWER.copy(out, used);
      frame.copy(out, used + 5, at, at + 8);
      used += ANSWER.length;
    },
  });
  socket.on('data', (chunk) => {
    decoder.push(chunk);
    if (used > 0) {
      socket.write(out.subarray(0, used));
      out = Buffer.allocUnsafe(out.length);
      used = 0;
    }
  });
  socket.on('error', () => socket.destroy());
}

const server = net.createServer(serve);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const port = (server.address() as net.AddressInfo).port;
  process.stdout.write(JSON.stringify({ event: 'listening', host: '127.0.0.1', ports: [port], pid: process.pid }) + '\n');
});
const stop = (): void => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
