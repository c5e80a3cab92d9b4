/**
 * Procedure invocation requests, read whole (PROTOCOL.md 3) — the server's side (the embedded
 * server, the wire dump, test fakes); `invocation-writer.ts` writes them. Layouts:
 *
 * ```
 * v0: i32 N, i8 0, str proc, i64 handle, params
 * v1: i32 N, i8 1, i8 kind (-1 none | 1), [i32 batchTimeoutMs], str proc, i64 handle, params
 * v2: i32 N, i8 2, str proc, i64 handle, i8 extCount (0..30),
 *     extCount × (i8 type, i8 sizeCode (0 → 0 bytes, n → 2^(n-1) bytes), payload), params
 * params: i16 count, then per parameter
 *   scalar:  i8 type, value (section 4)
 *   array:   i8 -99, i8 elementType, then
 *            TINYINT:    i32 count, count raw bytes (a byte[] on the server)
 *            any other:  i16 count, count bare values
 * ```
 * Every length, count, type code and extension size is checked; a ProtocolError names the offset.
 */
import { ProtocolError } from '../errors.js';
import { BufferReader, LastRead, readRepeatedString } from './buffer-reader.js';
import { ARRAY_ELEMENT_TYPES, INVOCATION_EXTENSION, INVOCATION_VERSION, MAX_INVOCATION_EXTENSIONS, SCALAR_PARAMETER_TYPES, VOLT_TYPE } from './constants.js';
import { readValue, type TimestampMode } from './value-reader.js';

/** The v2 header extensions of a decoded invocation. */
export interface InvocationExtensions {
  allPartition: boolean;
  partitionDestination: number | null;
  batchCall: boolean;
  priority: number | null;
  requestTimeoutUs: number | null;
  /** Extensions of types this decoder does not know, skipped by their size code. */
  unknown: { type: number; payload: Uint8Array }[];
}

/** An invocation as `decodeInvocation` reads it (the server side). */
export interface DecodedInvocation {
  version: number;
  procedure: string;
  handle: bigint;
  /** v1 override or v2 BATCH_TIMEOUT, in ms; null when absent. */
  batchTimeoutMs: number | null;
  extensions: InvocationExtensions;
  params: unknown[];
  /** Wire type code per parameter; arrays as -99. */
  paramTypes: number[];
  elementTypes: (number | undefined)[];
}

/** Parameter sets as decoded by {@link readParameters}. */
export interface DecodedParameters {
  values: unknown[];
  /** Wire type code per parameter; arrays as -99. */
  types: number[];
  /** Element type of each array parameter, undefined for scalars. */
  elementTypes: (number | undefined)[];
}

/** The last procedure name read: a client's invocations mostly repeat one. */
const lastName = new LastRead<string>(128, '');

/**
 * Decode a whole invocation frame (length prefix included) — the server side. Checks the
 * length, version, name, extension count and sizes, parameters, and that nothing trails;
 * unknown extension types are skipped by their size code. ProtocolError names the offset.
 */
