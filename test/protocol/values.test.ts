import { test, type TestContext } from 'node:test';
import { ParameterError, ProtocolError } from '../../src/errors.js';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { describePlace, describeValue, inferType, writeValue } from '../../src/protocol/value-writer.js';
import { readValue, timestampToDate } from '../../src/protocol/value-reader.js';
import { VoltDate, isValidDay } from '../../src/protocol/volt-date.js';

function roundTrip(type: number, value: unknown, timestamps: 'date' | 'bigint' = 'date'): { bytes: Buffer; back: unknown } {
  const w = new BufferWriter(Buffer.alloc(4));
  writeValue(w, type, value, {});
  const bytes = Buffer.from(w.message());
  const r = new BufferReader(bytes);
  const back = readValue(r, type, timestamps);
  if (r.remaining !== 0) throw new Error('bytes left over');
  return { bytes, back };
}

const hexOf = (type: number, value: unknown): string => roundTrip(type, value).bytes.toString('hex');

test('fixed-width encodings and their NULL sentinels', (t: TestContext) => {
  t.assert.equal(hexOf(VOLT_TYPE.TINYINT, -127), '81');
  t.assert.equal(hexOf(VOLT_TYPE.TINYINT, null), '80');
  t.assert.equal(hexOf(VOLT_TYPE.TINYINT, true), '01');
  t.assert.equal(hexOf(VOLT_TYPE.SMALLINT, undefined), '8000');
  t.assert.equal(hexOf(VOLT_TYPE.INTEGER, null), '80000000');
  t.assert.equal(hexOf(VOLT_TYPE.INTEGER, 7n), '00000007');
  t.assert.equal(hexOf(VOLT_TYPE.BIGINT, null), '8000000000000000');
  t.assert.equal(hexOf(VOLT_TYPE.BIGINT, -1), 'ffffffffffffffff');
  t.assert.equal(hexOf(VOLT_TYPE.BIGINT, -(2 ** 53) + 1), 'ffe0000000000001');
  t.assert.equal(hexOf(VOLT_TYPE.BIGINT, 2 ** 53 - 1), '001fffffffffffff');
  t.assert.equal(hexOf(VOLT_TYPE.FLOAT, null), 'ffee42d130773b76');
  t.assert.equal(hexOf(VOLT_TYPE.TIMESTAMP, null), '8000000000000000');
  t.assert.equal(hexOf(VOLT_TYPE.DATE, null), '80000000');
  t.assert.equal(hexOf(VOLT_TYPE.DATE, new VoltDate(1995, 9, 18)), '07cb0912');
  t.assert.equal(hexOf(VOLT_TYPE.DECIMAL, null), '80' + '00'.repeat(15));
  t.assert.equal(hexOf(VOLT_TYPE.DECIMAL, 3), '00000000000000000000' + '02ba7def3000');
  t.assert.equal(hexOf(VOLT_TYPE.DECIMAL, -1), 'ffffffffffffffffffffff172b5af000');
  t.assert.equal(hexOf(VOLT_TYPE.STRING, null), 'ffffffff');
  t.assert.equal(hexOf(VOLT_TYPE.STRING, ''), '00000000');
  t.assert.equal(hexOf(VOLT_TYPE.VARBINARY, null), 'ffffffff');
  t.assert.equal(hexOf(VOLT_TYPE.GEOGRAPHY, null), 'ffffffff');
  t.assert.equal(hexOf(VOLT_TYPE.GEOGRAPHY_POINT, null), '4076800000000000'.repeat(2));
  t.assert.equal(hexOf(VOLT_TYPE.BOOLEAN, false), '00');
  t.assert.equal(hexOf(VOLT_TYPE.NULL, null), '');
});

