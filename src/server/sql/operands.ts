/**
 * Evaluating the values of a statement (placeholders and literals) against the column they
 * meet, and comparing stored values the way SQL does (NULL compares as unknown).
 */
import { Buffer } from 'node:buffer';
import type { ProcedureError } from '../../errors.js';
import { VOLT_TYPE } from '../../protocol/constants.js';
import { Decimal } from '../../protocol/decimal.js';
import { Geography, GeographyPoint } from '../../protocol/geography.js';
import type { Column } from '../column-types.js';
import { convertValue } from '../coercion.js';
import { parameterTypeError, sqlPlanningError } from '../failure-responses.js';
import type { Expression } from './ast.js';

/** Parameters of the statement and the procedure name errors are reported under. */
export interface Bindings {
  params: readonly unknown[];
  procedure: string;
}

/** The raw JS value of an expression, before any column type is applied. */
export function rawValue(expression: Expression, bindings: Bindings): unknown {
  switch (expression.kind) {
    case 'param':
      if (expression.index >= bindings.params.length) {
        throw sqlPlanningError(`Incorrect number of parameters passed: expected more than ${expression.index}, passed ${bindings.params.length}`);
      }
      return bindings.params[expression.index];
    case 'number':
      return expression.text;
    case 'string':
      return expression.text;
    case 'hex':
      return new Uint8Array(Buffer.from(expression.text, 'hex'));
    case 'null':
      return null;
    case 'boolean':
      return expression.value;
    case 'geo': {
      const text = expression.argument.kind === 'number' ? null : rawValue(expression.argument, bindings);
      if (typeof text !== 'string') throw sqlPlanningError(`${expression.shape === 'point' ? 'POINTFROMTEXT' : 'POLYGONFROMTEXT'} needs a string argument`);
      const result = convertValue(text, expression.shape === 'point' ? VOLT_TYPE.GEOGRAPHY_POINT : VOLT_TYPE.GEOGRAPHY);
      if (!result.ok) throw sqlPlanningError(result.reason);
      return result.value;
    }
  }
}

function conversionFailure(expression: Expression, reason: string, bindings: Bindings): ProcedureError<null> {
  return expression.kind === 'param' ? parameterTypeError(bindings.procedure, expression.index, reason) : sqlPlanningError(reason);
}

/** The value of `expression` converted to `column`'s type (a refusal is the server's failure). */
export function columnValue(expression: Expression, column: Column, bindings: Bindings): unknown {
  const raw = rawValue(expression, bindings);
  if (expression.kind === 'geo') {
    const fits = column.type === (raw instanceof GeographyPoint ? VOLT_TYPE.GEOGRAPHY_POINT : VOLT_TYPE.GEOGRAPHY);
    if (!fits) throw sqlPlanningError(`incompatible data type in operation: ${expression.shape === 'point' ? 'GEOGRAPHY_POINT' : 'GEOGRAPHY'} for column ${column.name}`);
    return raw;
  }
  const result = convertValue(raw, column.type);
  if (!result.ok) throw conversionFailure(expression, result.reason, bindings);
  return result.value;
}

/**
 * The value of a comparison operand for a column: converted to the column's type when it
 * fits, else kept numeric (`TINYINT_COL < 1000` is simply true), else refused.
 */
export function comparisonValue(expression: Expression, column: Column, bindings: Bindings): unknown {
  const raw = rawValue(expression, bindings);
  const result = convertValue(raw, column.type);
  if (result.ok) return result.value;
  if (typeof raw === 'number' || typeof raw === 'bigint') return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) && isNumericType(column.type)) return Number(raw);
  throw conversionFailure(expression, result.reason, bindings);
}

function isNumericType(type: number): boolean {
  return (
    type === VOLT_TYPE.TINYINT ||
    type === VOLT_TYPE.SMALLINT ||
    type === VOLT_TYPE.INTEGER ||
    type === VOLT_TYPE.BIGINT ||
    type === VOLT_TYPE.FLOAT ||
    type === VOLT_TYPE.DECIMAL ||
    type === VOLT_TYPE.TIMESTAMP
  );
}

/** Order two non-null stored values: negative, 0, positive; NaN when they cannot be ordered. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return mixedCompare(a, b);
  }
  if (Decimal.isDecimal(a) || Decimal.isDecimal(b)) {
    try {
      return new Decimal(String(a)).cmp(new Decimal(String(b)));
    } catch {
      return Number.NaN;
    }
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (a instanceof GeographyPoint && b instanceof GeographyPoint) return a.equals(b) ? 0 : Number.NaN;
  if (a instanceof Geography && b instanceof Geography) return a.equals(b) ? 0 : Number.NaN;
  return Number.NaN;
}

function mixedCompare(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && !Number.isInteger(a)) return a - Number(b);
  if (typeof b === 'number' && !Number.isInteger(b)) return Number(a) - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sort order with NULL first (VoltDB orders NULL below every value). */
export function orderValues(a: unknown, b: unknown): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  const c = compareValues(a, b);
  return Number.isNaN(c) ? 0 : c;
}
