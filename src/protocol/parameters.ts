/**
 * Parameter sets (PROTOCOL.md 3.4): `i16 count`, then per parameter a type byte and its value.
 *
 * ```
 * scalar:  i8 type, value (section 4)            NULL: i8 1, no payload (what Java sends)
 * array:   i8 -99, i8 elementType, then
 *          TINYINT:    i32 count, count raw bytes (a byte[] on the server)
 *          any other:  i16 count (≤ 32767), count bare values (NULL elements as sentinels)
 * ```
 *
 * Types come from a declared list (`['BIGINT', 'STRING[]', 'DECIMAL_STRING']`, parsed once per
 * list object and cached) or are inferred from the JS values (`inferType`). Every value is
 * checked by `writeValue` before its bytes go out; on a refusal the writer is put back where
 * the parameter set started and the ParameterError names procedure, position, value and type.
 */
import { ParameterError, ProtocolError } from '../errors.js';
import type { BufferReader } from './buffer-reader.js';
import type { BufferWriter } from './buffer-writer.js';
import { MAX_ARRAY_ELEMENTS, MAX_VALUE_BYTES, VOLT_TYPE, type VoltTypeName } from './constants.js';
import { describeValue, inferTypeOrZero, refuse, writeValue, type ValueContext } from './value-writer.js';
import { readValue, type TimestampMode } from './value-reader.js';
import { decimalText } from './value-inputs.js';

/** A declared parameter type: a type name, an array of one, or DECIMAL_STRING (exact decimal text sent as STRING). */
export type ParameterType = VoltTypeName | `${VoltTypeName}[]` | 'DECIMAL_STRING';

/** Parameter sets as decoded by {@link readParameters}. */
export interface DecodedParameters {
  values: unknown[];
  /** Wire type code per parameter; arrays as -99. */
  types: number[];
  /** Element type of each array parameter, undefined for scalars. */
  elementTypes: (number | undefined)[];
}

/** Not a wire code: DECIMAL_STRING in a plan (written as STRING). */
const DECIMAL_STRING = 1009;
const ARRAY_ELEMENT_TYPES: ReadonlySet<number> = new Set([
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.FLOAT,
  VOLT_TYPE.STRING,
  VOLT_TYPE.TIMESTAMP,
  VOLT_TYPE.DATE,
  VOLT_TYPE.DECIMAL,
  VOLT_TYPE.VARBINARY,
  VOLT_TYPE.GEOGRAPHY_POINT,
  VOLT_TYPE.GEOGRAPHY,
  VOLT_TYPE.VOLTTABLE,
]);
const SCALAR_TYPES: ReadonlySet<number> = new Set([...ARRAY_ELEMENT_TYPES, VOLT_TYPE.NULL, VOLT_TYPE.BOOLEAN]);

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
    if (typeof code !== 'number' || (isArray ? !ARRAY_ELEMENT_TYPES.has(code) : code !== DECIMAL_STRING && !SCALAR_TYPES.has(code))) {
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

/** One reused context: the hot path allocates nothing for error reporting it may never need. */
const place: ValueContext = { procedure: '', index: 0, element: undefined };

/**
 * The refusal of a call whose parameter count is not its declared types' count:
 * `Vote takes 3 parameters (BIGINT, INTEGER, BIGINT), got 1` — "1 parameter" in the singular.
 */
export function parameterCountError(procedure: string, types: readonly string[], got: number): ParameterError {
  const count = `${types.length} parameter${types.length === 1 ? '' : 's'}`;
  return new ParameterError(`${procedure} takes ${count} (${types.join(', ') || 'none'}), got ${got}`, { procedure });
}

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
    writeArray(w, element, value);
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
    writeArray(w, inferElementType(value as readonly unknown[]), value);
  } else if (type === 0) {
    throw refuse(place, value, 'any VoltDB type', 'cannot infer a type; declare the parameter types');
  } else {
    w.int8(type);
    writeValue(w, type, value, place);
  }
}

