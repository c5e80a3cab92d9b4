import { test, type TestContext } from 'node:test';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { GeographyPoint } from '../../src/protocol/geography.js';
import { writeParameters, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { readParameters } from '../../src/protocol/invocation-reader.js';
import type { TableData } from '../../src/protocol/value-reader.js';

function encode(params: unknown[], types?: ParameterType[]): Buffer {
  const w = new BufferWriter(Buffer.alloc(16));
  writeParameters(w, params, types, 'P');
  return Buffer.from(w.message());
}

const decode = (bytes: Buffer): ReturnType<typeof readParameters> => readParameters(new BufferReader(bytes), 'bigint');

test('NULL parameters go untyped (type 1, no payload) whatever was declared', (t: TestContext) => {
  t.assert.equal(encode([null, undefined], ['GEOGRAPHY', 'STRING[]']).toString('hex'), '0002' + '01' + '01');
  t.assert.deepStrictEqual(decode(encode([null])).values, [null]);
});

test('byte arrays: Uint8Array is VARBINARY; declared TINYINT[] is -99, 3, i32 count, raw bytes', (t: TestContext) => {
  t.assert.equal(encode([Uint8Array.of(22, 33, 44)]).toString('hex'), '0001' + '19' + '00000003' + '16212c');
  const expected = '0001' + '9d03' + '00000003' + 'ff0102';
  t.assert.equal(encode([[-1, 1, 2]], ['TINYINT[]']).toString('hex'), expected);
  t.assert.equal(encode([Int8Array.of(-1, 1, 2)], ['TINYINT[]']).toString('hex'), expected);
  t.assert.equal(encode([[255, true, false]], ['TINYINT[]']).toString('hex'), '0001' + '9d03' + '00000003' + 'ff0100');
  const back = decode(Buffer.from(expected, 'hex'));
  t.assert.deepStrictEqual([...(back.values[0] as Uint8Array)], [255, 1, 2]);
  t.assert.deepStrictEqual(back.types, [VOLT_TYPE.ARRAY]);
  t.assert.deepStrictEqual(back.elementTypes, [VOLT_TYPE.TINYINT]);
});

test('arrays: i16 count and bare elements, NULL elements as sentinels', (t: TestContext) => {
  t.assert.equal(encode([[1, null]], ['SMALLINT[]']).toString('hex'), '0001' + '9d04' + '0002' + '0001' + '8000');
  t.assert.equal(encode([['a', null]]).toString('hex'), '0001' + '9d09' + '0002' + '0000000161' + 'ffffffff');
  const values = [
    [1, 2, 3],
    [1, 2 ** 40],
    [1, 2.5],
    [1n, 2],
    [new Date(1000)],
    [new Decimal('1.5'), null],
    [new GeographyPoint(1, 2), null],
    [Uint8Array.of(1), null],
    [],
    [null, null],
  ];
  const back = decode(encode(values));
  t.assert.deepStrictEqual(back.elementTypes, [5, 6, 8, 6, 11, 22, 26, 25, 5, 5]);
  t.assert.deepStrictEqual(back.values.slice(0, 5), [[1, 2, 3], [1n, 2n ** 40n], [1, 2.5], [1n, 2n], [1000000n]]);
  t.assert.equal((back.values[5] as [Decimal, null])[0].toFixed(), '1.5');
  t.assert.deepStrictEqual(back.values.slice(6, 7), [[new GeographyPoint(1, 2), null]]);
  t.assert.deepStrictEqual(back.values.slice(8), [[], [null, null]]);
  // Typed arrays work with declared element types.
  t.assert.deepStrictEqual(decode(encode([Float64Array.of(1.5, 2)], ['FLOAT[]'])).values, [[1.5, 2]]);
  t.assert.deepStrictEqual(decode(encode([BigInt64Array.of(5n)], ['BIGINT[]'])).values, [[5n]]);
});

test('DECIMAL_STRING sends exact decimal text as STRING, never type 23', (t: TestContext) => {
  const bytes = encode([new Decimal('1.1234567890123456789'), 10n ** 30n, '-0.5', 0.1, 1e21], Array(5).fill('DECIMAL_STRING') as ParameterType[]);
  const back = decode(bytes);
  t.assert.deepStrictEqual(back.types, [9, 9, 9, 9, 9]);
  t.assert.deepStrictEqual(back.values, ['1.1234567890123456789', '1' + '0'.repeat(30), '-0.5', '0.1', '1000000000000000000000']);
});

test('VOLTTABLE parameters: plain { columns, rows } and VoltTable-like rows()', (t: TestContext) => {
  const columns = [{ name: 'ID', type: VOLT_TYPE.BIGINT }, { name: 'NAME', type: VOLT_TYPE.STRING }];
  const plain = { columns, rows: [[1n, 'a'], [2n, null]] };
  const voltTable = { columns, status: 0, rows: () => [[3n, 'c']][Symbol.iterator]() };
  const back = decode(encode([plain, voltTable, [plain, plain]], ['VOLTTABLE', 'VOLTTABLE', 'VOLTTABLE[]']));
  t.assert.deepStrictEqual(back.types, [21, 21, -99]);
  t.assert.deepStrictEqual(back.values[0], { status: -128, columns, rows: [[1n, 'a'], [2n, null]] } satisfies TableData);
  t.assert.deepStrictEqual(back.values[1], { status: 0, columns, rows: [[3n, 'c']] });
  t.assert.equal((back.values[2] as TableData[]).length, 2);
});

test('BOOLEAN parameters decode as booleans; declared BOOLEAN encodes type 23', (t: TestContext) => {
  const bytes = encode([true, false], ['BOOLEAN', 'BOOLEAN']);
  t.assert.equal(bytes.toString('hex'), '0002' + '1701' + '1700');
  t.assert.deepStrictEqual(decode(bytes).values, [true, false]);
  t.assert.equal(encode([true]).toString('hex'), '0001' + '0301', 'an inferred boolean is TINYINT 1');
});

test('a declared type list is parsed once, and again after it changes', (t: TestContext) => {
  const types: ParameterType[] = ['INTEGER', 'STRING'];
  const first = encode([1, 'a'], types);
  t.assert.deepStrictEqual(encode([1, 'a'], types), first);
  types[0] = 'BIGINT';
  t.assert.deepStrictEqual(encode([1, 'a'], types), encode([1n, 'a'], ['BIGINT', 'STRING']));
  types.push('INTEGER');
  t.assert.equal(decode(encode([1, 'a', 2], types)).values.length, 3);
});
