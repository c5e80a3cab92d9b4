/**
 * The type and exception vocabulary of VoltDB's documented Python client, as TypeScript:
 * the `VOLTTYPE_*` constants (wire type codes, PROTOCOL.md 4.1), `VoltColumn`, and
 * `VoltException` with its `VOLTEXCEPTION_*` kinds (PROTOCOL.md 5.2).
 *
 * Nothing here encodes or decodes values: declared types are translated to the codec's
 * `ParameterType` names and the codec does the rest (`src/protocol/invocation-writer.ts`).
 */
import { Buffer } from 'node:buffer';
import { ParameterError } from '../errors.js';
import { EXCEPTION_TYPE, VOLT_TYPE, typeName } from '../protocol/constants.js';
import type { SerializedException } from '../protocol/exception.js';
import type { ParameterType } from '../protocol/invocation-writer.js';

/** `FastSerializer.VOLTTYPE_NULL`: type byte 1. */
export const VOLTTYPE_NULL = VOLT_TYPE.NULL;
/** 3: i8. */
export const VOLTTYPE_TINYINT = VOLT_TYPE.TINYINT;
/** 4: i16. */
export const VOLTTYPE_SMALLINT = VOLT_TYPE.SMALLINT;
/** 5: i32. */
export const VOLTTYPE_INTEGER = VOLT_TYPE.INTEGER;
/** 6: i64 (a `bigint` in voltwire). */
export const VOLTTYPE_BIGINT = VOLT_TYPE.BIGINT;
/** 8: f64. */
export const VOLTTYPE_FLOAT = VOLT_TYPE.FLOAT;
/** 9: UTF-8 string. */
export const VOLTTYPE_STRING = VOLT_TYPE.STRING;
/** 11: i64 microseconds since the epoch. */
export const VOLTTYPE_TIMESTAMP = VOLT_TYPE.TIMESTAMP;
/** 12: a calendar date (newer servers only; not in the Python client). */
export const VOLTTYPE_DATE = VOLT_TYPE.DATE;
/** 21: a table parameter. */
export const VOLTTYPE_VOLTTABLE = VOLT_TYPE.VOLTTABLE;
/** 22: 16-byte fixed-point, scale 12 (a decimal.js `Decimal` in voltwire). */
export const VOLTTYPE_DECIMAL = VOLT_TYPE.DECIMAL;
/** 25: bytes. */
export const VOLTTYPE_VARBINARY = VOLT_TYPE.VARBINARY;
/** 26: longitude, latitude. */
export const VOLTTYPE_GEOGRAPHY_POINT = VOLT_TYPE.GEOGRAPHY_POINT;
/** 27: polygon. */
export const VOLTTYPE_GEOGRAPHY = VOLT_TYPE.GEOGRAPHY;

/**
 * The legacy way to pass a DECIMAL as its text: the value (a `Decimal`, a numeric string, a
 * number or a bigint) goes on the wire as a STRING (type byte 9) that the server converts.
 *
 * Python's client gave it the value 23, which the server now reads as BOOLEAN, so 23 must never
 * reach the wire for it. This constant is 1022 ("DECIMAL, moved out of the byte range"): no
 * VoltDB type byte can hold it (type bytes are signed i8, -128..127), so it cannot be mistaken
 * for a wire code or written as one by accident. A literal 23 in a type list is refused.
 */
export const VOLTTYPE_DECIMAL_STRING = 1022;

/** `VoltException.type` kinds, with the Python client's values. */
export const VOLTEXCEPTION_NONE = 0;
/** An exception raised in the execution engine. */
export const VOLTEXCEPTION_EEEXCEPTION = 1;
/** A SQL error. */
export const VOLTEXCEPTION_SQLEXCEPTION = 2;
/** A constraint violation. */
export const VOLTEXCEPTION_CONSTRAINTFAILURE = 3;
/**
 * Every other serialized exception. Python's value 4 is kept for compatibility; on the wire 4 is
 * InterruptException and GenericSerializableException is 8 (PROTOCOL.md 13.10) — the wire
 * ordinal stays visible in {@link VoltException.ordinal}.
 */
export const VOLTEXCEPTION_GENERIC = 4;

/** A declared parameter type: a `VOLTTYPE_*` code, or a voltwire type name (`'BIGINT'`, `'STRING[]'`). */
export type VoltTypeSpec = number | ParameterType;

/** Legacy codes that must not be sent, with the reason. */
const REFUSED_CODES: ReadonlyMap<number, string> = new Map([
  [23, 'was DECIMAL_STRING in older Python clients but is BOOLEAN to the server; use VOLTTYPE_DECIMAL_STRING'],
  [20, 'is the obsolete MONEY type, which servers do not accept; use VOLTTYPE_DECIMAL'],
]);

