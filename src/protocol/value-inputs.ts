/**
 * What each of the richer VoltDB types accepts from JavaScript, beside its own class: DATE
 * (`VoltDate`, `{ year, month, day }`, `"YYYY-MM-DD"`, a `Date` at UTC midnight), DECIMAL (a
 * `Decimal`, numeric string, number or bigint), VARBINARY (`Uint8Array`, `ArrayBuffer`),
 * GEOGRAPHY_POINT and GEOGRAPHY (their classes, objects of the same shape, WKT), and the exact
 * decimal text of a DECIMAL_STRING parameter. Each returns the checked value or throws the
 * `ParameterError` that names where it was; `writeValue` (value-writer.ts) writes the result.
 */
import { MAX_VALUE_BYTES, VOLT_TYPE } from './constants.js';
import { Decimal } from './decimal.js';
import { Geography, GeographyPoint, geographyProblem, pointProblem } from './geography.js';
import { refuse, type ValueContext } from './value-errors.js';
import { VoltDate, isValidDay } from './volt-date.js';

export function dateValue(value: unknown, where: ValueContext): VoltDate {
  if (value instanceof VoltDate && isValidDay(value.year, value.month, value.day)) return value;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isNaN(ms) && ms % 86_400_000 === 0) {
      const date = VoltDate.fromDate(value);
      if (isValidDay(date.year, date.month, date.day)) return date;
    }
  } else if (typeof value === 'string') {
    const date = VoltDate.parse(value);
    if (date !== undefined) return date;
  } else if (typeof value === 'object' && value !== null && !(value instanceof VoltDate)) {
    const { year, month, day } = value as { year?: unknown; month?: unknown; day?: unknown };
    if (isValidDay(year, month, day)) return new VoltDate(year as number, month as number, day as number);
  }
  throw refuse(where, value, VOLT_TYPE.DATE, 'expected a real day as VoltDate, {year, month, day}, "YYYY-MM-DD" or a Date at UTC midnight; years 0..32767');
}

export function isDecimalInput(value: unknown): value is Decimal | string | number | bigint {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' || value instanceof Decimal || Decimal.isDecimal(value);
}

export function bytesValue(value: unknown, where: ValueContext): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else throw refuse(where, value, VOLT_TYPE.VARBINARY, 'expected a Uint8Array or ArrayBuffer');
  if (bytes.length > MAX_VALUE_BYTES) throw refuse(where, value, VOLT_TYPE.VARBINARY, `longer than ${MAX_VALUE_BYTES} bytes`);
  return bytes;
}

export function pointValue(value: unknown, where: ValueContext): GeographyPoint {
  let point: GeographyPoint;
  if (value instanceof GeographyPoint) point = value;
  else if (typeof value === 'string') point = fromWkt(value, where, VOLT_TYPE.GEOGRAPHY_POINT, GeographyPoint.fromWKT);
  else if (typeof value === 'object' && value !== null && 'longitude' in value && 'latitude' in value) {
    point = new GeographyPoint(value.longitude as number, value.latitude as number);
  } else throw refuse(where, value, VOLT_TYPE.GEOGRAPHY_POINT, 'expected a GeographyPoint or POINT WKT');
  const problem = pointProblem(point);
  if (problem !== undefined) throw refuse(where, value, VOLT_TYPE.GEOGRAPHY_POINT, problem);
  return point;
}

export function geographyValue(value: unknown, where: ValueContext): Geography {
  let geography: Geography;
  if (value instanceof Geography) geography = value;
  else if (typeof value === 'string') geography = fromWkt(value, where, VOLT_TYPE.GEOGRAPHY, Geography.fromWKT);
  else if (typeof value === 'object' && value !== null && 'rings' in value) geography = new Geography(value.rings as LngLatRings);
  else throw refuse(where, value, VOLT_TYPE.GEOGRAPHY, 'expected a Geography or POLYGON WKT');
  const problem = geographyProblem(geography);
  if (problem !== undefined) throw refuse(where, value, VOLT_TYPE.GEOGRAPHY, problem);
  return geography;
}

type LngLatRings = ConstructorParameters<typeof Geography>[0];

export function fromWkt<T>(text: string, where: ValueContext, type: number, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    throw refuse(where, text, type, (error as Error).message, error);
  }
}

/**
 * DECIMAL_STRING: the exact decimal text of a Decimal / numeric string / number / bigint, sent
 * as a STRING parameter (the server parses and rounds it as VoltDB does for DECIMAL).
 *
 * Rule: the value must be finite and its exact text (`Decimal.toFixed()`, no exponent) must fit
 * the 1 MiB value limit (`MAX_VALUE_BYTES`, as any STRING). The text's length is computed from
 * the exponent and the number of fractional digits *before* the text is built, so an absurd
 * exponent (`"1e900000000"`, `"1e-2000000"`) is refused at once instead of being expanded into
 * gigabytes of digits. (Whether the server's DECIMAL(38, 12) can hold the value is left to the
 * server, which refuses more than 26 integer digits after rounding.)
 */
export function decimalText(value: unknown, where: ValueContext): string {
  let decimal: Decimal | undefined;
  try {
    if (isDecimalInput(value)) decimal = new Decimal(typeof value === 'bigint' ? value.toString() : value);
  } catch {
    // not a number: refused below
  }
  if (decimal === undefined || !decimal.isFinite()) {
    throw refuse(where, value, 'DECIMAL_STRING', 'expected a finite Decimal, numeric string, number or bigint');
  }
  // sign + integer digits + '.' + fractional digits, as toFixed() will write them.
  const exponent = decimal.e;
  const places = decimal.decimalPlaces();
  const length = 1 + (exponent >= 0 ? exponent + 1 : 1) + (places > 0 ? places + 1 : 0);
  if (!(length <= MAX_VALUE_BYTES + 1)) throw refuse(where, value, 'DECIMAL_STRING', `its decimal text would be longer than the ${MAX_VALUE_BYTES}-byte value limit`);
  const text = decimal.toFixed();
  if (text.length > MAX_VALUE_BYTES) throw refuse(where, value, 'DECIMAL_STRING', `its decimal text would be longer than the ${MAX_VALUE_BYTES}-byte value limit`);
  return text;
}
