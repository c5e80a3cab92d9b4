/**
 * A VoltDB server that logs clients in properly, then answers each call with a seeded choice
 * of trouble: a good response, a mutated or spliced one, another call's handle, garbage, a
 * response split at random points across TCP writes with random delays, silence, a reset
 * (RST), or a half-close (FIN, then nothing). Loopback only (127.0.0.1, port 0).
 *
 * Every decision comes from one {@link Random} seeded by the run, so a run is reproducible
 * up to the timing of the sockets themselves.
 */
import net from 'node:net';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { encodeLoginResponse } from '../../src/protocol/login.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { chunksAt, frameOf, mutate, randomCuts, spliceBytes, type Random } from '../helpers/mutators.js';
import type { Seed } from './corpus.js';
import { randomResponseInput } from './random-values.js';

/** What the server did with one call (counted per kind for the report). */
export const ANSWER = {
  GOOD: 'good',
  MUTATED: 'mutated',
  SPLICED: 'spliced',
  WRONG_HANDLE: 'wrong handle',
  GARBAGE: 'garbage',
  SILENT: 'silent',
  RESET: 'reset',
  HALF_CLOSE: 'half-close',
} as const;
export type Answer = (typeof ANSWER)[keyof typeof ANSWER];

/**
 * Send a RST if the socket allows one, else close it: `resetAndDestroy()` on a socket whose
 * half-close (`end()`) is still being shut down fails. libuv refuses a reset while a shutdown
 * is pending (`uv_tcp_close_reset` returns EINVAL: "mixing uv_shutdown and uv_tcp_close_reset
 * is not allowed") and Node 20 marks the handle closing anyway, so the socket reports
 * `destroyed`, never emits 'close', keeps its file descriptor, and at exit Node waits for that
 * handle forever with a core busy (Environment::CleanupHandles → uv_run in a loop). That was
 * the connection fuzz target's "spin after the report": the server half-closed a socket for
 * one call and reset it for the next in the same tick. Once the shutdown is done ('finish')
 * a reset works again. Returns what it did.
 */
export function resetOrClose(socket: net.Socket): 'reset' | 'close' {
  if (socket.writableEnded && !socket.writableFinished) {
    socket.destroy();
    return 'close';
  }
  socket.resetAndDestroy();
  return 'reset';
}

/** Relative weights of the answers. */
const WEIGHTS: readonly [Answer, number][] = [
  [ANSWER.GOOD, 40],
  [ANSWER.MUTATED, 30],
  [ANSWER.SPLICED, 6],
  [ANSWER.WRONG_HANDLE, 6],
  [ANSWER.GARBAGE, 4],
  [ANSWER.SILENT, 4],
  [ANSWER.RESET, 6],
  [ANSWER.HALF_CLOSE, 4],
];

export interface HostileServerOptions {
  rng: Random;
  /** Response frames to start from (the corpus); a handle is written into each before use. */
  responses: readonly Seed[];
  /** Largest delay before a write, in ms. */
  maxDelayMs: number;
  /** Give only these answers (all kinds when absent). */
  only?: readonly Answer[];
}

export class HostileServer {
  readonly answers = new Map<Answer, number>();
  readonly sockets = new Set<net.Socket>();
  /** Sockets accepted and sockets that emitted 'close' (equal once everything is closed). */
  accepted = 0;
  closed = 0;
  /** Resets refused by the socket layer (each would leave a handle open: a harness fault). */
  failedResets = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastFrame: Buffer = Buffer.alloc(0);

  private constructor(
    private readonly server: net.Server,
    private readonly options: HostileServerOptions,
  ) {}

