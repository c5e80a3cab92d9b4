/**
 * Procedure invocation requests, written whole (PROTOCOL.md 3): header, handle, extensions and
 * the parameter set. The client's side; `invocation-reader.ts` reads them (the server's side).
 *
 * ```
 * v0: i32 N, i8 0, str proc, i64 handle, params
 * v1: i32 N, i8 1, i8 kind (-1 none | 1), [i32 batchTimeoutMs], str proc, i64 handle, params
 * v2: i32 N, i8 2, str proc, i64 handle, i8 extCount (0..30),
 *     extCount × (i8 type, i8 sizeCode (0 → 0 bytes, n → 2^(n-1) bytes), payload), params
 * params: i16 count, then per parameter a type byte and its value (section 4)
 *         NULL: i8 1, no payload (what Java sends); arrays: see `array-writer.ts`
 * ```
 * v2 extensions written, in this order: BATCH_TIMEOUT (1, i32 ms), ALL_PARTITION (2, none),
 * PARTITION_DESTINATION (3, i32; always preceded by ALL_PARTITION, as Java does),
 * REQUEST_PRIORITY (5, i8), REQUEST_TIMEOUT (6, i32 µs).
 *
 * Parameter types come from a declared list (`['BIGINT', 'STRING[]', 'DECIMAL_STRING']`, parsed
 * once per list object and cached) or are inferred from the JS values. Every value is checked by
 * `writeValue` before its bytes go out; the ParameterError names procedure, position, value and
 * type.
 *
 * `writeInvocation` is the client's hot path: it writes straight into the caller's slab, makes
 * no closures or arrays, and on any refusal rolls the writer back to the frame start.
 */
import { Buffer } from 'node:buffer';
import { ParameterError } from '../errors.js';
import { writeArray, inferElementType } from './array-writer.js';
import { BufferWriter } from './buffer-writer.js';
import {
  ARRAY_ELEMENT_TYPES,
  INVOCATION_EXTENSION,
  INVOCATION_VERSION,
  MAX_ARRAY_ELEMENTS,
  MP_PARTITION_ID,
  SCALAR_PARAMETER_TYPES,
  VOLT_TYPE,
  type VoltTypeName,
} from './constants.js';
import { decimalText } from './value-inputs.js';
import { describeValue, inferTypeOrZero, refuse, writeValue, type ValueContext } from './value-writer.js';

/** A declared parameter type: a type name, an array of one, or DECIMAL_STRING (exact decimal text sent as STRING). */
export type ParameterType = VoltTypeName | `${VoltTypeName}[]` | 'DECIMAL_STRING';

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

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const INT32_MAX = 2147483647;
const NO_PARAMS: readonly unknown[] = [];
/** Not a wire code: DECIMAL_STRING in a plan (written as STRING). */
const DECIMAL_STRING = 1009;

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

