/**
 * Fixed-width reads by hand: integers assembled from bytes with shifts
 * (`(b[p] << 24) | (b[p+1] << 16) | …`), and 8-byte values (BIGINT, TIMESTAMP, FLOAT) never
 * turned into a JS value at all — their bytes are reversed straight into the little-endian
 * typed array's memory; NULL is recognised from the big-endian words (a FLOAT whose high
 * word could be ≤ −1.7E308 is then compared as a double). No per-value
 * BigInt. Needs a little-endian host (every platform Node ships on today).
 */
import os from 'node:os';
import { readResponseHeader, tableLayouts } from '../../../src/protocol/response.js';
import { VOLT_TYPE } from '../../../src/protocol/constants.js';
import { decodeStrategy, hasProjection, type DecodeInput } from './decode-suite.js';
import { canonicalFixed, FLOAT_NULL, FLOAT_NULL_HI_UNSIGNED, planTable, type FixedTable } from './fixed-width-plan.js';

function int32At(b: Buffer, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

/** Copy the 8 big-endian bytes at `p` into slot `row` of a little-endian 8-byte array, reversed. */
function reverse8(b: Buffer, p: number, target: Uint8Array, row: number): void {
  const t = row << 3;
  target[t] = b[p + 7]!;
  target[t + 1] = b[p + 6]!;
  target[t + 2] = b[p + 5]!;
  target[t + 3] = b[p + 4]!;
  target[t + 4] = b[p + 3]!;
  target[t + 5] = b[p + 2]!;
  target[t + 6] = b[p + 1]!;
  target[t + 7] = b[p]!;
}

function decodeFrame(frame: Buffer): FixedTable[] {
  const out: FixedTable[] = [];
  for (const layout of tableLayouts(frame, readResponseHeader(frame))) {
    const { widths, slots, types, table } = planTable(layout);
    const columns = table.columns;
    const bytesOf = columns.map((c) => new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    const width = widths.length;
    let at = layout.rowsOffset;
    for (let r = 0; r < layout.rowCount; r++) {
      const rowEnd = at + 4 + int32At(frame, at);
      let p = at + 4;
      for (let c = 0; c < width; c++) {
        const slot = slots[c]!;
        const w = widths[c]!;
        if (slot >= 0) {
          const column = columns[slot]!;
          let isNull = false;
          switch (types[c]) {
            case VOLT_TYPE.TINYINT: {
              const v = (frame[p]! << 24) >> 24;
              isNull = v === -128;
              (column.values as Int8Array)[r] = isNull ? 0 : v;
              break;
            }
            case VOLT_TYPE.SMALLINT: {
              const v = (((frame[p]! << 8) | frame[p + 1]!) << 16) >> 16;
              isNull = v === -32768;
              (column.values as Int16Array)[r] = isNull ? 0 : v;
              break;
            }
            case VOLT_TYPE.INTEGER: {
              const v = int32At(frame, p);
              isNull = v === -2147483648;
              (column.values as Int32Array)[r] = isNull ? 0 : v;
              break;
            }
            case VOLT_TYPE.FLOAT: {
              reverse8(frame, p, bytesOf[slot]!, r);
              // Only a value whose high word is at least NULL's can be ≤ −1.7E308: then compare the double.
              if (int32At(frame, p) >>> 0 >= FLOAT_NULL_HI_UNSIGNED) {
                const values = column.values as Float64Array;
                isNull = values[r]! <= FLOAT_NULL;
                if (isNull) values[r] = 0;
              }
              break;
            }
            default: {
              isNull = int32At(frame, p) === -2147483648 && int32At(frame, p + 4) === 0;
              if (!isNull) reverse8(frame, p, bytesOf[slot]!, r);
            }
          }
          if (isNull) column.validity[r >> 3] &= ~(1 << (r & 7));
        }
        p += w >= 0 ? w : 4 + Math.max(0, int32At(frame, p));
      }
      at = rowEnd;
    }
    out.push(table);
  }
  return out;
}

decodeStrategy<DecodeInput, FixedTable[][]>({
  name: 'fixed-width-shifts',
  description: 'fixed-width numeric columns into typed arrays by hand: shifts for ints, byte reversal for 8-byte values',
  flavour: 'bigint:fixed',
  applies: (input) => (os.endianness() !== 'LE' ? 'needs a little-endian host' : hasProjection(input, 'fixed')),
  prepare: (input) => input,
  run: (input) => input.frames.map(decodeFrame),
  canonical: (output) => output.map((tables) => tables.map(canonicalFixed)),
});
