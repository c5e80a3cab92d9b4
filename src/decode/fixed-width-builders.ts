/**
 * The fixed-width column types as one table, and the one builder that decodes any of them
 * (see `column-builder.ts` for the block protocol).
 *
 * A type is data ({@link FIXED_WIDTH_TYPES}): its width, the array its column is, the values that
 * mean NULL and, for DATE only, a conversion. The builder runs the loop for the width: one per
 * way of reading a value (1, 2, 4, 8 bytes, and 16 bytes as one number or as two doubles), each
 * a module-level function with plain arguments, no `this` and no call inside the loop (in an
 * isolated probe, a BIGINT loop written as a method over a destructured options object, calling
 * a method per NULL, ran 2–3× slower). A value is read at `cursor[k] + offset` through the
 * big-endian DataView; a NULL clears its validity bit and leaves a zero. Each loop returns the
 * NULLs it found.
 *
 * NULL is given as the value's bytes read as one unsigned big-endian number: a single sentinel,
 * or for an 8-byte type a range `[nullFrom, nullTo]` — FLOAT's NULL is any value ≤ −1.7E308
 * (see {@link FLOAT_NULL_MAX}), i.e. the bytes from `FFEE42D1 30773B76` (−1.7E308) through
 * `FFF00000 00000000` (−∞). It is turned into 32-bit words once, when the table is built, and
 * the loops compare words, so no double is read to find a NULL.
 *
 * Output arrays are allocated uninitialised (every slot is written, NULL slots with 0): about
 * 10 % faster on the narrow table than zero-filled arrays (A/B runs of the 16 MB narrow frame).
 *
 * 64-bit and 128-bit values (BIGINT, TIMESTAMP, FLOAT, DECIMAL, GEOGRAPHY_POINT) are moved as
 * 32-bit words into an `Int32Array` view of the output: no BigInt is allocated and no double is
 * re-encoded (NaN payloads survive). In bench/fixed-width-strategies.bench.ts, reading BIGINT
 * and TIMESTAMP as BigInts (`getBigInt64` into a BigInt64Array) made the narrow table about 2×
 * slower, and gathering raw words from an aligned copy of the rows, then byte-swapping each
 * column with the native `Buffer#swap64`/`swap32`, 1.5–1.7× slower. Reading 8-byte values as
 * doubles (`getFloat64` into a Float64Array) was no faster than words in a probe (6.1 against
 * 6.6 ms) and would leave NaN payloads to the engine. This relies on a little-endian platform,
 * which is also what Arrow's layout requires (checked once at load).
 */
import { endianness } from 'node:os';
import { VoltError } from '../errors.js';
import { VOLT_TYPE } from '../protocol/constants.js';
import { isValidDay } from '../protocol/volt-date.js';
import { daysFromCivil } from './calendar.js';
import { ColumnBuilder, type RowBlock } from './column-builder.js';
import type { ColumnInfo, ColumnParts } from './column.js';
import type { ColumnMemory } from './column-memory.js';

if (endianness() !== 'LE') throw new VoltError('voltwire columns need a little-endian platform (Arrow layout)');

/**
 * FLOAT NULL: any value ≤ −1.7E308. PROTOCOL.md 4.1 names the bits 0xFFEE42D1_30773B76, but the
 * real 11.4 server sends a NULL FLOAT column value as −Double.MAX_VALUE (0xFFEFFFFF_FFFFFFFF,
 * fixtures/real/select_all_types row 2); the C++ client's `≤ −1.7E308` covers both.
 */
export const FLOAT_NULL_MAX = -1.7e308;

/** The array a fixed-width column is stored in. */
export type FixedValues = Int8Array | Int16Array | Int32Array | BigInt64Array | Float64Array | Uint8Array;

/** How a fixed-width type is laid out and recognised as NULL: one row of the table below. */
interface FixedWidthSpec {
  /** Bytes a value takes in a row, and in the column's array. */
  readonly bytes: 0 | 1 | 2 | 4 | 8 | 16;
  /** The column's array over its output memory; `null` for the NULL type, which stores nothing. */
  readonly values: ((buffer: ArrayBuffer | SharedArrayBuffer) => FixedValues) | null;
  /**
   * The bytes of one number, whose order is reversed (big-endian wire → little-endian array):
   * the whole value, except GEOGRAPHY_POINT, whose 16 bytes are two 8-byte doubles.
   */
  readonly element?: 8;
  /**
   * NULL: the value's bytes, as an unsigned big-endian number, lie in `[nullFrom, nullTo]`;
   * the two are equal (a single sentinel) except for 8-byte types.
   */
  readonly nullFrom: bigint;
  readonly nullTo: bigint;
  /** Run on each decoded block (DATE: packed calendar day → days since the epoch, checked). */
  readonly convert?: (builder: FixedWidthBuilder, block: RowBlock, offset: number, values: Int32Array) => void;
}

