import { describe, test, type TestContext } from 'node:test';
import { readTableLayout } from '../../src/protocol/response-reader.js';
import { ProtocolError } from '../../src/errors.js';
import { bigintRow, buildTable, thrown } from './response-builders.js';

function protocolError(t: TestContext, fn: () => unknown, offset: number, pattern: RegExp): void {
  const e = thrown(fn);
  t.assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${String(e)}`);
  t.assert.equal((e as ProtocolError).offset, offset, (e as Error).message);
  t.assert.match((e as Error).message, pattern);
}

const COLUMNS = [
  { name: 'ID', type: 6 },
  { name: 'NAME', type: 9 },
];

function row(id: bigint, name: string | null): Buffer {
  const text = name === null ? null : Buffer.from(name);
  const body = Buffer.alloc(8 + 4 + (text?.length ?? 0));
  body.writeBigInt64BE(id, 0);
  body.writeInt32BE(text === null ? -1 : text.length, 8);
  text?.copy(body, 12);
  return body;
}

describe('readTableLayout', () => {
  test('finds every part of a table', (t: TestContext) => {
    const table = buildTable({ status: 0, columns: COLUMNS, rows: [row(1n, 'a'), row(2n, null), row(3n, 'héllo')] });
    const prefix = Buffer.from([9, 9, 9]);
    const bytes = Buffer.concat([prefix, table, Buffer.from([7])]);
    const layout = readTableLayout(bytes, 3);
    t.assert.equal(layout.offset, 3);
    t.assert.equal(layout.end, 3 + table.length);
    t.assert.equal(layout.status, 0);
    t.assert.deepEqual(layout.columns, COLUMNS);
    t.assert.equal(layout.rowCount, 3);
    // 4 total + 4 header length + (1 + 2 + 2 types + 6 + 8 names) + 4 row count
    t.assert.equal(layout.rowsOffset, 3 + 8 + 19 + 4);
    t.assert.equal(bytes.readInt32BE(layout.rowsOffset), 12 + 1);
  });

  test('any status byte, zero rows, zero columns, empty names, NULL and DATE columns', (t: TestContext) => {
    const empty = readTableLayout(buildTable({ status: 55, columns: COLUMNS, rows: [] }), 0);
    t.assert.equal(empty.rowCount, 0);
    t.assert.equal(empty.status, 55);
    t.assert.equal(empty.rowsOffset, empty.end);
    const none = readTableLayout(buildTable({ columns: [], rows: [Buffer.alloc(0)] }), 0);
    t.assert.deepEqual(none.columns, []);
    t.assert.equal(none.rowCount, 1);
    const odd = readTableLayout(buildTable({ columns: [{ name: '', type: 1 }, { name: 'D', type: 12 }], rows: [] }), 0);
    t.assert.deepEqual(odd.columns, [{ name: '', type: 1 }, { name: 'D', type: 12 }]);
  });

  test('accepts a plain Uint8Array', (t: TestContext) => {
    const layout = readTableLayout(new Uint8Array(buildTable({ columns: COLUMNS, rows: [row(1n, 'x')] })), 0);
    t.assert.equal(layout.rowCount, 1);
  });
});

describe('readTableLayout refuses bad tables with the offset', () => {
  const good = (): Buffer => buildTable({ columns: COLUMNS, rows: [row(1n, 'ab'), row(2n, 'c')] });
  // Offsets in `good()`: 0 total, 4 header length, 8 status, 9 column count, 11 types,
  // 13 names (ID at 13, NAME at 19), 27 row count, 31 first row length.

  test('offset outside the bytes', (t: TestContext) => {
    protocolError(t, () => readTableLayout(good(), -1), -1, /outside/);
    protocolError(t, () => readTableLayout(good(), 1000), 1000, /outside/);
    protocolError(t, () => readTableLayout(good(), 0.5), 0.5, /outside/);
  });

  test('fewer than 8 bytes', (t: TestContext) => {
    protocolError(t, () => readTableLayout(good().subarray(0, 7), 0), 0, /truncated table/);
  });

  test('total length negative or beyond the bytes', (t: TestContext) => {
    protocolError(t, () => readTableLayout(buildTable({ columns: COLUMNS, rows: [], totalLength: -1 }), 0), 0, /table length -1/);
    const table = good();
    protocolError(t, () => readTableLayout(table.subarray(0, table.length - 1), 0), 0, /does not fit the/);
  });

  test('header length out of range', (t: TestContext) => {
    for (const headerLength of [-1, 0, 2, 1000]) {
      protocolError(t, () => readTableLayout(buildTable({ columns: COLUMNS, rows: [], headerLength }), 0), 4, /header length/);
    }
  });

  test('header length that disagrees with the column names', (t: TestContext) => {
    const table = buildTable({ columns: COLUMNS, rows: [row(1n, 'x')], headerLength: 18 });
    protocolError(t, () => readTableLayout(table, 0), 19, /name length 4 does not fit/);
  });

  test('header ending inside a name length', (t: TestContext) => {
    const table = buildTable({ columns: COLUMNS, rows: [row(1n, 'x')], headerLength: 6 });
    protocolError(t, () => readTableLayout(table, 0), 13, /column 0 name length does not fit the header/);
  });

  test('header ending after the names', (t: TestContext) => {
    const table = good();
    table.writeInt32BE(3, 19); // NAME written as 3 bytes: the names end one byte early
    protocolError(t, () => readTableLayout(table, 0), 4, /header ends at 27, the column names end at 26/);
  });

  test('negative or too large column count', (t: TestContext) => {
    protocolError(t, () => readTableLayout(buildTable({ columns: COLUMNS, rows: [], columnCount: -1 }), 0), 9, /column count -1/);
    protocolError(t, () => readTableLayout(buildTable({ columns: COLUMNS, rows: [], columnCount: 30 }), 0), 9, /column count 30/);
  });

  test('more columns announced than names present', (t: TestContext) => {
    // Count 3 reads 'ID' name bytes as the third type; make it a known type so the names fail.
    const table = buildTable({ columns: COLUMNS, rows: [], columnCount: 3 });
    table[13] = 6;
    protocolError(t, () => readTableLayout(table, 0), 14, /name length/);
  });

  for (const code of [0, 2, 7, 10, 13, 21, 23, 24, 28, -99, 127]) {
    test(`unknown column type ${code}`, (t: TestContext) => {
      const table = buildTable({ columns: [COLUMNS[0]!, { name: 'X', type: code }], rows: [] });
      protocolError(t, () => readTableLayout(table, 0), 12, new RegExp(`column 1 has unknown type code ${code}`));
    });
  }

  test('NULL column name', (t: TestContext) => {
    const table = good();
    table.writeInt32BE(-1, 13);
    protocolError(t, () => readTableLayout(table, 0), 13, /column 0 name length -1/);
  });

  test('bad UTF-8 in a column name', (t: TestContext) => {
    const table = buildTable({ columns: [{ name: 'é', type: 6 }], rows: [] });
    table[16] = 0xc3;
    table[17] = 0x28;
    protocolError(t, () => readTableLayout(table, 0), 16, /invalid UTF-8/);
  });

  test('negative or impossible row count', (t: TestContext) => {
    protocolError(t, () => readTableLayout(buildTable({ columns: COLUMNS, rows: [], rowCount: -1 }), 0), 27, /row count -1/);
    protocolError(
      t,
      () => readTableLayout(buildTable({ columns: COLUMNS, rows: [row(1n, '')], rowCount: 0x7fffffff }), 0),
      27,
      /row count 2147483647 is impossible/,
    );
  });

  test('more rows announced than present', (t: TestContext) => {
    const table = buildTable({ columns: COLUMNS, rows: [row(1n, 'ab'), row(2n, 'c')], rowCount: 4 });
    protocolError(t, () => readTableLayout(table, 0), table.length, /row 2 length does not fit/);
  });

  test('a row length running past the table', (t: TestContext) => {
    const table = good();
    table.writeInt32BE(1000, 31);
    protocolError(t, () => readTableLayout(table, 0), 31, /row 0 length 1000 does not fit/);
    table.writeInt32BE(-1, 31);
    protocolError(t, () => readTableLayout(table, 0), 31, /row 0 length -1/);
  });

  test('bytes left over after the rows', (t: TestContext) => {
    const table = buildTable({ columns: COLUMNS, rows: [row(1n, 'ab'), row(2n, 'c')], rowCount: 1 });
    protocolError(t, () => readTableLayout(table, 0), 31 + 4 + 14, /rows end at 49 \(17 bytes unaccounted for\)/);
  });

  test('bigint rows of a one-column table', (t: TestContext) => {
    const table = buildTable({ columns: [{ name: 'N', type: 6 }], rows: [bigintRow(1n), bigintRow(2n)] });
    t.assert.equal(readTableLayout(table, 0).rowCount, 2);
  });
});
