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
 * | GEOGRAPHY             | Binary: WKB (`geoarrow.wkb`)       | offsets + WKB bytes built here (a copy)  |
 * | GEOGRAPHY_POINT       | FixedSizeList(2, Float64) `xy` (`geoarrow.point`) | child Float64 of 2 × rows  |
 * | NULL                  | Null                               | —                                       |
 *
 * Every field's metadata names its VoltDB type (`voltdb.type`: `BIGINT`, `STRING`, …), so a
 * reader tells a TIMESTAMP from a BIGINT of microseconds and VARCHAR from VARBINARY without
 * guessing. Geography fields also carry GeoArrow's extension metadata
 * (`ARROW:extension:name`, `ARROW:extension:metadata`: longitude/latitude on WGS 84, spherical
 * edges as VoltDB draws them), so GeoArrow and GeoParquet readers take them as geometries.
 *
 * A field is nullable unless the caller says otherwise (`nullable`: the extraction of a table
 * passes the catalog's NOT NULL); the validity bitmap is passed when the column has NULLs.
 */
import type * as Arrow from 'apache-arrow';
import { VoltError } from '../errors.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE, VOLT_TYPE, typeName } from '../protocol/constants.js';
import type { Geography } from '../protocol/geography.js';
import type { Column } from './column.js';
import { wkbByteLength, writeWkb } from './wkb.js';

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

/** Field metadata key holding the VoltDB type name of a column. */
export const VOLTDB_TYPE_KEY = 'voltdb.type';

/** GeoArrow's extension metadata: coordinates are longitude/latitude on WGS 84, edges are great-circle arcs. */
const GEOARROW_METADATA = JSON.stringify({ crs: 'OGC:CRS84', crs_type: 'authority_code', edges: 'spherical' });

/** What the caller knows of the columns beyond their values. */
export interface ArrowSchemaOptions {
  /** Per column, false when it is declared NOT NULL (the field is then non-nullable); default all true. */
  nullable?: readonly boolean[];
}

/** The metadata of a field of VoltDB type `type`. */
export function fieldMetadata(type: number): Map<string, string> {
  const metadata = new Map([[VOLTDB_TYPE_KEY, typeName(type) ?? `TYPE(${type})`]]);
  if (type === VOLT_TYPE.GEOGRAPHY || type === VOLT_TYPE.GEOGRAPHY_POINT) {
    metadata.set('ARROW:extension:name', type === VOLT_TYPE.GEOGRAPHY ? 'geoarrow.wkb' : 'geoarrow.point');
    metadata.set('ARROW:extension:metadata', GEOARROW_METADATA);
  }
  return metadata;
}

/** An Arrow table over `columns` (all of the same length). */
export async function tableToArrow(columns: readonly Column[], options: ArrowSchemaOptions = {}): Promise<Arrow.Table> {
  const arrow = await loadArrow();
  const length = columns.length === 0 ? 0 : columns[0]!.length;
  const children = columns.map((column) => columnData(arrow, column));
  const fields = columns.map((column, i) => {
    const nullable = options.nullable?.[i] ?? true;
    if (!nullable && column.nullCount > 0) {
      throw new VoltError(`column ${column.name} is declared NOT NULL but ${column.nullCount} of its ${column.length} values are NULL`);
    }
    return new arrow.Field(column.name, children[i]!.type, nullable, fieldMetadata(column.type));
  });
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
    case VOLT_TYPE.GEOGRAPHY:
      return arrow.makeData({ type: new arrow.Binary(), ...common, ...wkbColumn(column) });
    case VOLT_TYPE.VARBINARY:
      return arrow.makeData({
        type: new arrow.Binary(),
        ...common,
        valueOffsets: column.offsets!,
        data: column.values as Uint8Array,
      });
    case VOLT_TYPE.GEOGRAPHY_POINT: {
      const child = arrow.makeData({ type: new arrow.Float64(), length: length * 2, nullCount: 0, data: column.values as Float64Array });
      const type = new arrow.FixedSizeList(2, new arrow.Field('xy', child.type, false));
      return arrow.makeData({ type, ...common, child });
    }
    default:
      return arrow.makeData({ type: new arrow.Null(), length, nullCount: length });
  }
}

/** A GEOGRAPHY column's polygons as WKB values and offsets (NULL rows empty). */
function wkbColumn(column: Column): { valueOffsets: Int32Array; data: Uint8Array } {
  const polygons = new Array<Geography | null>(column.length);
  const valueOffsets = new Int32Array(column.length + 1);
  let total = 0;
  for (let i = 0; i < column.length; i++) {
    const polygon = column.get(i) as Geography | null;
    polygons[i] = polygon;
    if (polygon !== null) total += wkbByteLength(polygon);
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  for (let i = 0; i < column.length; i++) {
    const polygon = polygons[i];
    if (polygon !== null && polygon !== undefined) writeWkb(view, valueOffsets[i]!, polygon);
  }
  return { valueOffsets, data };
}
