/**
 * The seed inputs the fuzzer mutates: the shared wire captures (`../shared/fixtures`, read at
 * run time, never copied) plus frames built here with the project's own encoders, so the
 * corpus is never empty when the fixtures are absent. Each response frame is also taken apart
 * into its header and its tables, so tables from different frames can be spliced together
 * into new, structurally valid frames.
 */
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { encodeInvocation } from '../../src/protocol/invocation-writer.js';
import { encodeLoginRequest, encodeLoginResponse } from '../../src/protocol/login.js';
import { encodeResponse, readResponseHeader, tableLayouts, type TableLayout } from '../../src/protocol/response.js';
import { encodeSerializedException } from '../../src/protocol/exception.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { FIXTURES_PRESENT, listFixtures, readFixture } from '../helpers/fixtures.js';
import { frameOf, plausibleLengthFields } from '../helpers/mutators.js';

/** A seed with the offsets of its length fields (i32) and counts (i16), for aimed mutations. */
export interface Seed {
  name: string;
  bytes: Buffer;
  fields: number[];
  shortFields: number[];
}

export interface Corpus {
  responses: Seed[];
  /** Bare VoltTables (the table starts at offset 0). */
  tables: Seed[];
  invocations: Seed[];
  logins: Seed[];
  /** Response headers (frame bytes 4 .. table count) and whole tables, for splicing. */
  headers: Buffer[];
  tableParts: Buffer[];
}

/** Responses above this size are trimmed to their first rows (per-input time stays small). */
const TRIM_ABOVE_BYTES = 200_000;
const TRIM_ROWS = 300;

const POLYGON = new Geography([
  [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
    [0, 0],
  ],
  [
    [0.2, 0.2],
    [0.2, 0.8],
    [0.8, 0.8],
    [0.8, 0.2],
    [0.2, 0.2],
  ],
]);

/** Built responses: every column type, NULLs, several tables, strings, exception, empty shapes. */
function builtResponses(): Buffer[] {
  const every = {
    columns: [
      { name: 'TI', type: VOLT_TYPE.TINYINT },
      { name: 'SI', type: VOLT_TYPE.SMALLINT },
      { name: 'I', type: VOLT_TYPE.INTEGER },
      { name: 'BI', type: VOLT_TYPE.BIGINT },
      { name: 'F', type: VOLT_TYPE.FLOAT },
      { name: 'S', type: VOLT_TYPE.STRING },
      { name: 'TS', type: VOLT_TYPE.TIMESTAMP },
      { name: 'D', type: VOLT_TYPE.DATE },
      { name: 'DEC', type: VOLT_TYPE.DECIMAL },
      { name: 'VB', type: VOLT_TYPE.VARBINARY },
      { name: 'PT', type: VOLT_TYPE.GEOGRAPHY_POINT },
      { name: 'G', type: VOLT_TYPE.GEOGRAPHY },
      { name: 'N', type: VOLT_TYPE.NULL },
    ],
    rows: [
      [1, 2, 3, 4n, 1.5, 'héllo ☃', new Date(1700000000123), new VoltDate(2025, 7, 10), new Decimal('-12.5'), new Uint8Array([0, 1, 0xfe]), new GeographyPoint(-71.06, 42.36), POLYGON, null],
      [null, null, null, null, null, null, null, null, null, null, null, null, null],
      [-127, 32767, -2147483647, 9223372036854775807n, -0, '', new Date(0), new VoltDate(1, 1, 1), new Decimal('99999999999999999999999999.999999999999'), new Uint8Array(0), new GeographyPoint(180, -90), null, null],
    ],
  };
  const strings = { columns: [{ name: 'A', type: VOLT_TYPE.STRING }, { name: 'B', type: VOLT_TYPE.VARBINARY }], rows: Array.from({ length: 20 }, (_, i) => [`row ${i}`, new Uint8Array(i)]) };
  return [
    encodeResponse({ handle: 1n, status: 1, tables: [every] }),
    encodeResponse({ handle: -2n, status: -2, statusString: 'failed', appStatus: 3, appStatusString: 'app', clusterRoundTripMs: 7, tables: [strings, { columns: [], rows: [] }] }),
    encodeResponse({ handle: 3n, status: -3, statusString: '', exception: encodeSerializedException(2, 'sql error', Buffer.from('42000')) }),
    encodeResponse({ handle: 4n, status: 1, tables: [{ columns: [{ name: 'modified_tuples', type: VOLT_TYPE.BIGINT }], rows: [[1n]], status: 0 }, every, strings] }),
  ];
}

