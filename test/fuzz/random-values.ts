/**
 * Random JS values for the encoder fuzz target: values that fit a VoltDB type (in the canonical
 * form the decoder gives back, so a round trip can be compared), and values of arbitrary shape
 * (edge numbers, bigints out of range, lone surrogates, invalid dates and polygons, odd objects,
 * nested and sparse arrays, table-likes) that the encoder must refuse with a ParameterError or
 * encode into a frame its own decoder reads back.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint, type LngLat } from '../../src/protocol/geography.js';
import type { InvocationRequest, ParameterType } from '../../src/protocol/invocation-writer.js';
import { encodeSerializedException } from '../../src/protocol/exception.js';
import type { ResponseInput, TableInput } from '../../src/protocol/response.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import type { Random } from '../helpers/mutators.js';

export const SCALAR_TYPES = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'STRING', 'TIMESTAMP', 'DATE', 'DECIMAL', 'VARBINARY', 'GEOGRAPHY_POINT', 'GEOGRAPHY'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** Column types of a result table (NULL included: a zero-width column). */
export const COLUMN_TYPE_CODES: readonly number[] = [...SCALAR_TYPES.map((name) => VOLT_TYPE[name]), VOLT_TYPE.NULL];

const EDGE_NUMBERS = [0, -0, 1, -1, 127, 128, -127, -128, 255, 256, 32767, 32768, -32768, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) + 1, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1.5, -2.5, 0.1, NaN, Infinity, -Infinity, -1.7e308, -Number.MAX_VALUE, Number.MAX_VALUE, 5e-324, 1e21, 9223372036854775, 9223372036854776];
const EDGE_BIGINTS = [0n, 1n, -1n, 127n, -128n, 2n ** 31n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 63n) + 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n), 2n ** 200n];

/** A string; `wellFormed: false` allows lone surrogates. */
export function randomString(rng: Random, max = 24, wellFormed = true): string {
  const length = rng.smallSize(max);
  // Long strings repeat a short random one (building a megabyte char by char is slow).
  if (length > 256) return randomString(rng, 64, wellFormed).padEnd(length, randomString(rng, 16, true) || 'x');
  let text = '';
  for (let i = 0; i < length; i++) {
    const r = rng.int(10);
    if (r < 5) text += String.fromCharCode(0x20 + rng.int(95));
    else if (r < 7) text += String.fromCharCode(rng.pick([0, 0x7f, 0x80, 0xff, 0xe9, 0x2603, 0xfffd, 0xfeff, 0x0a]));
    else if (r < 9) text += String.fromCodePoint(rng.range(0x100, 0xd7ff));
    else if (wellFormed || rng.chance(0.5)) text += String.fromCodePoint(rng.range(0x10000, 0x10ffff));
    else text += String.fromCharCode(rng.range(0xd800, 0xdfff));
  }
  return text;
}

export function randomNumber(rng: Random): number {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(EDGE_NUMBERS);
    case 1:
      return rng.range(-1000, 1000);
    case 2:
      return (rng.u32() | 0) * rng.pick([1, 1, 1000, 2 ** 21]);
    default: {
      const bits = Buffer.alloc(8);
      bits.writeUInt32BE(rng.u32(), 0);
      bits.writeUInt32BE(rng.u32(), 4);
      return bits.readDoubleBE(0);
    }
  }
}

export function randomBigint(rng: Random): bigint {
  return rng.chance(0.4) ? rng.pick(EDGE_BIGINTS) : rng.int64() >> BigInt(rng.int(64));
}

