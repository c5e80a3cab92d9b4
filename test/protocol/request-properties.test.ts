/**
 * Property tests (fast-check): random values of every type, NULLs, arrays and tables survive
 * writeParameters → readParameters and writeTable → readTable exactly (geography within 1e-9°,
 * since the unit-sphere conversion is not exact), and whole invocations survive
 * encodeInvocation → decodeInvocation.
 */
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { DECIMAL_MAX_UNSCALED, Decimal, decimalFromUnscaled } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { encodeInvocation, writeParameters, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation, readParameters } from '../../src/protocol/invocation-reader.js';
import { writeTable } from '../../src/protocol/value-writer.js';
import { readTable, type TableData } from '../../src/protocol/value-reader.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { polygonArbitrary } from '../fuzz/arbitraries.js';

type Scalar = Exclude<ParameterType, `${string}[]` | 'NULL' | 'BOOLEAN' | 'DECIMAL_STRING' | 'VOLTTABLE'>;

const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;

/** Non-null values per scalar type, each decoding back to an equal value. */
const VALUES: Record<Scalar, fc.Arbitrary<unknown>> = {
  TINYINT: fc.integer({ min: -127, max: 127 }),
  SMALLINT: fc.integer({ min: -32767, max: 32767 }),
  INTEGER: fc.integer({ min: -2147483647, max: 2147483647 }),
  BIGINT: fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
  FLOAT: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v > -1.7e308),
  STRING: fc.string({ unit: 'binary', maxLength: 40 }).filter(wellFormed),
  TIMESTAMP: fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
  DATE: fc.record({ y: fc.integer({ min: 0, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(({ y, m, d }) => new VoltDate(y, m, d)),
  DECIMAL: fc.bigInt({ min: -DECIMAL_MAX_UNSCALED, max: DECIMAL_MAX_UNSCALED }).map(decimalFromUnscaled),
  VARBINARY: fc.uint8Array({ maxLength: 40 }),
  GEOGRAPHY_POINT: fc.record({ lng: fc.double({ min: -180, max: 180, noNaN: true }), lat: fc.double({ min: -90, max: 90, noNaN: true }) }).map(({ lng, lat }) => new GeographyPoint(lng, lat)),
  GEOGRAPHY: polygonArbitrary,
};
const SCALARS = Object.keys(VALUES) as Scalar[];

const columnArbitrary = fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }).filter(wellFormed), type: fc.constantFrom(...SCALARS) });
const table: fc.Arbitrary<{ columns: { name: string; type: number }[]; rows: unknown[][] }> = fc
  .array(columnArbitrary, { minLength: 0, maxLength: 5 })
  .chain((columns) =>
    fc.record({
      columns: fc.constant(columns.map((c) => ({ name: c.name, type: VOLT_TYPE[c.type] }))),
      rows: fc.array(fc.tuple(...columns.map((c) => fc.option(VALUES[c.type], { nil: null }))), { maxLength: 6 }),
    }),
  );

/** One parameter: a declared type and a value (null included). */
const parameter: fc.Arbitrary<{ type: ParameterType; value: unknown }> = fc.oneof(
  fc.constantFrom(...SCALARS).chain((type) => fc.record({ type: fc.constant<ParameterType>(type), value: fc.option(VALUES[type], { nil: null }) })),
  fc
    .constantFrom(...SCALARS.filter((s) => s !== 'TINYINT'))
    .chain((type) => fc.record({ type: fc.constant(`${type}[]` as ParameterType), value: fc.array(fc.option(VALUES[type], { nil: null }), { maxLength: 5 }) })),
  fc.record({ type: fc.constant<ParameterType>('TINYINT[]'), value: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ type: fc.constant<ParameterType>('BOOLEAN'), value: fc.boolean() }),
  fc.record({ type: fc.constant<ParameterType>('NULL'), value: fc.constant(null) }),
  fc.record({ type: fc.constant<ParameterType>('VOLTTABLE'), value: table }),
);

