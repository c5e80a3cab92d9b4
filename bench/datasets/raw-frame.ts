/**
 * A fast, direct writer of one-table response frames for the decode benchmarks: a 100 MB
 * frame built through `writeValue` (per-value validation, JS value objects) takes seconds,
 * this takes a fraction of that. It writes exactly the bytes `encodeResponse({ handle: 1n,
 * status: 1, tables: [table] })` writes for the same values (test/decode/datasets.test.ts
 * holds it to that), so the harness's JS-value datasets and these frames are the same data.
 *
 * A generated column yields *raw* values, cheap to make and to write:
 * TINYINT/SMALLINT/INTEGER/FLOAT → number, BIGINT/TIMESTAMP → bigint (TIMESTAMP in µs),
 * DECIMAL → bigint unscaled (× 10^12), STRING → string, VARBINARY → Uint8Array, NULL → null.
 * `rawToValue` turns one into the JS row value (DESIGN.md mapping) for `TableData`.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { DECIMAL_NULL_UNSCALED, decimalFromUnscaled, writeUnscaledDecimal } from '../../src/protocol/decimal.js';
import type { TableData } from '../harness/types.js';
import { Prng } from './prng.js';

export type RawValue = number | bigint | string | Uint8Array | null;

export interface GeneratedColumn {
  name: string;
  type: number;
  /** The next raw value (or null) of this column. */
  next(prng: Prng, row: number): RawValue;
}

/** A deterministic table: its columns and the seed of its generator. */
export interface TableGenerator {
  columns: readonly GeneratedColumn[];
  seed: number;
}

/** The JS row value of a raw value (the form `writeValue` / `encodeResponse` accept). */
export function rawToValue(type: number, raw: RawValue): unknown {
  if (raw === null) return null;
  if (type === VOLT_TYPE.DECIMAL) return decimalFromUnscaled(raw as bigint);
  return raw;
}

/** Rows of raw values, generated in column order, row by row (the order both writers use). */
function* rawRows(generator: TableGenerator, rows: number): Generator<RawValue[]> {
  const prng = new Prng(generator.seed);
  for (let r = 0; r < rows; r++) yield generator.columns.map((column) => column.next(prng, r));
}

/** The table as JS values, for the harness (`registerTableFamily`). */
export function generateTable(generator: TableGenerator, rows: number): TableData {
  const out: unknown[][] = [];
  for (const raw of rawRows(generator, rows)) out.push(raw.map((value, c) => rawToValue(generator.columns[c]!.type, value)));
  return { columns: generator.columns.map(({ name, type }) => ({ name, type })), rows: out };
}

/** A growable output, ending in a frame that owns its ArrayBuffer (transferable to a worker). */
class Output {
  buffer: Buffer;
  at = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(capacity, 1024));
  }

  ensure(count: number): void {
    if (this.at + count <= this.buffer.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + count));
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }
}

/**
 * One response frame holding the generated table of `rows` rows, in a Buffer that owns its
 * ArrayBuffer. Same bytes as `encodeResponse({ handle: 1n, status: 1, tables: [generateTable(..)] })`.
 */
