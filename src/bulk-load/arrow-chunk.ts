/**
 * An Arrow `RecordBatch` as a chunk of rows for the loader. Arrow objects are recognised by
 * shape (`schema`, `numRows`, `getChildAt`), so apache-arrow is never loaded here: whoever made
 * the batch already has it. Fields are matched to the table's columns by name (exact, then
 * case-insensitive); a missing or extra field is a ParameterError before any row is read.
 *
 * Values are read from the column buffers where the Arrow object form would lose or cost:
 * timestamps as their integer µs/ms/s/ns (`get` gives float milliseconds), dates as days, and
 * Decimal128 written straight from its 16 bytes (a byte reversal at scale 12, the scale
 * extraction writes). The inverse of `toArrow()` / extraction (src/decode/arrow.ts):
 * Int8..Int64, Float64, Timestamp, Date, Decimal128, Utf8, Binary (GEOGRAPHY as WKB or its wire
 * body), FixedSizeList(2, Float64) as a GEOGRAPHY_POINT.
 */
import { Buffer } from 'node:buffer';
import { ParameterError } from '../errors.js';
import type { BufferWriter } from '../protocol/buffer-writer.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { writeDecimal128 } from '../protocol/decimal-writer.js';
import { GeographyPoint, readGeography } from '../protocol/geography.js';
import { geographyFromWkb } from '../decode/wkb.js';
import type { TableColumn } from '../protocol/value-writer.js';
import { refuse, writeValue, type ValueContext } from '../protocol/value-writer.js';
import type { RowChunk } from './row-source.js';

/** Arrow's type ids (the format's Schema.fbs `Type` union): the ones read from buffers. */
const ARROW_TYPE = { INT: 2, FLOAT: 3, BINARY: 4, UTF8: 5, BOOL: 6, DECIMAL: 7, DATE: 8, TIMESTAMP: 10, FIXED_SIZE_LIST: 16 } as const;

/** The parts of an Arrow `Data` the reader uses. */
interface ArrowDataLike {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap?: Uint8Array | null;
  readonly values: ArrayLike<number | bigint> & { readonly buffer: ArrayBufferLike };
  readonly children: readonly ArrowDataLike[];
}

/** The parts of an Arrow `Vector` the reader uses. */
export interface ArrowVectorLike {
  readonly type: { readonly typeId: number; readonly bitWidth?: number; readonly unit?: number; readonly scale?: number; readonly listSize?: number };
  readonly data: readonly ArrowDataLike[];
  get(index: number): unknown;
}

/** An Arrow `RecordBatch`, by shape. */
export interface ArrowBatchLike {
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  readonly numRows: number;
  getChildAt(index: number): ArrowVectorLike | null;
}

/** An Arrow `Table`, by shape. */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  readonly batches: readonly ArrowBatchLike[];
}

export function isArrowBatch(value: unknown): value is ArrowBatchLike {
  const v = value as Partial<ArrowBatchLike> | null;
  return typeof v === 'object' && v !== null && typeof v.numRows === 'number' && typeof v.getChildAt === 'function' && Array.isArray(v.schema?.fields);
}

export function isArrowTable(value: unknown): value is ArrowTableLike {
  const v = value as Partial<ArrowTableLike> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.batches) && Array.isArray(v.schema?.fields);
}

/** One Arrow column read for one table column. */
interface FieldReader {
  valid(i: number): boolean;
  value(i: number): unknown;
  /** Write a valid cell of a DECIMAL column straight from Decimal128 bytes: null, or why not. */
  decimal?: (target: Uint8Array, offset: number, i: number) => string | null;
}

const MICROS_PER: readonly bigint[] = [1_000_000n, 1000n, 1n]; // SECOND, MILLISECOND, MICROSECOND

