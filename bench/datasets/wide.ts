/**
 * wide: 20 mixed columns — every integer width, FLOAT, TIMESTAMP, DECIMAL, short STRINGs and
 * a VARBINARY — with 10 % NULLs in each nullable column, about 180 bytes a row. The shape of
 * `SELECT *` on a business table.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import type { Prng } from './prng.js';
import { asciiText, generateFrame, generateTable, type GeneratedColumn, type RawValue, type TableGenerator } from './raw-frame.js';
import { registerTableFamily } from './table-family.js';

const nullable =
  (make: (prng: Prng, row: number) => RawValue) =>
  (prng: Prng, row: number): RawValue =>
    prng.chance(0.1) ? null : make(prng, row);

const T = VOLT_TYPE;
const columns: GeneratedColumn[] = [
  { name: 'ID', type: T.BIGINT, next: (_, row) => BigInt(row) },
  { name: 'FLAG', type: T.TINYINT, next: nullable((p) => p.below(255) - 127) },
  { name: 'KIND', type: T.SMALLINT, next: nullable((p) => p.below(65535) - 32767) },
  { name: 'A', type: T.INTEGER, next: nullable((p) => p.below(2_000_000) - 1_000_000) },
  { name: 'B', type: T.INTEGER, next: nullable((p) => p.below(100)) },
  { name: 'C', type: T.INTEGER, next: nullable((p) => p.next() | 0 || 1) },
  { name: 'BIG1', type: T.BIGINT, next: nullable((p) => (BigInt(p.next()) << 20n) - 1n) },
  { name: 'BIG2', type: T.BIGINT, next: nullable((p) => BigInt(p.below(1_000_000))) },
  { name: 'X', type: T.FLOAT, next: nullable((p) => p.next() / 7) },
  { name: 'Y', type: T.FLOAT, next: nullable((p) => -p.below(1000) / 8) },
  { name: 'Z', type: T.FLOAT, next: nullable((p) => p.below(1 << 30) * 1e-3) },
  { name: 'CREATED', type: T.TIMESTAMP, next: nullable((p, row) => 1_600_000_000_000_000n + BigInt(row) * 997n + BigInt(p.below(1000))) },
  { name: 'UPDATED', type: T.TIMESTAMP, next: nullable((p) => 1_700_000_000_000_000n + BigInt(p.next())) },
  { name: 'AMOUNT', type: T.DECIMAL, next: nullable((p) => BigInt(p.below(100_000_000)) * 10_000_000_000n) },
  { name: 'RATE', type: T.DECIMAL, next: nullable((p) => BigInt(p.next()) - 2_147_483_648n) },
  { name: 'CODE', type: T.STRING, next: nullable((p) => asciiText(p, 4 + p.below(4))) },
  { name: 'NAME', type: T.STRING, next: nullable((p) => asciiText(p, 8 + p.below(17))) },
  { name: 'CITY', type: T.STRING, next: nullable((p) => asciiText(p, 5 + p.below(10))) },
  { name: 'TAG', type: T.VARBINARY, next: nullable((p) => p.bytes(8 + p.below(9))) },
  { name: 'SCORE', type: T.INTEGER, next: nullable((p) => p.below(1000)) },
];

export const WIDE: TableGenerator = { seed: 0x771de, columns };

/** Average bytes a wide row takes (length prefix included), measured on 10 000 rows. */
export const WIDE_ROW_BYTES = 170;

export const wideTable = (rows: number) => generateTable(WIDE, rows);
export const wideFrame = (rows: number) => generateFrame(WIDE, rows, rows * WIDE_ROW_BYTES);

registerTableFamily({
  family: 'wide',
  description: '20 columns: every integer width, FLOAT, TIMESTAMP, DECIMAL, 3 STRING, VARBINARY; 10% NULL',
  rows: { tiny: [16], quick: [100, 10_000], full: [100, 10_000, 50_000] },
  generate: wideTable,
});
