/**
 * Fixed-width reads with `Buffer` methods (`readInt32BE`, `readBigInt64BE`, `readDoubleBE`):
 * the idiomatic Node way. Each call checks its offset; BIGINT and TIMESTAMP become a BigInt
 * per value before landing in the BigInt64Array.
 */
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { VOLT_TYPE } from '../../../src/protocol/constants.js';
import { decodeStrategy, hasProjection, type DecodeInput } from './decode-suite.js';
import { canonicalFixed, FLOAT_NULL, MIN_I64, planTable, type FixedTable } from './fixed-width-plan.js';

function decodeFrame(frame: Buffer): FixedTable[] {
  const out: FixedTable[] = [];
  for (const layout of tableLayouts(frame, readResponseHeader(frame))) {
    const { widths, slots, types, table } = planTable(layout);
    const columns = table.columns;
    const width = widths.length;
    let at = layout.rowsOffset;
    for (let r = 0; r < layout.rowCount; r++) {
      const rowEnd = at + 4 + frame.readInt32BE(at);
      let p = at + 4;
      for (let c = 0; c < width; c++) {
        const slot = slots[c]!;
        const w = widths[c]!;
        if (slot >= 0) {
          const column = columns[slot]!;
          let isNull = false;
          switch (types[c]) {
            case VOLT_TYPE.TINYINT: {
              const v = frame.readInt8(p);
              isNull = v === -128;
              (column.values as Int32Array)[r] = isNull ? 0 : v;
              break;
            }
            case VOLT_TYPE.SMALLINT: {
              const v = frame.readInt16BE(p);
              isNull = v === -32768;
              (column.values as Int32Array)[r] = isNull ? 0 : v;
              break;
            }
            case VOLT_TYPE.INTEGER: {
              const v = frame.readInt32BE(p);
              isNull = v === -2147483648;
              (column.values as Int32Array)[r] = isNull ? 0 : v;
              break;
            }
            case VOLT_TYPE.FLOAT: {
              const v = frame.readDoubleBE(p);
              isNull = v <= FLOAT_NULL;
              (column.values as Int32Array)[r] = isNull ? 0 : v;
              break;
            }
            default: {
              const v = frame.readBigInt64BE(p);
              isNull = v === MIN_I64;
              (column.values as BigInt64Array)[r] = isNull ? 0n : v;
            }
          }
          if (isNull) column.validity[r >> 3] &= ~(1 << (r & 7));
        }
        p += w >= 0 ? w : 4 + Math.max(0, frame.readInt32BE(p));
      }
      at = rowEnd;
    }
    out.push(table);
  }
  return out;
}

decodeStrategy<DecodeInput, FixedTable[][]>({
  name: 'fixed-width-buffer',
  description: 'fixed-width numeric columns into typed arrays with Buffer#readInt32BE / readBigInt64BE / readDoubleBE',
  flavour: 'bigint:fixed',
  applies: (input) => hasProjection(input, 'fixed'),
  prepare: (input) => input,
  run: (input) => input.frames.map(decodeFrame),
  canonical: (output) => output.map((tables) => tables.map(canonicalFixed)),
});
