/**
 * fast-check arbitraries for the fuzz property tests: byte mutations (the same operations the
 * seeded fuzzer draws, so a counterexample shrinks to a short list of edits), and values of
 * every VoltDB type in the form the decoders give back.
 */
import fc from 'fast-check';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { DECIMAL_MAX_UNSCALED, decimalFromUnscaled } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint, type LngLat } from '../../src/protocol/geography.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { EXTREME_I16, EXTREME_I32, type Mutation } from '../helpers/mutators.js';

const position = fc.nat({ max: 1 << 20 });

/** One mutation; lengths and counts are biased to the extremes. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80), fc.nat({ max: 255 })) }),
  fc.record({ kind: fc.constant('truncate' as const), length: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('i32' as const), at: position, value: fc.oneof(fc.constantFrom(...EXTREME_I32), fc.integer({ min: -8, max: 4096 })) }),
  fc.record({ kind: fc.constant('i16' as const), at: position, value: fc.constantFrom(...EXTREME_I16) }),
  fc.record({ kind: fc.constant('copy' as const), from: position, to: position, count: fc.integer({ min: 1, max: 128 }) }),
);

/** 1..4 mutations, usually followed by fixing the frame's length prefix. */
export const mutationsArbitrary: fc.Arbitrary<Mutation[]> = fc
  .tuple(fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([mutations, fix]) => (fix ? [...mutations, { kind: 'fixPrefix' as const }] : mutations));

const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;

/** A small convex polygon (shell, maybe a hole), closed rings in user order. */
export const polygonArbitrary: fc.Arbitrary<Geography> = fc
  .record({
    lng: fc.double({ min: -170, max: 170, noNaN: true }),
    lat: fc.double({ min: -70, max: 70, noNaN: true }),
    radius: fc.double({ min: 0.5, max: 5, noNaN: true }),
    sides: fc.integer({ min: 3, max: 8 }),
    hole: fc.boolean(),
  })
  .map(({ lng, lat, radius, sides, hole }) => {
    const ring = (r: number, clockwise: boolean): LngLat[] => {
      const points: LngLat[] = [];
      for (let k = 0; k < sides; k++) {
        const angle = ((clockwise ? -k : k) * 2 * Math.PI) / sides;
        points.push([lng + r * Math.cos(angle), lat + r * Math.sin(angle)]);
      }
      points.push(points[0]!);
      return points;
    };
    return new Geography(hole ? [ring(radius, false), ring(radius / 3, true)] : [ring(radius, false)]);
  });

/** Non-NULL values per type, as the decoders return them (TIMESTAMP as bigint µs). */
export const VALUE_ARBITRARIES: Readonly<Record<number, fc.Arbitrary<unknown>>> = {
  [VOLT_TYPE.TINYINT]: fc.integer({ min: -127, max: 127 }),
  [VOLT_TYPE.SMALLINT]: fc.integer({ min: -32767, max: 32767 }),
  [VOLT_TYPE.INTEGER]: fc.integer({ min: -2147483647, max: 2147483647 }),
  [VOLT_TYPE.BIGINT]: fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
  [VOLT_TYPE.FLOAT]: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v > -1.7e308),
  [VOLT_TYPE.STRING]: fc.string({ unit: 'binary', maxLength: 30 }).filter(wellFormed),
  [VOLT_TYPE.TIMESTAMP]: fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
  [VOLT_TYPE.DATE]: fc.record({ y: fc.integer({ min: 0, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(({ y, m, d }) => new VoltDate(y, m, d)),
  [VOLT_TYPE.DECIMAL]: fc.bigInt({ min: -DECIMAL_MAX_UNSCALED, max: DECIMAL_MAX_UNSCALED }).map(decimalFromUnscaled),
  [VOLT_TYPE.VARBINARY]: fc.uint8Array({ maxLength: 40 }),
  [VOLT_TYPE.GEOGRAPHY_POINT]: fc.record({ lng: fc.double({ min: -180, max: 180, noNaN: true }), lat: fc.double({ min: -90, max: 90, noNaN: true }) }).map(({ lng, lat }) => new GeographyPoint(lng, lat)),
  [VOLT_TYPE.GEOGRAPHY]: polygonArbitrary,
};

/** Every column type (NULL: a zero-width column whose values are all null). */
export const COLUMN_TYPES_ARBITRARY = fc.constantFrom(...Object.keys(VALUE_ARBITRARIES).map(Number), VOLT_TYPE.NULL);

export function valueOrNull(type: number): fc.Arbitrary<unknown> {
  return type === VOLT_TYPE.NULL ? fc.constant(null) : fc.option(VALUE_ARBITRARIES[type]!, { nil: null, freq: 4 });
}

/** A table of random columns (any type, names may repeat) and rows of fitting values with NULLs. */
export const tableArbitrary: fc.Arbitrary<{ columns: { name: string; type: number }[]; rows: unknown[][]; status: number }> = fc
  .array(fc.record({ name: fc.string({ maxLength: 6 }).filter(wellFormed), type: COLUMN_TYPES_ARBITRARY }), { maxLength: 6 })
  .chain((columns) =>
    fc.record({
      columns: fc.constant(columns),
      rows: fc.array(fc.tuple(...columns.map((c) => valueOrNull(c.type))), { maxLength: 8 }) as fc.Arbitrary<unknown[][]>,
      status: fc.integer({ min: -128, max: 127 }),
    }),
  );

/** A declared parameter type (name) with a value the decoder returns unchanged (null included). */
export const parameterArbitrary: fc.Arbitrary<{ type: string; value: unknown }> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.keys(VALUE_ARBITRARIES).map(Number)).chain((code) => fc.record({ type: fc.constant(nameOf(code)), value: valueOrNull(code) })) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...Object.keys(VALUE_ARBITRARIES).map(Number).filter((code) => code !== VOLT_TYPE.TINYINT))
      .chain((code) => fc.record({ type: fc.constant(`${nameOf(code)}[]`), value: fc.array(valueOrNull(code), { maxLength: 6 }) })),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('TINYINT[]'), value: fc.uint8Array({ maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('BOOLEAN'), value: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('NULL'), value: fc.constant(null) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('VOLTTABLE'), value: tableArbitrary }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('VOLTTABLE[]'), value: fc.array(tableArbitrary, { maxLength: 2 }) }) },
);

export function nameOf(code: number): string {
  return Object.entries(VOLT_TYPE).find(([, value]) => value === code)![0];
}
