/**
 * How 64-bit integers appear in rows: BIGINT values, and TIMESTAMP microseconds when
 * `timestamps: 'bigint'`. A `bigint` is exact but cannot go through `JSON.stringify`; a
 * string is exact and JSON-safe; a number is what most code wants and is exact only up to
 * ±(2^53 − 1), so beyond that it is refused, never rounded.
 */
import { VoltError } from '../errors.js';

/** `'bigint'` (default), `'string'` or `'number'` (unsafe values refused). */
export type BigIntMode = 'bigint' | 'string' | 'number';

/** The values of the `bigint` option. */
export const BIGINT_MODES: readonly BigIntMode[] = Object.freeze(['bigint', 'string', 'number']);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** A 64-bit row value in `mode`; `null` stays `null`. `where` names the value in the error. */
export function bigintInMode(value: bigint | null, mode: BigIntMode, where: () => string): bigint | string | number | null {
  if (value === null || mode === 'bigint') return value;
  if (mode === 'string') return String(value);
  if (value > MAX_SAFE || value < MIN_SAFE) {
    throw new VoltError(`${where()}: ${value} is beyond ±(2^53 − 1) and would lose precision as a number; read it with bigint: 'string' or 'bigint', or getBigInt()`);
  }
  return Number(value);
}