export function decodeInvocation(frame: Uint8Array, options: { timestamps?: TimestampMode } = {}): DecodedInvocation {
  const r = new BufferReader(frame);
  const length = r.int32('frame length');
  if (length !== r.remaining) throw new ProtocolError(`frame length ${length} does not match the ${r.remaining} bytes after it`, { offset: 0 });
  const version = r.int8('invocation version');
  let batchTimeoutMs: number | null = null;
  const extensions: InvocationExtensions = { allPartition: false, partitionDestination: null, batchCall: false, priority: null, requestTimeoutUs: null, unknown: [] };
  if (version === INVOCATION_VERSION.BATCH_TIMEOUT) {
    const kindAt = r.offset;
    const kind = r.int8('batch timeout kind');
    if (kind === 1) batchTimeoutMs = nonNegative(r, 'batch timeout');
    else if (kind !== -1) throw new ProtocolError(`batch timeout kind ${kind} is not -1 or 1`, { offset: kindAt });
  } else if (version !== INVOCATION_VERSION.ORIGINAL && version !== INVOCATION_VERSION.EXTENSIBLE) {
    throw new ProtocolError(`unknown invocation version ${version}`, { offset: 4 });
  }
  const nameAt = r.offset;
  const procedure = readRepeatedString(r, lastName, 'procedure name');
  if (procedure === null || procedure.length === 0) throw new ProtocolError('procedure name is empty or NULL', { offset: nameAt });
  const handle = r.int64('client handle');
  if (version === INVOCATION_VERSION.EXTENSIBLE) batchTimeoutMs = readExtensions(r, extensions);
  const params = readParameters(r, options.timestamps);
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} bytes after the parameters`, { offset: r.offset });
  return { version, procedure, handle, batchTimeoutMs, extensions, params: params.values, paramTypes: params.types, elementTypes: params.elementTypes };
}

function readExtensions(r: BufferReader, extensions: InvocationExtensions): number | null {
  let batchTimeoutMs: number | null = null;
  const countAt = r.offset;
  const count = r.int8('extension count');
  if (count < 0 || count > MAX_INVOCATION_EXTENSIONS) {
    throw new ProtocolError(`extension count ${count} is outside 0..${MAX_INVOCATION_EXTENSIONS}`, { offset: countAt });
  }
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const type = r.int8('extension type');
    const sizeCode = r.int8('extension size code');
    if (sizeCode < 0 || sizeCode > 31) throw new ProtocolError(`extension size code ${sizeCode} is invalid`, { offset: at + 1 });
    const size = sizeCode === 0 ? 0 : 2 ** (sizeCode - 1);
    r.need(size, `extension ${type} payload`);
    const expect = (bytes: number): void => {
      if (size !== bytes) throw new ProtocolError(`extension ${type} has a ${size}-byte payload, expected ${bytes}`, { offset: at });
    };
    switch (type) {
      case INVOCATION_EXTENSION.BATCH_TIMEOUT:
        expect(4);
        batchTimeoutMs = nonNegative(r, 'batch timeout');
        break;
      case INVOCATION_EXTENSION.ALL_PARTITION:
        expect(0);
        extensions.allPartition = true;
        break;
      case INVOCATION_EXTENSION.PARTITION_DESTINATION:
        expect(4);
        extensions.partitionDestination = nonNegative(r, 'partition destination');
        extensions.allPartition = true;
        break;
      case INVOCATION_EXTENSION.BATCH_CALL:
        expect(0);
        extensions.batchCall = true;
        break;
      case INVOCATION_EXTENSION.REQUEST_PRIORITY:
        expect(1);
        extensions.priority = r.int8('request priority');
        break;
      case INVOCATION_EXTENSION.REQUEST_TIMEOUT:
        expect(4);
        extensions.requestTimeoutUs = nonNegative(r, 'request timeout');
        break;
      default:
        extensions.unknown.push({ type, payload: r.raw(size, 'extension payload') });
    }
  }
  return batchTimeoutMs;
}

function nonNegative(r: BufferReader, what: string): number {
  const at = r.offset;
  const value = r.int32(what);
  if (value < 0) throw new ProtocolError(`${what} ${value} is negative`, { offset: at });
  return value;
}

/**
 * Read `i16 count` and the parameters (the server side). Arrays come back as JS arrays,
 * except TINYINT arrays, which are byte arrays: a Uint8Array view of the frame.
 */
export function readParameters(r: BufferReader, timestamps: TimestampMode = 'date'): DecodedParameters {
  const countAt = r.offset;
  const count = r.int16('parameter count');
  if (count < 0) throw new ProtocolError(`negative parameter count ${count}`, { offset: countAt });
  const values = new Array<unknown>(count);
  const types = new Array<number>(count);
  const elementTypes = new Array<number | undefined>(count);
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const type = r.int8('parameter type');
    types[i] = type;
    if (type === VOLT_TYPE.ARRAY) {
      const elementAt = r.offset;
      const element = r.int8('array element type');
      if (!ARRAY_ELEMENT_TYPES.has(element)) throw new ProtocolError(`parameter ${i + 1}: ${element} is not an array element type`, { offset: elementAt });
      elementTypes[i] = element;
      values[i] = readArray(r, element, timestamps);
    } else {
      if (!SCALAR_PARAMETER_TYPES.has(type)) throw new ProtocolError(`parameter ${i + 1} has unknown type code ${type}`, { offset: at });
      values[i] = readValue(r, type, timestamps);
    }
  }
  return { values, types, elementTypes };
}

function readArray(r: BufferReader, element: number, timestamps: TimestampMode): unknown {
  if (element === VOLT_TYPE.TINYINT) {
    const length = r.length('TINYINT array', false);
    const view = new Uint8Array(r.bytes.buffer, r.bytes.byteOffset + r.offset, length);
    r.offset += length;
    return view;
  }
  const at = r.offset;
  const count = r.int16('array count');
  if (count < 0) throw new ProtocolError(`negative array count ${count}`, { offset: at });
  const items = new Array<unknown>(count);
  for (let k = 0; k < count; k++) items[k] = readValue(r, element, timestamps);
  return items;
}
