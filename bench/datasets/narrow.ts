/**
 * narrow: four fixed-width columns — BIGINT id, INTEGER quantity (5 % NULL), FLOAT price,
 * TIMESTAMP — 32 bytes a row with its length. The shape of a time series or a fact table
 * scan; where columnar decoding should run closest to memory-copy speed.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { generateFrame, generateTable, type TableGenerator } from './raw-frame.js';
import { registerTableFamily } from './table-family.js';

const EPOCH_2024_US = 1_704_067_200_000_000n;

export const NARROW: TableGenerator = {
  seed: 0x6e4172,
  columns: [
    { name: 'ID', type: VOLT_TYPE.BIGINT, next: (_, row) => BigInt(row) * 7919n + 1n },
    { name: 'QUANTITY', type: VOLT_TYPE.INTEGER, next: (prng) => (prng.chance(0.05) ? null : prng.below(1_000_000) - 500_000) },
    { name: 'PRICE', type: VOLT_TYPE.FLOAT, next: (prng) => prng.below(10_000_000) / 100 },
    { name: 'AT', type: VOLT_TYPE.TIMESTAMP, next: (prng, row) => EPOCH_2024_US + BigInt(row) * 1_000_000n + BigInt(prng.below(1_000_000)) },
  ],
};

/** Bytes a narrow row takes (length prefix included). */
export const NARROW_ROW_BYTES = 32;

export const narrowTable = (rows: number) => generateTable(NARROW, rows);
export const narrowFrame = (rows: number) => generateFrame(NARROW, rows, rows * NARROW_ROW_BYTES);

registerTableFamily({
  family: 'narrow',
  description: 'BIGINT, INTEGER (5% NULL), FLOAT, TIMESTAMP: fixed width, 32 bytes a row',
  rows: { tiny: [16], quick: [100, 10_000], full: [100, 10_000, 200_000] },
  generate: narrowTable,
});