  static async start(options: HostileServerOptions): Promise<HostileServer> {
    const server = net.createServer();
    const hostile = new HostileServer(server, options);
    server.on('connection', (socket) => hostile.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return hostile;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Accepted sockets whose 'close' has not come yet. */
  get unclosed(): number {
    return this.sockets.size;
  }

  private accept(socket: net.Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.on('close', () => {
      this.closed++;
      this.sockets.delete(socket);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.syscall === 'reset') this.failedResets++;
    });
    socket.setNoDelay(true);
    let loggedIn = false;
    const decoder = new FrameDecoder({
      onFrame: (frame) => {
        if (!loggedIn) {
          loggedIn = true;
          socket.write(encodeLoginResponse({ resultCode: 0, hostId: 0, connectionId: 1n, clusterStartMs: 1_700_000_000_000n, leaderAddress: '127.0.0.1', buildString: 'hostile' }));
          return;
        }
        let handle: bigint;
        try {
          handle = decodeInvocation(frame).handle;
        } catch {
          socket.destroy();
          return;
        }
        this.answer(socket, handle);
      },
    });
    socket.on('data', (chunk) => {
      try {
        decoder.push(chunk);
      } catch {
        socket.destroy();
      }
    });
  }

  private pick(): Answer {
    const weights = this.options.only === undefined ? WEIGHTS : WEIGHTS.filter(([answer]) => this.options.only!.includes(answer));
    let r = this.options.rng.int(weights.reduce((sum, [, w]) => sum + w, 0));
    for (const [answer, weight] of weights) {
      if (r < weight) return answer;
      r -= weight;
    }
    return ANSWER.GOOD;
  }

  /** A well-formed response to `handle`: a corpus frame with the handle written in, or a freshly encoded random one. */
  private goodFrame(handle: bigint): Buffer {
    const { rng, responses } = this.options;
    if (responses.length > 0 && rng.chance(0.6)) {
      const frame = Buffer.from(rng.pick(responses).bytes);
      if (frame.length >= 13) frame.writeBigInt64BE(BigInt.asIntN(64, handle), 5);
      return frame;
    }
    try {
      return encodeResponse({ ...randomResponseInput(rng), handle });
    } catch {
      // The random input was not encodable (it is made for the encoder's own fuzzing).
      return encodeResponse({ handle, status: STATUS.SUCCESS, tables: [{ columns: [{ name: 'V', type: VOLT_TYPE.BIGINT }], rows: [[handle]] }] });
    }
  }

  private answer(socket: net.Socket, handle: bigint): void {
    const { rng } = this.options;
    const answer = this.pick();
    this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
    let bytes: Buffer;
    switch (answer) {
      case ANSWER.SILENT:
        return;
      case ANSWER.RESET:
        this.later(socket, () => resetOrClose(socket));
        return;
      case ANSWER.HALF_CLOSE:
        // Sometimes half a response first.
        if (rng.chance(0.5)) {
          const frame = this.goodFrame(handle);
          socket.write(frame.subarray(0, rng.int(frame.length)));
        }
        this.later(socket, () => socket.end());
        return;
      case ANSWER.MUTATED:
        bytes = mutate(rng, this.goodFrame(handle)).bytes;
        break;
      case ANSWER.SPLICED:
        bytes = spliceBytes(rng, this.goodFrame(handle), this.lastFrame);
        if (rng.chance(0.6) && bytes.length >= 4) bytes.writeInt32BE(bytes.length - 4, 0);
        break;
      case ANSWER.WRONG_HANDLE:
        bytes = this.goodFrame(rng.chance(0.5) ? handle + 1n : rng.int64());
        break;
      case ANSWER.GARBAGE:
        bytes = rng.chance(0.5) ? frameOf(rng.bytes(rng.smallSize(64))) : rng.bytes(1 + rng.smallSize(64));
        break;
      default:
        bytes = this.goodFrame(handle);
    }
    this.lastFrame = bytes;
    this.send(socket, bytes);
  }

  /** Write `bytes` in chunks cut at random points, each after a random delay (in order). */
  private send(socket: net.Socket, bytes: Buffer): void {
    const { rng, maxDelayMs } = this.options;
    const chunks = chunksAt(bytes, randomCuts(rng, bytes.length, [4, 5, 13, 14, 15]).slice(0, 16));
    const delayed = rng.chance(0.3);
    if (!delayed) {
      for (const chunk of chunks) socket.write(chunk);
      return;
    }
    let at = 0;
    const next = (): void => {
      if (at >= chunks.length || socket.destroyed) return;
      socket.write(chunks[at++]!);
      this.later(socket, next);
    };
    this.later(socket, next);
  }

  private later(socket: net.Socket, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!socket.destroyed) fn();
    }, this.options.rng.int(this.options.maxDelayMs + 1));
    this.timers.add(timer);
  }
}
