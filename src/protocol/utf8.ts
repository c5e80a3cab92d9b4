/**
 * UTF-8 text at the wire boundary.
 *
 * Strings are decoded with Buffer's fast path first. Invalid UTF-8 is only possible when the
 * result contains U+FFFD, so only then does a strict decoder run to tell a real U+FFFD from a
 * broken sequence. A short pure-ASCII string is built by hand: below ~32 bytes that beats
 * the native call's fixed cost.
 */
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

/** A `Buffer` view over the same memory as `bytes` (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
