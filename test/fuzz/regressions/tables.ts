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
