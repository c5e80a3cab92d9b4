/**
 * Every response capture in ../shared/fixtures (wire: the official C++ client's vectors;
 * real: a real VoltDB 11.4 server) is read to the values PROTOCOL.md 12 / real/README.md
 * document, and re-encoded byte for byte.
 */
import { describe, test, type TestContext } from 'node:test';
import {
  encodeResponse,
  readResponseHeader,
  tableLayouts,
  peekHandle,
  type ResponseHeader,
  type TableLayout,
} from '../../src/protocol/response.js';
import { readTableLayout } from '../../src/protocol/response-reader.js';
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { readValue } from '../../src/protocol/value-reader.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { listFixtures, readFixture, SKIP_WITHOUT_FIXTURES } from '../helpers/fixtures.js';
import { withPrefix } from './response-builders.js';

const WIRE_HANDLE = -2401053088942412544n; // 0xDEADBEEFDABBAD00

/** [status, statusString start (or null), round trip ms, tables as [status, rowCount, 'NAME:type …']]. */
type Expected = [number, string | null, number, [number, number, string][]];

const GEO_COLUMNS = 'ID:6 GEO:27 GEO_PT:26';
const WIRE: Record<string, Expected> = {
  'invocation_response_success.msg': [1, null, 4, [[-128, 1, 'modified_tuples:6']]],
  'invocation_response_insert_geo.msg': [1, null, 4, [[-128, 1, 'modified_tuples:6']]],
  'invocation_response_insert_geo_nulls.msg': [1, null, 4, [[-128, 1, 'modified_tuples:6']]],
  'invocation_response_fail_cv.msg': [-2, 'VOLTDB ERROR: CONSTRAINT VIOLATION\n  Attempted violation of constraint', 4, []],
  'invocation_response_select.msg': [1, null, 4, [[-128, 1, 'HELLO:9 WORLD:9']]],
  'invocation_response_select_with_date.msg': [1, '', 4, [[-128, 2, 'DATE:12']]],
  'invocation_response_select_geo_both.msg': [1, null, 4, [[-128, 1, GEO_COLUMNS]]],
  'invocation_response_select_geo_both_mid.msg': [1, null, 4, [[-128, 1, GEO_COLUMNS]]],
  'invocation_response_select_geo_ptnull.msg': [1, null, 4, [[-128, 1, GEO_COLUMNS]]],
  'invocation_response_select_geo_polynull.msg': [1, null, 4, [[-128, 1, GEO_COLUMNS]]],
  'invocation_response_select_geo_bothnull.msg': [1, null, 4, [[-128, 1, GEO_COLUMNS]]],
};