/** The whole frame in its own exactly-sized buffer (not a slice of Node's shared pool). */
export function encodeInvocation(request: InvocationRequest): Buffer {
  const writer = new BufferWriter(Buffer.allocUnsafeSlow(512));
  writeInvocation(writer, request);
  const frame = Buffer.allocUnsafeSlow(writer.messageLength);
  writer.message().copy(frame);
  return frame;
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

/** One reused context: the hot path allocates nothing for error reporting it may never need. */
const place: ValueContext = { procedure: '', index: 0, element: undefined };

/**
 * Write `i16 count` and every parameter. `types` declares them (same length as `params`);
 * without it each type is inferred. Throws ParameterError with nothing left in the writer.
 */
export function writeParameters(w: BufferWriter, params: readonly unknown[], types: readonly ParameterType[] | undefined, procedure: string): void {
  const start = w.offset - w.mark; // relative to the mark: survives a move to a new slab
  try {
    // An array-like ({ length: 2 }) or a number would otherwise be encoded as NULLs / nothing.
    if (!Array.isArray(params)) throw new ParameterError(`${procedure}: params ${describeValue(params)} is not an array`, { procedure });
    const count = params.length;
    if (count > MAX_ARRAY_ELEMENTS) throw new ParameterError(`${procedure}: ${count} parameters, at most ${MAX_ARRAY_ELEMENTS}`, { procedure });
    place.procedure = procedure;
    place.element = undefined;
    w.int16(count);
    if (types === undefined) {
      for (let i = 0; i < count; i++) {
        place.index = i;
        writeInferred(w, params[i]);
      }
      return;
    }
    const plan = planFor(types, procedure);
    if (plan.codes.length !== count) {
      throw new ParameterError(`${procedure} declares ${plan.codes.length} parameter types but got ${count} values`, { procedure });
    }
    const codes = plan.codes;
    for (let i = 0; i < count; i++) {
      place.index = i;
      writeDeclared(w, codes[i]!, plan.elements[i]!, params[i]);
    }
  } catch (error) {
    w.offset = w.mark + start;
    throw error;
  }
}

function writeDeclared(w: BufferWriter, code: number, element: number, value: unknown): void {
  if (value == null) {
    w.int8(VOLT_TYPE.NULL);
  } else if (code === VOLT_TYPE.ARRAY) {
    writeArray(w, element, value, place);
  } else if (code === DECIMAL_STRING) {
    const text = decimalText(value, place);
    w.int8(VOLT_TYPE.STRING);
    w.string(text);
  } else {
    w.int8(code);
    writeValue(w, code, value, place);
  }
}

function writeInferred(w: BufferWriter, value: unknown): void {
  const type = inferTypeOrZero(value);
  if (type === VOLT_TYPE.ARRAY) {
    writeArray(w, inferElementType(value as readonly unknown[], place), value, place);
  } else if (type === 0) {
    throw refuse(place, value, 'any VoltDB type', 'cannot infer a type; declare the parameter types');
  } else {
    w.int8(type);
    writeValue(w, type, value, place);
  }
}

/**
 * The refusal of a call whose parameter count is not its declared types' count:
 * `Vote takes 3 parameters (BIGINT, INTEGER, BIGINT), got 1` — "1 parameter" in the singular.
 */
export function parameterCountError(procedure: string, types: readonly string[], got: number): ParameterError {
  const count = `${types.length} parameter${types.length === 1 ? '' : 's'}`;
  return new ParameterError(`${procedure} takes ${count} (${types.join(', ') || 'none'}), got ${got}`, { procedure });
}

/** A declared type list, parsed: one code per parameter (-99 for arrays) and the element codes. */
interface Plan {
  codes: Int16Array;
  elements: Int16Array;
  /** The names parsed: a list mutated since is parsed again. */
  names: readonly ParameterType[];
}

const plans = new WeakMap<readonly ParameterType[], Plan>();
let lastTypes: readonly ParameterType[] | undefined;
let lastPlan: Plan | undefined;

/**
 * Parse a declared type list once per list object (cached; re-parsed if the list was changed
 * since — checking is one reference comparison per name). Unknown names are a ParameterError.
 */
function planFor(types: readonly ParameterType[], procedure: string): Plan {
  // One-entry cache first: a hot loop calls one procedure (a WeakMap lookup costs ~15 ns).
  if (types === lastTypes && unchanged(lastPlan!.names, types)) return lastPlan!;
  let plan = plans.get(types);
  if (plan !== undefined && unchanged(plan.names, types)) {
    lastTypes = types;
    lastPlan = plan;
    return plan;
  }
  // Cache misses only from here: the checks below cost a call that repeats its list nothing.
  if (!Array.isArray(types)) {
    throw new ParameterError(`${procedure}: declared types ${describeValue(types)} is not an array of type names`, { procedure, type: describeValue(types) });
  }
  plan = { codes: new Int16Array(types.length), elements: new Int16Array(types.length), names: types.slice() };
  for (let i = 0; i < types.length; i++) {
    const name: unknown = types[i];
    // Not a string: refused before it is used as a property key (String() of it may throw).
    if (typeof name !== 'string') throw notAType(name, i, procedure);
    const isArray = name.endsWith('[]');
    const base = isArray ? name.slice(0, -2) : name;
    const code = base === 'DECIMAL_STRING' && !isArray ? DECIMAL_STRING : base === 'ARRAY' ? undefined : (VOLT_TYPE as Record<string, number>)[base];
    if (typeof code !== 'number' || (isArray ? !ARRAY_ELEMENT_TYPES.has(code) : code !== DECIMAL_STRING && !SCALAR_PARAMETER_TYPES.has(code))) {
      throw notAType(name, i, procedure);
    }
    plan.codes[i] = isArray ? VOLT_TYPE.ARRAY : code;
    plan.elements[i] = isArray ? code : 0;
  }
  plans.set(types, plan);
  lastTypes = types;
  lastPlan = plan;
  return plan;
}

function notAType(name: unknown, index: number, procedure: string): ParameterError {
  const shown = describeValue(name);
  return new ParameterError(`parameter ${index + 1} of ${procedure}: ${shown} is not a parameter type`, { procedure, index, type: typeof name === 'string' ? name : shown });
}

function unchanged(names: readonly ParameterType[], types: readonly ParameterType[]): boolean {
  if (names.length !== types.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== types[i]) return false;
  return true;
}
