/**
 * The VoltTable and Column API on both backings (bytes and columns): lookup by index and name,
 * typed getters and their type checks, row objects, timestamps modes, range errors.
 */
import { test, type TestContext } from 'node:test';
import { VoltError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { Column } from '../../src/decode/column.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { responseFrame, tableBytes } from './support.js';

const COLUMNS = [
  { name: 'TI', type: VOLT_TYPE.TINYINT },
  { name: 'SI', type: VOLT_TYPE.SMALLINT },
  { name: 'I', type: VOLT_TYPE.INTEGER },
  { name: 'BI', type: VOLT_TYPE.BIGINT },
  { name: 'F', type: VOLT_TYPE.FLOAT },
  { name: 'S', type: VOLT_TYPE.STRING },
  { name: 'TS', type: VOLT_TYPE.TIMESTAMP },
  { name: 'D', type: VOLT_TYPE.DATE },
  { name: 'DEC', type: VOLT_TYPE.DECIMAL },
  { name: 'VB', type: VOLT_TYPE.VARBINARY },
  { name: 'P', type: VOLT_TYPE.GEOGRAPHY_POINT },
  { name: 'G', type: VOLT_TYPE.GEOGRAPHY },
];
const POLYGON = new Geography([[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]);
const ROWS = [
  [1, 2, 3, 9007199254740993n, 1.5, 'héllo', 1_700_000_000_123_456n, new VoltDate(2024, 2, 29), new Decimal('-1.5'), Buffer.from([9, 8]), new GeographyPoint(1, 2), POLYGON],
  [null, null, null, null, null, null, null, null, null, null, null, null],
  [-1, -2, -3, 42n, -0.25, '', -1n, new VoltDate(1969, 12, 31), new Decimal('0.000000000001'), Buffer.alloc(0), new GeographyPoint(-180, 90), POLYGON],
];

/** The same table twice: byte-backed and column-backed. */
function tables(timestamps?: 'date' | 'bigint'): [string, VoltTable][] {
  const frame = responseFrame([tableBytes({ columns: COLUMNS, rows: ROWS })]);
  const lazy = decodeResponse(frame, timestamps === undefined ? undefined : { timestamps }).tables[0]!;
  const columnar = decodeResponse(frame, timestamps === undefined ? undefined : { timestamps }).tables[0]!;
  columnar.decodeColumns();
  return [['bytes', lazy], ['columns', columnar]];
}

test('shape: columns, rowCount, status, column lookup by index, name and case-insensitive name', (t: TestContext) => {
  for (const [backing, table] of tables()) {
    t.assert.equal(table.rowCount, 3, backing);
    t.assert.equal(table.status, -128);
    t.assert.deepStrictEqual(table.columns, COLUMNS);
    t.assert.equal(table.columnIndex('DEC'), 8);
    t.assert.equal(table.columnIndex('dec'), 8);
    t.assert.equal(table.columnIndex(3), 3);
    t.assert.throws(() => table.columnIndex('NOPE'), /no column named NOPE; the columns are TI, SI/);
    t.assert.throws(() => table.columnIndex(12), /column 12 is out of range/);
    t.assert.throws(() => table.get(3, 0), (e: unknown) => VoltError.is(e) && /row 3 is out of range: the table has 3 rows/.test((e as Error).message));
    t.assert.throws(() => table.get(-1, 0), /out of range/);
    t.assert.throws(() => table.get(0.5, 0), /out of range/);
  }
});

test('get(), rows() and rowObjects() map every type (timestamps as Date by default)', (t: TestContext) => {
  for (const [backing, table] of tables()) {
    t.assert.equal(table.get(0, 'S'), 'héllo', backing);
    t.assert.equal(table.get(0, 'BI'), 9007199254740993n);
    t.assert.ok(table.get(0, 'TS') instanceof Date);
    t.assert.equal((table.get(0, 'TS') as Date).getTime(), 1_700_000_000_123);
    t.assert.equal((table.get(2, 'TS') as Date).getTime(), -1, 'µs floor to the millisecond');
    t.assert.deepStrictEqual(table.get(0, 'D'), new VoltDate(2024, 2, 29));
    t.assert.deepStrictEqual(table.get(2, 'D'), new VoltDate(1969, 12, 31));
    t.assert.equal((table.get(0, 'DEC') as Decimal).toString(), '-1.5');
    t.assert.deepStrictEqual([...(table.get(0, 'VB') as Uint8Array)], [9, 8]);
    t.assert.deepStrictEqual(table.get(0, 'P'), new GeographyPoint(1, 2));
    t.assert.ok(table.get(0, 'G') instanceof Geography);
    t.assert.ok([...table.rows()][1]!.every((value) => value === null));
    t.assert.deepStrictEqual([...table].length, 3, 'iterable');
    const objects = [...table.rowObjects()];
    t.assert.equal(objects[0]!.S, 'héllo');
    t.assert.equal(objects[1]!.I, null);
    t.assert.deepStrictEqual(Object.keys(objects[2]!), COLUMNS.map((c) => c.name));
    for (let c = 0; c < COLUMNS.length; c++) {
      t.assert.equal(table.isNull(1, c), true);
      t.assert.equal(table.isNull(0, c), false);
    }
  }
});

test("timestamps: 'bigint' gives lossless microseconds", (t: TestContext) => {
  for (const [backing, table] of tables('bigint')) {
    t.assert.equal(table.timestamps, 'bigint', backing);
    t.assert.equal(table.get(0, 'TS'), 1_700_000_000_123_456n);
    t.assert.equal([...table.rows()][2]![6], -1n);
    t.assert.equal(table.getDate(0, 'TS')!.getTime(), 1_700_000_000_123, 'getDate still gives a Date');
  }
});

test('typed getters convert what they can and name the column when they cannot', (t: TestContext) => {
  for (const [backing, table] of tables()) {
    t.assert.equal(table.getNumber(0, 'TI'), 1, backing);
    t.assert.equal(table.getNumber(0, 'SI'), 2);
    t.assert.equal(table.getNumber(0, 'I'), 3);
    t.assert.equal(table.getNumber(2, 'BI'), 42);
    t.assert.equal(table.getNumber(0, 'F'), 1.5);
    t.assert.equal(table.getNumber(2, 'TS'), -1);
    t.assert.equal(table.getNumber(1, 'I'), null);
    t.assert.throws(() => table.getNumber(0, 'BI'), /9007199254740993 is not a safe integer; use getBigInt/);
    t.assert.throws(() => table.getNumber(0, 'S'), /getNumber needs a TINYINT, SMALLINT, INTEGER, BIGINT, TIMESTAMP or FLOAT column; column S is STRING/);
    t.assert.equal(table.getBigInt(0, 'TI'), 1n);
    t.assert.equal(table.getBigInt(0, 'SI'), 2n);
    t.assert.equal(table.getBigInt(0, 'I'), 3n);
    t.assert.equal(table.getBigInt(0, 'BI'), 9007199254740993n);
    t.assert.equal(table.getBigInt(0, 'TS'), 1_700_000_000_123_456n);
    t.assert.equal(table.getBigInt(1, 'BI'), null);
    t.assert.throws(() => table.getBigInt(0, 'F'), /getBigInt needs an integer or TIMESTAMP column; column F is FLOAT/);
    t.assert.equal(table.getString(0, 'S'), 'héllo');
    t.assert.equal(table.getString(2, 'S'), '');
    t.assert.equal(table.getString(1, 'S'), null);
    t.assert.throws(() => table.getString(0, 'VB'), /getString needs a STRING column; column VB is VARBINARY/);
    t.assert.equal(Buffer.from(table.getBytes(0, 'S')!).toString(), 'héllo');
    t.assert.deepStrictEqual([...table.getBytes(0, 'VB')!], [9, 8]);
    t.assert.equal(table.getBytes(1, 'VB'), null);
    t.assert.throws(() => table.getBytes(0, 'I'), /getBytes needs a STRING or VARBINARY column/);
    t.assert.equal(table.getDecimal(2, 'DEC')!.toString(), '1e-12');
    t.assert.equal(table.getDecimal(1, 'DEC'), null);
    t.assert.throws(() => table.getDecimal(0, 'F'), /getDecimal needs a DECIMAL column/);
    t.assert.equal(table.getDate(0, 'D')!.toISOString(), '2024-02-29T00:00:00.000Z');
    t.assert.equal(table.getDate(2, 'D')!.toISOString(), '1969-12-31T00:00:00.000Z');
    t.assert.equal(table.getDate(1, 'D'), null);
    t.assert.equal(table.getDate(1, 'TS'), null);
    t.assert.throws(() => table.getDate(0, 'I'), /getDate needs a TIMESTAMP or DATE column/);
  }
});

test('column(): decoded once, cached, and the row view is dropped', (t: TestContext) => {
  const [, table] = tables()[0]!;
  t.assert.equal(table.isColumnar, false);
  const first = table.column('I');
  t.assert.equal(table.isColumnar, true);
  t.assert.equal(table.column(2), first);
  t.assert.equal(table.decodeColumns().length, COLUMNS.length);
  t.assert.equal(first.typeName, 'INTEGER');
  t.assert.deepStrictEqual(first.toArray(), [3, null, -3]);
  t.assert.deepStrictEqual([...first], [3, null, -3]);
  t.assert.throws(() => first.get(3), /row 3 of column I is out of range: it has 3 rows/);
  t.assert.equal(new Column({ ...first, type: 99 }).typeName, 'TYPE(99)');
  t.assert.equal(new Column({ ...first, type: 99 }).get(0), null);
});

test('duplicate column names: get() by name finds the first, rowObjects() keeps the last; __proto__ is a plain key', (t: TestContext) => {
  const columns = [
    { name: 'ID', type: VOLT_TYPE.INTEGER },
    { name: 'ID', type: VOLT_TYPE.INTEGER },
    { name: '__proto__', type: VOLT_TYPE.INTEGER },
  ];
  const table = VoltTable.fromBytes(tableBytes({ columns, rows: [[1, 2, 3]] }));
  t.assert.equal(table.get(0, 'ID'), 1);
  const [object] = [...table.rowObjects()];
  t.assert.equal(object!.ID, 2);
  t.assert.equal(Object.getPrototypeOf(object), Object.prototype);
  t.assert.equal(Object.getOwnPropertyDescriptor(object, '__proto__')!.value, 3);
});

test('fromColumns() checks that every column has the table length', (t: TestContext) => {
  const table = VoltTable.fromBytes(tableBytes({ columns: [{ name: 'A', type: VOLT_TYPE.INTEGER }], rows: [[1], [2]] }));
  const [column] = table.decodeColumns();
  t.assert.throws(() => VoltTable.fromColumns({ columns: [column!], rowCount: 3, status: 0 }), /column A has 2 rows, the table 3/);
  const rebuilt = VoltTable.fromColumns({ columns: [column!], rowCount: 2, status: 0 });
  t.assert.equal(rebuilt.status, 0);
  t.assert.deepStrictEqual([...rebuilt.rows()], [[1], [2]]);
});

test('a lazy table reads a column after variable-width columns by skipping values', (t: TestContext) => {
  const columns = [
    { name: 'S', type: VOLT_TYPE.STRING },
    { name: 'G', type: VOLT_TYPE.GEOGRAPHY },
    { name: 'I', type: VOLT_TYPE.INTEGER },
  ];
  const table = VoltTable.fromBytes(tableBytes({ columns, rows: [['a', POLYGON, 1], [null, null, 2], ['ccc', null, 3]] }));
  t.assert.deepStrictEqual([0, 1, 2].map((r) => table.get(r, 'I')), [1, 2, 3]);
  t.assert.deepStrictEqual([0, 1, 2].map((r) => table.getNumber(r, 'I')), [1, 2, 3]);
});