test('values read back per the JS mapping', (t: TestContext) => {
  const same: [number, unknown][] = [
    [VOLT_TYPE.TINYINT, 127],
    [VOLT_TYPE.SMALLINT, -32767],
    [VOLT_TYPE.INTEGER, 2147483647],
    [VOLT_TYPE.BIGINT, 9223372036854775807n],
    [VOLT_TYPE.BIGINT, -9223372036854775807n],
    [VOLT_TYPE.FLOAT, -1.5e300],
    [VOLT_TYPE.FLOAT, -0],
    [VOLT_TYPE.STRING, 'héllo ☃ 𝄞'],
    [VOLT_TYPE.BOOLEAN, true],
    [VOLT_TYPE.NULL, null],
  ];
  for (const [type, value] of same) t.assert.strictEqual(roundTrip(type, value).back, value);
  for (const type of [VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT, VOLT_TYPE.FLOAT, VOLT_TYPE.STRING, VOLT_TYPE.TIMESTAMP, VOLT_TYPE.DATE, VOLT_TYPE.DECIMAL, VOLT_TYPE.VARBINARY, VOLT_TYPE.GEOGRAPHY_POINT, VOLT_TYPE.GEOGRAPHY]) {
    t.assert.strictEqual(roundTrip(type, null).back, null, `NULL ${type}`);
  }
  t.assert.strictEqual(roundTrip(VOLT_TYPE.BIGINT, 42).back, 42n);
  const bytes = roundTrip(VOLT_TYPE.VARBINARY, Uint8Array.of(0, 1, 254, 255)).back as Uint8Array;
  t.assert.equal(bytes.constructor, Uint8Array);
  t.assert.deepStrictEqual([...bytes], [0, 1, 254, 255]);
  t.assert.deepStrictEqual([...(roundTrip(VOLT_TYPE.VARBINARY, new Uint8Array([9]).buffer).back as Uint8Array)], [9]);
  const decimal = roundTrip(VOLT_TYPE.DECIMAL, '-12345678901234567890.123456789012').back as Decimal;
  t.assert.equal(decimal.toFixed(), '-12345678901234567890.123456789012');
  t.assert.equal((roundTrip(VOLT_TYPE.DECIMAL, new Decimal('0.0000000000005')).back as Decimal).toFixed(), '0.000000000001', 'HALF_UP');
  t.assert.equal((roundTrip(VOLT_TYPE.DECIMAL, 10n ** 25n).back as Decimal).toFixed(), '10000000000000000000000000');
  t.assert.deepStrictEqual(roundTrip(VOLT_TYPE.GEOGRAPHY_POINT, 'POINT(1 2)').back, new GeographyPoint(1, 2));
  t.assert.deepStrictEqual(roundTrip(VOLT_TYPE.GEOGRAPHY_POINT, { longitude: 3, latitude: 4 }).back, new GeographyPoint(3, 4));
  const polygon = roundTrip(VOLT_TYPE.GEOGRAPHY, 'POLYGON((0 0, 1 0, 0 1, 0 0))').back as Geography;
  t.assert.ok(polygon.equals(Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))'), 1e-14));
  const plain = roundTrip(VOLT_TYPE.GEOGRAPHY, { rings: [[[0, 0], [1, 0], [0, 1], [0, 0]]] }).back as Geography;
  t.assert.equal(plain.rings.length, 1);
});

test('TIMESTAMP: Date ↔ ms × 1000, bigint µs lossless, number ms', (t: TestContext) => {
  const when = new Date('2023-11-14T22:13:20.123Z');
  t.assert.deepStrictEqual(roundTrip(VOLT_TYPE.TIMESTAMP, when).back, when);
  t.assert.equal(roundTrip(VOLT_TYPE.TIMESTAMP, when, 'bigint').back, 1700000000123000n);
  t.assert.equal(roundTrip(VOLT_TYPE.TIMESTAMP, 1700000000123456n, 'bigint').back, 1700000000123456n);
  t.assert.equal(roundTrip(VOLT_TYPE.TIMESTAMP, 1700000000123, 'bigint').back, 1700000000123000n);
  t.assert.equal(roundTrip(VOLT_TYPE.TIMESTAMP, -1, 'bigint').back, -1000n);
  // Past 2^53 µs the product is written through bigint arithmetic.
  const far = new Date(8.64e15);
  t.assert.equal(roundTrip(VOLT_TYPE.TIMESTAMP, far, 'bigint').back, 8640000000000000000n);
  t.assert.deepStrictEqual(timestampToDate(-1n), new Date(-1));
  t.assert.deepStrictEqual(timestampToDate(-1000n), new Date(-1));
  t.assert.deepStrictEqual(timestampToDate(1999n), new Date(1));
});

