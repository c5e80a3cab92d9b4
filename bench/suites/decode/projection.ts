/**
 * Column subsets for strategies that decode only some columns: `fixed` = the fixed-width
 * numeric types (TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, TIMESTAMP), `strings` = STRING.
 */
import { VOLT_TYPE } from '../../../src/protocol/constants.js';

export type Projection = 'fixed' | 'strings';

export const FIXED_WIDTH_BYTES: ReadonlyMap<number, number> = new Map<number, number>([
  [VOLT_TYPE.TINYINT, 1],
  [VOLT_TYPE.SMALLINT, 2],
  [VOLT_TYPE.INTEGER, 4],
  [VOLT_TYPE.BIGINT, 8],
  [VOLT_TYPE.FLOAT, 8],
  [VOLT_TYPE.TIMESTAMP, 8],
]);

/** Bytes every value of a type takes in a row, or -1 for `i32 length + bytes` types. */
export function valueWidth(type: number): number {
  switch (type) {
    case VOLT_TYPE.NULL:
      return 0;
    case VOLT_TYPE.TINYINT:
      return 1;
    case VOLT_TYPE.SMALLINT:
      return 2;
    case VOLT_TYPE.INTEGER:
    case VOLT_TYPE.DATE:
      return 4;
    case VOLT_TYPE.BIGINT:
    case VOLT_TYPE.FLOAT:
    case VOLT_TYPE.TIMESTAMP:
      return 8;
    case VOLT_TYPE.DECIMAL:
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return 16;
    default:
      return -1;
  }
}

export function projectionColumns(columns: readonly { type: number }[], projection: Projection): number[] {
  const out: number[] = [];
  columns.forEach((column, i) => {
    if (projection === 'fixed' ? FIXED_WIDTH_BYTES.has(column.type) : column.type === VOLT_TYPE.STRING) out.push(i);
  });
  return out;
}
