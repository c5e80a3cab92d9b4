/**
 * Procedure invocation requests (PROTOCOL.md 3): the client encodes, the embedded server decodes.
 *
 * ```
 * v0: i32 N, i8 0, str proc, i64 handle, params
 * v1: i32 N, i8 1, i8 kind (-1 none | 1), [i32 batchTimeoutMs], str proc, i64 handle, params
 * v2: i32 N, i8 2, str proc, i64 handle, i8 extCount (0..30),
 *     extCount × (i8 type, i8 sizeCode (0 → 0 bytes, n → 2^(n-1) bytes), payload), params
 * ```
 * v2 extensions written, in this order: BATCH_TIMEOUT (1, i32 ms), ALL_PARTITION (2, none),
 * PARTITION_DESTINATION (3, i32; always preceded by ALL_PARTITION, as Java does),
 * REQUEST_PRIORITY (5, i8), REQUEST_TIMEOUT (6, i32 µs).
 *
 * `writeInvocation` is the client's hot path: it writes straight into the caller's slab, makes
 * no closures or arrays, and on any refusal rolls the writer back to the frame start.
 */
import { ParameterError, ProtocolError } from '../errors.js';
import { BufferReader } from './buffer-reader.js';
import { BufferWriter } from './buffer-writer.js';
import { INVOCATION_EXTENSION, INVOCATION_VERSION, MAX_INVOCATION_EXTENSIONS, MP_PARTITION_ID } from './constants.js';
import { readParameters, writeParameters, type ParameterType } from './parameters.js';
import { describeValue } from './value-errors.js';
import type { TimestampMode } from './value-reader.js';

/** What `encodeInvocation` / `writeInvocation` send: procedure, handle, parameters and header extensions. */
export interface InvocationRequest {
  procedure: string;
  /**
   * Echoed in the response, written in place as the frame's i64: a bigint (any signed or
   * unsigned 64-bit value), or a safe integer number (the client's own counters: no BigInt
   * per call).
   */
  handle: bigint | number;
  params?: readonly unknown[];
  /** Declared parameter types; without them types are inferred from the values. */
  types?: readonly ParameterType[];
  /** BATCH_TIMEOUT: per-call SQL batch timeout in ms (0 = none); v1 or v2. */
  queryTimeoutMs?: number;
  /** PARTITION_DESTINATION: run at this partition id (0..16382); v2. */
  partitionDestination?: number;
  /** ALL_PARTITION flag; v2. */
  allPartition?: boolean;
  /** REQUEST_PRIORITY 1 (highest) .. 8 (lowest); v2. */
  priority?: number;
  /** REQUEST_TIMEOUT: µs the request may wait at the partition leader; v2. */
  requestTimeoutUs?: number;
  /** Header version; default 0, or 2 when an extension is set. */
  version?: 0 | 1 | 2;
}

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

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const INT32_MAX = 2147483647;
const NO_PARAMS: readonly unknown[] = [];

/** Write one whole frame (i32 length included) at the writer position. */
export function writeInvocation(w: BufferWriter, request: InvocationRequest): void {
  w.begin();
  try {
    const procedure = request.procedure;
    if (typeof procedure !== 'string' || procedure.length === 0) {
      throw new ParameterError(`procedure name must be a non-empty string, got ${describeValue(procedure)}`);
    }
    const timeout = request.queryTimeoutMs;
    const allPartition = request.allPartition;
    if (allPartition !== undefined && typeof allPartition !== 'boolean') {
      throw new ParameterError(`${procedure}: allPartition ${describeValue(allPartition)} is not a boolean`, { procedure });
    }
    const hasExtension =
      request.partitionDestination !== undefined || allPartition === true || request.priority !== undefined || request.requestTimeoutUs !== undefined;
    const version = request.version ?? (hasExtension || timeout !== undefined ? INVOCATION_VERSION.EXTENSIBLE : INVOCATION_VERSION.ORIGINAL);
    // Checked before the version byte is written: w.int8 of a bigint or symbol is a TypeError.
    if (version !== INVOCATION_VERSION.ORIGINAL && version !== INVOCATION_VERSION.BATCH_TIMEOUT && version !== INVOCATION_VERSION.EXTENSIBLE) {
      throw new ParameterError(`${procedure}: invocation version ${describeValue(version)} is not 0, 1 or 2`, { procedure });
    }
    const frame = w.reserveLength();
    w.int8(version);
    if (version === INVOCATION_VERSION.ORIGINAL) {
      if (hasExtension || timeout !== undefined) throw new ParameterError(`${procedure}: a version 0 invocation cannot carry timeouts, priority or partition routing`, { procedure });
      w.string(procedure);
      writeHandle(w, request.handle, procedure);
    } else if (version === INVOCATION_VERSION.BATCH_TIMEOUT) {
      if (hasExtension) throw new ParameterError(`${procedure}: a version 1 invocation carries only queryTimeoutMs`, { procedure });
      if (timeout === undefined) {
        w.int8(-1);
      } else {
        w.int8(1);
        w.int32(checkInt32(timeout, 0, INT32_MAX, 'queryTimeoutMs', procedure));
      }
      w.string(procedure);
      writeHandle(w, request.handle, procedure);
    } else {
      w.string(procedure);
      writeHandle(w, request.handle, procedure);
      writeExtensions(w, request, procedure);
    }
    // A `params` that is not an array is refused by writeParameters (never encoded as array-like).
    writeParameters(w, request.params === undefined ? NO_PARAMS : request.params, request.types, procedure);
    w.fillLength(frame);
  } catch (error) {
    w.rollback();
    throw error;
  }
}