/** Decimal text: plain digits, exponents, junk; very rarely a huge exponent (a known hazard). */
export function randomDecimalText(rng: Random): string {
  const sign = rng.pick(['', '-', '+']);
  const digits = (n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');
  switch (rng.int(8)) {
    case 0:
      return `${sign}${digits(rng.range(1, 30))}`;
    case 1:
    case 2:
      return `${sign}${digits(rng.range(1, 27))}.${digits(rng.range(1, 16))}`;
    case 3:
      return `${sign}${digits(rng.range(1, 5))}e${rng.range(-40, 40)}`;
    case 4:
      return rng.pick(['NaN', 'Infinity', '-Infinity', '', ' ', '1.2.3', '0x10', '1e', '.', '-0', '0.0000000000005', '99999999999999999999999999.9999999999995']);
    case 5: {
      // Huge exponents: expanding them digit by digit is slow (1e7) or exhausts the heap (9e8).
      const r = rng.float();
      const exponent = r < 0.002 ? 900_000_000 : r < 0.01 ? 10_000_000 : r < 0.05 ? rng.pick([100_000, 1_000_000]) : rng.range(-400, 400);
      return `${rng.pick(['', '-'])}1e${rng.chance(0.1) ? -exponent : exponent}`;
    }
    default:
      return `${sign}0.${digits(rng.range(1, 20))}`;
  }
}

export function randomPoint(rng: Random): GeographyPoint {
  if (rng.chance(0.8)) return new GeographyPoint(rng.float() * 360 - 180, rng.float() * 180 - 90);
  return new GeographyPoint(rng.pick([NaN, 180.0000001, -181, 360, 0, 180]), rng.pick([NaN, 90.5, 360, -90, 0]));
}

/** A valid polygon (a regular n-gon, maybe with a hole) in user order. */
export function validPolygon(rng: Random): Geography {
  const lng = rng.float() * 340 - 170;
  const lat = rng.float() * 140 - 70;
  const radius = 0.5 + rng.float() * 5;
  const sides = rng.range(3, 10);
  const ring = (r: number, clockwise: boolean): LngLat[] => {
    const points: LngLat[] = [];
    for (let k = 0; k < sides; k++) {
      const angle = ((clockwise ? -k : k) * 2 * Math.PI) / sides;
      points.push([lng + r * Math.cos(angle), lat + r * Math.sin(angle)]);
    }
    points.push(points[0]!);
    return points;
  };
  return new Geography(rng.chance(0.3) ? [ring(radius, false), ring(radius / 3, true)] : [ring(radius, false)]);
}

function randomPolygon(rng: Random): unknown {
  if (rng.chance(0.6)) return validPolygon(rng);
  switch (rng.int(7)) {
    case 0:
      return new Geography([]);
    case 1:
      return new Geography([[[0, 0], [1, 0], [1, 1]]]); // not closed
    case 2:
      return new Geography([[[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]]]); // 2 distinct vertices
    case 3:
      return new Geography([[[0, 0], [NaN, 1], [1, 1], [0, 0]]]);
    case 4:
      return { rings: rng.pick([null, 5, [[1, 2]], [[[1, 2, 3]]], 'x']) };
    case 5:
      return rng.pick(['POLYGON((0 0, 1 0, 1 1, 0 0))', 'POLYGON((0 0, 1 0))', 'POLYGON(', 'POINT(1 2)', 'polygon ((0 0,1 0,1 1,0 1,0 0),(0.2 0.2,0.2 0.8,0.8 0.8,0.2 0.2))']);
    default: {
      // Rarely: more vertices than fit 1 MiB (must be refused, not written).
      const n = rng.chance(0.02) ? 44_000 : rng.range(3, 200);
      const ring: LngLat[] = Array.from({ length: n }, (_, k) => [Math.cos((k * 2 * Math.PI) / n), Math.sin((k * 2 * Math.PI) / n)] as LngLat);
      ring.push(ring[0]!);
      return new Geography([ring]);
    }
  }
}

function randomDate(rng: Random): Date {
  return new Date(rng.pick([0, -1, 8.64e15, -8.64e15, 8.64e15 + 1, NaN, Date.UTC(2024, 1, 29), rng.range(-2e12, 4e12)]));
}

function randomVoltDate(rng: Random): VoltDate {
  if (rng.chance(0.8)) return new VoltDate(rng.range(0, 9999), rng.range(1, 12), rng.range(1, 28));
  return new VoltDate(rng.pick([-1, 32768, 2024, 1.5]), rng.pick([0, 13, 2]), rng.pick([0, 30, 31, 32]));
}

/** A table-like value ({ columns, rows }), mostly valid, sometimes not. */
export function randomTableLike(rng: Random, depth: number, valid = rng.chance(0.7)): unknown {
  const columnCount = rng.smallSize(6);
  const columns = Array.from({ length: columnCount }, (_, i) => ({
    name: valid || rng.chance(0.8) ? `C${i}` : rng.pick([5, null, undefined, '', Symbol('n'), Object.create(null) as unknown]),
    type: valid || rng.chance(0.8) ? rng.pick(COLUMN_TYPE_CODES) : rng.pick([0, 2, 21, 23, -99, 99, '5', null, 5n, Object.create(null) as unknown]),
  }));
  const rowCount = rng.smallSize(8);
  const rows = Array.from({ length: rowCount }, () =>
    valid || rng.chance(0.8) ? columns.map((c) => (typeof c.type === 'number' && rng.chance(0.85) ? fittingValueOf(rng, c.type) : randomValue(rng, depth + 1))) : rng.pick([null, [], [1], 'row']),
  );
  const status = valid || rng.chance(0.8) ? rng.pick([-128, 0, 1, undefined]) : rng.pick([128, -129, 1.5, 'x', 5n, Object.create(null) as unknown]);
  if (rng.chance(0.1)) return { columns, rows: valid || rng.chance(0.7) ? () => rows[Symbol.iterator]() : () => rng.pick([5, null, rows]), status };
  return status === undefined ? { columns, rows } : { columns, rows, status };
}

/** A value of arbitrary shape. */
export function randomValue(rng: Random, depth = 0): unknown {
  switch (rng.int(depth > 1 ? 14 : 17)) {
    case 0:
    case 1:
      return randomNumber(rng);
    case 2:
      return randomBigint(rng);
    case 3:
      return randomString(rng, rng.chance(0.01) ? 1_100_000 : 40, rng.chance(0.8));
    case 4:
      return rng.pick([true, false, null, undefined]);
    case 5:
      return randomDate(rng);
    case 6:
      return rng.chance(0.5) ? randomDecimalText(rng) : safeDecimal(randomDecimalText(rng));
    case 7:
      return rng.pick([rng.bytes(rng.smallSize(64)), new ArrayBuffer(rng.smallSize(16)), new Int8Array(3), new Int16Array(2), new Float64Array(1), new DataView(new ArrayBuffer(4)), Buffer.from('buf')]);
    case 8:
      return randomPoint(rng);
    case 9:
      return randomPolygon(rng);
    case 10:
      return randomVoltDate(rng);
    case 11:
      return rng.pick([
        {},
        Object.create(null) as unknown,
        { longitude: Object.create(null) as unknown, latitude: 1 },
        { year: Symbol('y'), month: 1, day: 1 },
        { rings: [[Object.create(null) as unknown]] },
        { year: 2024, month: 2, day: 29 },
        { year: 2023, month: 2, day: 29 },
        { longitude: 1, latitude: 2 },
        { longitude: '1', latitude: 2 },
        new Map(),
        new Set([1]),
        Symbol('s'),
        () => 1,
        [1, [2]],
        Object.assign([1, 2], { extra: true }),
        new Array(3),
        new (class Thing {})(),
      ]);
    case 12:
      return rng.pick(['2024-02-29', '2023-02-29', 'POINT(1 2)', 'POINT(200 0)', '12345678901234567890', '-0', '']);
    case 13:
      return fittingValueOf(rng, rng.pick(COLUMN_TYPE_CODES));
    case 14:
      return randomTableLike(rng, depth + 1);
    default: {
      // Arrays at the limit of an i16 count are made of cheap elements only (no nesting blow-up).
      if (depth === 0 && rng.chance(0.02)) {
        const element = rng.pick([VOLT_TYPE.INTEGER, VOLT_TYPE.STRING, VOLT_TYPE.NULL]);
        return Array.from({ length: rng.pick([32767, 32768, 40000]) }, () => fittingValueOf(rng, element));
      }
      const element = rng.chance(0.5) ? rng.pick(COLUMN_TYPE_CODES) : -1;
      return Array.from({ length: rng.smallSize(8) }, () => (element >= 0 && rng.chance(0.8) ? fittingValueOf(rng, element) : randomValue(rng, depth + 1)));
    }
  }
}

function safeDecimal(text: string): unknown {
  try {
    return new Decimal(text);
  } catch {
    return text;
  }
}

/** A value that fits the column type `code`, in the form the decoder gives back (or null). */
export function fittingValueOf(rng: Random, code: number): unknown {
  if (code === VOLT_TYPE.NULL || rng.chance(0.15)) return null;
  switch (code) {
    case VOLT_TYPE.TINYINT:
      return rng.range(-127, 127);
    case VOLT_TYPE.SMALLINT:
      return rng.range(-32767, 32767);
    case VOLT_TYPE.INTEGER:
      return rng.range(-2147483647, 2147483647);
    case VOLT_TYPE.BIGINT: {
      const v = randomBigint(rng);
      return v > -(2n ** 63n) && v < 2n ** 63n ? v : 5n;
    }
    case VOLT_TYPE.FLOAT: {
      const v = randomNumber(rng);
      return Number.isFinite(v) && v > -1.7e308 ? v : 0.5;
    }
    case VOLT_TYPE.STRING:
      return randomString(rng, 40, true);
    case VOLT_TYPE.TIMESTAMP:
      return rng.int64() >> BigInt(rng.int(20)) || 1n;
    case VOLT_TYPE.DATE:
      return new VoltDate(rng.range(0, 9999), rng.range(1, 12), rng.range(1, 28));
    case VOLT_TYPE.DECIMAL: {
      const text = `${rng.chance(0.5) ? '-' : ''}${rng.range(0, 999999999)}${'0'.repeat(rng.int(17))}.${String(rng.range(0, 999999)).padStart(6, '0')}`;
      return new Decimal(text);
    }
    case VOLT_TYPE.VARBINARY:
      return new Uint8Array(rng.bytes(rng.smallSize(64)));
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return new GeographyPoint(rng.float() * 360 - 180, rng.float() * 180 - 90);
    case VOLT_TYPE.GEOGRAPHY:
      return validPolygon(rng);
    default:
      return null;
  }
}

const ALL_NAMES: readonly string[] = [...SCALAR_TYPES, 'NULL', 'BOOLEAN', 'VOLTTABLE', 'DECIMAL_STRING'];
const ARRAY_NAMES: readonly string[] = [...SCALAR_TYPES, 'VOLTTABLE'].map((name) => `${name}[]`);
const BAD_NAMES: readonly unknown[] = ['FOO', 'ARRAY', 'integer', 'NULL[]', 'BOOLEAN[]', 'DECIMAL_STRING[]', 'INTEGER[][]', '', 5, null, undefined];

/** A declared parameter type; rarely one that does not exist. */
export function randomDeclaredType(rng: Random): ParameterType {
  const r = rng.float();
  if (r < 0.7) return rng.pick(ALL_NAMES) as ParameterType;
  if (r < 0.95) return rng.pick(ARRAY_NAMES) as ParameterType;
  return rng.pick(BAD_NAMES) as ParameterType;
}

/** A value meant for a declared type: mostly fitting, sometimes anything. */
export function valueForDeclared(rng: Random, declared: string, depth = 0): unknown {
  if (rng.chance(0.25)) return randomValue(rng, depth);
  if (declared === 'NULL') return null;
  if (declared === 'BOOLEAN') return rng.chance(0.5);
  if (declared === 'DECIMAL_STRING' || (declared === 'DECIMAL' && rng.chance(0.3))) return randomDecimalText(rng);
  if (declared === 'VOLTTABLE') return randomTableLike(rng, 1, true);
  if (declared.endsWith('[]')) {
    const base = declared.slice(0, -2);
    if (base === 'TINYINT' && rng.chance(0.5)) return new Uint8Array(rng.bytes(rng.smallSize(64)));
    if (base === 'VOLTTABLE') return Array.from({ length: rng.smallSize(3) }, () => randomTableLike(rng, 1, true));
    const code = (VOLT_TYPE as Record<string, number>)[base];
    return Array.from({ length: rng.smallSize(10) }, () => (code === undefined ? randomValue(rng, depth + 1) : fittingValueOf(rng, code)));
  }
  const code = (VOLT_TYPE as Record<string, number>)[declared];
  return code === undefined ? randomValue(rng, depth) : fittingValueOf(rng, code);
}

/** A whole invocation request: declared or inferred types, random options, random handle. */
export function randomRequest(rng: Random): InvocationRequest {
  const count = rng.chance(0.02) ? rng.range(100, 40000) : rng.smallSize(12);
  const declared = rng.chance(0.55);
  const types = declared ? Array.from({ length: count }, () => randomDeclaredType(rng)) : undefined;
  // Thousands of parameters are cheap ones (the point is their count, not their shapes).
  const cheap = count > 100;
  const params = Array.from({ length: count }, (_, i) =>
    cheap
      ? fittingValueOf(rng, rng.pick(types !== undefined ? [VOLT_TYPE.INTEGER, VOLT_TYPE.NULL] : [VOLT_TYPE.INTEGER, VOLT_TYPE.STRING, VOLT_TYPE.NULL]))
      : types !== undefined
        ? valueForDeclared(rng, String(types[i]))
        : rng.chance(0.5)
          ? fittingValueOf(rng, rng.pick(COLUMN_TYPE_CODES))
          : randomValue(rng),
  );
  if (cheap && types !== undefined) types.fill('INTEGER'); // declared lists of that size: one type
  if (types !== undefined && rng.chance(0.05)) types.pop();
  const request: InvocationRequest = {
    procedure: rng.chance(0.97) ? randomString(rng, 30, true) || 'P' : rng.pick(['', '@AdHoc', 'x'.repeat(rng.smallSize(70000))]),
    handle: rng.chance(0.9) ? rng.int64() : rng.pick(EDGE_BIGINTS),
    params,
  };
  if (types !== undefined) request.types = types;
  const option = (): number => (rng.chance(0.8) ? rng.range(0, 100000) : rng.pick([-1, 1.5, NaN, 2 ** 31, 16383, 0, 9]));
  if (rng.chance(0.2)) request.queryTimeoutMs = option();
  if (rng.chance(0.1)) request.partitionDestination = option();
  if (rng.chance(0.1)) request.allPartition = rng.chance(0.5);
  if (rng.chance(0.1)) request.priority = rng.chance(0.7) ? rng.range(1, 8) : option();
  if (rng.chance(0.1)) request.requestTimeoutUs = option();
  if (rng.chance(0.1)) request.version = rng.pick([0, 1, 2, 3 as 2]);
  return request;
}

/**
 * Hostile request fields (procedure, handle, options, the type list itself) of odd shapes:
 * programmer errors, which must still be ParameterErrors, never TypeErrors.
 */
export function hostileRequest(rng: Random): InvocationRequest {
  const odd = (): unknown => rng.pick([Object.create(null) as unknown, Symbol('s'), 5n, {}, [], '1', null, () => 0, NaN]);
  const request = randomRequest(rng);
  const fields = request as unknown as Record<string, unknown>;
  switch (rng.int(5)) {
    case 0:
      fields.procedure = odd();
      break;
    case 1:
      fields.handle = odd();
      break;
    case 2:
      fields[rng.pick(['queryTimeoutMs', 'partitionDestination', 'priority', 'requestTimeoutUs', 'version'])] = odd();
      break;
    case 3:
      fields.types = request.params?.map(() => odd()) ?? [odd()];
      break;
    default:
      fields.params = rng.pick([odd(), { length: 2 }, new Array(3)]);
  }
  return request;
}

/** A response to encode: random header fields and tables (mostly valid, rows as arrays). */
export function randomResponseInput(rng: Random): ResponseInput {
  const tables = Array.from({ length: rng.smallSize(4) }, () => {
    const table = randomTableLike(rng, 1, rng.chance(0.85)) as { columns: unknown; rows: unknown; status?: unknown };
    if (typeof table.rows === 'function') {
      const rows = (table.rows as () => unknown)();
      table.rows = Array.isArray(rows) ? rows : [];
    }
    return table as unknown as TableInput;
  });
  const input: ResponseInput = {
    handle: rng.chance(0.95) ? rng.int64() : rng.pick(EDGE_BIGINTS),
    status: rng.chance(0.95) ? rng.range(-128, 127) : rng.pick([128, 1.5, -129]),
    tables,
  };
  if (rng.chance(0.5)) input.statusString = rng.chance(0.2) ? null : randomString(rng, 40, rng.chance(0.9));
  if (rng.chance(0.3)) input.appStatus = rng.chance(0.9) ? rng.range(-128, 127) : 300;
  if (rng.chance(0.3)) input.appStatusString = randomString(rng, 20, true);
  if (rng.chance(0.3)) input.clusterRoundTripMs = rng.chance(0.9) ? rng.range(0, 100000) : rng.pick([-1, 2 ** 31, 0.5]);
  // The tail must hold the type's fixed fields (up to 20 bytes); sometimes it does not.
  if (rng.chance(0.1)) input.exception = encodeSerializedException(rng.range(0, 12), randomString(rng, 30, true), rng.bytes(rng.chance(0.9) ? rng.range(20, 40) : rng.smallSize(24)));
  return input;
}
