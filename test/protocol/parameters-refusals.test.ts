/**
 * Every class of refused parameter: a ParameterError naming procedure, position, value and
 * type, thrown before the message is complete, with the writer rolled back to the mark.
 */
import { test, type TestContext } from 'node:test';
import { ParameterError } from '../../src/errors.js';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { writeInvocation, writeParameters, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';

/** Write a good frame, then the refused one; assert the error and that only the good frame remains. */
function refused(t: TestContext, params: unknown[], types: ParameterType[] | undefined, message: RegExp | string, index?: number): ParameterError {
  const writer = new BufferWriter(Buffer.alloc(256));
  writeInvocation(writer, { procedure: '@Ping', handle: 1n });
  const kept = writer.offset;
  const first = writer.buffer;
  let caught: unknown;
  try {
    writeInvocation(writer, { procedure: 'Vote', handle: 2n, params, types });
  } catch (error) {
    caught = error;
  }
  t.assert.ok(caught instanceof ParameterError, `expected a ParameterError, got ${String(caught)}`);
  const error = caught as ParameterError;
  if (typeof message === 'string') t.assert.equal(error.message, message);
  else t.assert.match(error.message, message);
  t.assert.equal(error.procedure, 'Vote');
  if (index !== undefined) t.assert.equal(error.index, index);
  t.assert.equal(writer.messageLength, 0, 'the refused frame left no bytes');
  // A frame that outgrew the slab moved to a new one; the finished frame stays in the old one.
  if (writer.buffer === first) t.assert.equal(writer.offset, kept);
  t.assert.equal(decodeInvocation(first.subarray(0, kept)).procedure, '@Ping');
  // The bare parameter writer also leaves nothing behind.
  const bare = new BufferWriter(Buffer.alloc(8));
  bare.int8(42);
  t.assert.throws(() => writeParameters(bare, params, types, 'Vote'), ParameterError);
  t.assert.equal(bare.offset, 1);
  return error;
}

test('integers out of range', (t: TestContext) => {
  const error = refused(t, [1, 2, 300], ['INTEGER', 'INTEGER', 'TINYINT'], 'parameter 3 of Vote: 300 does not fit TINYINT (-127..127)', 2);
  t.assert.equal(error.type, 'TINYINT');
  refused(t, [40000], ['SMALLINT'], 'parameter 1 of Vote: 40000 does not fit SMALLINT (-32767..32767)');
  refused(t, [2 ** 31], ['INTEGER'], /2147483648 does not fit INTEGER/);
  refused(t, [2n ** 63n], ['BIGINT'], 'parameter 1 of Vote: 9223372036854775808n does not fit BIGINT (-9223372036854775807..9223372036854775807)');
  refused(t, [128n], ['TINYINT'], /128n does not fit TINYINT/);
});

test('the NULL sentinel values themselves', (t: TestContext) => {
  refused(t, [-128], ['TINYINT'], 'parameter 1 of Vote: -128 does not fit TINYINT (-127..127; -128 is the NULL sentinel, pass null)');
  refused(t, [-32768], ['SMALLINT'], /NULL sentinel/);
  refused(t, [-(2 ** 31)], ['INTEGER'], /NULL sentinel/);
  refused(t, [-(2n ** 63n)], ['BIGINT'], /-9223372036854775808n does not fit BIGINT .*NULL sentinel/);
  refused(t, [-(2n ** 63n)], ['TIMESTAMP'], /does not fit TIMESTAMP/);
  refused(t, [-1.7e308], ['FLOAT'], 'parameter 1 of Vote: -1.7e+308 does not fit FLOAT (values ≤ -1.7E308 are NULL on the wire; pass null)');
  refused(t, [-1.7e308], undefined, /NULL on the wire/);
  refused(t, [-1.75e308], ['FLOAT'], /NULL on the wire/);
});

test('non-integers and unsafe integers for integer types', (t: TestContext) => {
  refused(t, [1.5], ['INTEGER'], 'parameter 1 of Vote: 1.5 does not fit INTEGER (-2147483647..2147483647; not an integer)');
  refused(t, [2 ** 60], ['BIGINT'], /not a safe integer, pass a bigint/);
  refused(t, [NaN], ['SMALLINT'], /NaN does not fit SMALLINT .*expected an integer/);
});

test('NaN and infinities as FLOAT', (t: TestContext) => {
  refused(t, [NaN], ['FLOAT'], 'parameter 1 of Vote: NaN does not fit FLOAT (finite numbers only)');
  refused(t, [Infinity], ['FLOAT'], /Infinity does not fit FLOAT/);
  refused(t, [-Infinity], undefined, /-Infinity does not fit FLOAT/);
});

test('strings and byte strings over 1 MiB', (t: TestContext) => {
  refused(t, ['é'.repeat(524_289)], ['STRING'], /\(524289 characters\) does not fit STRING \(longer than 1048576 UTF-8 bytes\)/);
  refused(t, [new Uint8Array(1_048_577)], ['VARBINARY'], 'parameter 1 of Vote: Uint8Array(1048577) does not fit VARBINARY (longer than 1048576 bytes)');
});

test('invalid dates and timestamps outside int64', (t: TestContext) => {
  refused(t, [new Date(NaN)], ['TIMESTAMP'], 'parameter 1 of Vote: Invalid Date does not fit TIMESTAMP (an invalid Date)');
  refused(t, [2n ** 63n], ['TIMESTAMP'], /microseconds must fit int64/);
  refused(t, [9_300_000_000_000_000], ['TIMESTAMP'], /whole milliseconds/);
  refused(t, [1.5], ['TIMESTAMP'], /whole milliseconds/);
  refused(t, [{ year: 2023, month: 2, day: 29 }], ['DATE'], /does not fit DATE \(expected a real day/);
  refused(t, [new Date(Date.UTC(2023, 0, 1, 12))], ['DATE'], /does not fit DATE/);
  refused(t, ['2023-13-01'], ['DATE'], /does not fit DATE/);
});

test('decimals beyond DECIMAL(38, 12) and non-numbers', (t: TestContext) => {
  refused(t, ['1' + '0'.repeat(26)], ['DECIMAL'], /does not fit DECIMAL \(has more than 26 integer digits/);
  refused(t, [new Decimal('1e26')], undefined, /Decimal\(1e\+26\) does not fit DECIMAL/);
  refused(t, ['abc'], ['DECIMAL'], 'parameter 1 of Vote: "abc" does not fit DECIMAL (is not a decimal number)');
  refused(t, [NaN], ['DECIMAL'], /is not a finite number/);
  refused(t, [true], ['DECIMAL'], /expected a Decimal, numeric string, number or bigint/);
  refused(t, ['x1'], ['DECIMAL_STRING'], 'parameter 1 of Vote: "x1" does not fit DECIMAL_STRING (expected a finite Decimal, numeric string, number or bigint)');
  refused(t, [Infinity], ['DECIMAL_STRING'], /DECIMAL_STRING/);
});

test('invalid geography', (t: TestContext) => {
  refused(t, [new GeographyPoint(181, 0)], ['GEOGRAPHY_POINT'], 'parameter 1 of Vote: POINT(181 0) does not fit GEOGRAPHY_POINT (longitude 181 is outside -180..180)');
  refused(t, [new GeographyPoint(0, -90.5)], undefined, /latitude -90.5 is outside -90..90/);
  refused(t, [new GeographyPoint(NaN, 0)], ['GEOGRAPHY_POINT'], /are not numbers/);
  refused(t, ['POINT(1)'], ['GEOGRAPHY_POINT'], /invalid WKT "POINT\(1\)": expected a number/);
  const degenerate = new Geography([[[0, 0], [1, 1], [0, 0], [1, 1], [0, 0]]]);
  refused(t, [degenerate], ['GEOGRAPHY'], /ring 0 has fewer than 3 distinct vertices/);
  refused(t, [new Geography([[[0, 0], [1, 0], [1, 1], [0, 1]]])], undefined, /ring 0 is not closed/);
  refused(t, ['POLYGON((0 0, 1 0, 1 1, 0 1))'], ['GEOGRAPHY'], /invalid WKT .*ring 0 is not closed/);
  refused(t, [new Geography([[[0, 0], [1, NaN], [1, 1], [0, 0]]])], ['GEOGRAPHY'], /ring 0 point 1: coordinates/);
  refused(t, [new Geography([[[0, 0], [1, 95], [1, 1], [0, 0]]])], ['GEOGRAPHY'], /latitude 95 is outside/);
  refused(t, [new Geography([])], ['GEOGRAPHY'], /at least one ring/);
  refused(t, [new Geography([[[0, 0, 0] as unknown as [number, number]]])], ['GEOGRAPHY'], /not a \[lng, lat\] pair/);
  refused(t, [new Geography(['x' as unknown as []])], ['GEOGRAPHY'], /ring 0 is not an array/);
  const huge: [number, number][] = Array.from({ length: 44_000 }, (_, k) => [(k / 44_000) * 10, Math.sin(k) * 10]);
  huge.push(huge[0]!);
  refused(t, [new Geography([huge])], ['GEOGRAPHY'], /more than 1048576 bytes/);
});

test('arrays over 32767 elements, nested arrays and mixed arrays', (t: TestContext) => {
  refused(t, [new Array<number>(32768).fill(1)], ['INTEGER[]'], 'parameter 1 of Vote: array(32768) does not fit INTEGER[] (at most 32767 elements)');
  refused(t, [new Array<number>(32768).fill(1)], undefined, /at most 32767 elements/);
  refused(t, [[1, [2]]], ['INTEGER[]'], 'parameter 1 of Vote, element 2: array(1) does not fit an array element (nested arrays are not supported)');
  refused(t, [[1, [2]]], undefined, /element 2: array\(1\) does not fit an array element/);
  refused(t, [[1, 'two']], undefined, /element 2: "two" does not fit an array \(elements of one type only/);
  refused(t, [[1, Symbol('s')]], undefined, /element 2: a symbol does not fit any VoltDB type/);
  refused(t, [[1, 2, 3.5]], ['INTEGER[]'], /element 3: 3.5 does not fit INTEGER/);
  refused(t, [[1, 256]], ['TINYINT[]'], /element 2: 256 does not fit TINYINT\[\]/);
  refused(t, [new Uint8Array(1_048_577)], ['TINYINT[]'], /at most 1048576 bytes/);
  refused(t, [[null]], ['VOLTTABLE[]'], /a table array has no NULL elements/);
  refused(t, ['abc'], ['STRING[]'], /"abc" does not fit STRING\[\] \(expected an array\)/);
});

test('wrong JS types for a declared type', (t: TestContext) => {
  const cases: [unknown, ParameterType, RegExp][] = [
    ['5', 'INTEGER', /"5" does not fit INTEGER .*expected an integer/],
    [5, 'STRING', /5 does not fit STRING \(expected a string\)/],
    ['00ff', 'VARBINARY', /does not fit VARBINARY \(expected a Uint8Array or ArrayBuffer\)/],
    [{}, 'GEOGRAPHY_POINT', /an object does not fit GEOGRAPHY_POINT/],
    [new Date(0), 'GEOGRAPHY', /Date\(1970-01-01T00:00:00.000Z\) does not fit GEOGRAPHY/],
    ['2020-01-01', 'TIMESTAMP', /expected a Date, bigint microseconds or number milliseconds/],
    [1, 'BOOLEAN', /1 does not fit BOOLEAN/],
    [new Map(), 'VOLTTABLE', /a Map does not fit VOLTTABLE/],
    [true, 'FLOAT', /true does not fit FLOAT \(expected a number\)/],
    [1n, 'FLOAT', /1n does not fit FLOAT/],
    [5, 'NULL', /5 does not fit NULL/],
  ];
  for (const [value, type, message] of cases) refused(t, [value], [type], message);
});

test('a string with a lone UTF-16 surrogate is refused (UTF-8 cannot carry it); a surrogate pair is not', (t: TestContext) => {
  refused(t, ['ok\uD800x'], undefined, 'parameter 1 of Vote: "ok\\ud800x" does not fit STRING (it contains a lone UTF-16 surrogate, which UTF-8 cannot carry)');
  refused(t, [1, '\uDC00'], ['INTEGER', 'STRING'], /parameter 2 of Vote: .* lone UTF-16 surrogate/, 1);
  refused(t, [['a', 'b\uDBFF']], ['STRING[]'], /element 2: .* lone UTF-16 surrogate/);
  const table = { columns: [{ name: 'NAME', type: 9 }], rows: [['fine'], ['\uD83D']] };
  refused(t, [table], undefined, /row 1, column NAME: .* lone UTF-16 surrogate/);
  const writer = new BufferWriter(Buffer.alloc(64));
  writeInvocation(writer, { procedure: 'Vote', handle: 2n, params: ['\uD83D\uDE00'] });
  t.assert.ok(writer.buffer.subarray(0, writer.offset).includes(Buffer.from('\u{1F600}', 'utf8')), 'a pair goes out as its 4 UTF-8 bytes');
});

test('values that cannot be inferred, bad declared lists', (t: TestContext) => {
  refused(t, [{ a: 1 }], undefined, 'parameter 1 of Vote: an object does not fit any VoltDB type (cannot infer a type; declare the parameter types)');
  refused(t, [() => 1], undefined, /a function does not fit any VoltDB type/);
  refused(t, [1, 2], ['INTEGER'], 'Vote declares 1 parameter types but got 2 values');
  refused(t, [1], ['INT' as ParameterType], 'parameter 1 of Vote: "INT" is not a parameter type');
  refused(t, [[1]], ['BOOLEAN[]'], /"BOOLEAN\[\]" is not a parameter type/);
  refused(t, [[1]], ['ARRAY[]' as ParameterType], /is not a parameter type/);
  refused(t, new Array<number>(32768).fill(1), undefined, 'Vote: 32768 parameters, at most 32767');
});

test('a bad cell in a VOLTTABLE parameter names row and column', (t: TestContext) => {
  const table = { columns: [{ name: 'ID', type: 5 }, { name: 'NAME', type: 9 }], rows: [[1, 'a'], [2, 3]] };
  refused(t, ['x', table], undefined, 'parameter 2 of Vote, row 1, column NAME: 3 does not fit STRING (expected a string)', 1);
  refused(t, [{ columns: [{ name: 'ID', type: 99 }], rows: [] }], undefined, 'parameter 1 of Vote: column ID has type 99, not a column type');
  refused(t, [{ columns: [{ name: 'ID', type: 5 }], rows: [[1, 2]] }], ['VOLTTABLE'], 'parameter 1 of Vote: row 0 has 2 values for 1 columns');
});

test('writeParameters restores the writer after a slab move', (t: TestContext) => {
  const writer = new BufferWriter(Buffer.alloc(16), (minimum) => Buffer.alloc(Math.max(minimum, 64)));
  writer.int32(7);
  writer.begin();
  writer.int8(1);
  t.assert.throws(() => writeParameters(writer, ['x'.repeat(40), 300], ['STRING', 'TINYINT'], 'P'), /parameter 2 of P: 300/);
  t.assert.equal(writer.offset - writer.mark, 1);
  writeParameters(writer, ['ok'], undefined, 'P');
  const r = new BufferReader(writer.message(), 1);
  t.assert.equal(r.int16(), 1);
});
