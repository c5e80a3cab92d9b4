/**
 * `toArrow()`: an apache-arrow `Table` over a table's column buffers, without copying them.
 *
 * apache-arrow is a dependency, loaded with `import()` on first use only, so a client that never
 * calls `toArrow()` never pays for loading it. Each column's arrays are handed to
 * `makeData` as they are (it wraps typed arrays, it does not copy them):
 *
 * | VoltDB                | Arrow                              | buffers passed                          |
 * | --------------------- | ---------------------------------- | --------------------------------------- |
 * | TINYINT..BIGINT       | Int8 / Int16 / Int32 / Int64       | values                                  |
 * | FLOAT                 | Float64                            | values                                  |
 * | TIMESTAMP             | Timestamp(MICROSECOND, "UTC")      | values (BigInt64Array µs)               |
 * | DATE                  | Date32 (DAY)                       | values (Int32Array days)                |
 * | DECIMAL               | Decimal128(38, 12)                 | values viewed as Uint32Array            |
 * | STRING / VARBINARY    | Utf8 / Binary                      | offsets + values                        |
 * | GEOGRAPHY             | Binary (the VoltDB wire body)      | offsets + values                        |
 * | GEOGRAPHY_POINT       | FixedSizeList(2, Float64) [lng, lat] | child Float64 of 2 × rows             |
 * | NULL                  | Null                               | —                                       |
 *
 * Every column is nullable; the validity bitmap is passed when the column has NULLs.
 */
import type * as Arrow from 'apache-arrow';
import { VoltError } from '../errors.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE, VOLT_TYPE } from '../protocol/constants.js';
import type { Column } from './column.js';

type ArrowModule = typeof Arrow;
let loading: Promise<ArrowModule> | null = null;

/** Load apache-arrow once; a package that cannot be loaded (a broken install) is a VoltError that says so. */
export function loadArrow(): Promise<ArrowModule> {
  loading ??= import('apache-arrow').catch((cause: unknown) => {
    loading = null;
    throw new VoltError('toArrow() could not load apache-arrow, a dependency of voltwire: reinstall the package (npm install)', { cause });
  });
  return loading;
}

/** An Arrow table over `columns` (all of the same length). */
export async function tableToArrow(columns: readonly Column[]): Promise<Arrow.Table> {
  const arrow = await loadArrow();
  const length = columns.length === 0 ? 0 : columns[0]!.length;
  const children = columns.map((column) => columnData(arrow, column));
  const fields = columns.map((column, i) => new arrow.Field(column.name, children[i]!.type, true));
  const schema = new arrow.Schema(fields);
  const struct = arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children });
  return new arrow.Table(schema, new arrow.RecordBatch(schema, struct));
}

function columnData(arrow: ArrowModule, column: Column): Arrow.Data {
  const { length, nullCount } = column;
  const nullBitmap = column.validity ?? undefined;
  const common = { length, nullCount, nullBitmap };
  switch (column.type) {
    case VOLT_TYPE.TINYINT:
      return arrow.makeData({ type: new arrow.Int8(), ...common, data: column.values as Int8Array });
    case VOLT_TYPE.SMALLINT:
      return arrow.makeData({ type: new arrow.Int16(), ...common, data: column.values as Int16Array });
    case VOLT_TYPE.INTEGER:
      return arrow.makeData({ type: new arrow.Int32(), ...common, data: column.values as Int32Array });
    case VOLT_TYPE.BIGINT:
      return arrow.makeData({ type: new arrow.Int64(), ...common, data: column.values as BigInt64Array });
    case VOLT_TYPE.FLOAT:
      return arrow.makeData({ type: new arrow.Float64(), ...common, data: column.values as Float64Array });
    case VOLT_TYPE.TIMESTAMP:
      return arrow.makeData({
        type: new arrow.TimestampMicrosecond('UTC'),
        ...common,
        data: column.values as BigInt64Array,
      });
    case VOLT_TYPE.DATE:
      return arrow.makeData({ type: new arrow.DateDay(), ...common, data: column.values as Int32Array });
    case VOLT_TYPE.DECIMAL: {
      const bytes = column.values as Uint8Array;
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      return arrow.makeData({ type: new arrow.Decimal(DECIMAL_SCALE, DECIMAL_PRECISION, 128), ...common, data: words });
    }
    case VOLT_TYPE.STRING:
      return arrow.makeData({
        type: new arrow.Utf8(),
        ...common,
        valueOffsets: column.offsets!,
        data: column.values as Uint8Array,
      });
    case VOLT_TYPE.VARBINARY:
    case VOLT_TYPE.GEOGRAPHY:
      return arrow.makeData({
        type: new arrow.Binary(),
        ...common,
        valueOffsets: column.offsets!,
        data: column.values as Uint8Array,
      });
    case VOLT_TYPE.GEOGRAPHY_POINT: {
      const child = arrow.makeData({ type: new arrow.Float64(), length: length * 2, nullCount: 0, data: column.values as Float64Array });
      const type = new arrow.FixedSizeList(2, new arrow.Field('lnglat', child.type, false));
      return arrow.makeData({ type, ...common, child });
    }
    default:
      return arrow.makeData({ type: new arrow.Null(), length, nullCount: length });
  }
}
