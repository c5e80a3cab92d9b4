/**
 * The compat VoltTable view: `tuples` is a read-only array over the same table (no copy),
 * `columns` are VoltColumns, the printout follows the Python client's; checked on the real
 * captures (every type, NULLs, several tables) and on built tables.
 */
import { inspect } from 'node:util';
import { describe, test, type TestContext } from 'node:test';
import { VoltColumn, VoltResponse, VoltTable } from '../../src/compat/index.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { VoltTable as ResultTable } from '../../src/decode/volt-table.js';
import { STATUS, VOLT_TYPE } from '../../src/protocol/constants.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { readFixture, SKIP_WITHOUT_FIXTURES } from '../helpers/fixtures.js';

function table(columns: { name: string; type: number }[], rows: unknown[][]): ResultTable {
  return decodeResponse(encodeResponse({ handle: 1n, status: STATUS.SUCCESS, tables: [{ columns, rows }] })).tables[0]!;
}

describe('compat VoltTable view', () => {
  const base = table(
    [
      { name: 'ID', type: VOLT_TYPE.INTEGER },
      { name: 'NAME', type: VOLT_TYPE.STRING },
      { name: 'BIG', type: VOLT_TYPE.BIGINT },
    ],
    [
      [1, 'a', 10n],
      [2, null, null],
      [3, "it's", 30n],
    ],
  );
  const view = new VoltTable(base);

  test('tuples behaves as a read-only array over the table', (t: TestContext) => {
    const tuples = view.tuples;
    t.assert.strictEqual(view.tuples, tuples, 'one view object');
    t.assert.ok(Array.isArray(tuples));
    t.assert.strictEqual(tuples.length, 3);
    t.assert.deepStrictEqual(tuples[0], [1, 'a', 10n]);
    t.assert.deepStrictEqual(tuples[1], [2, null, null]);
    t.assert.strictEqual(tuples[3], undefined);
    t.assert.strictEqual((tuples as unknown as Record<string, unknown>)['01'], undefined, 'not a canonical index');
    t.assert.strictEqual((tuples as unknown as Record<string, unknown>)['-1'], undefined);
    t.assert.strictEqual((tuples as unknown as Record<string, unknown>)['1x'], undefined);
    t.assert.deepStrictEqual(
      tuples.map((row) => row[0]),
      [1, 2, 3],
    );
    t.assert.deepStrictEqual([...tuples].length, 3);
    t.assert.ok(1 in tuples && !(3 in tuples) && 'map' in tuples);
    t.assert.deepStrictEqual(Object.keys(tuples), ['0', '1', '2']);
    t.assert.deepStrictEqual(Object.getOwnPropertyDescriptor(tuples, 2)?.value, [3, "it's", 30n]);
    t.assert.strictEqual(Object.getOwnPropertyDescriptor(tuples, 5), undefined);
    t.assert.strictEqual(Object.getOwnPropertyDescriptor(tuples, 'length')?.value, 3);
    t.assert.strictEqual(Object.getOwnPropertyDescriptor(tuples, 'nothing'), undefined);
    t.assert.throws(() => {
      (tuples as unknown[][])[0] = [];
    }, TypeError);
    t.assert.throws(() => {
      delete (tuples as unknown[][])[0];
    }, TypeError);
    t.assert.throws(() => Object.defineProperty(tuples, 'x', { value: 1 }), TypeError);
    t.assert.match(inspect(tuples), /\[ 1, 'a', 10n \]/, 'console.log shows the rows');
    t.assert.strictEqual(JSON.stringify(view.tuples.map((row) => row.slice(0, 2))), '[[1,"a"],[2,null],[3,"it\'s"]]');
  });

  test('columns, rows, status, iteration; a VOLTTABLE parameter as it is', (t: TestContext) => {
    t.assert.ok(view.columns.every((c) => c instanceof VoltColumn));
    t.assert.strictEqual(view.columns, view.columns, 'made once');
    t.assert.deepStrictEqual(view.columns.map(String), ['(ID: 5)', '(NAME: 9)', '(BIG: 6)']);
    t.assert.strictEqual(String(new VoltColumn(VOLT_TYPE.BIGINT, '')), '(modified tuples: 6)');
    t.assert.strictEqual(view.rowCount, 3);
    t.assert.strictEqual(view.status, base.status);
    t.assert.deepStrictEqual([...view].length, 3);
    t.assert.deepStrictEqual([...view.rows()][2], [3, "it's", 30n]);
    t.assert.strictEqual(view.table, base);
    // The view's tuples read the same table: nothing is copied or cached.
    t.assert.notStrictEqual(view.tuples[0], view.tuples[0]);
  });

  test('printout: counts, columns, rows in Python list form with NULL', (t: TestContext) => {
    t.assert.strictEqual(
      String(view),
      "column count: 3\nrow count: 3\ncols: (ID: 5), (NAME: 9), (BIG: 6)\nrows -\n[1, 'a', 10]\n[2, 'NULL', 'NULL']\n[3, 'it\\'s', 30]",
    );
    const odd = new VoltTable(
      table(
        [
          { name: 'T', type: VOLT_TYPE.TIMESTAMP },
          { name: 'B', type: VOLT_TYPE.VARBINARY },
          { name: 'S', type: VOLT_TYPE.STRING },
        ],
        [[new Date(0), Uint8Array.of(0xab, 1), 'a\\b\nc']],
      ),
    );
    t.assert.match(String(odd), /\['1970-01-01T00:00:00\.000Z', 'AB01', 'a\\\\b\\nc'\]$/);
  });

  test('several tables in one response are printed a blank line apart', (t: TestContext) => {
    const frame = encodeResponse({
      handle: 1n,
      status: STATUS.SUCCESS,
      tables: [
        { columns: [{ name: 'A', type: VOLT_TYPE.INTEGER }], rows: [[1]] },
        { columns: [{ name: 'B', type: VOLT_TYPE.INTEGER }], rows: [[2]] },
      ],
    });
    const response = new VoltResponse(decodeResponse(frame), 0);
    t.assert.strictEqual(
      String(response),
      'Status: 1\nInformation: Success\ncolumn count: 1\nrow count: 1\ncols: (A: 5)\nrows -\n[1]\n\ncolumn count: 1\nrow count: 1\ncols: (B: 5)\nrows -\n[2]',
    );
  });
});