/**
 * The element type of an undeclared array: the one type of its non-null elements, widened
 * INTEGER → BIGINT → FLOAT for numbers; empty or all-null arrays default to INTEGER.
 */
function inferElementType(values: readonly unknown[]): number {
  let type = 0;
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (value == null) continue;
    const next = inferTypeOrZero(value);
    if (next === VOLT_TYPE.ARRAY) throw nested(value, k);
    if (next === 0) {
      place.element = k;
      throw refuse(place, value, 'any VoltDB type', 'cannot infer a type; declare the parameter types');
    }
    if (type === 0 || next === type) {
      type = next;
    } else if (isNumeric(type) && isNumeric(next)) {
      type = type === VOLT_TYPE.FLOAT || next === VOLT_TYPE.FLOAT ? VOLT_TYPE.FLOAT : VOLT_TYPE.BIGINT;
    } else {
      place.element = k;
      throw refuse(place, value, 'an array', 'elements of one type only; declare the parameter type');
    }
  }
  return type === 0 ? VOLT_TYPE.INTEGER : type;
}

function isNumeric(type: number): boolean {
  return type === VOLT_TYPE.INTEGER || type === VOLT_TYPE.BIGINT || type === VOLT_TYPE.FLOAT;
}

function nested(value: unknown, element: number): ParameterError {
  place.element = element;
  return refuse(place, value, 'an array element', 'nested arrays are not supported');
}

function writeArray(w: BufferWriter, element: number, value: unknown): void {
  const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
  if (!Array.isArray(value) && !isTyped) throw refuse(place, value, `${typeLabel(element)}[]`, 'expected an array');
  const values = value as ArrayLike<unknown>;
  const count = values.length;
  if (element === VOLT_TYPE.TINYINT) {
    writeByteArray(w, values, count);
    return;
  }
  if (count > MAX_ARRAY_ELEMENTS) throw refuse(place, value, `${typeLabel(element)}[]`, `at most ${MAX_ARRAY_ELEMENTS} elements`);
  w.int8(VOLT_TYPE.ARRAY);
  w.int8(element);
  w.int16(count);
  for (let k = 0; k < count; k++) {
    const item = values[k];
    place.element = k;
    if (Array.isArray(item)) throw nested(item, k);
    if (item == null && element === VOLT_TYPE.VOLTTABLE) throw refuse(place, item, 'VOLTTABLE', 'a table array has no NULL elements');
    writeValue(w, element, item, place);
  }
  place.element = undefined;
}

/** TINYINT arrays are byte arrays on the server: i32 count and raw bytes (elements -128..255). */
function writeByteArray(w: BufferWriter, values: ArrayLike<unknown>, count: number): void {
  if (count > MAX_VALUE_BYTES) throw refuse(place, values, 'TINYINT[]', `at most ${MAX_VALUE_BYTES} bytes`);
  w.int8(VOLT_TYPE.ARRAY);
  w.int8(VOLT_TYPE.TINYINT);
  w.int32(count);
  if (values instanceof Uint8Array || values instanceof Int8Array) {
    w.raw(new Uint8Array(values.buffer, values.byteOffset, values.length));
    return;
  }
  w.ensure(count);
  for (let k = 0; k < count; k++) {
    const item = values[k];
    let byte: number;
    if (typeof item === 'boolean') byte = item ? 1 : 0;
    else if (typeof item === 'number' && Number.isInteger(item) && item >= -128 && item <= 255) byte = item & 0xff;
    else {
      place.element = k;
      throw refuse(place, item, 'TINYINT[]', 'byte array elements are integers -128..255');
    }
    w.buffer[w.offset++] = byte;
  }
}

function typeLabel(code: number): string {
  for (const [name, value] of Object.entries(VOLT_TYPE)) if (value === code) return name;
  return `type ${code}`;
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
      if (!SCALAR_TYPES.has(type)) throw new ProtocolError(`parameter ${i + 1} has unknown type code ${type}`, { offset: at });
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
