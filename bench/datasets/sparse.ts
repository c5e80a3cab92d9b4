/**
 * sparse: a BIGINT key and eight INTEGER columns that are 90 % NULL — the case for validity
 * bitmaps (a NULL costs a cleared bit in a column, a `null` in a row array).
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Prng } from './prng.js';
import { registerTableFamily } from './table-family.js';

registerTableFamily({
  family: 'sparse',
  description: 'BIGINT key + 8 INTEGER columns, 90% NULL',
  rows: { tiny: [16], quick: [10_000], full: [10_000, 200_000] },
  generate(rows) {
    const prng = new Prng(0x5a125e);
    const columns = [{ name: 'ID', type: VOLT_TYPE.BIGINT }, ...Array.from({ length: 8 }, (_, i) => ({ name: `C${i}`, type: VOLT_TYPE.INTEGER }))];
    const values = Array.from({ length: rows }, (_, row) => [BigInt(row), ...columns.slice(1).map(() => (prng.chance(0.9) ? null : prng.below(1_000_000)))]);
    return { columns, rows: values };
  },
});