describe('compat view over the real captures', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  test('select_all_types: every type and NULL through tuples, same values as the table', (t: TestContext) => {
    const decoded = decodeResponse(readFixture('real/select_all_types.response.bin'));
    const response = new VoltResponse(decoded, 0);
    const tuples = response.tables![0]!.tuples;
    t.assert.strictEqual(tuples.length, decoded.tables[0]!.rowCount);
    t.assert.deepStrictEqual([...tuples], [...decoded.tables[0]!.rows()]);
    t.assert.ok(tuples[1]!.slice(1).every((v) => v === null), 'row 2 is all NULL after the id');
    const text = String(response);
    t.assert.match(text, /^Status: 1\nInformation: Success\ncolumn count: 12\nrow count: 3\ncols: \(ID: 5\)/);
    t.assert.match(text, /'héllo ☃'/);
  });

  test('select_two_statements: two tables', (t: TestContext) => {
    const response = new VoltResponse(decodeResponse(readFixture('real/select_two_statements.response.bin')), 0);
    t.assert.strictEqual(response.tables!.length, 2);
    t.assert.strictEqual(String(response).split('column count:').length, 3);
  });

  test('a failure capture: statusString is the server text', (t: TestContext) => {
    const response = new VoltResponse(decodeResponse(readFixture('real/unknown_procedure.response.bin')), 0);
    t.assert.strictEqual(response.status, STATUS.UNEXPECTED_FAILURE);
    t.assert.strictEqual(response.statusString, 'Procedure NoSuchProcedure was not found');
  });
});
