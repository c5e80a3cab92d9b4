/**
 * The CSV reader of `voltwire load` on its own: cells converted per column, an unquoted `--null`
 * field NULL and a quoted one text (also when the record has other quotes), the source line of
 * every row (a quoted field spanning lines, CRLF, a blank line), a short row passed on for the
 * encoder to refuse, fields named by the header or by `--columns`.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readLoadFile, RowLines, type FileReadOptions } from '../../src/cli/bulk-load-files.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';

const T = VOLT_TYPE;
const COLUMNS = [
  { name: 'ID', type: T.BIGINT },
  { name: 'N', type: T.INTEGER },
  { name: 'NAME', type: T.STRING },
  { name: 'PRICE', type: T.DECIMAL },
  { name: 'AT', type: T.TIMESTAMP },
  { name: 'BYTES', type: T.VARBINARY },
  { name: 'R', type: T.FLOAT },
];

function options(extra: Partial<FileReadOptions> = {}): FileReadOptions {
  return { format: 'csv', columns: COLUMNS, table: 'T', header: true, separator: ',', nullText: '', binary: 'hex', ...extra };
}

async function read(text: string, extra: Partial<FileReadOptions> = {}): Promise<{ rows: unknown[][]; lines: (number | null)[] }> {
  const lines = new RowLines();
  const source = (await readLoadFile('-', options(extra), lines, Readable.from([Buffer.from(text)]))) as AsyncIterable<unknown[]>;
  const rows: unknown[][] = [];
  for await (const row of source) rows.push(row);
  return { rows, lines: rows.map((_, i) => lines.lineOf(i)) };
}

test('cells are converted by their column type; text that is not of the form is passed on', async () => {
  const { rows } = await read('ID,N,NAME,PRICE,AT,BYTES,R\n7,-3,plain,12.50,2023-11-14T22:13:20.000001Z,DEADBEEF,1e-7\nx,1.5,a,b,not a time,zz,NaN\n');
  assert.deepEqual(rows[0], [7n, -3, 'plain', '12.50', 1_700_000_000_000_001n, Buffer.from('deadbeef', 'hex'), 1e-7]);
  assert.deepEqual(rows[1], ['x', '1.5', 'a', 'b', 'not a time', 'zz', Number.NaN]);
});

test('an unquoted empty field is NULL, a quoted one is an empty string — with or without other quotes in the record', async () => {
  const { rows } = await read('ID,NAME,PRICE\n1,,\n2,"",\n3,"",""\n4,"a ""b"", c",\n5,x,"1"\n');
  assert.deepEqual(
    rows.map((r) => [r[0], r[2], r[3]]),
    [
      [1n, null, null],
      [2n, '', null],
      [3n, '', ''],
      [4n, 'a "b", c', null],
      [5n, 'x', '1'],
    ],
  );
});

test('--null: the unquoted text is NULL, quoted it is text; the empty field is then text too', async () => {
  const { rows } = await read('ID;NAME;BYTES\n1;\\N;\\N\n2;"\\N";\n3;;"0A"\n', { nullText: '\\N', separator: ';' });
  assert.deepEqual(rows.map((r) => [r[0], r[2], r[5]]), [
    [1n, null, null],
    [2n, '\\N', Buffer.alloc(0)],
    [3n, '', Buffer.from([10])],
  ]);
});

test('each row knows its line: quoted line breaks, CRLF, a blank line (a short row, left for the encoder to refuse)', async () => {
  const lf = await read('ID,NAME\n1,"two\nlines"\n2,b\n\n3,c\n');
  assert.deepEqual(lf.lines, [3, 4, 5, 6]);
  assert.deepEqual(lf.rows[2], ['']);
  const crlf = await read('ID,NAME\r\n1,"x\r\ny"\r\n2,b\r\n3,c');
  assert.deepEqual(crlf.lines, [3, 4, 5]);
  assert.deepEqual(crlf.rows.map((r) => r[2]), ['x\r\ny', 'b', 'c']);
  const cr = await read('ID,NAME\r1,"x\ry"\r2,b\r');
  assert.deepEqual(cr.lines, [3, 4]);
});

test('fields named by the header in any order and case, by --columns, or in table order', async () => {
  const header = await read('name,id\nz,9\n');
  assert.deepEqual(header.rows[0], [9n, null, 'z', null, null, null, null]);
  const named = await read('z,9\n', { header: false, fieldNames: ['NAME', 'ID'] });
  assert.deepEqual(named.rows[0], [9n, null, 'z', null, null, null, null]);
  const skipped = await read('first,line\nz,9\n', { header: true, fieldNames: ['NAME', 'ID'] });
  assert.deepEqual(skipped.rows, [[9n, null, 'z', null, null, null, null]]);
  const ordered = await read('1,2,n,3.5,,,0.25\n', { header: false });
  assert.deepEqual(ordered.rows[0], [1n, 2, 'n', '3.5', null, null, 0.25]);
  await assert.rejects(read('ID,NOPE\n1,2\n'), /field "NOPE" is not a column of T/);
});