function builtInvocations(): Buffer[] {
  return [
    encodeInvocation({ procedure: '@Ping', handle: 1n }),
    encodeInvocation({
      procedure: 'Every',
      handle: -5n,
      params: [1, 2n, 1.5, 'text', true, null, new Date(5), new Decimal('3.14'), new Uint8Array([1, 2]), new GeographyPoint(1, 2), POLYGON, new VoltDate(2020, 2, 29), ['a', null], [1, 2, 3], { columns: [{ name: 'X', type: VOLT_TYPE.INTEGER }], rows: [[1], [null]] }],
    }),
    encodeInvocation({
      procedure: 'Typed',
      handle: 7n,
      params: [1, 2, true, [1, 2], [new Decimal(1)], '1.5', [new GeographyPoint(0, 0)], ['2020-01-01']],
      types: ['TINYINT', 'SMALLINT', 'BOOLEAN', 'TINYINT[]', 'DECIMAL[]', 'DECIMAL_STRING', 'GEOGRAPHY_POINT[]', 'DATE[]'],
    }),
    encodeInvocation({ procedure: 'V2', handle: 42n, params: [7], queryTimeoutMs: 1000, partitionDestination: 5, priority: 4, requestTimeoutUs: 250000 }),
    encodeInvocation({ procedure: 'V1', handle: 42n, params: [[POLYGON, null]], queryTimeoutMs: 1000, version: 1 }),
  ];
}

function builtLogins(): Buffer[] {
  return [
    encodeLoginRequest({ username: 'user', password: 'secret' }),
    encodeLoginRequest({ username: 'legacy', password: 'secret', version: 0 }),
    encodeLoginRequest({ username: '', scheme: 'sha1' }),
    encodeLoginResponse({ resultCode: 0, hostId: 1, connectionId: 2n, clusterStartMs: 3n, leaderAddress: '127.0.0.1', buildString: 'volt_11.4' }),
    encodeLoginResponse({ resultCode: -1 }),
  ];
}

/** Frame bytes 4 .. the i16 table count (exclusive), and each table's bytes. */
function partsOf(frame: Buffer): { header: Buffer; tables: Buffer[]; layouts: TableLayout[] } | null {
  try {
    const header = readResponseHeader(frame);
    const layouts = tableLayouts(frame, header);
    return {
      header: frame.subarray(4, header.tablesOffset - 2),
      tables: layouts.map((l) => frame.subarray(l.offset, l.end)),
      layouts,
    };
  } catch {
    return null;
  }
}

/** A response frame made of a header body (without table count) and whole tables. */
export function composeResponse(header: Uint8Array, tables: readonly Uint8Array[]): Buffer {
  const count = Buffer.alloc(2);
  count.writeInt16BE(tables.length, 0);
  return frameOf(Buffer.concat([header, count, ...tables]));
}

/** The same response with each table cut to its first `maxRows` rows (lengths fixed up). */
function trimResponse(frame: Buffer, maxRows: number): Buffer {
  const parts = partsOf(frame);
  if (parts === null) return frame;
  const tables = parts.layouts.map((layout, i) => {
    if (layout.rowCount <= maxRows) return parts.tables[i]!;
    let end = layout.rowsOffset;
    for (let r = 0; r < maxRows; r++) end += 4 + frame.readInt32BE(end);
    const table = Buffer.from(frame.subarray(layout.offset, end));
    table.writeInt32BE(table.length - 4, 0);
    table.writeInt32BE(maxRows, layout.rowsOffset - 4 - layout.offset);
    return table;
  });
  return composeResponse(parts.header, tables);
}