function readerFor(vector: ArrowVectorLike, column: TableColumn): FieldReader {
  const data = vector.data[0]!;
  const base = data.offset;
  const bitmap = data.nullCount > 0 ? (data.nullBitmap ?? null) : null;
  const valid = bitmap === null ? () => true : (i: number) => ((bitmap[(base + i) >> 3]! >> ((base + i) & 7)) & 1) === 1;
  const values = data.values;
  const type = vector.type;
  switch (type.typeId) {
    case ARROW_TYPE.INT:
      return { valid, value: (i) => values[base + i] };
    case ARROW_TYPE.FLOAT:
      return type.bitWidth === undefined || type.bitWidth >= 32 || values instanceof Float32Array || values instanceof Float64Array ? { valid, value: (i) => values[base + i] } : { valid, value: (i) => vector.get(i) };
    case ARROW_TYPE.TIMESTAMP: {
      const unit = type.unit ?? 2;
      const raw = values as unknown as BigInt64Array;
      if (unit === 3) return { valid, value: (i) => floorDiv(raw[base + i]!, 1000n) };
      const factor = MICROS_PER[unit]!;
      return { valid, value: (i) => raw[base + i]! * factor };
    }
    case ARROW_TYPE.DATE:
      if (type.unit === 0) return { valid, value: (i) => new Date(Number(values[base + i]) * 86_400_000) };
      return { valid, value: (i) => new Date(Number(values[base + i])) };
    case ARROW_TYPE.DECIMAL: {
      const words = values as unknown as Uint32Array;
      const scale = type.scale ?? 0;
      return {
        valid,
        value: (i) => decimalText(words, base + i, scale),
        decimal: column.type === VOLT_TYPE.DECIMAL ? (target, offset, i) => writeDecimal128(target, offset, words, base + i, scale) : undefined,
      };
    }
    case ARROW_TYPE.BOOL:
      return { valid, value: (i) => (vector.get(i) === true ? 1 : 0) };
    case ARROW_TYPE.BINARY:
      if (column.type === VOLT_TYPE.GEOGRAPHY) {
        return { valid, value: (i) => geographyOf(vector.get(i) as Uint8Array) };
      }
      return { valid, value: (i) => vector.get(i) };
    case ARROW_TYPE.FIXED_SIZE_LIST: {
      const child = data.children[0];
      if (column.type === VOLT_TYPE.GEOGRAPHY_POINT && type.listSize === 2 && child !== undefined && child.values instanceof Float64Array) {
        const points = child.values;
        const at = child.offset;
        return { valid, value: (i) => new GeographyPoint(points[at + 2 * (base + i)]!, points[at + 2 * (base + i) + 1]!) };
      }
      return { valid, value: (i) => vector.get(i) };
    }
    default:
      return { valid, value: (i) => vector.get(i) };
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

/** A GEOGRAPHY cell: WKB (what extraction writes, GeoArrow's `geoarrow.wkb`) or VoltDB's wire body. */
function geographyOf(bytes: Uint8Array): unknown {
  try {
    return geographyFromWkb(bytes);
  } catch {
    // not WKB: read it as a wire body below
  }
  try {
    return readGeography(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength);
  } catch {
    return bytes; // refused by the GEOGRAPHY check with the value shown
  }
}

/** A Decimal128 value as exact decimal text (for reports and refusals). */
function decimalText(words: Uint32Array, index: number, scale: number): string {
  let bits = 0n;
  for (let w = 3; w >= 0; w--) bits = (bits << 32n) | BigInt(words[index * 4 + w]!);
  if (bits >= 1n << 127n) bits -= 1n << 128n;
  const negative = bits < 0n;
  const digits = (negative ? -bits : bits).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

class ArrowChunk implements RowChunk {
  constructor(
    readonly length: number,
    private readonly columns: readonly TableColumn[],
    private readonly readers: readonly FieldReader[],
  ) {}

  key(i: number, partitionIndex: number): unknown {
    const reader = this.readers[partitionIndex]!;
    return reader.valid(i) ? reader.value(i) : null;
  }

  encode(i: number, w: BufferWriter, where: ValueContext): void {
    const columns = this.columns;
    for (let c = 0; c < columns.length; c++) {
      const reader = this.readers[c]!;
      const column = columns[c]!;
      where.column = column.name;
      if (!reader.valid(i)) {
        writeValue(w, column.type, null, where);
      } else if (reader.decimal !== undefined) {
        w.ensure(16);
        const problem = reader.decimal(w.buffer, w.offset, i);
        if (problem !== null) throw refuse(where, reader.value(i), VOLT_TYPE.DECIMAL, problem);
        w.offset += 16;
      } else {
        writeValue(w, column.type, reader.value(i), where);
      }
    }
  }

  values(i: number): unknown[] {
    return this.readers.map((reader) => (reader.valid(i) ? reader.value(i) : null));
  }
}

/** The batch as a chunk for the table's columns; see the file comment. */
export function arrowChunk(batch: ArrowBatchLike, columns: readonly TableColumn[], table: string): RowChunk {
  const fields = batch.schema.fields.map((f) => f.name);
  const used = new Set<number>();
  const readers = columns.map((column) => {
    let index = fields.indexOf(column.name);
    if (index < 0) index = fields.findIndex((name) => name.toUpperCase() === column.name.toUpperCase());
    if (index < 0) throw new ParameterError(`bulkLoad: the Arrow data has no field for column ${column.name} of ${table}; its fields are ${fields.join(', ')}`, { procedure: 'bulkLoad' });
    used.add(index);
    const vector = batch.getChildAt(index);
    if (vector === null || vector.data.length !== 1) throw new ParameterError(`bulkLoad: Arrow field ${fields[index]} has no single data buffer`, { procedure: 'bulkLoad' });
    return readerFor(vector, column);
  });
  const extra = fields.filter((_, i) => !used.has(i));
  if (extra.length > 0) throw new ParameterError(`bulkLoad: Arrow field ${extra.join(', ')} is not a column of ${table} (${columns.map((c) => c.name).join(', ')})`, { procedure: 'bulkLoad' });
  return new ArrowChunk(batch.numRows, columns, readers);
}
