/**
 * Known values: the real server's every-type table and the Java-built serialized table decode
 * to the values their captures document (fixtures/real/README.md, PROTOCOL.md 12), through the
 * row view and through the columns (arrays checked element by element).
 */
import { describe, test, type TestContext } from 'node:test';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { VoltTable } from '../../src/decode/volt-table.js';
import { SKIP_WITHOUT_FIXTURES, readFixture } from '../helpers/fixtures.js';

const SHELL = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
const HOLE = [[0.1, 0.1], [0.1, 0.9], [0.9, 0.9], [0.9, 0.1], [0.1, 0.1]];

function assertPolygon(t: TestContext, value: unknown, rings: number[][][]): void {
  t.assert.ok(value instanceof Geography);
  t.assert.equal(value.rings.length, rings.length);
  value.rings.forEach((ring, r) => {
    t.assert.equal(ring.length, rings[r]!.length);
    ring.forEach(([lng, lat], i) => {
      t.assert.ok(Math.abs(lng - rings[r]![i]![0]!) < 1e-12 && Math.abs(lat - rings[r]![i]![1]!) < 1e-12, `ring ${r} point ${i}: ${lng} ${lat}`);
    });
  });
}

describe('real/select_all_types.response.bin', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  const frame = () => readFixture('real/select_all_types.response.bin');

  for (const backing of ['row view', 'columns'] as const) {
    test(`decodes to the three documented rows (${backing})`, (t: TestContext) => {
      const response = decodeResponse(frame(), { timestamps: 'bigint' });
      t.assert.equal(response.status, 1);
      t.assert.equal(response.handle, 1n);
      t.assert.equal(response.tables.length, 1);
      const table = response.tables[0]!;
      if (backing === 'columns') table.decodeColumns();
      t.assert.equal(table.isColumnar, backing === 'columns');
      t.assert.deepStrictEqual(
        table.columns.map((c) => `${c.name}:${c.type}`),
        ['ID:5', 'T:3', 'S:4', 'I:5', 'B:6', 'F:8', 'V:9', 'VB:25', 'TS:11', 'D:22', 'P:26', 'G:27'],
      );
      t.assert.equal(table.rowCount, 3);
      const [full, nulls, extremes] = [...table.rows()];
      t.assert.deepStrictEqual(full!.slice(0, 7), [1, -127, -32767, -2147483647, -9223372036854775807n, -1.5e300, 'héllo ☃']);
      t.assert.deepStrictEqual([...(full![7] as Uint8Array)], [0x00, 0x01, 0xfe, 0xff]);
      t.assert.equal(full![8], 1700000000123456n);
      t.assert.equal((full![9] as Decimal).toFixed(12), '-12345678901234567890.123456789012');
      t.assert.deepStrictEqual(full![10], new GeographyPoint(-71.06, 42.36));
      assertPolygon(t, full![11], [SHELL, HOLE]);
      // The real server sends NULL FLOAT as −Double.MAX_VALUE; it must still read as NULL.
      t.assert.deepStrictEqual(nulls, [2, null, null, null, null, null, null, null, null, null, null, null]);
      t.assert.deepStrictEqual(extremes!.slice(0, 7), [3, 127, 32767, 2147483647, 9223372036854775807n, 0, '']);
      t.assert.equal((extremes![7] as Uint8Array).length, 0);
      t.assert.equal(extremes![8], 0n);
      t.assert.equal((extremes![9] as Decimal).toFixed(12), '99999999999999999999999999.999999999999');
      t.assert.deepStrictEqual(extremes![10], new GeographyPoint(180, -90));
      t.assert.equal(extremes![11], null);
      // Row objects and typed getters agree with the rows.
      const objects = [...table.rowObjects()];
      t.assert.equal(objects[0]!.V, 'héllo ☃');
      t.assert.equal(table.getString(0, 'V'), 'héllo ☃');
      t.assert.equal(table.getDate(0, 'TS')!.toISOString(), '2023-11-14T22:13:20.123Z');
      t.assert.equal(table.getBigInt(2, 'B'), 9223372036854775807n);
      t.assert.equal(table.getDecimal(1, 'D'), null);
    });
  }

  test('its columns hold the Arrow layout', (t: TestContext) => {
    const table = decodeResponse(frame()).tables[0]!;
    const id = table.column('ID');
    t.assert.ok(id.values instanceof Int32Array);
    t.assert.deepStrictEqual([...(id.values as Int32Array)], [1, 2, 3]);
    t.assert.equal(id.validity, null, 'no NULL: no bitmap');
    const tiny = table.column('T');
    t.assert.ok(tiny.values instanceof Int8Array);
    t.assert.deepStrictEqual([...(tiny.values as Int8Array)], [-127, 0, 127]);
    t.assert.deepStrictEqual([...tiny.validity!], [0b101]);
    t.assert.equal(tiny.nullCount, 1);
    t.assert.ok(table.column('S').values instanceof Int16Array);
    t.assert.deepStrictEqual([...(table.column('B').values as BigInt64Array)], [-9223372036854775807n, 0n, 9223372036854775807n]);
    t.assert.deepStrictEqual([...(table.column('F').values as Float64Array)], [-1.5e300, 0, 0]);
    t.assert.deepStrictEqual([...(table.column('TS').values as BigInt64Array)], [1700000000123456n, 0n, 0n]);
    const v = table.column('V');
    t.assert.deepStrictEqual([...v.offsets!], [0, 10, 10, 10]);
    t.assert.equal(Buffer.from(v.values as Uint8Array).toString('utf8'), 'héllo ☃');
    t.assert.deepStrictEqual([...v.validity!], [0b101]);
    const vb = table.column('VB');
    t.assert.deepStrictEqual([...vb.offsets!], [0, 4, 4, 4]);
    const d = table.column('D');
    const bytes = d.values as Uint8Array;
    t.assert.equal(bytes.length, 48);
    // Little-endian two's complement: the lowest byte first; the top byte of a negative value is 0xff.
    t.assert.equal(bytes[15], 0xff);
    t.assert.equal(BigInt.asIntN(128, [...bytes.subarray(32, 48)].reverse().reduce((n, b) => (n << 8n) | BigInt(b), 0n)), 10n ** 38n - 1n);
    const p = table.column('P');
    t.assert.deepStrictEqual([...(p.values as Float64Array)], [-71.06, 42.36, 0, 0, 180, -90]);
    t.assert.equal(table.column('G').type, VOLT_TYPE.GEOGRAPHY);
    t.assert.deepStrictEqual([...table.column('G').validity!], [0b001]);
  });
});

