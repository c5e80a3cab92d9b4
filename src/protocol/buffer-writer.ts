/**
 * Writes wire values big-endian into a caller-supplied slab.
 *
 * A message starts at a mark (`begin()`); lengths are reserved and filled in afterwards
 * (`reserveLength()` / `fillLength()`), so no size is computed up front. When the slab is too
 * small the writer does not allocate on its own: it asks its {@link SlabSource} for a new slab,
 * copies the unfinished message to the new slab's start, and carries on. Length positions are
 * therefore relative to the message mark, so they survive that move.
 */
import { asBuffer } from './utf8.js';

/**
 * Supplies a slab of at least `minimumBytes` when the current one is full. `finished` is the
 * slab being left, whose bytes before `finishedEnd` hold complete messages the owner must keep.
 */
export type SlabSource = (minimumBytes: number, finished: Buffer, finishedEnd: number) => Buffer;

/** The default source: a fresh buffer of at least double the size (for one-off encodes). */
export const allocateSlab: SlabSource = (minimumBytes, finished) =>
  Buffer.allocUnsafe(Math.max(minimumBytes, finished.length * 2, 256));

const SHORT_STRING = 32;

/** Writes big-endian VoltDB wire values into a Buffer (a pooled slab or its own), growing into a fresh buffer when it runs out. */
export class BufferWriter {
  buffer: Buffer;
  offset: number;
  /** Start of the message being written. */
  mark: number;
  private readonly source: SlabSource;

  constructor(slab: Uint8Array = Buffer.allocUnsafe(256), source: SlabSource = allocateSlab, offset = 0) {
    this.buffer = asBuffer(slab);
    this.source = source;
    this.offset = offset;
    this.mark = offset;
  }

  /** Continue in another slab (e.g. a fresh pooled one) from `offset`. */
  useSlab(slab: Buffer, offset = 0): void {
    this.buffer = slab;
    this.offset = offset;
    this.mark = offset;
  }

  /** Start a message at the current position. */
  begin(): void {
    this.mark = this.offset;
  }

  /** The message written since `begin()`, as a view of the slab. */
  message(): Buffer {
    return this.buffer.subarray(this.mark, this.offset);
  }

  /** Bytes written since `begin()`. */
  get messageLength(): number {
    return this.offset - this.mark;
  }

  /** Drop everything written since `begin()` (e.g. after a value was refused mid-message). */
  rollback(): void {
    this.offset = this.mark;
  }

  ensure(count: number): void {
    if (this.offset + count <= this.buffer.length) return;
    const pending = this.offset - this.mark;
    const next = this.source(pending + count, this.buffer, this.mark);
    this.buffer.copy(next, 0, this.mark, this.offset);
    this.buffer = next;
    this.mark = 0;
    this.offset = pending;
  }

  int8(value: number): void {
    this.ensure(1);
    this.buffer.writeInt8(value, this.offset);
    this.offset += 1;
  }

  int16(value: number): void {
    this.ensure(2);
    this.buffer.writeInt16BE(value, this.offset);
    this.offset += 2;
  }

  int32(value: number): void {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
  }

  int64(value: bigint): void {
    this.ensure(8);
    this.buffer.writeBigInt64BE(value, this.offset);
    this.offset += 8;
  }

  float64(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleBE(value, this.offset);
    this.offset += 8;
  }

  /** Raw bytes, no length prefix. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.length;
  }

  /** `str`: i32 byte length then UTF-8; `null` writes length -1. */
  string(value: string | null): void {
    if (value === null) {
      this.int32(-1);
      return;
    }
    if (value.length <= SHORT_STRING && this.shortAscii(value)) return;
    // A UTF-16 unit never needs more than 3 UTF-8 bytes; past 64 KiB measure exactly instead.
    const bound = value.length <= 65536 ? value.length * 3 : Buffer.byteLength(value, 'utf8');
    this.ensure(4 + bound);
    const written = this.buffer.write(value, this.offset + 4, bound, 'utf8');
    this.buffer.writeInt32BE(written, this.offset);
    this.offset += 4 + written;
  }

  /** `bin`: i32 length then the bytes; `null` writes length -1. */
  varbinary(value: Uint8Array | null): void {
    if (value === null) {
      this.int32(-1);
      return;
    }
    this.int32(value.length);
    this.raw(value);
  }

  /** Reserve an i32 length here; returns its position relative to the message mark. */
  reserveLength(): number {
    this.ensure(4);
    const position = this.offset - this.mark;
    this.offset += 4;
    return position;
  }

  /** Fill a reserved length with the count of bytes written after it (non-inclusive, PROTOCOL.md 0). */
  fillLength(position: number): void {
    const at = this.mark + position;
    this.buffer.writeInt32BE(this.offset - at - 4, at);
  }

  private shortAscii(value: string): boolean {
    this.ensure(4 + value.length);
    const start = this.offset + 4;
    const buffer = this.buffer;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) return false;
      buffer[start + i] = code;
    }
    buffer.writeInt32BE(value.length, this.offset);
    this.offset = start + value.length;
    return true;
  }
}