const CAP = 'ID:5 T:3 S:4 I:5 B:6 F:8 V:9 VB:25 TS:11 D:22 P:26 G:27';
const REAL: Record<string, Expected> = {
  adhoc_create: [1, null, 290, [[-128, 1, 'STATUS:6']]],
  adhoc_drop: [1, null, 297, [[-128, 1, 'STATUS:6']]],
  adhoc_drop_end: [1, null, 258, [[-128, 1, 'STATUS:6']]],
  // The EE's DML row-count template leaves the table status 0 (PROTOCOL.md 6).
  adhoc_insert_extremes: [1, null, 2, [[0, 1, 'modified_tuples:6']]],
  adhoc_insert_full: [1, null, 3, [[0, 1, 'modified_tuples:6']]],
  adhoc_insert_nulls: [1, null, 1, [[0, 1, 'modified_tuples:6']]],
  adhoc_partition: [1, null, 312, [[-128, 1, 'STATUS:6']]],
  adhoc_syntax_error: [-2, 'SQL error while compiling query: SQL Syntax error', 0, []],
  cap_select_by_pk: [1, null, 7, [[-128, 1, CAP]]],
  catalog_columns: [1, null, 0, [[-128, 24, 'TABLE_CAT:9 TABLE_SCHEM:9 TABLE_NAME:9 COLUMN_NAME:9 DATA_TYPE:5 TYPE_NAME:9 COLUMN_SIZE:5 BUFFER_LENGTH:5 DECIMAL_DIGITS:5 NUM_PREC_RADIX:5 NULLABLE:5 REMARKS:9 COLUMN_DEF:9 SQL_DATA_TYPE:5 SQL_DATETIME_SUB:5 CHAR_OCTET_LENGTH:5 ORDINAL_POSITION:5 IS_NULLABLE:9 SCOPE_CATALOG:9 SCOPE_SCHEMA:9 SCOPE_TABLE:9 SOURCE_DATA_TYPE:4 IS_AUTOINCREMENT:9']]],
  catalog_procedurecolumns: [1, null, 0, [[-128, 65, 'PROCEDURE_CAT:9 PROCEDURE_SCHEM:9 PROCEDURE_NAME:9 COLUMN_NAME:9 COLUMN_TYPE:4 DATA_TYPE:5 TYPE_NAME:9 PRECISION:5 LENGTH:5 SCALE:4 RADIX:4 NULLABLE:4 REMARKS:9 COLUMN_DEF:9 SQL_DATA_TYPE:5 SQL_DATETIME_SUB:5 CHAR_OCTET_LENGTH:5 ORDINAL_POSITION:5 IS_NULLABLE:9 SPECIFIC_NAME:9']]],
  catalog_procedures: [1, null, 0, [[-128, 19, 'PROCEDURE_CAT:9 PROCEDURE_SCHEM:9 PROCEDURE_NAME:9 RESERVED1:9 RESERVED2:9 RESERVED3:9 REMARKS:9 PROCEDURE_TYPE:4 SPECIFIC_NAME:9']]],
  catalog_tables: [1, null, 0, [[-128, 6, 'TABLE_CAT:9 TABLE_SCHEM:9 TABLE_NAME:9 TABLE_TYPE:9 REMARKS:9 TYPE_CAT:9 TYPE_SCHEM:9 TYPE_NAME:9 SELF_REFERENCING_COL_NAME:9 REF_GENERATION:9']]],
  constraint_violation: [-2, 'VOLTDB ERROR: CONSTRAINT VIOLATION', 20, []],
  insert_wrong_param_count: [-2, 'VOLTDB ERROR: PROCEDURE CAP_TYPES.insert EXPECTS 12 PARAMS', 4, []],
  kv_insert_proc_violation: [-2, 'VOLTDB ERROR: CONSTRAINT VIOLATION', 14, []],
  kv_insert_too_long: [-2, 'VOLTDB ERROR: SQL ERROR The size 40 of the value', 5, []],
  kv_insert_type_mismatch: [-2, 'VOLTDB ERROR: PROCEDURE CAP_KV.insert TYPE ERROR FOR PARAMETER 0', 1, []],
  partition_keys_integer: [1, null, 0, [[-128, 8, 'PARTITION_ID:5 PARTITION_KEY:5']]],
  partition_keys_string: [1, null, 0, [[-128, 8, 'PARTITION_ID:5 PARTITION_KEY:9']]],
  ping: [1, 'SUCCESS', 0, [[-128, 1, 'STATUS:6']]],
  select_all_types: [1, null, 18, [[-128, 3, CAP]]],
  select_empty: [1, null, 14, [[-128, 0, CAP]]],
  select_two_statements: [1, null, 15, [[-128, 1, 'C1:6'], [-128, 1, 'C1:5']]],
  select_votes_50000: [1, null, 1894, [[-128, 50000, 'PHONE_NUMBER:6 STATE:9 CONTESTANT_NUMBER:5']]],
  select_where_param: [1, null, 6, [[-128, 1, 'ID:5 V:9']]],
  stats_procedure: [1, null, 0, [[-128, 4, 'TIMESTAMP:6 HOST_ID:5 HOSTNAME:9 SITE_ID:5 PARTITION_ID:5 PROCEDURE:9 INVOCATIONS:6 TIMED_INVOCATIONS:6 MIN_EXECUTION_TIME:6 MAX_EXECUTION_TIME:6 AVG_EXECUTION_TIME:6 MIN_RESULT_SIZE:5 MAX_RESULT_SIZE:5 AVG_RESULT_SIZE:5 MIN_PARAMETER_SET_SIZE:5 MAX_PARAMETER_SET_SIZE:5 AVG_PARAMETER_SET_SIZE:5 ABORTS:6 FAILURES:6 TRANSACTIONAL:3 COMPOUND:3']]],
  stats_topo: [1, null, 0, [[-128, 9, 'Partition:5 Sites:9 Leader:9'], [-128, 1, 'HASHTYPE:9 HASHCONFIG:25']]],
  sysinfo_overview: [1, null, 0, [[-128, 45, 'HOST_ID:5 KEY:9 VALUE:9']]],
  unknown_procedure: [-3, 'Procedure NoSuchProcedure was not found', 0, []],
  vote_wrong_param_count: [-2, 'VOLTDB ERROR: PROCEDURE Vote EXPECTS 3 PARAMS, BUT RECEIVED 1', 0, []],
  // A procedure returning a Java long: one table, one BIGINT column with an empty name.
  voter_initialize: [1, null, 2, [[-128, 1, ':6']]],
  voter_results: [1, null, 10, [[-128, 6, 'CONTESTANT_NAME:9 CONTESTANT_NUMBER:5 TOTAL_VOTES:6']]],
  voter_vote_invalid_contestant: [1, null, 0, [[-128, 1, ':6']]],
  voter_vote_ok: [1, null, 2, [[-128, 1, ':6']]],
};

