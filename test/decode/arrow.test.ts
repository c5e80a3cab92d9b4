/**
 * `toArrow()`: an apache-arrow Table over the column buffers (same memory, no copy; GEOGRAPHY
 * excepted, written out as WKB) whose values read back through Arrow equal the table's own
 * values, for every type.
 */
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { geographyFromWkb } from '../../src/decode/wkb.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { loadArrow } from '../../src/decode/arrow.js';
import type { Column } from '../../src/decode/column.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { SKIP_WITHOUT_FIXTURES, readFixture } from '../helpers/fixtures.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { tableArbitrary, tableBytes } from './support.js';

/** The Arrow value of row `i` in the form the column's own value would take. */
function fromArrow(column: Column, value: unknown): unknown {
  if (value === null) return null;
  switch (column.type) {
    case VOLT_TYPE.TIMESTAMP:
      return new Date(Math.floor(value as number));
    case VOLT_TYPE.DATE: {
      const date = new Date(value as number);
      return new VoltDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    }
    case VOLT_TYPE.DECIMAL: {
      const digits = String(value);
      const negative = digits.startsWith('-');
      const padded = (negative ? digits.slice(1) : digits).padStart(13, '0');
      return new Decimal(`${negative ? '-' : ''}${padded.slice(0, -12)}.${padded.slice(-12)}`);
    }
    case VOLT_TYPE.GEOGRAPHY_POINT: {
      const [lng, lat] = (value as { toArray(): Float64Array }).toArray();
      return new GeographyPoint(lng!, lat!);
    }
    default:
      return value;
  }
}

async function assertArrowMatches(t: TestContext, table: VoltTable): Promise<void> {
  const arrow = await table.toArrow();
  t.assert.equal(arrow.numRows, table.rowCount);
  t.assert.deepStrictEqual(arrow.schema.fields.map((f) => f.name), table.columns.map((c) => c.name));
  table.decodeColumns().forEach((column, c) => {
    const vector = arrow.getChildAt(c)!;
    const data = vector.data[0]!;
    t.assert.equal(data.nullCount, column.nullCount, `${column.name} nullCount`);
    // (Arrow replaces zero-length buffers with its own empty ones: nothing to share then.)
    const geography = column.type === VOLT_TYPE.GEOGRAPHY;
    if (column.values !== null && column.values.length > 0 && column.type !== VOLT_TYPE.GEOGRAPHY_POINT && !geography) {
      t.assert.equal(data.values.buffer, column.values.buffer, `${column.name}: same memory, no copy`);
    }
    if (column.type === VOLT_TYPE.GEOGRAPHY_POINT && column.length > 0) t.assert.equal(data.children[0]!.values.buffer, column.values!.buffer);
    if (column.offsets !== null && column.length > 0 && !geography) t.assert.equal(data.valueOffsets.buffer, column.offsets.buffer);
    if (column.validity !== null && column.length > 0 && column.type !== VOLT_TYPE.NULL) t.assert.equal(data.nullBitmap!.buffer, column.validity.buffer);
    for (let r = 0; r < column.length; r++) {
      if (column.type === VOLT_TYPE.TIMESTAMP) {
        // Arrow's getter turns µs into float ms (lossy past 2^53, throws past 2^53 ms): compare its stored µs.
        t.assert.equal(vector.isValid(r) ? (data.values as BigInt64Array)[r] : null, column.getBigInt(r));
        const micros = column.getBigInt(r);
        if (micros !== null && micros < 2n ** 50n && micros > -(2n ** 50n)) t.assert.deepStrictEqual(fromArrow(column, vector.get(r)), column.getDate(r));
        continue;
      }
      const value = vector.get(r);
      if (geography) {
        // WKB of the polygon the wire body holds: the same rings, the same coordinates.
        const own = column.get(r) as Geography | null;
        t.assert.ok(own === null ? value === null : geographyFromWkb(value as Uint8Array).equals(own), `${column.name} row ${r}`);
      } else {
        const own = column.get(r);
        const theirs = fromArrow(column, value);
        if (own instanceof Decimal) t.assert.equal((theirs as Decimal).toFixed(12), own.toFixed(12));
        else if (own instanceof Uint8Array) t.assert.deepStrictEqual([...(theirs as Uint8Array)], [...own]);
        else t.assert.deepStrictEqual(theirs, own, `${column.name} row ${r}`);
      }
    }
  });
}

test('select_all_types through Arrow: every type, NULLs, geography, no copies', { skip: SKIP_WITHOUT_FIXTURES }, async (t: TestContext) => {
  const table = decodeResponse(readFixture('real/select_all_types.response.bin')).tables[0]!;
  await assertArrowMatches(t, table);
  const arrow = await table.toArrow();
  t.assert.deepStrictEqual(
    arrow.schema.fields.map((f) => String(f.type)),
    ['Int32', 'Int8', 'Int16', 'Int32', 'Int64', 'Float64', 'Utf8', 'Binary', 'Timestamp<MICROSECOND, UTC>', 'Decimal[38e+12]', 'FixedSizeList[2]<Float64>', 'Binary'],
  );
  t.assert.equal(arrow.getChild('V')!.get(0), 'héllo ☃');
  t.assert.equal(arrow.getChild('B')!.get(2), 9223372036854775807n);
});

test('random tables of every type read back through Arrow', async (t: TestContext) => {
  await fc.assert(
    fc.asyncProperty(tableArbitrary, async (spec) => {
      await assertArrowMatches(t, VoltTable.fromBytes(tableBytes(spec)));
    }),
    { numRuns: 40 },
  );
});

test('DATE and NULL columns and empty tables', async (t: TestContext) => {
  const columns = [
    { name: 'D', type: VOLT_TYPE.DATE },
    { name: 'N', type: VOLT_TYPE.NULL },
  ];
  const table = VoltTable.fromBytes(tableBytes({ columns, rows: [[new VoltDate(1995, 9, 18), null], [null, null]] }));
  const arrow = await table.toArrow();
  t.assert.deepStrictEqual(arrow.schema.fields.map((f) => String(f.type)), ['Date32<DAY>', 'Null']);
  t.assert.equal(arrow.getChild('D')!.get(0), Date.UTC(1995, 8, 18));
  t.assert.equal(arrow.getChild('N')!.get(1), null);
  const empty = await VoltTable.fromBytes(tableBytes({ columns: [], rows: [] })).toArrow();
  t.assert.equal(empty.numRows, 0);
  t.assert.equal(await loadArrow(), await loadArrow(), 'loaded once');
});
