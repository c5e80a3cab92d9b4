/**
 * The serialized exception of a response (fieldsPresent bit 0x40, PROTOCOL.md 5.2).
 *
 * Legacy: 11.x servers never send it, older ones did. In the response it is `i32 L` followed
 * by L bytes; those L bytes (the "blob") are:
 *
 * ```
 * i8    ordinal        EXCEPTION_TYPE
 * i32   m              message length
 * u8[m] message        UTF-8
 * ...                  type-specific tail (see TAIL_BYTES); kept, not decoded
 * ```
 *
 * The decoder is tolerant where it can be: unknown ordinals and longer-than-expected tails
 * are kept as they are (the raw blob is always returned in `bytes`). It is strict where a
 * wrong size would mean misreading: a blob too short for its ordinal and message, a message
 * running past the blob, or a tail shorter than its type's fixed fields is a
 * {@link ProtocolError} naming the offset.
 */
import { Buffer } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import { EXCEPTION_TYPE } from './constants.js';
import { decodeUtf8 } from './buffer-reader.js';

/** A decoded exception block. */
export interface SerializedException {
  /** The EXCEPTION_TYPE ordinal. */
  type: number;
  /** The Java class name for the ordinal (`'SQLException'`), or `'UNKNOWN(<n>)'`. */
  typeName: string;
  message: string;
  /** The whole blob (ordinal, message, tail) without its i32 length; an own copy. */
  bytes: Uint8Array;
}

const TYPE_NAMES: readonly string[] = [
  'None',
  'EEException',
  'SQLException',
  'ConstraintFailureException',
  'InterruptException',
  'TransactionRestartException',
  'TransactionTerminationException',
  'SpecifiedException',
  'GenericSerializableException',
  'MispartitionedException',
  'ReplicatedTableException',
  'DrTableNotFoundException',
  'InvalidMessage',
];

/**
 * Fixed bytes each type's tail needs at least (PROTOCOL.md 5.2). Variable parts are not
 * counted (ConstraintFailure: SQLSTATE 5 + type 4 + name length 4 + rows length 4 at least;
 * Specified: status 1 + string length 4 at least).
 */
const TAIL_BYTES: Readonly<Record<number, number>> = {
  [EXCEPTION_TYPE.EE_EXCEPTION]: 4,
  [EXCEPTION_TYPE.SQL_EXCEPTION]: 5,
  [EXCEPTION_TYPE.CONSTRAINT_FAILURE]: 17,
  [EXCEPTION_TYPE.TRANSACTION_RESTART]: 9,
  [EXCEPTION_TYPE.TRANSACTION_TERMINATION]: 8,
  [EXCEPTION_TYPE.SPECIFIED]: 5,
  [EXCEPTION_TYPE.DR_TABLE_NOT_FOUND]: 20,
};

/** `3` → `'ConstraintFailureException'`; unknown ordinals stay visible as `'UNKNOWN(<n>)'`. */
export function exceptionTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `UNKNOWN(${type})`;
}

/**
 * Decode the blob at `bytes[offset, offset + length)` (after its i32 length). Offsets in
 * errors are relative to `bytes` (the frame, when called by the response reader).
 */
export function decodeSerializedException(bytes: Uint8Array, offset: number, length: number): SerializedException {
  const end = offset + length;
  if (length < 5 || end > bytes.length || offset < 0) {
    throw new ProtocolError(
      `exception blob of ${length} bytes is the wrong size: needs at least 5 (ordinal + message length) and ${Math.max(0, bytes.length - offset)} are available`,
      { offset },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getInt8(offset);
  const messageLength = view.getInt32(offset + 1);
  const messageStart = offset + 5;
  if (messageLength < 0 || messageLength > end - messageStart) {
    throw new ProtocolError(
      `exception message length ${messageLength} does not fit the ${end - messageStart} bytes left in the ${length}-byte exception blob`,
      { offset: offset + 1 },
    );
  }
  const tailStart = messageStart + messageLength;
  const tailNeeded = TAIL_BYTES[type] ?? 0;
  if (end - tailStart < tailNeeded) {
    throw new ProtocolError(
      `exception blob of ${length} bytes is the wrong size: ${exceptionTypeName(type)} needs ${tailNeeded} bytes after the message, ${end - tailStart} remain`,
      { offset: tailStart },
    );
  }
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const message = decodeUtf8(buffer, messageStart, tailStart);
  return { type, typeName: exceptionTypeName(type), message, bytes: Uint8Array.prototype.slice.call(bytes, offset, end) };
}

/**
 * Build a blob (without its i32 length) for tests and the embedded server: ordinal, message,
 * then `tail` as given (callers supply the type's fields, e.g. 5 SQLSTATE bytes).
 */
export function encodeSerializedException(type: number, message: string, tail: Uint8Array = new Uint8Array(0)): Buffer {
  const text = Buffer.from(message, 'utf8');
  const blob = Buffer.allocUnsafe(5 + text.length + tail.length);
  blob.writeInt8(type, 0);
  blob.writeInt32BE(text.length, 1);
  text.copy(blob, 5);
  blob.set(tail, 5 + text.length);
  return blob;
}
