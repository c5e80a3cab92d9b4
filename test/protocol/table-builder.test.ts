/**
 * TableBuilder: rows appended one at a time give the bytes writeTable gives for the same rows;
 * a cancelled row leaves nothing; a single row is a table of its own; an EncodedTable goes into
 * a parameter set as it is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { writeParameters } from '../../src/protocol/invocation-writer.js';
import { readParameters } from '../../src/protocol/invocation-reader.js';
import { TableBuilder } from '../../src/protocol/table-builder.js';
import { writeTable } from '../../src/protocol/value-writer.js';
import { readTable } from '../../src/protocol/value-reader.js';
import { inferType, writeValue } from '../../src/protocol/value-writer.js';

const COLUMNS = [
  { name: 'ID', type: VOLT_TYPE.INTEGER },
  { name: 'NAME', type: VOLT_TYPE.STRING },
  { name: 'PRICE', type: VOLT_TYPE.DECIMAL },
];

function build(rows: unknown[][], initialBytes?: number): TableBuilder {
  const builder = new TableBuilder(COLUMNS, initialBytes);
  for (const row of rows) {
    builder.beginRow();
    try {
      COLUMNS.forEach((c, i) => writeValue(builder.writer, c.type, row[i], { row: builder.rowCount, column: c.name }));
      builder.endRow();
    } catch {
      builder.cancelRow();
    }
  }
  return builder;
}

test('the same bytes as writeTable, whatever the initial size; refused rows leave nothing', () => {
  const good = Array.from({ length: 300 }, (_, i) => [i, `name ${i}`.repeat(i % 5), `${i}.5`]);
  const expected = new BufferWriter();
  writeTable(expected, COLUMNS, good);
  for (const size of [16, 4096]) {
    const withBad = good.flatMap((row, i) => (i % 50 === 0 ? [row, [1, 'x', 'not a number'], [2e10, 'y', 1]] : [row]));
    const table = build(withBad, size).build();
    assert.equal(table.rowCount, 300);
    assert.deepEqual(Buffer.from(table.bytes), expected.message());
  }
});

test('singleRow is a one-row table of that row; an EncodedTable is a VOLTTABLE parameter as is', () => {
  const builder = build([
    [1, 'a', '1'],
    [2, null, null],
    [3, 'c', '-3.25'],
  ]);
  const whole = builder.build();
  for (let i = 0; i < 3; i++) {
    const single = builder.singleRow(i);
    const back = readTable(new BufferReader(Buffer.from(single.bytes)));
    assert.equal(back.rows.length, 1);
    assert.equal(back.rows[0]![0], i + 1);
  }
  assert.throws(() => builder.singleRow(3), RangeError);
  assert.equal(inferType(whole), VOLT_TYPE.VOLTTABLE);
  const w = new BufferWriter();
  writeParameters(w, ['T', whole], undefined, 'Load');
  const params = readParameters(new BufferReader(w.message()));
  const table = params.values[1] as { rows: unknown[][] };
  assert.equal(table.rows.length, 3);
  assert.equal(table.rows[1]![1], null);
  assert.equal(String(table.rows[2]![2]), '-3.25');
});
