/**
 * The analytics workload: a wide `EVENTS` table with one column of every VoltDB column type,
 * NULLs included, whose rows are a pure function of the row number. Nothing is stored — a
 * million rows cost nothing until they are read, and reading them costs one row at a time
 * (the result is encoded straight from the generator; see result-set.ts).
 *
 * `ID` runs 1..N in row order, so `WHERE ID > ? ORDER BY ID LIMIT n` pages are slot ranges.
 *
 * | column   | type            | NULL when       | value                                     |
 * | -------- | --------------- | --------------- | ----------------------------------------- |
 * | ID       | BIGINT          | never           | i + 1                                     |
 * | TINY     | TINYINT         | i % 13 = 5      | −127..127                                 |
 * | SMALL    | SMALLINT        | i % 17 = 3      | −32767..32767                             |
 * | NUM      | INTEGER         | i % 19 = 7      | a 32-bit mix of i                         |
 * | BIG      | BIGINT          | i % 23 = 11     | i × 1000003 − 5·10^11                     |
 * | RATIO    | FLOAT           | i % 29 = 13     | −500..500                                 |
 * | AMOUNT   | DECIMAL         | i % 31 = 17     | ±50000.dddddd (one of 4096)               |
 * | NAME     | VARCHAR(64)     | i % 37 = 19     | `event-i` (every 50th with non-ASCII text) |
 * | PAYLOAD  | VARBINARY(64)   | i % 41 = 23     | 8 bytes (one of 4096)                     |
 * | CREATED  | TIMESTAMP       | i % 43 = 29     | 2023-11-14T22:13:20Z + i × 1.000003 s     |
 * | LOCATION | GEOGRAPHY_POINT | i % 47 = 31     | a point on the globe (one of 4096)        |
 * | AREA     | GEOGRAPHY       | unless i % 100 = 0 | a 1°×1° square                         |
 */
import { VOLT_TYPE } from '../../protocol/constants.js';
import { Decimal } from '../../protocol/decimal.js';
import { Geography, GeographyPoint } from '../../protocol/geography.js';
import { column, type TableSchema } from '../column-types.js';
import type { Database } from '../database.js';
import { GeneratedTable } from '../derived-relations.js';

const T = VOLT_TYPE;

export const EVENTS_SCHEMA: TableSchema = {
  name: 'EVENTS',
  columns: [
    column('ID', T.BIGINT, { nullable: false }),
    column('TINY', T.TINYINT),
    column('SMALL', T.SMALLINT),
    column('NUM', T.INTEGER),
    column('BIG', T.BIGINT),
    column('RATIO', T.FLOAT),
    column('AMOUNT', T.DECIMAL),
    column('NAME', T.STRING, { size: 64 }),
    column('PAYLOAD', T.VARBINARY, { size: 64 }),
    column('CREATED', T.TIMESTAMP),
    column('LOCATION', T.GEOGRAPHY_POINT),
    column('AREA', T.GEOGRAPHY),
  ],
  primaryKey: [0],
  partitionColumn: -1,
};

/** A 32-bit integer mix (lowbias32): deterministic, well spread. */
function mix(i: number): number {
  let h = (i ^ (i >>> 16)) >>> 0;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const BASE_MICROS = 1_700_000_000_000_000;
/**
 * Objects that are costly to build per row (a decimal.js parse, a point, a byte array) come
 * from pools of 4096 chosen by the row's hash: still deterministic, and the generator runs
 * ~2× faster (profiled on 200 000-row pages; DECIMAL parsing was the largest single cost).
 */
const POOL = 4096;
const AMOUNTS: readonly Decimal[] = Array.from({ length: POOL }, (_, k) => new Decimal(`${(mix(k + 7) % 100000) - 50000}.${String(mix(k) % 1000000).padStart(6, '0')}`));
const POINTS: readonly GeographyPoint[] = Array.from({ length: POOL }, (_, k) => {
  const h = mix(k + 11);
  return new GeographyPoint((h % 36000) / 100 - 180, ((h >>> 16) % 18000) / 100 - 90);
});
const PAYLOADS: readonly Uint8Array[] = Array.from({ length: POOL }, (_, k) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, mix(k + 13));
  new DataView(bytes.buffer).setUint32(4, k);
  return bytes;
});

/** The value of column `c` of row `i` (0-based). */
export function eventCell(i: number, c: number): unknown {
  const h = mix(i);
  switch (c) {
    case 0:
      return BigInt(i + 1);
    case 1:
      return i % 13 === 5 ? null : (h % 255) - 127;
    case 2:
      return i % 17 === 3 ? null : ((h >>> 8) % 65535) - 32767;
    case 3:
      return i % 19 === 7 ? null : (h | 0) === -2147483648 ? 0 : h | 0;
    case 4:
      // i × 1000003 − 5·10^11 stays well inside 2^53 for any row count: exact as a number
      return i % 23 === 11 ? null : BigInt(i * 1000003 - 500_000_000_000);
    case 5:
      return i % 29 === 13 ? null : (h / 4294967296) * 1000 - 500;
    case 6:
      return i % 31 === 17 ? null : AMOUNTS[h & (POOL - 1)];
    case 7:
      return i % 37 === 19 ? null : i % 50 === 0 ? `événement-${i}-☃` : `event-${i}`;
    case 8:
      return i % 41 === 23 ? null : PAYLOADS[(h >>> 12) & (POOL - 1)];
    case 9:
      return i % 43 === 29 ? null : BigInt(BASE_MICROS + i * 1_000_003);
    case 10:
      return i % 47 === 31 ? null : POINTS[(h >>> 4) & (POOL - 1)];
    case 11: {
      if (i % 100 !== 0) return null;
      const lng = ((h % 35800) / 100) - 179;
      const lat = (((h >>> 16) % 17800) / 100) - 89;
      return new Geography([
        [
          [lng, lat],
          [lng + 1, lat],
          [lng + 1, lat + 1],
          [lng, lat + 1],
          [lng, lat],
        ],
      ]);
    }
    default:
      return undefined;
  }
}

/** Row `i` (0-based) of EVENTS. */
export function eventRow(i: number): unknown[] {
  const row = new Array<unknown>(12);
  for (let c = 0; c < 12; c++) row[c] = eventCell(i, c);
  return row;
}

export class AnalyticsWorkload {
  private rows: number;
  readonly table: GeneratedTable;

  constructor(database: Database, rows: number) {
    this.rows = AnalyticsWorkload.check(rows);
    this.table = new GeneratedTable(EVENTS_SCHEMA, () => this.rows, eventRow, eventCell, { column: 0, base: 1 });
    database.addRelation(this.table);
  }

  private static check(rows: number): number {
    if (!Number.isInteger(rows) || rows < 0 || rows > 2 ** 31 - 1) throw new RangeError(`rows must be an integer in 0..2^31-1, got ${rows}`);
    return rows;
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Change how many rows EVENTS has (instant: nothing is stored). */
  setRows(rows: number): void {
    this.rows = AnalyticsWorkload.check(rows);
  }
}