export function generateFrame(generator: TableGenerator, rows: number, sizeHint = rows * 64): Buffer {
  const out = new Output(sizeHint + 1024);
  const columns = generator.columns;
  // Response header (PROTOCOL.md 5): length, version 0, handle 1, fields 0, status 1,
  // appStatus −128, round trip 0, one table.
  out.ensure(64);
  let b = out.buffer;
  b.writeInt32BE(0, 0);
  b.writeInt8(0, 4);
  b.writeBigInt64BE(1n, 5);
  b.writeUInt8(0, 13);
  b.writeInt8(1, 14);
  b.writeInt8(-128, 15);
  b.writeInt32BE(0, 16);
  b.writeInt16BE(1, 20);
  out.at = 22;
  // Table header (PROTOCOL.md 6).
  const tableAt = out.at;
  const names = columns.map((c) => Buffer.from(c.name, 'utf8'));
  const headerLength = 1 + 2 + columns.length + names.reduce((n, name) => n + 4 + name.length, 0);
  out.ensure(8 + headerLength + 4);
  b = out.buffer;
  let at = tableAt + 4;
  at = b.writeInt32BE(headerLength, at);
  at = b.writeInt8(-128, at);
  at = b.writeInt16BE(columns.length, at);
  for (const column of columns) at = b.writeInt8(column.type, at);
  for (const name of names) {
    at = b.writeInt32BE(name.length, at);
    at += name.copy(b, at);
  }
  at = b.writeInt32BE(rows, at);
  out.at = at;
  for (const raw of rawRows(generator, rows)) writeRow(out, columns, raw);
  b = out.buffer;
  b.writeInt32BE(out.at - tableAt - 4, tableAt);
  b.writeInt32BE(out.at - 4, 0);
  // Exact size, own ArrayBuffer.
  const frame = Buffer.from(new ArrayBuffer(out.at));
  b.copy(frame, 0, 0, out.at);
  return frame;
}

function writeRow(out: Output, columns: readonly GeneratedColumn[], raw: RawValue[]): void {
  let size = 4;
  for (let c = 0; c < raw.length; c++) size += maxBytes(columns[c]!.type, raw[c]!);
  out.ensure(size);
  const b = out.buffer;
  const rowAt = out.at;
  let at = rowAt + 4;
  for (let c = 0; c < raw.length; c++) {
    const value = raw[c]!;
    switch (columns[c]!.type) {
      case VOLT_TYPE.TINYINT:
        at = b.writeInt8(value === null ? -128 : (value as number), at);
        break;
      case VOLT_TYPE.SMALLINT:
        at = b.writeInt16BE(value === null ? -32768 : (value as number), at);
        break;
      case VOLT_TYPE.INTEGER:
        at = b.writeInt32BE(value === null ? -2147483648 : (value as number), at);
        break;
      case VOLT_TYPE.BIGINT:
      case VOLT_TYPE.TIMESTAMP:
        at = b.writeBigInt64BE(value === null ? -(1n << 63n) : (value as bigint), at);
        break;
      case VOLT_TYPE.FLOAT:
        at = b.writeDoubleBE(value === null ? -1.7e308 : (value as number), at);
        break;
      case VOLT_TYPE.DECIMAL:
        writeUnscaledDecimal(b, at, value === null ? DECIMAL_NULL_UNSCALED : (value as bigint));
        at += 16;
        break;
      case VOLT_TYPE.STRING:
        if (value === null) at = b.writeInt32BE(-1, at);
        else {
          const length = b.write(value as string, at + 4, 'utf8');
          b.writeInt32BE(length, at);
          at += 4 + length;
        }
        break;
      case VOLT_TYPE.VARBINARY:
        if (value === null) at = b.writeInt32BE(-1, at);
        else {
          const bytes = value as Uint8Array;
          b.writeInt32BE(bytes.length, at);
          b.set(bytes, at + 4);
          at += 4 + bytes.length;
        }
        break;
      default:
        throw new Error(`raw-frame: type ${columns[c]!.type} is not generated`);
    }
  }
  b.writeInt32BE(at - rowAt - 4, rowAt);
  out.at = at;
}

function maxBytes(type: number, value: RawValue): number {
  switch (type) {
    case VOLT_TYPE.STRING:
      return value === null ? 4 : 4 + 3 * (value as string).length;
    case VOLT_TYPE.VARBINARY:
      return value === null ? 4 : 4 + (value as Uint8Array).length;
    default:
      return 16;
  }
}

/** ASCII text of `length` characters from a small alphabet (deterministic). */
export function asciiText(prng: Prng, length: number): string {
  const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.';
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[prng.below(ALPHABET.length)];
  return text;
}
