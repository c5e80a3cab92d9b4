/** Small generated inputs shared by the regression tests (no fixture bytes are copied). */
import { fromHex } from '../../helpers/mutators.js';

/** A VoltTable of `columns` NULL-typed columns (empty names) and `rows` empty rows: 5·columns + 4·rows + 15 bytes. */
export function nullColumnsTable(columns: number, rows: number): Buffer {
  const headerLength = 3 + columns + 4 * columns;
  const table = Buffer.alloc(4 + 4 + headerLength + 4 + 4 * rows); // names and row lengths are all 0
  table.writeInt32BE(table.length - 4, 0);
  table.writeInt32BE(headerLength, 4);
  table.writeInt8(-128, 8);
  table.writeInt16BE(columns, 9);
  table.fill(1, 11, 11 + columns); // type NULL
  table.writeInt32BE(rows, 8 + headerLength);
  return table;
}

/** Response header body: version 0, handle 1, no optional fields, status 1, app status −128, round trip 0, 1 table. */
export const ONE_TABLE_HEADER = fromHex('00 0000000000000001 00 01 80 00000000 0001');

/**
 * A VoltTable of one column per entry of `types` (empty names) and `rows` identical rows, each
 * value in its shortest form: TINYINT 0, STRING/VARBINARY `value` (NULL when null), NULL-typed
 * columns zero bytes. The hostile shapes the fuzzer makes, without its random choices.
 */
export function typedColumnsTable(types: readonly number[], rows: number, value: Buffer | null = null): Buffer {
  const NULL_TYPE = 1;
  const TINYINT = 3;
  const width = (type: number): number => (type === NULL_TYPE ? 0 : type === TINYINT ? 1 : 4 + (value?.length ?? 0));
  const rowLength = types.reduce((sum, type) => sum + width(type), 0);
  const headerLength = 3 + types.length + 4 * types.length;
  const table = Buffer.alloc(4 + 4 + headerLength + 4 + rows * (4 + rowLength));
  table.writeInt32BE(table.length - 4, 0);
  table.writeInt32BE(headerLength, 4);
  table.writeInt8(-128, 8);
  table.writeInt16BE(types.length, 9);
  types.forEach((type, c) => table.writeInt8(type, 11 + c));
  let at = 8 + headerLength;
  table.writeInt32BE(rows, at);
  at += 4;
  const row = Buffer.alloc(rowLength);
  let r = 0;
  for (const type of types) {
    if (type !== NULL_TYPE && type !== TINYINT) {
      row.writeInt32BE(value === null ? -1 : value.length, r);
      value?.copy(row, r + 4);
    }
    r += width(type);
  }
  for (let i = 0; i < rows; i++, at += 4 + rowLength) {
    table.writeInt32BE(rowLength, at);
    row.copy(table, at + 4);
  }
  return table;
}