function writeHandle(w: BufferWriter, handle: bigint | number, procedure: string): void {
  if (typeof handle === 'number') {
    // The client's handles: counters below 2^53, written without a BigInt.
    if (Number.isSafeInteger(handle)) {
      w.int64(handle);
      return;
    }
  } else if (typeof handle === 'bigint') {
    if (handle >= INT64_MIN && handle <= INT64_MAX) {
      w.int64(handle);
      return;
    }
    if (handle > 0n && handle <= UINT64_MAX) {
      w.int64(BigInt.asIntN(64, handle));
      return;
    }
  }
  throw new ParameterError(`${procedure}: client handle ${describeValue(handle)} is not a 64-bit integer (a bigint, or a safe integer number)`, { procedure });
}

function writeExtensions(w: BufferWriter, request: InvocationRequest, procedure: string): void {
  const countAt = w.offset - w.mark;
  w.int8(0);
  let count = 0;
  if (request.queryTimeoutMs !== undefined) {
    w.int8(INVOCATION_EXTENSION.BATCH_TIMEOUT);
    w.int8(3);
    w.int32(checkInt32(request.queryTimeoutMs, 0, INT32_MAX, 'queryTimeoutMs', procedure));
    count++;
  }
  if (request.allPartition === true || request.partitionDestination !== undefined) {
    w.int8(INVOCATION_EXTENSION.ALL_PARTITION);
    w.int8(0);
    count++;
  }
  if (request.partitionDestination !== undefined) {
    w.int8(INVOCATION_EXTENSION.PARTITION_DESTINATION);
    w.int8(3);
    w.int32(checkInt32(request.partitionDestination, 0, MP_PARTITION_ID - 1, 'partitionDestination', procedure));
    count++;
  }
  if (request.priority !== undefined) {
    w.int8(INVOCATION_EXTENSION.REQUEST_PRIORITY);
    w.int8(1);
    w.int8(checkInt32(request.priority, 1, 8, 'priority', procedure));
    count++;
  }
  if (request.requestTimeoutUs !== undefined) {
    w.int8(INVOCATION_EXTENSION.REQUEST_TIMEOUT);
    w.int8(3);
    w.int32(checkInt32(request.requestTimeoutUs, 0, INT32_MAX, 'requestTimeoutUs', procedure));
    count++;
  }
  w.buffer[w.mark + countAt] = count;
}

function checkInt32(value: unknown, min: number, max: number, what: string, procedure: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new ParameterError(`${procedure}: ${what} ${describeValue(value)} is not an integer in ${min}..${max}`, { procedure });
}

/** The whole frame in its own exactly-sized buffer (not a slice of Node's shared pool). */
export function encodeInvocation(request: InvocationRequest): Buffer {
  const writer = new BufferWriter(Buffer.allocUnsafeSlow(512));
  writeInvocation(writer, request);
  const frame = Buffer.allocUnsafeSlow(writer.messageLength);
  writer.message().copy(frame);
  return frame;
}

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
  const procedure = r.string('procedure name');
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