/** A fixed-width type: its spec, and its NULL range as the arguments of its width's loop. */
export interface FixedWidthType extends FixedWidthSpec {
  readonly nullArgs: readonly [number, number, number, number];
}

function decode1(view: DataView, cursor: Int32Array, offset: number, out: Int8Array, validity: Uint8Array, first: number, count: number, a: number): number {
  const sentinel = a | 0;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    const value = view.getInt8(cursor[k]! + offset);
    if (value === sentinel) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      out[row] = 0;
    } else {
      out[row] = value;
    }
  }
  return nulls;
}

function decode2(view: DataView, cursor: Int32Array, offset: number, out: Int16Array, validity: Uint8Array, first: number, count: number, a: number): number {
  const sentinel = a | 0;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    const value = view.getInt16(cursor[k]! + offset);
    if (value === sentinel) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      out[row] = 0;
    } else {
      out[row] = value;
    }
  }
  return nulls;
}

function decode4(view: DataView, cursor: Int32Array, offset: number, out: Int32Array, validity: Uint8Array, first: number, count: number, a: number): number {
  const sentinel = a | 0;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    const value = view.getInt32(cursor[k]! + offset);
    if (value === sentinel) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      out[row] = 0;
    } else {
      out[row] = value;
    }
  }
  return nulls;
}

/** 8 bytes: (high, low) words swapped into place; NULL when the pair lies in the type's range. */
function decode8(view: DataView, cursor: Int32Array, offset: number, words: Int32Array, validity: Uint8Array, first: number, count: number, a: number, b: number, c: number, d: number): number {
  const highFrom = a | 0;
  const highSpan = b | 0;
  const lowFrom = c | 0;
  const lowTo = d | 0;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    const at = cursor[k]! + offset;
    const high = view.getInt32(at);
    const low = view.getInt32(at + 4);
    // How far the high word is past the range's first high word (read as unsigned): one
    // compare rules out every value whose high word is outside the range.
    const above = (high - highFrom) | 0;
    if (above >>> 0 <= highSpan >>> 0 && (above !== 0 || low >>> 0 >= lowFrom >>> 0) && (above !== highSpan || low >>> 0 <= lowTo >>> 0)) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      words[row << 1] = 0;
      words[(row << 1) + 1] = 0;
    } else {
      words[row << 1] = low;
      words[(row << 1) + 1] = high;
    }
  }
  return nulls;
}

/** 16 bytes, one number: four words, most significant first on the wire → least significant first. */
function decode16(view: DataView, cursor: Int32Array, offset: number, words: Int32Array, validity: Uint8Array, first: number, count: number, a: number, b: number, c: number, d: number): number {
  const n0 = a | 0;
  const n1 = b | 0;
  const n2 = c | 0;
  const n3 = d | 0;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    const at = cursor[k]! + offset;
    const w3 = view.getInt32(at);
    const w2 = view.getInt32(at + 4);
    const w1 = view.getInt32(at + 8);
    const w0 = view.getInt32(at + 12);
    const w = row << 2;
    if (((w3 ^ n0) | (w2 ^ n1) | (w1 ^ n2) | (w0 ^ n3)) === 0) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      words[w] = words[w + 1] = words[w + 2] = words[w + 3] = 0;
    } else {
      words[w] = w0;
      words[w + 1] = w1;
      words[w + 2] = w2;
      words[w + 3] = w3;
    }
  }
  return nulls;
}

