/**
 * Splits a TCP byte stream into VoltDB frames (PROTOCOL.md 1).
 *
 * ```
 * i32   N        body length, not counting these 4 bytes; 1 ≤ N ≤ maxFrameBytes
 * u8[N] body     first byte: version/kind
 * ```
 *
 * Every frame is handed to `onFrame` WITH its 4-byte length prefix, so `frame.length === 4 + N`
 * and the response decoders can re-check the prefix.
 *
 * Buffer ownership, cheapest first:
 * - a frame that lies whole inside one chunk is a `subarray` view of that chunk (no copy; it
 *   shares the chunk's memory, so copy it if you keep it past the chunk's lifetime);
 * - a frame split across chunks is copied exactly once, into a buffer of exactly its size that
 *   is allocated as soon as its length prefix is complete (no grow-and-copy);
 * - a frame of at least `ownBufferAtBytes` bytes (prefix included) is always delivered in a
 *   `Buffer` over a whole `SharedArrayBuffer` of exactly the frame's size (byteOffset 0), so a
 *   decode worker can read it where it is, with nothing transferred (a transfer detaches the
 *   buffer, and a detached buffer slows every later typed-array access of the thread: see
 *   DESIGN.md); if such a frame arrived inside one chunk it is copied once for that purpose.
 *
 * A length prefix ≤ 0 or above `maxFrameBytes` is a {@link ProtocolError} naming the stream
 * offset of the prefix and the length; it is checked before anything is allocated. After an
 * error (or after `onFrame` threw) the decoder refuses input until `reset()`: the stream is out
 * of sync and nothing after that point can be trusted.
 *
 * What the decoder cannot see: when the server refuses a connection because its connection
 * limit is reached, it writes one raw, unframed byte `0x01` and closes (PROTOCOL.md 1). A lone
 * byte is only ever buffered here as the start of a length prefix; telling that case apart
 * (a close with exactly `CONNECTION_LIMIT_BYTE` buffered before the login answer) is the
 * connection's business — `bufferedBytes` is 1 and `peekBuffered()` shows the byte.
 */
import { Buffer } from 'node:buffer';
import { ProtocolError, VoltError } from '../errors.js';
import { int32At } from './buffer-reader.js';

/** Default cap on a frame body: 64 MiB (the server itself sends at most what fits in its 50 MiB limit plus results). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Default size (prefix included) from which a frame gets its own shared memory: 256 KiB. */
export const DEFAULT_OWN_BUFFER_AT_BYTES = 256 * 1024;
/** The largest body an i32 prefix can announce. */
const MAX_I32 = 0x7fffffff;

/** Options of a `FrameDecoder`: the frame callback, the length limit and when a frame gets its own buffer. */
export interface FrameDecoderOptions {
  /** Largest accepted body length N (not counting the prefix). Default 64 MiB; at most 2^31 − 1. */
  maxFrameBytes?: number;
  /**
   * Frames of at least this many bytes (prefix included) are delivered in their own exact
   * `SharedArrayBuffer`. Default 256 KiB; `Infinity` turns it off, 0 makes every frame own one.
   */
  ownBufferAtBytes?: number;
  /** Called synchronously once per frame, with the frame including its 4-byte length prefix. */
  onFrame: (frame: Buffer) => void;
}

/** A frame's own memory: a SharedArrayBuffer of exactly its size. */
function ownMemory(total: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(total));
}

