/**
 * Error text for refused values: what the value was and where it sat, e.g.
 * `parameter 2 of Vote: 300 does not fit TINYINT (-127..127)` or
 * `parameter 1 of Load, row 3, column NAME: 7 does not fit STRING (expected a string)`.
 */
import { ParameterError } from '../errors.js';
import { typeName } from './constants.js';
import { Decimal } from './decimal.js';
import { GeographyPoint } from './geography.js';
import { VoltDate } from './volt-date.js';

/** Where a value sits, for error messages: `parameter 2 of Vote`, `row 4, column NAME`. */
export interface ValueContext {
  procedure?: string;
  /** 0-based parameter position (messages count from 1, as people do: `parameter 1` is the first). */
  index?: number;
  /** 0-based element of an array parameter (shown from 1, as the parameter). */
  element?: number;
  /** 0-based row of a table value. */
  row?: number;
  column?: string;
}

/**
 * A short, safe rendering of a value for an error message. It never throws, whatever the
 * value (null-prototype objects, symbols, bigints, revoked proxies, getters that throw, a
 * GeographyPoint or VoltDate holding non-numbers): the error being built must not turn into
 * a TypeError. Only refusals call it, so the try/catch costs the hot path nothing.
 */
export function describeValue(value: unknown): string {
  try {
    return describeUnchecked(value);
  } catch {
    return value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  }
}

function describeUnchecked(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return value.length > 40 ? `${JSON.stringify(value.slice(0, 37) + '...')} (${value.length} characters)` : JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
      if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
      if (Array.isArray(value)) return `array(${value.length})`;
      if (Decimal.isDecimal(value)) return `Decimal(${value.toString()})`;
      if (value instanceof GeographyPoint || value instanceof VoltDate) return String(value);
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}

/** `parameter 2 of Vote, element 3` / `row 4, column NAME` (empty when nothing is known). */
export function describePlace(where: ValueContext): string {
  const parts: string[] = [];
  if (where.index !== undefined) parts.push(where.procedure === undefined ? `parameter ${where.index + 1}` : `parameter ${where.index + 1} of ${where.procedure}`);
  else if (where.procedure !== undefined) parts.push(where.procedure);
  if (where.element !== undefined) parts.push(`element ${where.element + 1}`);
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.column !== undefined) parts.push(`column ${where.column}`);
  return parts.join(', ');
}

export function placePrefix(where: ValueContext): string {
  const place = describePlace(where);
  return place === '' ? '' : `${place}: `;
}

export function placeOptions(where: ValueContext, type: string, cause?: unknown): { procedure?: string; index?: number; type: string; cause?: unknown } {
  const options: { procedure?: string; index?: number; type: string; cause?: unknown } = { type };
  if (where.procedure !== undefined) options.procedure = where.procedure;
  if (where.index !== undefined) options.index = where.index;
  if (cause !== undefined) options.cause = cause;
  return options;
}

/** `parameter 2 of Vote: 300 does not fit TINYINT (-127..127)`. */
export function refuse(where: ValueContext, value: unknown, type: number | string, detail?: string, cause?: unknown): ParameterError {
  const name = typeof type === 'number' ? (typeName(type) ?? `type ${type}`) : type;
  const suffix = detail === undefined ? '' : ` (${detail})`;
  return new ParameterError(`${placePrefix(where)}${describeValue(value)} does not fit ${name}${suffix}`, placeOptions(where, name, cause));
}

