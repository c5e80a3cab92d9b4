/**
 * The bytes VoltDB's hashinator hashes for a partition value (PROTOCOL.md 8.5): integers of any
 * width as the same 8 little-endian bytes, STRING as UTF-8, VARBINARY raw. The hashinator's
 * integer keys skip the bytes (hashinator.ts hashes the 64-bit value directly); strings, byte
 * arrays and the bulk loader's `@LoadSinglepartitionTable` key (sent as these bytes) come here.
 * Pure: no sockets, timers or promises.
 */
import { ParameterError } from '../errors.js';
import { NULL_VALUE, VOLT_TYPE } from './constants.js';

/** The integer column types: all hash as the same 8 little-endian bytes. */
export const INTEGER_TYPES: ReadonlySet<number> = new Set([VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT]);
/** Each integer type's NULL sentinel (SQL NULL has no hash: it goes to partition 0). */
export const INTEGER_NULL: Readonly<Record<number, bigint>> = {
  [VOLT_TYPE.TINYINT]: BigInt(NULL_VALUE.TINYINT),
  [VOLT_TYPE.SMALLINT]: BigInt(NULL_VALUE.SMALLINT),
  [VOLT_TYPE.INTEGER]: BigInt(NULL_VALUE.INTEGER),
  [VOLT_TYPE.BIGINT]: NULL_VALUE.BIGINT,
};
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const encoder = new TextEncoder();

function integerKey(value: unknown, type: number): bigint | null {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) n = BigInt(value.trim());
  else throw new ParameterError(`partition value ${describe(value)} is not an integer`, { type: typeNameOf(type) });
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new ParameterError(`partition value ${n} does not fit BIGINT`, { type: typeNameOf(type) });
  }
  return n === INTEGER_NULL[type] || n === NULL_VALUE.BIGINT ? null : n;
}

function hexToBytes(text: string): Uint8Array | null {
  const hex = /^[xX]'([0-9a-fA-F]*)'$/.exec(text)?.[1] ?? text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * The bytes VoltDB hashes for a partition value of column type `type`, or `null` for SQL NULL
 * (which goes to partition 0 without hashing). Integers of any width hash as the same 8
 * little-endian bytes; a numeric string is parsed for an integer column (as the Java client
 * does); STRING hashes UTF-8; VARBINARY hashes raw bytes (a hex string is accepted).
 * Throws {@link ParameterError} for a value that cannot be a partition key of that type.
 */
export function hashinatorBytes(value: unknown, type: number): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (INTEGER_TYPES.has(type)) {
    const n = integerKey(value, type);
    if (n === null) return null;
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, n, true);
    return out;
  }
  if (type === VOLT_TYPE.STRING) {
    if (typeof value === 'string') return encoder.encode(value);
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'number' || typeof value === 'bigint') return encoder.encode(String(value));
    throw new ParameterError(`partition value ${describe(value)} is not a string`, { type: 'STRING' });
  }
  if (type === VOLT_TYPE.VARBINARY) {
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'string') {
      const bytes = hexToBytes(value);
      if (bytes !== null) return bytes;
    }
    throw new ParameterError(`partition value ${describe(value)} is not a byte array or hex string`, { type: 'VARBINARY' });
  }
  throw new ParameterError(`type ${typeNameOf(type)} cannot be a partition column (integer, STRING or VARBINARY only)`, {
    type: typeNameOf(type),
  });
}

function typeNameOf(type: number): string {
  for (const [name, code] of Object.entries(VOLT_TYPE)) if (code === type) return name;
  return `type ${type}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return String(value);
}