test('DATE: VoltDate, {year, month, day}, "YYYY-MM-DD", Date at UTC midnight', (t: TestContext) => {
  const expected = new VoltDate(2025, 7, 10);
  for (const input of [expected, { year: 2025, month: 7, day: 10 }, '2025-07-10', new Date('2025-07-10')]) {
    const back = roundTrip(VOLT_TYPE.DATE, input).back as VoltDate;
    t.assert.ok(back instanceof VoltDate && back.equals(expected), String(input));
  }
  t.assert.equal(expected.toString(), '2025-07-10');
  t.assert.equal(JSON.stringify(new VoltDate(5, 1, 2)), '"0005-01-02"');
  t.assert.deepStrictEqual(expected.toDate(), new Date('2025-07-10T00:00:00Z'));
  t.assert.equal(new VoltDate(50, 3, 1).toDate().getUTCFullYear(), 50);
  t.assert.equal(VoltDate.parse('2024-02-29')?.day, 29);
  t.assert.equal(VoltDate.parse('2023-02-29'), undefined);
  t.assert.equal(VoltDate.parse('20230101'), undefined);
  t.assert.ok(isValidDay(2000, 2, 29) && !isValidDay(1900, 2, 29) && !isValidDay(2000, 4, 31) && !isValidDay(1.5, 1, 1));
  t.assert.throws(() => roundTrip(VOLT_TYPE.DATE, new VoltDate(2023, 2, 30)), ParameterError);
  t.assert.throws(() => roundTrip(VOLT_TYPE.DATE, new Date(Date.UTC(-1, 0, 1))), ParameterError);
  t.assert.throws(() => roundTrip(VOLT_TYPE.DATE, 20230101), ParameterError);
});

test('inferType follows the reference clients', (t: TestContext) => {
  const cases: [unknown, number][] = [
    [null, VOLT_TYPE.NULL],
    [undefined, VOLT_TYPE.NULL],
    [1n, VOLT_TYPE.BIGINT],
    [7, VOLT_TYPE.INTEGER],
    [0, VOLT_TYPE.INTEGER],
    [-0, VOLT_TYPE.FLOAT],
    [-2147483647, VOLT_TYPE.INTEGER],
    [-2147483648, VOLT_TYPE.BIGINT],
    [2147483648, VOLT_TYPE.BIGINT],
    [2 ** 53, VOLT_TYPE.FLOAT],
    [1.5, VOLT_TYPE.FLOAT],
    [NaN, VOLT_TYPE.FLOAT],
    ['s', VOLT_TYPE.STRING],
    [true, VOLT_TYPE.TINYINT],
    [new Date(), VOLT_TYPE.TIMESTAMP],
    [new Decimal(1), VOLT_TYPE.DECIMAL],
    [new Uint8Array(1), VOLT_TYPE.VARBINARY],
    [Buffer.alloc(1), VOLT_TYPE.VARBINARY],
    [new ArrayBuffer(1), VOLT_TYPE.VARBINARY],
    [new GeographyPoint(0, 0), VOLT_TYPE.GEOGRAPHY_POINT],
    [Geography.fromWKT('POLYGON((0 0, 1 0, 0 1, 0 0))'), VOLT_TYPE.GEOGRAPHY],
    [new VoltDate(2020, 1, 1), VOLT_TYPE.DATE],
    [{ columns: [], rows: [] }, VOLT_TYPE.VOLTTABLE],
    [{ columns: [], rows: () => [] }, VOLT_TYPE.VOLTTABLE],
    [[1], VOLT_TYPE.ARRAY],
  ];
  for (const [value, type] of cases) t.assert.equal(inferType(value), type, describeValue(value));
  t.assert.throws(() => inferType({}), /cannot infer a VoltDB type for an object/);
  t.assert.throws(() => inferType(Symbol('x')), ParameterError);
});

