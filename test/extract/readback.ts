/**
 * Reading extraction outputs back, independently of the writers: Arrow through apache-arrow's
 * reader and the raw buffers of each column (so µs timestamps and Decimal128 words are checked
 * exactly), CSV through a small RFC 4180 parser, NDJSON through JSON.parse.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { EVENT_COLUMNS, Geography, GeographyPoint } from './support.js';

/** The rings of a WKB polygon, read by the OGC layout: byte order, type 3, rings of (x, y) doubles. */
export function wkbPolygonRings(bytes: Uint8Array): number[][][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = view.getUint8(0) === 1;
  assert.equal(view.getUint32(1, little), 3, 'a WKB polygon');
  let at = 9;
  const rings: number[][][] = [];
  for (let r = view.getUint32(5, little); r > 0; r--) {
    const ring: number[][] = [];
    for (let n = view.getUint32(at, little), i = 0; i < n; i++) ring.push([view.getFloat64(at + 4 + 16 * i, little), view.getFloat64(at + 12 + 16 * i, little)]);
    at += 4 + 16 * ring.length;
    rings.push(ring);
  }
  assert.equal(at, bytes.byteLength, 'no bytes after the polygon');
  return rings;
}

/** Rows of an Arrow IPC file or stream, values normalised for `assertCell`. */
export function arrowRows(path: string): { rows: unknown[][]; schema: arrow.Schema } {
  const table = arrow.tableFromIPC(readFileSync(path));
  const rows: unknown[][] = [];
  for (const batch of table.batches) {
    const datas = batch.schema.fields.map((_, c) => batch.getChildAt(c)!.data[0]!);
    for (let r = 0; r < batch.numRows; r++) rows.push(datas.map((data, c) => arrowCell(data, c, r)));
  }
  return { rows, schema: table.schema };
}

function arrowCell(data: arrow.Data, c: number, r: number): unknown {
  if (!data.getValid(r)) return null;
  const i = data.offset + r;
  const values = data.values as unknown as ArrayLike<number | bigint>;
  switch (EVENT_COLUMNS[c]!.type) {
    case VOLT_TYPE.DECIMAL: {
      const words = data.values as unknown as Uint32Array;
      let bits = 0n;
      for (let w = 3; w >= 0; w--) bits = (bits << 32n) | BigInt(words[i * 4 + w]!);
      const unscaledValue = bits >= 1n << 127n ? bits - (1n << 128n) : bits;
      const negative = unscaledValue < 0n;
      const abs = negative ? -unscaledValue : unscaledValue;
      return `${negative ? '-' : ''}${abs / 10n ** 12n}.${String(abs % 10n ** 12n).padStart(12, '0')}`;
    }
    case VOLT_TYPE.STRING:
    case VOLT_TYPE.VARBINARY:
    case VOLT_TYPE.GEOGRAPHY: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = (data.values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!);
      if (EVENT_COLUMNS[c]!.type === VOLT_TYPE.STRING) return Buffer.from(bytes).toString('utf8');
      if (EVENT_COLUMNS[c]!.type === VOLT_TYPE.GEOGRAPHY) return new Geography(wkbPolygonRings(bytes) as [number, number][][]);
      return bytes;
    }
    case VOLT_TYPE.GEOGRAPHY_POINT: {
      const coordinates = data.children[0]!.values as Float64Array;
      return new GeographyPoint(coordinates[2 * i]!, coordinates[2 * i + 1]!);
    }
    default:
      return values[i];
  }
}

/** The Arrow types the issue asks for. */
export function assertArrowSchema(schema: arrow.Schema): void {
  const types = schema.fields.map((f) => `${f.name}:${String(f.type)}`);
  assert.deepEqual(types, [
    'ID:Int64',
    'TINY:Int8',
    'SMALL:Int16',
    'NUM:Int32',
    'BIG:Int64',
    'RATIO:Float64',
    'AMOUNT:Decimal[38e+12]',
    'NAME:Utf8',
    'PAYLOAD:Binary',
    'CREATED:Timestamp<MICROSECOND, UTC>',
    'LOCATION:FixedSizeList[2]<Float64>',
    'AREA:Binary',
  ]);
  const amount = schema.fields[6]!.type as arrow.Decimal;
  assert.deepEqual([amount.precision, amount.scale, amount.bitWidth], [38, 12, 128]);
}

/** RFC 4180 fields: `{ text, quoted }` per field, records split on CRLF or LF outside quotes. */
export function parseCsv(text: string, delimiter = ','): { text: string; quoted: boolean }[][] {
  const records: { text: string; quoted: boolean }[][] = [];
  let record: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        value += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== delimiter && text[j] !== '\r' && text[j] !== '\n') j++;
      value = text.slice(i, j);
      assert.ok(!value.includes('"'), `bare quote in an unquoted field: ${value}`);
      i = j;
    }
    record.push({ text: value, quoted });
    if (text[i] === delimiter) {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    records.push(record);
    record = [];
  }
  return records;
}

/** `2023-11-14T22:13:20.000003Z` → µs since the epoch. */
export function parseIsoMicros(text: string): bigint {
  const match = /^(.*T\d\d:\d\d:\d\d)\.(\d{6})Z$/.exec(text);
  assert.ok(match !== null, `not ISO-8601 with microseconds: ${text}`);
  return BigInt(Date.parse(`${match[1]}Z`)) * 1000n + BigInt(match[2]!);
}

/** A text value (CSV field or NDJSON string) of column `c` as `assertCell` wants it. */
export function fromText(c: number, value: string | number | null): unknown {
  if (value === null) return null;
  switch (EVENT_COLUMNS[c]!.type) {
    case VOLT_TYPE.BIGINT:
      assert.equal(typeof value, 'string');
      return BigInt(value);
    case VOLT_TYPE.TINYINT:
    case VOLT_TYPE.SMALLINT:
    case VOLT_TYPE.INTEGER:
    case VOLT_TYPE.FLOAT:
      return Number(value);
    case VOLT_TYPE.VARBINARY:
      return Buffer.from(value as string, 'hex');
    case VOLT_TYPE.TIMESTAMP:
      return parseIsoMicros(value as string);
    case VOLT_TYPE.GEOGRAPHY_POINT:
      return GeographyPoint.fromWKT(value as string);
    case VOLT_TYPE.GEOGRAPHY:
      return Geography.fromWKT(value as string);
    default:
      return value;
  }
}

/** Rows of a CSV file (header checked), NULL = unquoted empty field. */
export function csvRows(path: string, delimiter = ','): unknown[][] {
  const [header, ...records] = parseCsv(readFileSync(path, 'utf8'), delimiter);
  assert.deepEqual(header!.map((f) => f.text), EVENT_COLUMNS.map((c) => c.name));
  return records.map((fields) => fields.map((f, c) => fromText(c, !f.quoted && f.text === '' ? null : f.text)));
}

/** Rows of an NDJSON file, keys checked. */
export function ndjsonRows(path: string): unknown[][] {
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  return lines.map((line) => {
    const object = JSON.parse(line) as Record<string, string | number | null>;
    assert.deepEqual(Object.keys(object), EVENT_COLUMNS.map((c) => c.name));
    for (const c of [1, 2, 3]) assert.ok(object[EVENT_COLUMNS[c]!.name] === null || typeof object[EVENT_COLUMNS[c]!.name] === 'number');
    return EVENT_COLUMNS.map((column, c) => fromText(c, object[column.name]!));
  });
}