/** Equality per the JS mapping: Decimal by value, bytes by content, geography within 1e-9°. */
function same(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (expected instanceof Decimal) return actual instanceof Decimal && actual.equals(expected);
  if (expected instanceof Geography) return actual instanceof Geography && actual.equals(expected, 1e-9);
  if (expected instanceof GeographyPoint) return actual instanceof GeographyPoint && actual.equals(expected);
  if (expected instanceof VoltDate) return actual instanceof VoltDate && actual.equals(expected);
  if (expected instanceof Uint8Array) return actual instanceof Uint8Array && Buffer.compare(Buffer.from(actual), Buffer.from(expected)) === 0;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((item, k) => same(actual[k], item));
  if ('columns' in expected && 'rows' in expected) {
    const t = actual as TableData;
    const e = expected as { columns: unknown[]; rows: unknown[][] };
    return JSON.stringify(t.columns) === JSON.stringify(e.columns) && same(t.rows, e.rows);
  }
  return false;
}

test('random parameter sets round-trip through writeParameters / readParameters', (t: TestContext) => {
  fc.assert(
    fc.property(fc.array(parameter, { maxLength: 8 }), (params) => {
      const w = new BufferWriter(Buffer.alloc(16));
      writeParameters(w, params.map((p) => p.value), params.map((p) => p.type), 'Prop');
      const back = readParameters(new BufferReader(w.message()), 'bigint');
      t.assert.equal(back.values.length, params.length);
      params.forEach((p, i) => t.assert.ok(same(back.values[i], p.value), `parameter ${i} (${p.type})`));
    }),
  );
});

test('inferred parameters keep their values', (t: TestContext) => {
  const inferable = fc.oneof(
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v > -1.7e308 && !Object.is(v, -0)),
    VALUES.STRING,
    VALUES.VARBINARY,
    VALUES.DECIMAL,
    VALUES.GEOGRAPHY_POINT,
    VALUES.DATE,
    fc.date({ noInvalidDate: true }),
    fc.constant(null),
    fc.array(fc.integer({ min: -2147483647 }), { maxLength: 4 }),
    fc.array(VALUES.STRING, { maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(inferable, { maxLength: 8 }), (values) => {
      const frame = encodeInvocation({ procedure: 'Inferred', handle: 5n, params: values });
      const back = decodeInvocation(frame).params;
      values.forEach((value, i) => {
        const got = back[i];
        if (typeof value === 'number' && Number.isSafeInteger(value) && typeof got === 'bigint') t.assert.equal(got, BigInt(value));
        else if (value instanceof Date) t.assert.equal((got as Date).getTime(), value.getTime());
        else t.assert.ok(same(got, value), `value ${i}`);
      });
    }),
  );
});

test('random tables round-trip through writeTable / readTable', (t: TestContext) => {
  fc.assert(
    fc.property(table, fc.integer({ min: -128, max: 127 }), (data, status) => {
      const w = new BufferWriter(Buffer.alloc(8));
      writeTable(w, data.columns, data.rows, status);
      const r = new BufferReader(w.message());
      const back = readTable(r, 'bigint');
      t.assert.equal(r.remaining, 0);
      t.assert.equal(back.status, status);
      t.assert.deepStrictEqual(back.columns, data.columns);
      t.assert.ok(same(back.rows, data.rows));
    }),
  );
});

test('invocation headers round-trip with every option', (t: TestContext) => {
  const options = fc.record(
    {
      queryTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      partitionDestination: fc.integer({ min: 0, max: 16382 }),
      allPartition: fc.boolean(),
      priority: fc.integer({ min: 1, max: 8 }),
      requestTimeoutUs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 20 }).filter(wellFormed), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), options, (procedure, handle, extra) => {
      const decoded = decodeInvocation(encodeInvocation({ procedure, handle, params: [1], ...extra }));
      t.assert.equal(decoded.procedure, procedure);
      t.assert.equal(decoded.handle, handle);
      t.assert.equal(decoded.batchTimeoutMs, extra.queryTimeoutMs ?? null);
      t.assert.equal(decoded.extensions.partitionDestination, extra.partitionDestination ?? null);
      t.assert.equal(decoded.extensions.allPartition, extra.allPartition === true || extra.partitionDestination !== undefined);
      t.assert.equal(decoded.extensions.priority, extra.priority ?? null);
      t.assert.equal(decoded.extensions.requestTimeoutUs, extra.requestTimeoutUs ?? null);
      t.assert.deepStrictEqual(decoded.params, [1]);
    }),
  );
});
