/**
 * Builders and comparers for the decode tests: random tables of every type (fast-check),
 * response frames around tables, hand-made raw tables for malformed input, and a value
 * normaliser so row values of every type compare with deepStrictEqual.
 */
import fc from 'fast-check';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal, DECIMAL_MAX_UNSCALED, decimalFromUnscaled } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { encodeResponse, type TableInput } from '../../src/protocol/response-writer.js';
import { writeTable } from '../../src/protocol/value-writer.js';
import { VoltDate } from '../../src/protocol/volt-date.js';

export interface ColumnSpec {
  name: string;
  type: number;
}

export interface TableSpec {
  columns: ColumnSpec[];
  rows: unknown[][];
}

/** Every type a result column can have. */
export const ALL_TYPES: readonly number[] = [
  VOLT_TYPE.TINYINT,
  VOLT_TYPE.SMALLINT,
  VOLT_TYPE.INTEGER,
  VOLT_TYPE.BIGINT,
  VOLT_TYPE.FLOAT,
  VOLT_TYPE.STRING,
  VOLT_TYPE.TIMESTAMP,
  VOLT_TYPE.DATE,
  VOLT_TYPE.DECIMAL,
  VOLT_TYPE.VARBINARY,
  VOLT_TYPE.GEOGRAPHY_POINT,
  VOLT_TYPE.GEOGRAPHY,
  VOLT_TYPE.NULL,
];

const INT64_MAX = (1n << 63n) - 1n;

/** A polygon: a small square (optionally with a square hole), closed rings in user order. */
const geographyArbitrary = fc
  .record({
    x: fc.integer({ min: -1700, max: 1690 }),
    y: fc.integer({ min: -800, max: 790 }),
    size: fc.integer({ min: 1, max: 10 }),
    hole: fc.boolean(),
  })
  .map(({ x, y, size, hole }) => {
    const x0 = x / 10;
    const y0 = y / 10;
    const d = size / 10;
    const shell: [number, number][] = [
      [x0, y0],
      [x0 + d, y0],
      [x0 + d, y0 + d],
      [x0, y0 + d],
      [x0, y0],
    ];
    if (!hole) return new Geography([shell]);
    const a = d / 4;
    const b = (3 * d) / 4;
    const inner: [number, number][] = [
      [x0 + a, y0 + a],
      [x0 + a, y0 + b],
      [x0 + b, y0 + b],
      [x0 + b, y0 + a],
      [x0 + a, y0 + a],
    ];
    return new Geography([shell, inner]);
  });

/** Non-NULL values of one type, as `writeValue` accepts them. */
export function valueArbitrary(type: number): fc.Arbitrary<unknown> {
  switch (type) {
    case VOLT_TYPE.TINYINT:
      return fc.integer({ min: -127, max: 127 });
    case VOLT_TYPE.SMALLINT:
      return fc.integer({ min: -32767, max: 32767 });
    case VOLT_TYPE.INTEGER:
      return fc.integer({ min: -2147483647, max: 2147483647 });
    case VOLT_TYPE.BIGINT:
      return fc.bigInt(-INT64_MAX, INT64_MAX);
    case VOLT_TYPE.FLOAT:
      // Above −1.7E308: values at or below it are NULL on the wire.
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1.6e308 });
    case VOLT_TYPE.STRING:
      return fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ minLength: 40, maxLength: 90 }));
    case VOLT_TYPE.TIMESTAMP:
      return fc.bigInt(-INT64_MAX, INT64_MAX);
    case VOLT_TYPE.DATE:
      return fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => VoltDate.fromDate(d));
    case VOLT_TYPE.DECIMAL:
      return fc.bigInt(-DECIMAL_MAX_UNSCALED, DECIMAL_MAX_UNSCALED).map((u) => decimalFromUnscaled(u));
    case VOLT_TYPE.VARBINARY:
      return fc.uint8Array({ maxLength: 70 });
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return fc
        .record({ lng: fc.double({ min: -180, max: 180, noNaN: true }), lat: fc.double({ min: -90, max: 90, noNaN: true }) })
        .map(({ lng, lat }) => new GeographyPoint(lng, lat));
    case VOLT_TYPE.GEOGRAPHY:
      return geographyArbitrary;
    default:
      return fc.constant(null);
  }
}

/** A random table: 0..12 columns of any type, 0..40 rows, about 20% NULLs. */
export const tableArbitrary: fc.Arbitrary<TableSpec> = fc
  .array(fc.constantFrom(...ALL_TYPES), { minLength: 1, maxLength: 12 })
  .chain((types) =>
    fc.record({
      columns: fc.constant(types.map((type, i) => ({ name: `C${i}`, type }))),
      rows: fc.array(fc.tuple(...types.map((type) => fc.option(valueArbitrary(type), { freq: 5, nil: null }))), {
        maxLength: 40,
      }),
    }),
  );

/** The bare bytes of a table. */
export function tableBytes(spec: TableSpec, status = -128): Buffer {
  const w = new BufferWriter(Buffer.alloc(1024));
  writeTable(w, spec.columns, spec.rows, status);
  return Buffer.from(w.message());
}

/** One response frame (length prefix included) holding `tables`. */
export function responseFrame(tables: readonly TableInput[], handle = 7n): Buffer {
  return encodeResponse({ handle, status: 1, tables });
}

/** A frame in an ArrayBuffer of its own (as the frame decoder hands large frames over). */
export function ownFrame(frame: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new ArrayBuffer(frame.byteLength));
  copy.set(frame);
  return copy;
}

/**
 * A raw table with hand-made rows: `rows` are row bodies (without their i32 length, which is
 * added). For malformed-input tests; `rowLengths` overrides the lengths written.
 */
export function rawTable(columns: ColumnSpec[], rows: Uint8Array[], rowLengths?: number[]): Buffer {
  const names = columns.map((c) => Buffer.from(c.name, 'utf8'));
  const headerLength = 1 + 2 + columns.length + names.reduce((n, b) => n + 4 + b.length, 0);
  const rowsLength = rows.reduce((n, r) => n + 4 + r.length, 0);
  const total = 4 + headerLength + 4 + rowsLength;
  const out = Buffer.alloc(4 + total);
  let at = out.writeInt32BE(total, 0);
  at = out.writeInt32BE(headerLength, at);
  at = out.writeInt8(-128, at);
  at = out.writeInt16BE(columns.length, at);
  for (const c of columns) at = out.writeInt8(c.type, at);
  for (const n of names) {
    at = out.writeInt32BE(n.length, at);
    at += n.copy(out, at);
  }
  at = out.writeInt32BE(rows.length, at);
  rows.forEach((row, i) => {
    at = out.writeInt32BE(rowLengths?.[i] ?? row.length, at);
    at += Buffer.from(row).copy(out, at);
  });
  return out;
}

/** Big-endian bytes from a hex string with optional spaces. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** A comparable form of any row value. */
export function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (Decimal.isDecimal(value)) return `decimal:${(value as Decimal).toFixed(12)}`;
  if (value instanceof VoltDate) return `voltdate:${value.toString()}`;
  if (value instanceof GeographyPoint) return ['point', value.longitude, value.latitude];
  if (value instanceof Geography) return ['polygon', value.rings.map((ring) => ring.map(([x, y]) => [x, y]))];
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return value;
}

export function normalizeRows(rows: Iterable<unknown[]>): unknown[][] {
  return [...rows].map((row) => row.map(normalize));
}
