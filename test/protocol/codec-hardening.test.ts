/**
 * The request codec refuses wrongly typed options and values with ParameterErrors (never a
 * TypeError from building the message), judges decimal magnitudes from the exponent, and
 * reads impossible DATE values as bad bytes. Complements test/fuzz/regressions/.
 */
import { test, type TestContext } from 'node:test';
import { ParameterError, ProtocolError } from '../../src/errors.js';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { MAX_VALUE_BYTES, VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal, toUnscaledDecimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { encodeInvocation, writeParameters, type InvocationRequest, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';
import { writeTable } from '../../src/protocol/value-writer.js';
import { describeValue } from '../../src/protocol/value-errors.js';
import { writeValue } from '../../src/protocol/value-writer.js';
import { readValue } from '../../src/protocol/value-reader.js';
import { VoltDate } from '../../src/protocol/volt-date.js';

const bare = (): unknown => Object.create(null) as unknown;

function refusal(run: () => unknown): ParameterError {
  try {
    run();
  } catch (error) {
    if (error instanceof ParameterError) return error;
    throw error;
  }
  throw new Error('not refused');
}

test('describeValue never throws', (t: TestContext) => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const throwing = new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } });
  t.assert.equal(describeValue(proxy), 'an object');
  t.assert.equal(describeValue(throwing), 'an object');
  t.assert.equal(describeValue(bare()), 'an object');
  t.assert.equal(describeValue(Symbol('s')), 'a symbol');
  t.assert.equal(describeValue(5n), '5n');
  t.assert.equal(describeValue(() => 1), 'a function');
  t.assert.equal(describeValue(new GeographyPoint(bare() as number, 1)), 'an object');
  t.assert.equal(describeValue(new VoltDate(bare() as number, 1, 1)), 'an object');
});

test('invocation options outside their types are ParameterErrors naming the value', (t: TestContext) => {
  const encode = (request: Record<string, unknown>): ParameterError => refusal(() => encodeInvocation({ procedure: 'P', handle: 1n, ...request } as unknown as InvocationRequest));
  t.assert.match(encode({ procedure: Symbol('p') }).message, /procedure name must be a non-empty string, got a symbol/);
  t.assert.match(encode({ handle: bare() }).message, /P: client handle an object is not a 64-bit integer/);
  t.assert.match(encode({ queryTimeoutMs: 5n }).message, /queryTimeoutMs 5n is not an integer/);
  t.assert.match(encode({ version: 1, queryTimeoutMs: bare() }).message, /queryTimeoutMs an object is not an integer/);
  t.assert.match(encode({ version: 3 }).message, /invocation version 3 is not 0, 1 or 2/);
  t.assert.match(encode({ version: '2' }).message, /invocation version "2" is not 0, 1 or 2/);
  t.assert.match(encode({ allPartition: 'yes' }).message, /allPartition "yes" is not a boolean/);
  t.assert.match(encode({ params: null }).message, /P: params null is not an array/);
  t.assert.match(encode({ params: 'ab' }).message, /params "ab" is not an array/);
  t.assert.match(encode({ params: [1], types: 'INTEGER' }).message, /declared types "INTEGER" is not an array of type names/);
  t.assert.match(encode({ params: [1], types: [Symbol('t')] }).message, /parameter 1 of P: a symbol is not a parameter type/);
  t.assert.match(encode({ params: [1], types: ['toString'] }).message, /"toString" is not a parameter type/);
  // Ordinary requests still encode, allPartition false included.
  const frame = encodeInvocation({ procedure: 'P', handle: 1n, params: [1], allPartition: false });
  t.assert.deepEqual(decodeInvocation(frame).params, [1]);
});

test('writeParameters refuses a params that is not an array and leaves the writer as it was', (t: TestContext) => {
  const w = new BufferWriter();
  w.begin();
  const error = refusal(() => writeParameters(w, { length: 2 } as unknown as unknown[], undefined, 'P'));
  t.assert.match(error.message, /P: params an object is not an array/);
  t.assert.equal(w.offset, w.mark);
});

test('table values outside their types are ParameterErrors', (t: TestContext) => {
  const w = new BufferWriter();
  const table = (value: unknown): string => refusal(() => encodeInvocation({ procedure: 'P', handle: 1n, params: [value], types: ['VOLTTABLE'] })).message;
  t.assert.match(table({ columns: [], rows: [], status: 5n }), /table status 5n is not an i8/);
  t.assert.match(table({ columns: [{ name: 'A', type: Symbol('t') }], rows: [] }), /column A has type a symbol, not a column type/);
  t.assert.match(table({ columns: [], rows: () => null }), /table rows null is not an array or iterable of rows/);
  t.assert.match(table({ columns: [], rows: () => 'abc' }), /table rows "abc" is not an array or iterable/);
  t.assert.match(refusal(() => writeTable(w, 'A' as unknown as [], [])).message, /table columns "A" is not an array/);
  // A generator of rows is fine.
  const ok = encodeInvocation({ procedure: 'P', handle: 1n, params: [{ columns: [{ name: 'A', type: VOLT_TYPE.INTEGER }], rows: function* () { yield [1]; } }] });
  t.assert.deepEqual((decodeInvocation(ok).params[0] as { rows: unknown[] }).rows, [[1]]);
});