/** Offsets of the length and count fields of a valid response frame, found by walking it. */
export function responseFields(frame: Buffer): { fields: number[]; shortFields: number[] } {
  const fields = [0];
  const shortFields: number[] = [];
  try {
    const header = readResponseHeader(frame);
    const flags = frame[13]!;
    let at = 15;
    if (flags & 0x20) {
      fields.push(at);
      at += 4 + Math.max(0, frame.readInt32BE(at));
    }
    at += 1;
    if (flags & 0x80) {
      fields.push(at);
      at += 4 + Math.max(0, frame.readInt32BE(at));
    }
    at += 4;
    if (flags & 0x40) fields.push(at);
    shortFields.push(header.tablesOffset - 2);
    for (const layout of tableLayouts(frame, header)) {
      fields.push(layout.offset, layout.offset + 4, layout.rowsOffset - 4);
      shortFields.push(layout.offset + 9);
      let name = layout.offset + 11 + layout.columns.length;
      for (let c = 0; c < layout.columns.length; c++) {
        fields.push(name);
        name += 4 + frame.readInt32BE(name);
      }
      let row = layout.rowsOffset;
      for (let r = 0; r < layout.rowCount && fields.length < 4000; r++) {
        fields.push(row);
        let value = row + 4;
        for (const { type } of layout.columns) {
          const size = FIXED.get(type);
          if (size !== undefined) {
            value += size;
            continue;
          }
          fields.push(value);
          const length = frame.readInt32BE(value);
          if (type === VOLT_TYPE.GEOGRAPHY && length > 0) fields.push(value + 4 + 3, value + 4 + 7 + 1);
          value += 4 + Math.max(0, length);
        }
        row += 4 + frame.readInt32BE(row);
      }
    }
  } catch {
    // Not a valid response: the walk stops where it is.
  }
  return { fields, shortFields };
}

const FIXED = new Map<number, number>([
  [VOLT_TYPE.NULL, 0],
  [VOLT_TYPE.TINYINT, 1],
  [VOLT_TYPE.SMALLINT, 2],
  [VOLT_TYPE.INTEGER, 4],
  [VOLT_TYPE.DATE, 4],
  [VOLT_TYPE.BIGINT, 8],
  [VOLT_TYPE.TIMESTAMP, 8],
  [VOLT_TYPE.FLOAT, 8],
  [VOLT_TYPE.DECIMAL, 16],
  [VOLT_TYPE.GEOGRAPHY_POINT, 16],
]);

function seedOf(name: string, bytes: Buffer, response: boolean): Seed {
  if (response) return { name, bytes, ...responseFields(bytes) };
  return { name, bytes, fields: plausibleLengthFields(bytes), shortFields: [] };
}

/** Load the corpus: fixtures when present, always the built frames. */
export function loadCorpus(options: { fixtures?: boolean } = {}): Corpus {
  const useFixtures = (options.fixtures ?? true) && FIXTURES_PRESENT;
  const responses: Seed[] = builtResponses().map((b, i) => seedOf(`built/response-${i}`, b, true));
  const invocations: Seed[] = builtInvocations().map((b, i) => seedOf(`built/invocation-${i}`, b, false));
  const logins: Seed[] = builtLogins().map((b, i) => seedOf(`built/login-${i}`, b, false));
  const tables: Seed[] = [];

  if (useFixtures) {
    for (const name of listFixtures('real')) {
      const bytes = readFixture(`real/${name}`);
      if (name.startsWith('login_')) logins.push(seedOf(`real/${name}`, bytes, false));
      else if (name.endsWith('.request.bin')) invocations.push(seedOf(`real/${name}`, bytes, false));
      else if (name.endsWith('.response.bin')) {
        const trimmed = bytes.length > TRIM_ABOVE_BYTES ? trimResponse(bytes, TRIM_ROWS) : bytes;
        responses.push(seedOf(`real/${name}${trimmed === bytes ? '' : ' (trimmed)'}`, trimmed, true));
      }
    }
    for (const name of listFixtures('wire')) {
      let bytes = readFixture(`wire/${name}`);
      if (name === 'serialized_table.bin') {
        tables.push(seedOf(`wire/${name}`, bytes, false));
        continue;
      }
      // The one capture without a length prefix gets one (PROTOCOL.md 12).
      if (name === 'invocation_response_select_with_date.msg') bytes = frameOf(bytes);
      if (name.startsWith('authentication_')) logins.push(seedOf(`wire/${name}`, bytes, false));
      else if (name.startsWith('invocation_request_')) invocations.push(seedOf(`wire/${name}`, bytes, false));
      else responses.push(seedOf(`wire/${name}`, bytes, true));
    }
  }

  const headers: Buffer[] = [];
  const tableParts: Buffer[] = [];
  for (const seed of responses) {
    const parts = partsOf(seed.bytes);
    if (parts === null) continue;
    headers.push(parts.header);
    for (const table of parts.tables) {
      tableParts.push(table);
      if (table.length <= 20_000) tables.push(seedOf(`${seed.name} table`, Buffer.from(table), false));
    }
  }
  return { responses, tables, invocations, logins, headers, tableParts };
}
