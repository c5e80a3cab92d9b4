/**
 * Procedure and query parameters typed on the command line.
 *
 * With `--types BIGINT,INTEGER,…` each argument is converted to its declared type (and the
 * client checks it before sending). Without, a value is inferred from its text: `NULL` is
 * NULL, a whole number is INTEGER when it fits 32 bits and BIGINT otherwise, a decimal
 * number is FLOAT, anything else a STRING — VoltDB converts a parameter to the type the
 * procedure declares when the value fits, as its own command-line tools rely on.
 *
 * Text forms: integers in decimal; DECIMAL as decimal text; TIMESTAMP as ISO-8601 or integer
 * microseconds since the epoch; DATE as YYYY-MM-DD; VARBINARY as hex (optional `0x`);
 * BOOLEAN as true/false/1/0; geography as WKT; arrays (`INTEGER[]`) as a JSON array or
 * comma-separated values.
 */
import { Buffer } from 'node:buffer';
import { ParameterError } from '../errors.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { Decimal } from '../protocol/decimal.js';
import { Geography, GeographyPoint } from '../protocol/geography.js';
import type { ParameterType } from '../protocol/invocation-writer.js';
import { VoltDate } from '../protocol/volt-date.js';

const SCALAR_TYPES = new Set(Object.keys(VOLT_TYPE).filter((name) => name !== 'ARRAY' && name !== 'VOLTTABLE' && name !== 'NULL'));

/** `BIGINT,string, INTEGER[]` → `['BIGINT', 'STRING', 'INTEGER[]']`, each checked. */
export function parseTypeList(text: string): ParameterType[] {
  const names = text.split(',').map((part) => part.trim().toUpperCase());
  return names.map((name, index) => {
    const base = name.endsWith('[]') ? name.slice(0, -2) : name;
    if (name === 'DECIMAL_STRING' || SCALAR_TYPES.has(base)) return name as ParameterType;
    throw new ParameterError(
      `--types entry ${index + 1} "${name}" is not a VoltDB parameter type (one of ${[...SCALAR_TYPES].join(', ')}, DECIMAL_STRING, or TYPE[])`,
      { index, type: name },
    );
  });
}

interface Where {
  procedure: string;
  index: number;
}

function refuse(where: Where, text: string, type: string, expected: string): ParameterError {
  return new ParameterError(`parameter ${where.index + 1} of ${where.procedure}: "${text}" is not ${expected}`, {
    procedure: where.procedure,
    index: where.index,
    type,
  });
}

const INTEGER_TEXT = /^[-+]?\d+$/;
const FLOAT_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Convert `text` to a value of the declared `type`. */
export function convertArgument(text: string, type: ParameterType, where: Where): unknown {
  if (text === 'NULL') return null;
  if (type.endsWith('[]')) return convertArray(text, type.slice(0, -2) as ParameterType, where);
  switch (type) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER': {
      if (!INTEGER_TEXT.test(text)) throw refuse(where, text, type, `an integer for ${type}`);
      return Number(text);
    }
    case 'BIGINT':
      if (!INTEGER_TEXT.test(text)) throw refuse(where, text, type, 'an integer for BIGINT');
      return BigInt(text);
    case 'FLOAT': {
      const value = Number(text);
      if (!FLOAT_TEXT.test(text) && !['NaN', 'Infinity', '-Infinity'].includes(text)) throw refuse(where, text, type, 'a number for FLOAT');
      return value;
    }
    case 'DECIMAL':
      if (!FLOAT_TEXT.test(text)) throw refuse(where, text, type, 'a decimal number for DECIMAL');
      return new Decimal(text);
    case 'DECIMAL_STRING':
    case 'STRING':
      return text;
    case 'TIMESTAMP': {
      if (INTEGER_TEXT.test(text)) return BigInt(text);
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) throw refuse(where, text, type, 'an ISO-8601 time or integer microseconds for TIMESTAMP');
      return date;
    }
    case 'DATE': {
      const day = VoltDate.parse(text);
      if (day === undefined) throw refuse(where, text, type, 'a YYYY-MM-DD day for DATE');
      return day;
    }
    case 'VARBINARY': {
      const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
      if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) throw refuse(where, text, type, 'an even number of hex digits for VARBINARY');
      return new Uint8Array(Buffer.from(digits, 'hex'));
    }
    case 'BOOLEAN': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw refuse(where, text, type, 'true, false, 1 or 0 for BOOLEAN');
    }
    case 'GEOGRAPHY_POINT':
      return wkt(() => GeographyPoint.fromWKT(text), where, text, type);
    case 'GEOGRAPHY':
      return wkt(() => Geography.fromWKT(text), where, text, type);
    default:
      throw refuse(where, text, type, `a value of a type the command line can write (${type})`);
  }
}

function wkt(parse: () => unknown, where: Where, text: string, type: string): unknown {
  try {
    return parse();
  } catch (error) {
    throw refuse(where, text, type, `WKT for ${type} (${error instanceof Error ? error.message : String(error)})`);
  }
}

function convertArray(text: string, element: ParameterType, where: Where): unknown[] {
  let parts: string[];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw refuse(where, text, `${element}[]`, 'a JSON array');
    }
    if (!Array.isArray(parsed)) throw refuse(where, text, `${element}[]`, 'a JSON array');
    parts = parsed.map((item) => (item === null ? 'NULL' : String(item)));
  } else {
    parts = trimmed === '' ? [] : trimmed.split(',').map((part) => part.trim());
  }
  return parts.map((part) => convertArgument(part, element, where));
}

/** Infer a value from its text (see the file comment). */
export function inferArgument(text: string): unknown {
  if (text === 'NULL') return null;
  if (INTEGER_TEXT.test(text)) {
    const big = BigInt(text);
    return big >= -2147483647n && big <= 2147483647n ? Number(big) : big;
  }
  if (FLOAT_TEXT.test(text)) return Number(text);
  return text;
}

/** Convert every argument: by `types` when given (the counts must match), else inferred. */
export function convertArguments(procedure: string, args: readonly string[], types: readonly ParameterType[] | undefined): unknown[] {
  if (types === undefined) return args.map(inferArgument);
  if (types.length !== args.length) {
    throw new ParameterError(`${procedure}: --types lists ${types.length} type${types.length === 1 ? '' : 's'} but ${args.length} argument${args.length === 1 ? ' was' : 's were'} given`, { procedure });
  }
  return args.map((text, index) => convertArgument(text, types[index]!, { procedure, index }));
}