test('geography values with non-number coordinates are ParameterErrors', (t: TestContext) => {
  const point = (value: unknown): string => refusal(() => writeValue(new BufferWriter(), VOLT_TYPE.GEOGRAPHY_POINT, value, { index: 0 })).message;
  t.assert.match(point({ longitude: bare(), latitude: 1 }), /coordinates \(an object 1\) are not numbers/);
  t.assert.match(point({ longitude: 5n, latitude: 'x' }), /coordinates \(5n "x"\) are not numbers/);
  t.assert.match(point({ longitude: Symbol('s'), latitude: null }), /coordinates \(a symbol null\) are not numbers/);
  const polygon = refusal(() => writeValue(new BufferWriter(), VOLT_TYPE.GEOGRAPHY, new Geography([[[bare() as number, 0], [1, 0], [1, 1], [0, 0]]]), {}));
  t.assert.match(polygon.message, /ring 0 point 0: coordinates \(an object 0\) are not numbers/);
});

test('writeValue with a type code that is not a number names it safely', (t: TestContext) => {
  t.assert.match(refusal(() => writeValue(new BufferWriter(), Symbol('t') as unknown as number, 1, {})).message, /type code a symbol is not a value type/);
});

test('DECIMAL: the magnitude is judged from the exponent', (t: TestContext) => {
  const tooBig = /has more than 26 integer digits/;
  t.assert.match(String(toUnscaledDecimal('1e26')), tooBig);
  t.assert.match(String(toUnscaledDecimal(new Decimal('-1e900000000'))), tooBig);
  t.assert.match(String(toUnscaledDecimal(1e300)), tooBig);
  t.assert.match(String(toUnscaledDecimal('99999999999999999999999999.9999999999995')), tooBig, 'rounds up to 27 digits');
  t.assert.equal(toUnscaledDecimal('99999999999999999999999999.999999999999'), 10n ** 38n - 1n);
  t.assert.equal(toUnscaledDecimal('9e-14'), 0n);
  t.assert.equal(toUnscaledDecimal('-1e-900000000'), 0n);
  t.assert.equal(toUnscaledDecimal('5e-13'), 1n, 'HALF_UP at the 13th place');
  t.assert.equal(toUnscaledDecimal('4.9e-13'), 0n);
  // bigint: exact, no text.
  t.assert.equal(toUnscaledDecimal(-(10n ** 26n - 1n)), -(10n ** 38n - 10n ** 12n));
  t.assert.match(String(toUnscaledDecimal(10n ** 26n)), tooBig);
  t.assert.match(String(toUnscaledDecimal(-(10n ** 1000n))), tooBig);
  t.assert.equal(toUnscaledDecimal(0n), 0n);
});

test('DECIMAL_STRING: exact text within the 1 MiB value limit, judged before it is built', (t: TestContext) => {
  const send = (value: unknown): unknown => decodeInvocation(encodeInvocation({ procedure: 'P', handle: 1n, params: [value], types: ['DECIMAL_STRING'] as ParameterType[] })).params[0];
  t.assert.equal(send('1.5e-20'), '0.000000000000000000015');
  t.assert.equal(send(-12n), '-12');
  t.assert.equal(send('1e1000'), '1' + '0'.repeat(1000));
  const limit = /decimal text would be longer than the 1048576-byte value limit/;
  t.assert.match(refusal(() => send('1e-2000000')).message, limit);
  t.assert.match(refusal(() => send(new Decimal('-1e900000000'))).message, limit);
  // Right at the limit: "0." + 1048574 fractional digits is 1048576 bytes; one more digit is refused.
  t.assert.equal((send(`1e-${MAX_VALUE_BYTES - 2}`) as string).length, MAX_VALUE_BYTES);
  t.assert.match(refusal(() => send(`1e-${MAX_VALUE_BYTES - 1}`)).message, limit);
  t.assert.match(refusal(() => send(`-1e-${MAX_VALUE_BYTES - 2}`)).message, limit, 'the sign counts');
  t.assert.match(refusal(() => send('NaN')).message, /expected a finite Decimal/);
  t.assert.match(refusal(() => send({})).message, /expected a finite Decimal/);
});

test('readValue: an impossible DATE is a ProtocolError naming its offset; NULL and real days read', (t: TestContext) => {
  const bytes = Buffer.alloc(12);
  bytes.writeInt32BE(0x07e9070a, 0); // 2025-07-10
  bytes.writeInt32BE(-2147483648, 4); // NULL
  bytes.writeInt32BE(0x07e8021e, 8); // 2024-02-30
  const r = new BufferReader(bytes);
  t.assert.deepEqual(readValue(r, VOLT_TYPE.DATE), new VoltDate(2025, 7, 10));
  t.assert.equal(readValue(r, VOLT_TYPE.DATE), null);
  t.assert.throws(() => readValue(r, VOLT_TYPE.DATE), (error: unknown) => error instanceof ProtocolError && error.offset === 8 && /DATE 0x7e8021e is not a calendar date/.test(error.message));
  const negative = Buffer.alloc(4);
  negative.writeInt32BE(-1, 0);
  t.assert.throws(() => readValue(new BufferReader(negative), VOLT_TYPE.DATE), ProtocolError);
});