describe('wire/serialized_table.bin (PROTOCOL.md 12)', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  for (const backing of ['row view', 'columns'] as const) {
    test(`decodes to the documented 4 rows (${backing})`, (t: TestContext) => {
      const table = VoltTable.fromBytes(readFixture('wire/serialized_table.bin'), { timestamps: 'bigint' });
      if (backing === 'columns') table.decodeColumns();
      t.assert.equal(table.status, -128);
      t.assert.deepStrictEqual(table.columns.map((c) => c.name), ['column1', 'column2', 'column3', 'column4', 'column5', 'column6', 'column7', 'column8', 'column9']);
      t.assert.deepStrictEqual(table.columns.map((c) => c.type), [3, 9, 4, 5, 6, 11, 22, 27, 26]);
      const rows = [...table.rows()];
      t.assert.equal(rows.length, 4);
      const plain = rows.map((row) => row.slice(0, 6));
      t.assert.deepStrictEqual(plain, [
        [null, null, null, null, null, null],
        [0, '', 2, 4, 5n, 44n],
        [0, null, 2, 4, 5n, null],
        [null, 'woobie', null, null, null, 44n],
      ]);
      t.assert.deepStrictEqual(rows.map((row) => (row[6] === null ? null : (row[6] as Decimal).toFixed(12))), [null, '3.145900000000', null, '3.145900000000']);
      for (const row of rows) {
        assertPolygon(t, row[7], [SHELL, HOLE]);
        t.assert.deepStrictEqual(row[8], new GeographyPoint(0.5, 0.5));
      }
    });
  }
});

describe('the geography captures', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  const cases: [string, unknown[]][] = [
    ['both', [100n, 'shell+hole', [0, 0]]],
    ['both_mid', [101n, 'mid', [20, 20]]],
    ['ptnull', [103n, 'mid', null]],
    ['polynull', [102n, null, [0, 0]]],
    ['bothnull', [104n, null, null]],
  ];
  for (const [name, [id, polygon, point]] of cases) {
    test(`invocation_response_select_geo_${name}`, (t: TestContext) => {
      const table = decodeResponse(readFixture(`wire/invocation_response_select_geo_${name}.msg`)).tables[0]!;
      for (const source of [[...table.rows()][0]!, table.decodeColumns().map((c) => c.get(0))]) {
        t.assert.equal(source[0], id);
        if (polygon === null) t.assert.equal(source[1], null);
        else if (polygon === 'mid') assertPolygon(t, source[1], [[[0, 0], [45, 0], [45, 45], [0, 45], [0, 0]], [[10, 10], [10, 30], [30, 30], [30, 10], [10, 10]]]);
        else assertPolygon(t, source[1], [SHELL, HOLE]);
        if (point === null) t.assert.equal(source[2], null);
        else t.assert.ok((source[2] as GeographyPoint).equals(new GeographyPoint(...(point as [number, number])), 1e-12));
      }
    });
  }
});