test('error text: values and places', (t: TestContext) => {
  t.assert.equal(describeValue(-0), '-0');
  t.assert.equal(describeValue('x'.repeat(50)), `"${'x'.repeat(37)}..." (50 characters)`);
  t.assert.equal(describeValue(undefined), 'undefined');
  t.assert.equal(describeValue(false), 'false');
  t.assert.equal(describeValue([1, 2]), 'array(2)');
  t.assert.equal(describeValue(new VoltDate(2020, 1, 2)), '2020-01-02');
  t.assert.equal(describeValue(Object.create(null)), 'an object');
  t.assert.equal(describePlace({}), '');
  t.assert.equal(describePlace({ index: 3 }), 'parameter 4');
  t.assert.equal(describePlace({ procedure: 'P' }), 'P');
  t.assert.equal(describePlace({ row: 2, column: 'C' }), 'row 2, column C');
  const error = (() => {
    try {
      writeValue(new BufferWriter(), VOLT_TYPE.SMALLINT, 1e6, { row: 4, column: 'N' });
    } catch (e) {
      return e as ParameterError;
    }
    return undefined;
  })();
  t.assert.equal(error?.message, 'row 4, column N: 1000000 does not fit SMALLINT (-32767..32767)');
  t.assert.throws(() => writeValue(new BufferWriter(), 99, 1, { procedure: 'P', index: 0 }), /parameter 1 of P: type code 99 is not a value type/);
  t.assert.throws(() => writeValue(new BufferWriter(), VOLT_TYPE.BOOLEAN, null, {}), /BOOLEAN has no NULL/);
  t.assert.throws(() => writeValue(new BufferWriter(), VOLT_TYPE.VOLTTABLE, null, {}), /VOLTTABLE has no NULL/);
});

test('FLOAT NULL: anything ≤ -1.7E308 reads as NULL (the real server sends −Double.MAX_VALUE)', (t: TestContext) => {
  for (const bits of ['ffee42d130773b76', 'ffefffffffffffff', 'fff0000000000000']) {
    t.assert.equal(readValue(new BufferReader(Buffer.from(bits, 'hex')), VOLT_TYPE.FLOAT), null, bits);
  }
  t.assert.equal(readValue(new BufferReader(Buffer.from('ffee42d130773b75', 'hex')), VOLT_TYPE.FLOAT), -1.6999999999999997e308);
  // −MAX_VALUE may be written (the embedded server reproduces the engine's NULL with it).
  t.assert.equal(hexOf(VOLT_TYPE.FLOAT, -Number.MAX_VALUE), 'ffefffffffffffff');
  t.assert.equal(roundTrip(VOLT_TYPE.FLOAT, -Number.MAX_VALUE).back, null);
  t.assert.equal(roundTrip(VOLT_TYPE.FLOAT, Number.MAX_VALUE).back, Number.MAX_VALUE);
});

test('readValue: unknown types and truncated values are ProtocolErrors', (t: TestContext) => {
  t.assert.throws(() => readValue(new BufferReader(Buffer.alloc(8)), 2), ProtocolError);
  t.assert.throws(() => readValue(new BufferReader(Buffer.alloc(8)), VOLT_TYPE.DECIMAL), ProtocolError);
  t.assert.throws(() => readValue(new BufferReader(Buffer.alloc(8)), VOLT_TYPE.GEOGRAPHY_POINT), ProtocolError);
  t.assert.throws(() => readValue(new BufferReader(Buffer.from('00000005ab', 'hex')), VOLT_TYPE.VARBINARY), ProtocolError);
  t.assert.throws(() => readValue(new BufferReader(Buffer.from('fffffffe', 'hex')), VOLT_TYPE.GEOGRAPHY), ProtocolError);
  t.assert.throws(() => readValue(new BufferReader(Buffer.from('00000002c3', 'hex')), VOLT_TYPE.STRING), ProtocolError);
});
