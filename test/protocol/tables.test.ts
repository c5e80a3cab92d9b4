import { test, type TestContext } from 'node:test';
import { ParameterError, ProtocolError } from '../../src/errors.js';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { writeTable } from '../../src/protocol/value-writer.js';
import { readTable } from '../../src/protocol/value-reader.js';
import { SKIP_WITHOUT_FIXTURES, readFixture } from '../helpers/fixtures.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('the modified_tuples table of invocation_response_success.msg, byte for byte', (t: TestContext) => {
  const w = new BufferWriter(Buffer.alloc(8));
  writeTable(w, [{ name: 'modified_tuples', type: VOLT_TYPE.BIGINT }], [[1n]]);
  // total 43, header 23, status -128, 1 column BIGINT "modified_tuples", 1 row of length 8 = 1
  const expected = hex(`0000002b 00000017 80 0001 06 0000000f 6d6f6469666965645f7475706c6573 00000001 00000008 0000000000000001`);
  t.assert.deepStrictEqual(Buffer.from(w.message()), expected);
  t.assert.deepStrictEqual(readTable(new BufferReader(expected)), {
    status: -128,
    columns: [{ name: 'modified_tuples', type: VOLT_TYPE.BIGINT }],
    rows: [[1n]],
  });
});

test('status, zero columns, zero rows, iterables of rows', (t: TestContext) => {
  const w = new BufferWriter();
  writeTable(w, [], [], 0);
  t.assert.deepStrictEqual(Buffer.from(w.message()), hex('0000000b 00000003 00 0000 00000000'));
  const w2 = new BufferWriter();
  function* rows(): Generator<unknown[]> {
    yield [1, 'a'];
    yield [null, null];
  }
  writeTable(w2, [{ name: 'A', type: VOLT_TYPE.INTEGER }, { name: 'B', type: VOLT_TYPE.STRING }], rows(), 5);
  const table = readTable(new BufferReader(w2.message()));
  t.assert.equal(table.status, 5);
  t.assert.deepStrictEqual(table.rows, [[1, 'a'], [null, null]]);
});

test('refusals leave the writer where the table started', (t: TestContext) => {
  const w = new BufferWriter(Buffer.alloc(16), (minimum) => Buffer.alloc(Math.max(minimum, 64)));
  w.int32(99);
  const columns = [{ name: 'ID', type: VOLT_TYPE.TINYINT }, { name: 'S', type: VOLT_TYPE.STRING }];
  t.assert.throws(() => writeTable(w, columns, [[1, 'x'.repeat(50)], [300, 'y']]), /row 1, column ID: 300 does not fit TINYINT/);
  t.assert.equal(w.messageLength, 4);
  t.assert.throws(() => writeTable(w, columns, [[1]]), /row 0 has 1 values for 2 columns/);
  t.assert.throws(() => writeTable(w, columns, ['ab' as unknown as unknown[]]), /row 0 has no values/);
  t.assert.throws(() => writeTable(w, [{ name: 7 as unknown as string, type: 5 }], []), /column 0 needs a string name/);
  t.assert.throws(() => writeTable(w, [{ name: 'A', type: VOLT_TYPE.VOLTTABLE }], []), /not a column type/);
  t.assert.throws(() => writeTable(w, [], [], 200), /table status 200 is not an i8/);
  t.assert.throws(() => writeTable(w, new Array(32768).fill({ name: 'a', type: 5 }), []), ParameterError);
  t.assert.equal(w.messageLength, 4);
});

test('serialized_table.bin (Java) reads to its documented rows and re-encodes semantically', { skip: SKIP_WITHOUT_FIXTURES }, (t: TestContext) => {
  const bytes = readFixture('wire/serialized_table.bin');
  const table = readTable(new BufferReader(bytes), 'bigint');
  t.assert.deepStrictEqual(table.columns.map((c) => c.type), [3, 9, 4, 5, 6, 11, 22, 27, 26]);
  t.assert.deepStrictEqual(table.columns.map((c) => c.name), Array.from({ length: 9 }, (_, i) => `column${i + 1}`));
  const row1 = table.rows[1]!;
  t.assert.deepStrictEqual(row1.slice(0, 6), [0, '', 2, 4, 5n, 44n]);
  t.assert.equal((row1[6] as Decimal).toFixed(12), '3.145900000000');
  t.assert.deepStrictEqual(table.rows[0]!.slice(0, 7), [null, null, null, null, null, null, null]);
  t.assert.deepStrictEqual(table.rows[3]!.slice(0, 2), [null, 'woobie']);
  t.assert.deepStrictEqual(table.rows[2]![1], null);
  t.assert.ok(table.rows[0]![8] instanceof GeographyPoint);
  t.assert.ok((table.rows[3]![7] as Geography).equals(Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (0.1 0.1, 0.1 0.9, 0.9 0.9, 0.9 0.1, 0.1 0.1))'), 1e-14));
  // Re-encoded from the exact polygon, our bytes equal Java's (same placeholders, bit-exact vertices).
  const exact = table.rows.map((row) => [...row.slice(0, 7), Geography.fromWKT('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (0.1 0.1, 0.1 0.9, 0.9 0.9, 0.9 0.1, 0.1 0.1))'), row[8]]);
  const w = new BufferWriter();
  writeTable(w, table.columns, exact, table.status);
  t.assert.deepStrictEqual(Buffer.from(w.message()), bytes);
});

test('readTable: inconsistent lengths are ProtocolErrors', (t: TestContext) => {
  const good = hex('0000002b 00000017 80 0001 06 0000000f 6d6f6469666965645f7475706c6573 00000001 00000008 0000000000000001');
  const bad = (at: number, value: number, width = 4): Buffer => {
    const copy = Buffer.from(good);
    if (width === 4) copy.writeInt32BE(value, at);
    else if (width === 2) copy.writeInt16BE(value, at);
    else copy.writeInt8(value, at);
    return copy;
  };
  const cases: [string, Buffer][] = [
    ['total too long', bad(0, 100)],
    ['header too short', bad(4, 22)],
    ['negative columns', bad(9, -1, 2)],
    ['unknown column type', bad(11, 2, 1)],
    ['NULL column name', bad(12, -1)],
    ['row count too large', bad(31, 50)],
    ['negative row count', bad(31, -1)],
    ['row length mismatch', bad(35, 4)],
    ['total too short', Buffer.concat([bad(0, 38), Buffer.alloc(0)])],
  ];
  for (const [what, bytes] of cases) t.assert.throws(() => readTable(new BufferReader(bytes)), ProtocolError, what);
  const trailing = Buffer.concat([good, Buffer.alloc(4)]);
  trailing.writeInt32BE(43 + 4, 0);
  t.assert.throws(() => readTable(new BufferReader(trailing)), /table length says it ends at 51, its 1 rows end at 47/);
});
