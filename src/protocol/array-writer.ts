/**
 * Array parameters (PROTOCOL.md 3.4), written for the invocation writer:
 *
 * ```
 * i8 -99, i8 elementType, then
 *   TINYINT:    i32 count, count raw bytes (a byte[] on the server)
 *   any other:  i16 count (≤ 32767), count bare values (NULL elements as sentinels)
 * ```
 *
 * Apart from the scalar path on purpose: a call with scalar parameters never runs this code.
 * Refusals name their place through the caller's reused {@link ValueContext}, whose `element`
 * is set to the offending element (and cleared again after a whole array is written).
 */
import type { ParameterError } from '../errors.js';
import type { BufferWriter } from './buffer-writer.js';
import { MAX_ARRAY_ELEMENTS, MAX_VALUE_BYTES, typeName, VOLT_TYPE } from './constants.js';
import { inferTypeOrZero, refuse, writeValue, type ValueContext } from './value-writer.js';

/** Write one array parameter of element type `element`; `value` must be an array or a typed array. */
export function writeArray(w: BufferWriter, element: number, value: unknown, place: ValueContext): void {
  const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
  if (!Array.isArray(value) && !isTyped) throw refuse(place, value, `${typeLabel(element)}[]`, 'expected an array');
  const values = value as ArrayLike<unknown>;
  const count = values.length;
  if (element === VOLT_TYPE.TINYINT) {
    writeByteArray(w, values, count, place);
    return;
  }
  if (count > MAX_ARRAY_ELEMENTS) throw refuse(place, value, `${typeLabel(element)}[]`, `at most ${MAX_ARRAY_ELEMENTS} elements`);
  w.int8(VOLT_TYPE.ARRAY);
  w.int8(element);
  w.int16(count);
  for (let k = 0; k < count; k++) {
    const item = values[k];
    place.element = k;
    if (Array.isArray(item)) throw nested(place, item, k);
    if (item == null && element === VOLT_TYPE.VOLTTABLE) throw refuse(place, item, 'VOLTTABLE', 'a table array has no NULL elements');
    writeValue(w, element, item, place);
  }
  place.element = undefined;
}

/**
 * The element type of an undeclared array: the one type of its non-null elements, widened
 * INTEGER → BIGINT → FLOAT for numbers; empty or all-null arrays default to INTEGER.
 */
export function inferElementType(values: readonly unknown[], place: ValueContext): number {
  let type = 0;
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (value == null) continue;
    const next = inferTypeOrZero(value);
    if (next === VOLT_TYPE.ARRAY) throw nested(place, value, k);
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

function nested(place: ValueContext, value: unknown, element: number): ParameterError {
  place.element = element;
  return refuse(place, value, 'an array element', 'nested arrays are not supported');
}

/** TINYINT arrays are byte arrays on the server: i32 count and raw bytes (elements -128..255). */
function writeByteArray(w: BufferWriter, values: ArrayLike<unknown>, count: number, place: ValueContext): void {
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
  return typeName(code) ?? `type ${code}`;
}