interface Capture {
  name: string;
  frame: Buffer;
  handle: bigint;
  expected: Expected;
}

function captures(): Capture[] {
  const all: Capture[] = [];
  for (const name of listFixtures('wire')) {
    if (!name.startsWith('invocation_response_')) continue;
    const bytes = readFixture(`wire/${name}`);
    // The DATE capture has no length prefix (PROTOCOL.md 12).
    const frame = name === 'invocation_response_select_with_date.msg' ? withPrefix(bytes) : bytes;
    all.push({ name: `wire/${name}`, frame, handle: WIRE_HANDLE, expected: WIRE[name]! });
  }
  for (const name of listFixtures('real')) {
    if (!name.endsWith('.response.bin')) continue;
    const key = name.slice(0, -'.response.bin'.length);
    all.push({ name: `real/${name}`, frame: readFixture(`real/${name}`), handle: 1n, expected: REAL[key]! });
  }
  return all;
}

/** Decode every row of a table with the shared value reader (lossless timestamps). */
function rowsOf(frame: Buffer, layout: TableLayout): unknown[][] {
  const r = new BufferReader(frame, layout.rowsOffset, layout.end);
  const rows: unknown[][] = [];
  for (let i = 0; i < layout.rowCount; i++) {
    const length = r.int32();
    const end = r.offset + length;
    rows.push(layout.columns.map((c) => readValue(r, c.type, 'bigint')));
    if (r.offset !== end) throw new Error(`row ${i} length ${length} disagrees with its values`);
  }
  return rows;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Geography && b instanceof Geography) return a.equals(b, 1e-12);
  if (a instanceof GeographyPoint && b instanceof GeographyPoint) return a.equals(b, 1e-12);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') return String(a) === String(b);
  return Object.is(a, b);
}

function inputOf(h: ResponseHeader) {
  return {
    handle: h.handle,
    status: h.status,
    statusString: h.statusString,
    appStatus: h.appStatus,
    appStatusString: h.appStatusString,
    clusterRoundTripMs: h.clusterRoundTripMs,
  };
}