/** 16 bytes, two 8-byte numbers (GEOGRAPHY_POINT): each one's words swapped, the pair kept in order. */
function decode8x2(view: DataView, cursor: Int32Array, offset: number, words: Int32Array, validity: Uint8Array, first: number, count: number, a: number, b: number, c: number, d: number): number {
  const n0 = a | 0;
  const n1 = b | 0;
  const n2 = c | 0;
  const n3 = d | 0;
  let nulls = 0;
  for (let k = 0, row = first; k < count; k++, row++) {
    const at = cursor[k]! + offset;
    const high0 = view.getInt32(at);
    const low0 = view.getInt32(at + 4);
    const high1 = view.getInt32(at + 8);
    const low1 = view.getInt32(at + 12);
    const w = row << 2;
    if (((high0 ^ n0) | (low0 ^ n1) | (high1 ^ n2) | (low1 ^ n3)) === 0) {
      validity[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
      words[w] = words[w + 1] = words[w + 2] = words[w + 3] = 0;
    } else {
      words[w] = low0;
      words[w + 1] = high0;
      words[w + 2] = low1;
      words[w + 3] = high1;
    }
  }
  return nulls;
}

/**
 * The NULL sentinel or range as the loops' number arguments:
 * - 1, 2, 4 bytes: the sentinel as the signed value the loop reads (compared with `===`: a
 *   range test there made the NULL-heavy sparse table ~5 % slower);
 * - 8 bytes: the high word of `nullFrom` (signed), the high-word span, and the low words of
 *   `nullFrom` and `nullTo` (unsigned); NULL iff the (high, low) pair lies in the range;
 * - 16 bytes: the sentinel's four words in wire order.
 */
function nullArgs({ bytes, nullFrom, nullTo }: FixedWidthSpec): [number, number, number, number] {
  const signed = (value: bigint, bits: number): number => Number(BigInt.asIntN(bits, value));
  const word = (value: bigint, index: number): number => signed(value >> BigInt(32 * index), 32);
  if (bytes !== 8 && nullFrom !== nullTo) throw new VoltError(`a ${bytes}-byte NULL must be a single sentinel`);
  switch (bytes) {
    case 0:
      return [0, 0, 0, 0];
    case 1:
    case 2:
    case 4:
      return [signed(nullFrom, bytes * 8), 0, 0, 0];
    case 8:
      return [word(nullFrom, 1), (word(nullTo, 1) - word(nullFrom, 1)) >>> 0, word(nullFrom, 0) >>> 0, word(nullTo, 0) >>> 0];
    case 16:
      return [word(nullFrom, 3), word(nullFrom, 2), word(nullFrom, 1), word(nullFrom, 0)];
  }
}

function fixedType(spec: FixedWidthSpec): FixedWidthType {
  return { ...spec, nullArgs: nullArgs(spec) };
}

const INT64 = fixedType({ bytes: 8, values: (buffer) => new BigInt64Array(buffer), nullFrom: 0x8000_0000_0000_0000n, nullTo: 0x8000_0000_0000_0000n });

/** Every fixed-width column type by wire code; the Arrow side of each is in `column.ts`. */
export const FIXED_WIDTH_TYPES: ReadonlyMap<number, FixedWidthType> = new Map<number, FixedWidthType>([
  // NULL (type 1): zero bytes per row, every value NULL.
  [VOLT_TYPE.NULL, fixedType({ bytes: 0, values: null, nullFrom: 0n, nullTo: 0n })],
  [VOLT_TYPE.TINYINT, fixedType({ bytes: 1, values: (buffer) => new Int8Array(buffer), nullFrom: 0x80n, nullTo: 0x80n })],
  [VOLT_TYPE.SMALLINT, fixedType({ bytes: 2, values: (buffer) => new Int16Array(buffer), nullFrom: 0x8000n, nullTo: 0x8000n })],
  [VOLT_TYPE.INTEGER, fixedType({ bytes: 4, values: (buffer) => new Int32Array(buffer), nullFrom: 0x8000_0000n, nullTo: 0x8000_0000n })],
  // DATE: read as an INTEGER, then packed `(year << 16) | (month << 8) | day` → Arrow Date32.
  [
    VOLT_TYPE.DATE,
    fixedType({ bytes: 4, values: (buffer) => new Int32Array(buffer), nullFrom: 0x8000_0000n, nullTo: 0x8000_0000n, convert: convertDates }),
  ],
  [VOLT_TYPE.BIGINT, INT64],
  // TIMESTAMP: µs since the epoch, stored like BIGINT.
  [VOLT_TYPE.TIMESTAMP, INT64],
  // FLOAT: bits copied (NaN payloads survive); NULL is −1.7E308 (FFEE42D1 30773B76) through −∞.
  [
    VOLT_TYPE.FLOAT,
    fixedType({ bytes: 8, values: (buffer) => new Float64Array(buffer), nullFrom: 0xffee_42d1_3077_3b76n, nullTo: 0xfff0_0000_0000_0000n }),
  ],
  // DECIMAL: 16 bytes big-endian → little-endian two's complement (Arrow Decimal128); NULL is −2^127.
  [VOLT_TYPE.DECIMAL, fixedType({ bytes: 16, values: (buffer) => new Uint8Array(buffer), nullFrom: 1n << 127n, nullTo: 1n << 127n })],
  // GEOGRAPHY_POINT: (longitude, latitude) doubles, interleaved; NULL is 360.0, 360.0.
  [
    VOLT_TYPE.GEOGRAPHY_POINT,
    fixedType({
      bytes: 16,
      element: 8,
      values: (buffer) => new Float64Array(buffer),
      nullFrom: 0x40768000_00000000_40768000_00000000n,
      nullTo: 0x40768000_00000000_40768000_00000000n,
    }),
  ],
]);

/** DATE: each valid packed day → days since 1970-01-01; an impossible day is a ProtocolError. */
function convertDates(builder: FixedWidthBuilder, block: RowBlock, offset: number, values: Int32Array): void {
  const { first, count, cursor } = block;
  const validity = builder.validity;
  for (let k = 0, row = first; k < count; k++, row++) {
    if ((validity[row >> 3]! & (1 << (row & 7))) === 0) continue;
    const packed = values[row]!;
    const year = packed >> 16;
    const month = (packed >> 8) & 0xff;
    const day = packed & 0xff;
    if (!isValidDay(year, month, day)) {
      throw builder.fail(`DATE 0x${(packed >>> 0).toString(16)} is not a calendar date`, row, cursor[k]! + offset);
    }
    values[row] = daysFromCivil(year, month, day);
  }
}

/** The output as its width's loop writes it: bytes (1), 16-bit (2) or 32-bit words (4, 8, 16). */
function loopView(buffer: ArrayBuffer | SharedArrayBuffer, bytes: number): Int8Array | Int16Array | Int32Array {
  if (bytes === 1) return new Int8Array(buffer);
  if (bytes === 2) return new Int16Array(buffer);
  return new Int32Array(buffer);
}

/** The builder of every fixed-width column; its {@link FixedWidthType} says how. */
export class FixedWidthBuilder extends ColumnBuilder {
  readonly fixed = true;
  readonly minBytes: number;
  private readonly type: FixedWidthType;
  private readonly buffer: ArrayBuffer | SharedArrayBuffer;
  private readonly out: Int8Array | Int16Array | Int32Array;

  constructor(type: FixedWidthType, info: ColumnInfo, columnIndex: number, length: number, memory: ColumnMemory) {
    super(info, columnIndex, length, memory);
    this.type = type;
    this.minBytes = type.bytes;
    // Uninitialised (see column-memory.ts): every slot is written, NULL slots with 0.
    this.buffer = memory(length * type.bytes);
    this.out = loopView(this.buffer, type.bytes);
  }

  /**
   * Runs the loop for the width, called directly: calling it through a function held by the
   * type (one call site, six loops) made the narrow table ~25 % slower (11.0 against 8.2–9.2 ms).
   *
   * V8 compiles this method on its own with the loops inlined into it: it is above V8's size
   * for inlining into the decoder's step loop (the destructuring below adds to its size). A
   * version reading `nullArgs[0..3]` one by one was small enough to be inlined, loops and all,
   * into `decodeTable`, and decoded the narrow table ~20 % slower (best of 16 fresh processes:
   * 8.3 against 6.5 ms). Check `node --trace-turbo-inlining` when changing this method.
   */
  decode(block: RowBlock, offset: number): void {
    const { type, out, validity } = this;
    const { view, cursor, first, count } = block;
    const [a, b, c, d] = type.nullArgs;
    let nulls: number;
    switch (type.bytes) {
      case 1:
        nulls = decode1(view, cursor, offset, out as Int8Array, validity, first, count, a);
        break;
      case 2:
        nulls = decode2(view, cursor, offset, out as Int16Array, validity, first, count, a);
        break;
      case 4:
        nulls = decode4(view, cursor, offset, out as Int32Array, validity, first, count, a);
        break;
      case 8:
        nulls = decode8(view, cursor, offset, out as Int32Array, validity, first, count, a, b, c, d);
        break;
      default:
        nulls =
          type.element === 8
            ? decode8x2(view, cursor, offset, out as Int32Array, validity, first, count, a, b, c, d)
            : decode16(view, cursor, offset, out as Int32Array, validity, first, count, a, b, c, d);
    }
    this.nullCount += nulls;
    type.convert?.(this, block, offset, out as Int32Array);
  }

  finish(): ColumnParts {
    const { values } = this.type;
    if (values === null) {
      this.nullCount = this.length;
      this.validity.fill(0);
      return this.parts(null);
    }
    return this.parts(values(this.buffer));
  }
}
