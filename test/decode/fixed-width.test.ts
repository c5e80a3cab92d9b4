/**
 * The table-driven fixed-width builder: every type's NULL sentinel (and FLOAT's NULL range) at
 * its edges, values one bit away from it, bit patterns a double would disturb, and errors deep
 * in tables of equal rows, where the decoder reads through a cursor relative to each block.
 */
import { test, type TestContext } from 'node:test';
import { ProtocolError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { readTableLayout } from '../../src/protocol/response-reader.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { decodeTable } from '../../src/decode/decode-table.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { hex, normalizeRows, rawTable, tableBytes } from './support.js';

interface Case {
  type: number;
  /** Wire values (hex, big-endian) and whether each is NULL. */
  values: [string, boolean][];
  /** Bytes of each number inside a value (GEOGRAPHY_POINT: two 8-byte doubles). */
  element?: number;
}

const T = VOLT_TYPE;
const CASES: Record<string, Case> = {
  TINYINT: { type: T.TINYINT, values: [['80', true], ['81', false], ['7f', false], ['ff', false], ['00', false]] },
  SMALLINT: { type: T.SMALLINT, values: [['8000', true], ['8001', false], ['0080', false], ['7fff', false], ['ffff', false]] },
  INTEGER: { type: T.INTEGER, values: [['80000000', true], ['80000001', false], ['00000080', false], ['7fffffff', false], ['ffffffff', false]] },
  BIGINT: {
    type: T.BIGINT,
    values: [
      ['8000000000000000', true],
      ['8000000000000001', false],
      ['8000000100000000', false],
      ['0000000080000000', false],
      ['7fffffffffffffff', false],
      // Bit patterns of a signalling and a negative quiet NaN: copied, never read as doubles.
      ['7ff0000000000001', false],
      ['fff8000000000000', false],
    ],
  },
  TIMESTAMP: { type: T.TIMESTAMP, values: [['8000000000000000', true], ['7fffffffffffffff', false], ['ffffffffffffffff', false]] },
  FLOAT: {
    type: T.FLOAT,
    values: [
      ['ffee42d130773b76', true], // −1.7E308, the documented NULL
      ['ffee42d130773b75', false], // just above it
      ['ffee42d100000000', false], // the range's first high word, a low word below the range
      ['ffee42d200000000', true], // a high word inside the range
      ['ffefffffffffffff', true], // −Double.MAX_VALUE, the real server's NULL
      ['fff0000000000000', true], // −∞, the range's end
      ['fff0000000000001', false], // a negative NaN just past the end
      ['ffffffffffffffff', false],
      ['7ff0000000000001', false], // a signalling NaN: its bits survive
      ['8000000000000000', false], // −0
    ],
  },
  DECIMAL: {
    type: T.DECIMAL,
    values: [
      ['80000000000000000000000000000000', true],
      ['80000000000000000000000000000001', false],
      ['80000000000000010000000000000000', false],
      ['00000000000000000000000080000000', false],
      ['ffffffffffffffffffffffffffffffff', false],
    ],
  },
  GEOGRAPHY_POINT: {
    type: T.GEOGRAPHY_POINT,
    element: 8,
    values: [
      ['40768000000000004076800000000000', true], // 360, 360
      ['4076800000000000c046800000000000', false], // 360, −45
      ['c0468000000000004076800000000000', false], // −45, 360
      ['40768000000000014076800000000000', false],
    ],
  },
};

/** The little-endian array bytes a wire value becomes: each number's bytes reversed; NULL is zeros. */
function expectedBytes(value: string, isNull: boolean, element: number | undefined): Buffer {
  const wire = hex(value);
  if (isNull) return Buffer.alloc(wire.length);
  const size = element ?? wire.length;
  const out = Buffer.alloc(wire.length);
  for (let at = 0; at < wire.length; at += size) Buffer.from(wire.subarray(at, at + size)).reverse().copy(out, at);
  return out;
}

for (const [name, { type, values, element }] of Object.entries(CASES)) {
  test(`${name}: the NULL sentinel and its neighbours; non-NULL bits copied exactly`, (t: TestContext) => {
    // Enough rows for several blocks, each value repeated, so every loop runs more than once.
    const rows = Array.from({ length: 3000 }, (_, r) => hex(values[r % values.length]![0]));
    const bytes = rawTable([{ name: 'V', type }], rows);
    const [column] = decodeTable(bytes, readTableLayout(bytes, 0));
    const expected = rows.map((_, r) => expectedBytes(...values[r % values.length]!, element));
    const got = Buffer.from(column!.values!.buffer, column!.values!.byteOffset, column!.values!.byteLength);
    t.assert.equal(got.toString('hex'), Buffer.concat(expected).toString('hex'));
    const nulls = rows.map((_, r) => values[r % values.length]![1]);
    t.assert.equal(column!.nullCount, nulls.filter(Boolean).length);
    const table = VoltTable.fromBytes(bytes);
    const read = table.column(0);
    t.assert.deepStrictEqual(nulls.map((_, r) => read.isNull(r)), nulls);
    if (type !== T.GEOGRAPHY_POINT) {
      // The row view reads the same values (points at 360° are not valid GeographyPoints to build).
      const lazy = normalizeRows(VoltTable.fromBytes(bytes).rows());
      t.assert.deepStrictEqual(normalizeRows(table.rows()), lazy);
    }
  });
}

test('tables of equal rows: a wrong length deep in the table names its row and byte', (t: TestContext) => {
  const columns = [{ name: 'ID', type: T.BIGINT }, { name: 'N', type: T.INTEGER }];
  const bytes = tableBytes({ columns, rows: Array.from({ length: 20_000 }, (_, r) => [BigInt(r), r]) });
  const layout = readTableLayout(bytes, 0);
  const row = 15_001;
  const at = layout.rowsOffset + row * 16;
  bytes.writeInt32BE(11, at);
  bytes.writeInt32BE(13, at + 16);
  t.assert.throws(
    () => decodeTable(bytes, layout),
    (error: unknown) => error instanceof ProtocolError && error.offset === at && /^row 15001: length 11 is shorter than the 12 bytes/.test(error.message),
  );
});

test('tables of equal rows: an impossible DATE deep in the table names its row and byte', (t: TestContext) => {
  const columns = [{ name: 'N', type: T.SMALLINT }, { name: 'D', type: T.DATE }];
  const rows = Array.from({ length: 20_000 }, (_, r) => [r % 30_000, r % 97 === 0 ? null : new VoltDate(1900 + (r % 200), 1 + (r % 12), 1 + (r % 28))]);
  const bytes = tableBytes({ columns, rows });
  const layout = readTableLayout(bytes, 0);
  // Row stride: 4 (length) + 2 + 4. The DATE of row 17 003 becomes February 30th.
  const at = layout.rowsOffset + 17_003 * 10 + 4 + 2;
  bytes.writeInt32BE((2001 << 16) | (2 << 8) | 30, at);
  t.assert.throws(
    () => decodeTable(bytes, layout),
    (error: unknown) =>
      error instanceof ProtocolError && error.offset === at && /^column 1 \(D DATE\) row 17003: DATE 0x7d1021e is not a calendar date/.test(error.message),
  );
  // Without the bad value, every block decodes as the row view reads it.
  bytes.writeInt32BE((2001 << 16) | (2 << 8) | 28, at);
  const table = VoltTable.fromBytes(bytes);
  const lazy = normalizeRows(VoltTable.fromBytes(bytes).rows());
  table.decodeColumns();
  t.assert.deepStrictEqual(normalizeRows(table.rows()), lazy);
});
