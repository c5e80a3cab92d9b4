/**
 * A cursor over received bytes with one short method per wire type (big-endian, PROTOCOL.md 0),
 * and what every reader of wire bytes shares: the UTF-8 decoding ({@link decodeUtf8}), integers
 * read at an offset the caller has checked ({@link int32At} and its kin), and a memo of the last
 * value read from bytes that tend to repeat ({@link LastRead}).
 *
 * Every read is bounds-checked against `end` and a shortfall is a {@link ProtocolError} naming
 * the offset, so a decoder built on it can never read out of bounds. Byte ranges come back as
 * views (`subarray`), never copies. `reset` lets a hot decoder reuse one reader.
 *
 * Strings are decoded with Buffer's fast path first. Invalid UTF-8 is only possible when the
 * result contains U+FFFD, so only then does a strict decoder run to tell a real U+FFFD from a
 * broken sequence. A short pure-ASCII string is built by hand: below ~32 bytes that beats the
 * native call's fixed cost.
 */
import { Buffer } from 'node:buffer';
import { ProtocolError } from '../errors.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const SHORT_ASCII = 32;
const REPLACEMENT = '\uFFFD';

/** Decode `bytes[start, end)` as UTF-8; malformed text is a {@link ProtocolError} naming `start`. */
export function decodeUtf8(bytes: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length <= SHORT_ASCII) {
    let text = '';
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return decodeLong(bytes, start, end);
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return decodeLong(bytes, start, end);
}

function decodeLong(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end);
  if (text.includes(REPLACEMENT)) {
    try {
      strictDecoder.decode(bytes.subarray(start, end));
    } catch (cause) {
      throw new ProtocolError(`invalid UTF-8 in a ${end - start}-byte string`, { offset: start, cause });
    }
  }
  return text;
}

/*
 * Big-endian integers read from bytes by hand. Node 20's Buffer#readInt32BE and its kin check
 * their offset through a wrapper that costs more than the read itself (bench/node-builtins.bench.ts);
 * callers here have checked their bounds already.
 */

/** The i32 at `bytes[at]` (the caller has checked that 4 bytes are there). */
export function int32At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/** The i16 at `bytes[at]` (the caller has checked that 2 bytes are there). */
export function int16At(bytes: Uint8Array, at: number): number {
  return (((bytes[at]! << 8) | bytes[at + 1]!) << 16) >> 16;
}

/** The i8 at `bytes[at]` (the caller has checked that the byte is there). */
export function int8At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) >> 24;
}

/** The i64 at `bytes[at]` (the caller has checked that 8 bytes are there). */
export function int64At(bytes: Uint8Array, at: number): bigint {
  const high = int32At(bytes, at);
  const low = int32At(bytes, at + 4) >>> 0;
  // Within ±2^53 a number holds the value exactly: one BigInt made instead of three.
  if (high >= -0x200000 && high < 0x200000) return BigInt(high * 4294967296 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}

/** A `Buffer` view over the same memory as `bytes` (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}


/**
 * The last bytes a value was read from, and that value: a call's answers repeat one table shape
 * and one status string ("SUCCESS" from VoltDB), and a server's invocations one procedure name,
 * so matching the bytes again (a short compare) skips decoding and checking them. Only for
 * values that cannot change once made (frozen columns, strings); byte ranges longer than
 * `maxBytes` are never remembered.
 */
export class LastRead<T> {
  private readonly bytes: Uint8Array;
  private length = -1;
  value: T;

  constructor(maxBytes: number, initial: T) {
    this.bytes = new Uint8Array(maxBytes);
    this.value = initial;
  }

  /** True when `buf[from, to)` are the bytes last remembered (then `value` is theirs). */
  matches(buf: Uint8Array, from: number, to: number): boolean {
    const length = this.length;
    if (to - from !== length) return false;
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) if (buf[from + i] !== bytes[i]) return false;
    return true;
  }

  remember(buf: Uint8Array, from: number, to: number, value: T): void {
    if (to - from > this.bytes.length) return;
    this.bytes.set(buf.subarray(from, to));
    this.length = to - from;
    this.value = value;
  }
}