/**
 * The codec's type name for a declared `VOLTTYPE_*` code (`5` → `'INTEGER'`,
 * `VOLTTYPE_DECIMAL_STRING` → `'DECIMAL_STRING'`); names pass through. Throws ParameterError
 * for anything else.
 */
export function parameterTypeOf(spec: VoltTypeSpec, procedure: string, index: number): ParameterType {
  if (typeof spec === 'string') return spec;
  if (spec === VOLTTYPE_DECIMAL_STRING) return 'DECIMAL_STRING';
  const refused = REFUSED_CODES.get(spec);
  const name = typeof spec === 'number' && refused === undefined ? typeName(spec) : undefined;
  if (name === undefined) {
    const why = refused ?? 'is not a VOLTTYPE_* constant';
    throw new ParameterError(`parameter ${index + 1} of ${procedure}: type ${String(spec)} ${why}`, { procedure, index, type: String(spec) });
  }
  return name;
}

/** One column of a result table: name and `VOLTTYPE_*` code. */
export class VoltColumn {
  constructor(
    readonly type: number,
    readonly name: string,
  ) {}

  /** `(NAME: 9)`, as the Python client prints a column; an unnamed column is `modified tuples`. */
  toString(): string {
    return `(${this.name === '' ? 'modified tuples' : this.name}: ${this.type})`;
  }
}

/** Python's type labels, for `toString()`. */
const KIND_LABELS: readonly string[] = ['None', 'EE Exception', 'SQL Exception', 'Constraint Failure', 'Generic'];

/**
 * The serialized exception of a response (legacy servers only; 11.x servers never send one).
 * Built over the codec's `SerializedException`, whose raw blob is kept in `bytes`.
 */
export class VoltException {
  static readonly VOLTEXCEPTION_NONE = VOLTEXCEPTION_NONE;
  static readonly VOLTEXCEPTION_EEEXCEPTION = VOLTEXCEPTION_EEEXCEPTION;
  static readonly VOLTEXCEPTION_SQLEXCEPTION = VOLTEXCEPTION_SQLEXCEPTION;
  static readonly VOLTEXCEPTION_CONSTRAINTFAILURE = VOLTEXCEPTION_CONSTRAINTFAILURE;
  static readonly VOLTEXCEPTION_GENERIC = VOLTEXCEPTION_GENERIC;

  /** One of the `VOLTEXCEPTION_*` kinds. */
  readonly type: number;
  readonly message: string;
  /** The wire ordinal (PROTOCOL.md 5.2), e.g. 8 for GenericSerializableException. */
  readonly ordinal: number;
  /** The Java class name of the ordinal (`'SQLException'`). */
  readonly typeName: string;
  /** EEException's i32 error code; null for other kinds. */
  readonly errorCode: number | null;
  /** The 5-character SQLSTATE of an SQL exception or constraint failure; null otherwise. */
  readonly sqlState: string | null;
  /** The whole blob (ordinal, message, type-specific tail), as received. */
  readonly bytes: Uint8Array;

  constructor(serialized: SerializedException) {
    const ordinal = serialized.type;
    this.ordinal = ordinal;
    this.typeName = serialized.typeName;
    this.message = serialized.message;
    this.bytes = serialized.bytes;
    this.type =
      ordinal === EXCEPTION_TYPE.NONE || ordinal === EXCEPTION_TYPE.EE_EXCEPTION || ordinal === EXCEPTION_TYPE.SQL_EXCEPTION || ordinal === EXCEPTION_TYPE.CONSTRAINT_FAILURE
        ? ordinal
        : VOLTEXCEPTION_GENERIC;
    // The tail starts after i8 ordinal, i32 message length and the message (the codec checked
    // that each type's fixed tail fields are present).
    const blob = serialized.bytes;
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const tail = 5 + view.getInt32(1);
    this.errorCode = this.type === VOLTEXCEPTION_EEEXCEPTION ? view.getInt32(tail) : null;
    this.sqlState =
      this.type === VOLTEXCEPTION_SQLEXCEPTION || this.type === VOLTEXCEPTION_CONSTRAINTFAILURE ? Buffer.from(blob.buffer, blob.byteOffset + tail, 5).toString('latin1') : null;
  }

  /** `VoltException: type: SQL Exception` and the details, in the Python client's words. */
  toString(): string {
    let text = `VoltException: type: ${KIND_LABELS[this.type]}\n`;
    if (this.errorCode !== null) text += `  Error code: ${this.errorCode}\n`;
    if (this.sqlState !== null) text += `  SQL code: ${this.sqlState}\n`;
    if (this.type === VOLTEXCEPTION_GENERIC) text += `  Java type: ${this.typeName}\n`;
    return `${text}  Message: ${this.message}`;
  }
}
