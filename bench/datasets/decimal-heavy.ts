/**
 * decimal-heavy: an INTEGER key and four DECIMAL(38,12) columns — money-like values with 2
 * fraction digits, full 12-digit fractions, 20–26 digit magnitudes and negatives, 5 % NULL.
 * Every DECIMAL is 16 bytes on the wire and a `Decimal` object as a row value, so this is
 * where row decoding pays for object creation and columnar decoding does not.
 */
import { Decimal } from '../../src/protocol/decimal.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import type { TableData } from '../harness/types.js';
import { Prng } from './prng.js';
import { registerTableFamily } from './table-family.js';

function decimalValue(prng: Prng, kind: number): Decimal | null {
  if (prng.chance(0.05)) return null;
  const sign = prng.chance(0.3) ? '-' : '';
  switch (kind) {
    case 0: // money: up to 9 integer digits, 2 fraction digits
      return new Decimal(`${sign}${prng.digits(1 + prng.below(9))}.${prng.digits(2)}`);
    case 1: // a rate: 0.xxxxxxxxxxxx, the full 12-digit scale
      return new Decimal(`${sign}0.${String(prng.below(1e9)).padStart(9, '0')}${String(prng.below(1000)).padStart(3, '0')}`);
    case 2: // large: 20–26 integer digits (beyond any double), 12 fraction digits
      return new Decimal(`${sign}${prng.digits(20 + prng.below(7))}.${String(prng.below(1e6)).padStart(6, '0')}${String(prng.below(1e6)).padStart(6, '0')}`);
    default: // small integers, the common case of quantities
      return new Decimal(`${sign}${prng.below(10_000)}`);
  }
}

export function decimalHeavyTable(rows: number): TableData {
  const prng = new Prng(0xdec1a1 ^ rows);
  const columns = [
    { name: 'ID', type: VOLT_TYPE.INTEGER },
    { name: 'AMOUNT', type: VOLT_TYPE.DECIMAL },
    { name: 'RATE', type: VOLT_TYPE.DECIMAL },
    { name: 'BALANCE', type: VOLT_TYPE.DECIMAL },
    { name: 'QUANTITY', type: VOLT_TYPE.DECIMAL },
  ];
  const out: unknown[][] = [];
  for (let i = 0; i < rows; i++) {
    out.push([i, decimalValue(prng, 0), decimalValue(prng, 1), decimalValue(prng, 2), decimalValue(prng, 3)]);
  }
  return { columns, rows: out };
}

registerTableFamily({
  family: 'decimal-heavy',
  description: 'INTEGER key + 4 DECIMAL columns (money, 12-digit rates, 26-digit balances, quantities; 5% NULL)',
  rows: { tiny: [16], quick: [100, 10_000], full: [100, 10_000, 100_000] },
  generate: decimalHeavyTable,
});