/** A `str` at the reader (i32 length, −1 NULL, then UTF-8), decoded only when its bytes differ from those `last` remembers. */
export function readRepeatedString(r: BufferReader, last: LastRead<string>, what: string): string | null {
  const length = r.length(what, true);
  if (length === -1) return null;
  const start = r.offset;
  const end = start + length;
  r.offset = end;
  if (last.matches(r.bytes, start, end)) return last.value;
  const text = decodeUtf8(r.bytes, start, end);
  last.remember(r.bytes, start, end, text);
  return text;
}

/** Reads big-endian VoltDB wire values from a Buffer, advancing `offset`; a read past the end is a `ProtocolError`. */
export class BufferReader {
  bytes: Buffer;
  offset: number;
  end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = asBuffer(bytes);
    this.offset = offset;
    this.end = end;
    this.checkBounds();
  }

  /** Point this reader at other bytes (avoids a new object per message). */
  reset(bytes: Uint8Array, offset = 0, end = bytes.length): this {
    this.bytes = asBuffer(bytes);
    this.offset = offset;
    this.end = end;
    this.checkBounds();
    return this;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throw unless `count` more bytes are available; `what` names the field for the message. */
  need(count: number, what: string): void {
    if (count > this.end - this.offset || count < 0) {
      throw new ProtocolError(`truncated ${what}: needs ${count} bytes, ${this.end - this.offset} remain`, {
        offset: this.offset,
      });
    }
  }

  int8(what = 'i8'): number {
    this.need(1, what);
    return int8At(this.bytes, this.offset++);
  }

  uint8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  int16(what = 'i16'): number {
    this.need(2, what);
    const value = int16At(this.bytes, this.offset);
    this.offset += 2;
    return value;
  }

  int32(what = 'i32'): number {
    this.need(4, what);
    const value = int32At(this.bytes, this.offset);
    this.offset += 4;
    return value;
  }

  int64(what = 'i64'): bigint {
    this.need(8, what);
    const value = int64At(this.bytes, this.offset);
    this.offset += 8;
    return value;
  }

  float64(what = 'f64'): number {
    this.need(8, what);
    const value = this.bytes.readDoubleBE(this.offset);
    this.offset += 8;
    return value;
  }

  /** A length prefix: i32, -1 allowed for NULL when `nullable`, otherwise ≥ 0 and within the bytes left. */
  length(what: string, nullable: boolean): number {
    const at = this.offset;
    // The field's name joins the message only on failure: no string is built per read.
    if (this.end - at < 4) this.need(4, `${what} length`);
    const length = int32At(this.bytes, at);
    this.offset = at + 4;
    if (length === -1 && nullable) return -1;
    if (length < 0) throw new ProtocolError(`${what} length ${length} is negative`, { offset: at });
    if (length > this.end - this.offset) {
      throw new ProtocolError(`${what} length ${length} exceeds the ${this.end - this.offset} bytes left`, { offset: at });
    }
    return length;
  }

  /** `str`: i32 length (-1 = NULL) then UTF-8 bytes. */
  string(what = 'string'): string | null {
    const length = this.length(what, true);
    if (length === -1) return null;
    const start = this.offset;
    this.offset += length;
    return decodeUtf8(this.bytes, start, start + length);
  }

  /** `bin`: i32 length (-1 = NULL) then raw bytes, returned as a view. */
  varbinary(what = 'varbinary'): Uint8Array | null {
    const length = this.length(what, true);
    if (length === -1) return null;
    return this.raw(length, what);
  }

  /** The next `count` bytes as a view. */
  raw(count: number, what = 'bytes'): Buffer {
    this.need(count, what);
    const view = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return view;
  }

  skip(count: number, what = 'bytes'): void {
    this.need(count, what);
    this.offset += count;
  }

  private checkBounds(): void {
    if (this.offset < 0 || this.end > this.bytes.length || this.offset > this.end) {
      throw new ProtocolError(`reader range ${this.offset}..${this.end} is outside ${this.bytes.length} bytes`);
    }
  }
}
