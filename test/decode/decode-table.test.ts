/**
 * The columnar decoder on hand-made bytes: every malformed shape is a ProtocolError naming the
 * place (never an out-of-bounds read or a non-Volt error), FLOAT NULL variants, DATE, NULL
 * columns, zero columns, and tables spanning many row blocks.
 */
import { test, type TestContext } from 'node:test';
import { ProtocolError, VoltError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { readTableLayout } from '../../src/protocol/response-reader.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { decodeTable } from '../../src/decode/decode-table.js';
import { civilFromDays, daysFromCivil } from '../../src/decode/calendar.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { hex, normalizeRows, rawTable, tableBytes } from './support.js';

const INT = { name: 'I', type: VOLT_TYPE.INTEGER };
const STR = { name: 'S', type: VOLT_TYPE.STRING };
const FLT = { name: 'F', type: VOLT_TYPE.FLOAT };

function columnsOf(bytes: Buffer) {
  return decodeTable(bytes, readTableLayout(bytes, 0));
}

function throwsProtocol(t: TestContext, fn: () => unknown, pattern: RegExp): void {
  t.assert.throws(fn, (error: unknown) => {
    t.assert.ok(error instanceof ProtocolError, `a ProtocolError, got ${String(error)}`);
    t.assert.match((error as Error).message, pattern);
    return true;
  });
}

test('row lengths that do not match the values are refused', (t: TestContext) => {
  // A fixed-width row one byte short, then one byte long.
  throwsProtocol(t, () => columnsOf(rawTable([INT], [hex('000000')])), /row 0: length 3 is shorter than the 4 bytes/);
  throwsProtocol(t, () => columnsOf(rawTable([INT], [hex('0000000100')])), /row 0: length 5, but its fixed-width values take 4 bytes/);
  // A string running past its row, a negative length, bytes left over after the values.
  throwsProtocol(t, () => columnsOf(rawTable([STR, INT], [hex('00000005 6162 00000001')])), /column 0 \(S STRING\) row 0: length 5 exceeds the 2 bytes left/);
  throwsProtocol(t, () => columnsOf(rawTable([STR], [hex('fffffffe')])), /length -2 is negative/);
  throwsProtocol(t, () => columnsOf(rawTable([STR], [hex('00000001 61 62')])), /row 0: 1 bytes left after its 1 values/);
});

test('a shape outside the bytes, a truncated row, trailing table bytes and unknown types are refused', (t: TestContext) => {
  const bytes = rawTable([INT], [hex('00000001'), hex('00000002')]);
  const layout = readTableLayout(bytes, 0);
  throwsProtocol(t, () => decodeTable(bytes, { ...layout, end: bytes.length + 1 }), /outside the/);
  throwsProtocol(t, () => decodeTable(bytes, { ...layout, rowCount: 3 }), /row 2 of 3: truncated row length/);
  throwsProtocol(t, () => decodeTable(bytes, { ...layout, rowCount: 1 }), /table has 8 bytes after its 1 rows/);
  throwsProtocol(t, () => decodeTable(bytes, { ...layout, end: layout.end - 2 }), /exceeds the 2 bytes left in the table/);
  throwsProtocol(t, () => decodeTable(bytes, { ...layout, columns: [{ name: 'X', type: 7 }] }), /type 7, which cannot appear/);
  throwsProtocol(t, () => decodeTable(bytes, { ...layout, rowCount: -1 }), /outside the/);
});

test('invalid UTF-8 is refused by the columns at decode time and by the row view on access', (t: TestContext) => {
  const bad = rawTable([STR], [hex('00000002 c328')]);
  throwsProtocol(t, () => columnsOf(bad), /column 0 \(S STRING\) row 0: invalid UTF-8/);
  const table = VoltTable.fromBytes(bad);
  throwsProtocol(t, () => table.get(0, 0), /invalid UTF-8/);
  // Each value broken, the concatenation valid: "é" split across two values.
  const split = rawTable([STR], [hex('00000001 c3'), hex('00000001 a9')]);
  throwsProtocol(t, () => columnsOf(split), /row 0: invalid UTF-8/);
  // A real U+FFFD is not an error.
  t.assert.equal(VoltTable.fromBytes(rawTable([STR], [hex('00000003 efbfbd')])).column(0).get(0), '\uFFFD');
});

test('FLOAT NULL is any value ≤ −1.7E308: the documented bits, −MAX_VALUE (real server) and −Infinity', (t: TestContext) => {
  const rows = ['ffee42d130773b76', 'ffefffffffffffff', 'fff0000000000000', '7ff8000000000001', 'ffee42d130773b75', '8000000000000000'].map((h) => hex(h));
  const columnar = VoltTable.fromBytes(rawTable([FLT], rows));
  columnar.decodeColumns();
  for (const table of [VoltTable.fromBytes(rawTable([FLT], rows)), columnar]) {
    const values = [...table.rows()].map((row) => row[0]);
    t.assert.deepStrictEqual(values.slice(0, 3), [null, null, null]);
    t.assert.ok(Number.isNaN(values[3]));
    t.assert.equal(values[4], -1.6999999999999998e308);
    t.assert.ok(Object.is(values[5], -0));
  }
  const column = VoltTable.fromBytes(rawTable([FLT], rows)).column(0);
  t.assert.deepStrictEqual([0, 1, 2, 3, 4, 5].map((i) => column.isNull(i)), [true, true, true, false, false, false]);
  // The NaN payload survives (bits copied, not re-encoded).
  t.assert.equal(Buffer.from((column.values as Float64Array).buffer, 24, 8).readBigUInt64LE(), 0x7ff8000000000001n);
});

test('DATE: packed days become Date32 and back to VoltDate; an impossible day is refused by the columns', (t: TestContext) => {
  const DATE = { name: 'D', type: VOLT_TYPE.DATE };
  const bytes = rawTable([DATE], [hex('07cb0912'), hex('80000000'), hex('07b20101'), hex('00010101'), hex('07d0021d')]);
  const column = VoltTable.fromBytes(bytes).column(0);
  t.assert.deepStrictEqual([...(column.values as Int32Array)], [daysFromCivil(1995, 9, 18), 0, 0, daysFromCivil(1, 1, 1), daysFromCivil(2000, 2, 29)]);
  t.assert.equal((column.values as Int32Array)[0], 9391);
  t.assert.deepStrictEqual(column.get(0), new VoltDate(1995, 9, 18));
  t.assert.equal(column.get(1), null);
  t.assert.equal(column.getDate(0)!.toISOString(), '1995-09-18T00:00:00.000Z');
  t.assert.equal(column.getDate(1), null);
  throwsProtocol(t, () => columnsOf(rawTable([DATE], [hex('07cb0d01')])), /DATE 0x7cb0d01 is not a calendar date/);
  throwsProtocol(t, () => columnsOf(rawTable([DATE], [hex('07cf021d')])), /not a calendar date/); // 1999-02-29
});

test('calendar conversion round-trips every day from year 0 to 9999 and beyond', (t: TestContext) => {
  const start = daysFromCivil(0, 1, 1);
  const end = daysFromCivil(10000, 12, 31);
  for (let days = start; days <= end; days += 13) {
    const { year, month, day } = civilFromDays(days);
    if (daysFromCivil(year, month, day) !== days) t.assert.fail(`day ${days}`);
  }
  t.assert.equal(daysFromCivil(1970, 1, 1), 0);
  t.assert.deepStrictEqual(civilFromDays(-1), { year: 1969, month: 12, day: 31 });
  t.assert.deepStrictEqual(civilFromDays(daysFromCivil(32767, 12, 31)), { year: 32767, month: 12, day: 31 });
});

test('NULL-type columns take no bytes and every value is NULL; zero-column tables decode', (t: TestContext) => {
  const bytes = rawTable([{ name: 'N', type: VOLT_TYPE.NULL }, INT], [hex('00000001'), hex('00000002')]);
  const [n, i] = columnsOf(bytes);
  t.assert.equal(n!.nullCount, 2);
  t.assert.equal(n!.values, null);
  t.assert.deepStrictEqual([...n!.validity!], [0]);
  t.assert.deepStrictEqual([...(i!.values as Int32Array)], [1, 2]);
  const table = VoltTable.fromBytes(bytes);
  t.assert.deepStrictEqual(normalizeRows(table.rows()), [[null, 1], [null, 2]]);
  table.decodeColumns();
  t.assert.deepStrictEqual(normalizeRows(table.rows()), [[null, 1], [null, 2]]);
  const empty = rawTable([], [new Uint8Array(0), new Uint8Array(0)]);
  t.assert.deepStrictEqual(columnsOf(empty), []);
  t.assert.deepStrictEqual([...VoltTable.fromBytes(empty).rows()], [[], []]);
});

test('tables of many row blocks decode like the row view (fixed and variable widths)', (t: TestContext) => {
  const columns = [
    { name: 'ID', type: VOLT_TYPE.BIGINT },
    { name: 'NAME', type: VOLT_TYPE.STRING },
    { name: 'N', type: VOLT_TYPE.INTEGER },
    { name: 'B', type: VOLT_TYPE.VARBINARY },
  ];
  const rows = Array.from({ length: 20_000 }, (_, i) => [
    i % 11 === 0 ? null : BigInt(i) * 1_000_003n,
    i % 7 === 0 ? null : `name-${i}-${'x'.repeat(i % 60)}`,
    i % 13 === 0 ? null : i - 10_000,
    i % 5 === 0 ? null : Buffer.alloc(i % 50, i & 0xff),
  ]);
  const bytes = tableBytes({ columns, rows });
  const lazy = normalizeRows(VoltTable.fromBytes(bytes).rows());
  const table = VoltTable.fromBytes(bytes);
  table.decodeColumns();
  t.assert.deepStrictEqual(normalizeRows(table.rows()), lazy);
  const fixed = tableBytes({ columns: [columns[0]!, columns[2]!], rows: rows.map((row) => [row[0], row[2]]) });
  const fixedTable = VoltTable.fromBytes(fixed);
  const fixedLazy = normalizeRows(fixedTable.rows());
  fixedTable.decodeColumns();
  t.assert.deepStrictEqual(normalizeRows(fixedTable.rows()), fixedLazy);
  // Validity padding bits past the last row are 0, so two decodes compare byte for byte.
  const column = fixedTable.column('ID');
  t.assert.equal(column.validity!.length, 2500);
  t.assert.equal(column.nullCount, Math.ceil(20_000 / 11));
});

test('every error from a decoder is a VoltError, for every truncation of a real table', (t: TestContext) => {
  const rows = [[1, 'a', 2.5, Buffer.from([1, 2])], [null, null, null, null], [3, 'ccc', -1, Buffer.alloc(0)]];
  const bytes = tableBytes({ columns: [INT, STR, FLT, { name: 'B', type: VOLT_TYPE.VARBINARY }], rows });
  const layout = readTableLayout(bytes, 0);
  for (let end = layout.rowsOffset; end < layout.end; end++) {
    for (let rowCount = 0; rowCount <= 3; rowCount++) {
      try {
        decodeTable(bytes, { ...layout, end, rowCount });
      } catch (error) {
        t.assert.ok(VoltError.is(error), String(error));
      }
    }
  }
});

test('NULL slots hold zeros in every fixed-width array (output memory is never left uninitialised)', (t: TestContext) => {
  const types = [VOLT_TYPE.TINYINT, VOLT_TYPE.SMALLINT, VOLT_TYPE.INTEGER, VOLT_TYPE.BIGINT, VOLT_TYPE.FLOAT, VOLT_TYPE.TIMESTAMP, VOLT_TYPE.DATE, VOLT_TYPE.DECIMAL, VOLT_TYPE.GEOGRAPHY_POINT];
  const columns = types.map((type, i) => ({ name: `C${i}`, type }));
  // Many rows so the arrays are large enough to come from recycled memory.
  for (let round = 0; round < 3; round++) {
    const bytes = tableBytes({ columns, rows: Array.from({ length: 5000 }, () => types.map(() => null)) });
    for (const column of columnsOf(bytes)) {
      const values = column.values!;
      const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      t.assert.ok(raw.every((byte) => byte === 0), `${column.name} type ${column.type}`);
      t.assert.equal(column.nullCount, 5000);
    }
  }
});

test('the row view refuses rows with bytes after their values and rows that end before the table', (t: TestContext) => {
  const long = VoltTable.fromBytes(rawTable([INT, STR], [hex('00000001 00000000 00')]));
  throwsProtocol(t, () => [...long.rows()], /row 0: 1 bytes left after its 2 values/);
  const bytes = rawTable([INT], [hex('00000001')]);
  const layout = readTableLayout(bytes, 0);
  // A layout (not from readTableLayout) whose rows stop short of its end.
  const short = VoltTable.fromLayout(Buffer.concat([bytes, Buffer.alloc(4)]), { ...layout, end: layout.end + 4 });
  throwsProtocol(t, () => short.get(0, 0), /table has 4 bytes after its 1 rows/);
});

test('fromLayout shares a frozen column list and copies any other, whatever came before', (t: TestContext) => {
  const bytes = tableBytes({ columns: [{ name: 'N', type: VOLT_TYPE.INTEGER }], rows: [[1], [2]] });
  const layout = readTableLayout(bytes, 0);
  t.assert.ok(Object.isFrozen(layout.columns));
  t.assert.equal(VoltTable.fromLayout(bytes, layout).columns, layout.columns);
  t.assert.equal(VoltTable.fromLayout(bytes, layout).columns, layout.columns);
  const own = { ...layout, columns: [{ name: 'N', type: VOLT_TYPE.INTEGER }] };
  const table = VoltTable.fromLayout(bytes, own);
  t.assert.notEqual(table.columns, own.columns);
  own.columns[0]!.name = 'CHANGED';
  t.assert.equal(table.columns[0]!.name, 'N');
  t.assert.deepEqual([...table].map((row) => row[0]), [1, 2]);
});