describe('response captures', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  const all = captures();

  test('every response capture has documented expectations', (t: TestContext) => {
    t.assert.equal(all.length, Object.keys(WIRE).length + Object.keys(REAL).length);
    t.assert.equal(all.length, 11 + 35);
    for (const c of all) t.assert.ok(c.expected !== undefined, `${c.name} has no expectations`);
  });

  for (const c of all) {
    test(`${c.name}: header and table layouts`, (t: TestContext) => {
      const [status, statusString, roundTrip, tables] = c.expected;
      const h = readResponseHeader(c.frame);
      t.assert.equal(h.handle, c.handle);
      t.assert.equal(peekHandle(c.frame), c.handle);
      t.assert.equal(h.status, status);
      if (statusString === null) t.assert.equal(h.statusString, null);
      else t.assert.ok(h.statusString?.startsWith(statusString), `status string ${JSON.stringify(h.statusString)}`);
      t.assert.equal(h.appStatus, -128);
      t.assert.equal(h.appStatusString, null);
      t.assert.equal(h.clusterRoundTripMs, roundTrip);
      t.assert.equal(h.exception, null);
      t.assert.equal(h.tableCount, tables.length);
      const layouts = tableLayouts(c.frame, h);
      t.assert.deepEqual(
        layouts.map((l) => [l.status, l.rowCount, l.columns.map((col) => `${col.name}:${col.type}`).join(' ')]),
        tables,
      );
      // The value reader agrees with every row extent the layout walked.
      for (const layout of layouts) t.assert.equal(rowsOf(c.frame, layout).length, layout.rowCount);
    });

    test(`${c.name}: re-encoded byte for byte from the header and the encoded tables`, (t: TestContext) => {
      const h = readResponseHeader(c.frame);
      const tables = tableLayouts(c.frame, h).map((l) => c.frame.subarray(l.offset, l.end));
      t.assert.deepEqual(encodeResponse({ ...inputOf(h), tables }), c.frame);
    });

    test(`${c.name}: re-encoded from decoded rows (byte for byte unless GEOGRAPHY placeholders differ)`, (t: TestContext) => {
      const h = readResponseHeader(c.frame);
      const layouts = tableLayouts(c.frame, h);
      const decoded = layouts.map((l) => ({ columns: l.columns, rows: rowsOf(c.frame, l), status: l.status }));
      const again = encodeResponse({ ...inputOf(h), tables: decoded });
      // The server writes real bounds and depths in a polygon; the encoder writes the Java
      // client's placeholders (PROTOCOL.md 13.12), so only frames with a non-NULL GEOGRAPHY
      // value may differ — and then must decode to the same values.
      const hasPolygon = decoded.some((table) =>
        table.columns.some((col, i) => col.type === VOLT_TYPE.GEOGRAPHY && table.rows.some((row) => row[i] !== null)),
      );
      if (!hasPolygon) {
        t.assert.deepEqual(again, c.frame);
        return;
      }
      const h2 = readResponseHeader(again);
      const layouts2 = tableLayouts(again, h2);
      t.assert.deepEqual(inputOf(h2), inputOf(h));
      for (let i = 0; i < layouts.length; i++) {
        const a = rowsOf(c.frame, layouts[i]!);
        const b = rowsOf(again, layouts2[i]!);
        t.assert.equal(b.length, a.length);
        a.forEach((row, r) => row.forEach((v, col) => t.assert.ok(sameValue(v, b[r]![col]), `row ${r} column ${col}`)));
      }
    });
  }

  test('documented row values', (t: TestContext) => {
    const value = (name: string, table = 0): unknown[][] => {
      const frame = name.endsWith('.msg') && name.includes('with_date') ? withPrefix(readFixture(name)) : readFixture(name);
      return rowsOf(frame, tableLayouts(frame, readResponseHeader(frame))[table]!);
    };
    t.assert.deepEqual(value('real/ping.response.bin'), [[0n]]);
    t.assert.deepEqual(value('real/voter_vote_ok.response.bin'), [[0n]]);
    t.assert.deepEqual(value('real/voter_vote_invalid_contestant.response.bin'), [[1n]]);
    t.assert.deepEqual(value('wire/invocation_response_success.msg'), [[1n]]);
    t.assert.deepEqual(value('wire/invocation_response_select.msg'), [['Hello', 'World']]);
    t.assert.deepEqual(
      value('wire/invocation_response_select_with_date.msg').map((row) => (row[0] === null ? null : String(row[0]))),
      ['1995-09-18', null],
    );
    const bothNull = value('wire/invocation_response_select_geo_bothnull.msg');
    t.assert.deepEqual(bothNull, [[104n, null, null]]);
  });

  test('serialized_table.bin is a bare table', (t: TestContext) => {
    const bytes = readFixture('wire/serialized_table.bin');
    const layout = readTableLayout(bytes, 0);
    t.assert.equal(layout.end, 1669);
    t.assert.equal(bytes.readInt32BE(4), 111);
    t.assert.equal(layout.status, -128);
    t.assert.deepEqual(
      layout.columns.map((c) => c.type),
      [3, 9, 4, 5, 6, 11, 22, 27, 26],
    );
    t.assert.deepEqual(
      layout.columns.map((c) => c.name),
      ['column1', 'column2', 'column3', 'column4', 'column5', 'column6', 'column7', 'column8', 'column9'],
    );
    t.assert.equal(layout.rowCount, 4);
    const rows = rowsOf(bytes, layout);
    t.assert.equal(rows[1]![1], '');
    t.assert.equal(rows[2]![1], null);
    t.assert.equal(rows[3]![1], 'woobie');
    t.assert.equal(String(rows[1]![6]), '3.1459');
  });
});
