/**
 * A cursor over received bytes with one short method per wire type (big-endian, PROTOCOL.md 0).
 *
 * Every read is bounds-checked against `end` and a shortfall is a {@link ProtocolError} naming
 * the offset, so a decoder built on it can never read out of bounds. Byte ranges come back as
 * views (`subarray`), never copies. `reset` lets a hot decoder reuse one reader.
 */
import { ProtocolError } from '../errors.js';
import { asBuffer, decodeUtf8 } from './utf8.js';

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
    return this.bytes.readInt8(this.offset++);
  }

  uint8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  int16(what = 'i16'): number {
    this.need(2, what);
    const value = this.bytes.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(what = 'i32'): number {
    this.need(4, what);
    const value = this.bytes.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(what = 'i64'): bigint {
    this.need(8, what);
    const value = this.bytes.readBigInt64BE(this.offset);
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
    const length = this.int32(`${what} length`);
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