/** Splits a byte stream into length-prefixed frames, refusing a hostile length before allocating anything. */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  readonly ownBufferAtBytes: number;
  private readonly onFrame: (frame: Buffer) => void;
  /** The frame being assembled across chunks (exact size), or null. */
  private partial: Buffer | null = null;
  /** Bytes of `partial` filled so far. */
  private partialFilled = 0;
  /** A length prefix split across chunks. */
  private readonly prefix = Buffer.alloc(4);
  private prefixFilled = 0;
  /** Bytes consumed since construction / `reset()`: error offsets are stream offsets. */
  private consumed = 0;
  private failure: string | null = null;
  /** See {@link FrameDecoder.refusedHead}: made up front, so a refusal allocates nothing. */
  private readonly refused = Buffer.alloc(13);
  private refusedLength = -1;

  constructor(options: FrameDecoderOptions) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 1 || max > MAX_I32) {
      throw new VoltError(`FrameDecoder maxFrameBytes must be an integer in 1..${MAX_I32}, got ${max}`);
    }
    const own = options.ownBufferAtBytes ?? DEFAULT_OWN_BUFFER_AT_BYTES;
    if (typeof own !== 'number' || Number.isNaN(own) || own < 0) {
      throw new VoltError(`FrameDecoder ownBufferAtBytes must be a number ≥ 0, got ${String(own)}`);
    }
    if (typeof options.onFrame !== 'function') throw new VoltError('FrameDecoder needs an onFrame callback');
    this.maxFrameBytes = max;
    this.ownBufferAtBytes = own;
    this.onFrame = options.onFrame;
  }

  /** Bytes held for a frame that is not complete yet (prefix bytes included). */
  get bufferedBytes(): number {
    return this.partial !== null ? this.partialFilled : this.prefixFilled;
  }

  /** Total bytes accepted since construction or the last `reset()`. */
  get streamOffset(): number {
    return this.consumed;
  }

  /** A copy of the buffered bytes of the incomplete frame (e.g. to spot the connection-limit byte). */
  peekBuffered(): Buffer {
    return this.partial !== null
      ? Buffer.from(this.partial.subarray(0, this.partialFilled))
      : Buffer.from(this.prefix.subarray(0, this.prefixFilled));
  }

  /**
   * After a length prefix was refused: the refused frame's first bytes as far as the chunk held
   * them (its prefix and up to 9 more: the response version and client handle), so the reader can
   * tell whose answer it was. Null until a refusal, and after `reset()`.
   */
  get refusedHead(): Buffer | null {
    return this.refusedLength < 0 ? null : this.refused.subarray(0, this.refusedLength);
  }

  /** Forget any buffered bytes and a previous error; the next byte starts a new frame. */
  reset(): void {
    this.refusedLength = -1;
    this.partial = null;
    this.partialFilled = 0;
    this.prefixFilled = 0;
    this.consumed = 0;
    this.failure = null;
  }

  /**
   * Feed the next chunk of the stream; emits every frame it completes, in order.
   * Throws a {@link ProtocolError} for an invalid length prefix (nothing is allocated for it).
   */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) {
      throw new ProtocolError(`frame decoder stopped after an earlier error (${this.failure}); call reset()`, {
        offset: this.consumed,
      });
    }
    const length = chunk.length;
    if (length === 0) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, length);
    let pos = 0;

    if (this.partial !== null) {
      pos = this.fillPartial(bytes, 0);
      if (this.partial !== null) return;
    } else if (this.prefixFilled > 0) {
      pos = this.fillPrefix(bytes);
      if (this.prefixFilled < 4) return;
      this.prefixFilled = 0;
      const total = this.checkedTotal(int32At(this.prefix, 0), this.consumed - 4, bytes, pos);
      const frame = total >= this.ownBufferAtBytes ? ownMemory(total) : Buffer.allocUnsafe(total);
      this.prefix.copy(frame, 0, 0, 4);
      this.partial = frame;
      this.partialFilled = 4;
      pos = this.fillPartial(bytes, pos);
      if (this.partial !== null) return;
    }

    // Whole frames inside this chunk: views, or one copy into an own ArrayBuffer when big.
    while (length - pos >= 4) {
      const total = this.checkedTotal(int32At(bytes, pos), this.consumed, bytes, pos + 4);
      if (total > length - pos) {
        const frame = total >= this.ownBufferAtBytes ? ownMemory(total) : Buffer.allocUnsafe(total);
        this.partial = frame;
        this.partialFilled = 0;
        this.fillPartial(bytes, pos);
        return;
      }
      const end = pos + total;
      let frame: Buffer;
      if (total >= this.ownBufferAtBytes) {
        frame = ownMemory(total);
        bytes.copy(frame, 0, pos, end);
      } else {
        frame = bytes.subarray(pos, end);
      }
      pos = end;
      this.consumed += total;
      this.emit(frame);
    }

    // 1–3 bytes of the next length prefix.
    while (pos < length) {
      this.prefix[this.prefixFilled++] = bytes[pos++]!;
      this.consumed++;
    }
  }

  /** Copy from `bytes[pos..]` into the partial frame; emits and clears it when complete. Returns the new pos. */
  private fillPartial(bytes: Buffer, pos: number): number {
    const frame = this.partial!;
    const take = Math.min(frame.length - this.partialFilled, bytes.length - pos);
    bytes.copy(frame, this.partialFilled, pos, pos + take);
    this.partialFilled += take;
    this.consumed += take;
    pos += take;
    if (this.partialFilled === frame.length) {
      this.partial = null;
      this.partialFilled = 0;
      this.emit(frame);
    }
    return pos;
  }

  private fillPrefix(bytes: Buffer): number {
    let pos = 0;
    while (this.prefixFilled < 4 && pos < bytes.length) {
      this.prefix[this.prefixFilled++] = bytes[pos++]!;
      this.consumed++;
    }
    return pos;
  }

  /**
   * Validate a body length read at stream offset `at` (its body starts at `bytes[bodyAt]`);
   * returns the whole frame size (4 + N).
   */
  private checkedTotal(bodyLength: number, at: number, bytes: Buffer, bodyAt: number): number {
    if (bodyLength <= 0 || bodyLength > this.maxFrameBytes) {
      this.refused.writeInt32BE(bodyLength, 0);
      this.refusedLength = 4 + bytes.copy(this.refused, 4, bodyAt, Math.min(bodyAt + 9, bytes.length));
      const why =
        bodyLength <= 0
          ? `frame length ${bodyLength} is not positive`
          : `frame length ${bodyLength} exceeds the ${this.maxFrameBytes}-byte limit (maxFrameBytes)`;
      this.failure = why;
      throw new ProtocolError(why, { offset: at });
    }
    return bodyLength + 4;
  }

  private emit(frame: Buffer): void {
    try {
      this.onFrame(frame);
    } catch (error) {
      // The rest of the chunk is lost with the stack unwinding: the stream is out of sync.
      this.failure = 'onFrame threw';
      throw error;
    }
  }
}
