/**
 * Request conformance against the shared captures: every request in fixtures/wire (official
 * C++/Java vectors) and fixtures/real (a real VoltDB 11.4 server's client) decodes to the
 * values PROTOCOL.md 12 and the real README list, and re-encodes from those values, with the
 * same declared types, byte for byte.
 */
import { describe, test, type TestContext } from 'node:test';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { encodeInvocation, type ParameterType } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation, type DecodedInvocation } from '../../src/protocol/invocation-reader.js';
import { decodeLoginRequest, decodeLoginResponse, encodeLoginRequest, encodeLoginResponse, hashPassword } from '../../src/protocol/login.js';
import { VoltDate } from '../../src/protocol/volt-date.js';
import { SKIP_WITHOUT_FIXTURES, listFixtures, readFixture } from '../helpers/fixtures.js';

const CPP_HANDLE = 0xdeadbeefdabbad00n;
const CPP_HANDLE_SIGNED = -2401053088942412544n;

interface Expected {
  procedure: string;
  handle: bigint;
  params: unknown[];
  types: ParameterType[];
}

const cpp = (procedure: string, params: unknown[], types: ParameterType[]): Expected => ({ procedure, handle: CPP_HANDLE, params, types });
const real = (procedure: string, params: unknown[], types: ParameterType[]): Expected => ({ procedure, handle: 1n, params, types });

const SHELL: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
const HOLE: [number, number][] = [[0.1, 0.1], [0.1, 0.9], [0.9, 0.9], [0.9, 0.1], [0.1, 0.1]];

/** The values each capture holds, written out from PROTOCOL.md 12 and fixtures/real/README.md. */
const EXPECTED: Record<string, Expected> = {
  'wire/invocation_request_all_params.msg': cpp(
    'foo',
    [
      ['oh', 'noes'],
      Uint8Array.of(22, 33, 44),
      [22, 33, 44],
      [22, 33, 44],
      [22n, 33n, 44n],
      [3.0, 3.1, 3.14, 3.1459],
      [33n, 44n],
      [new Decimal(3), new Decimal('3.14'), new Decimal('3.1459')],
      null,
      'ohnoes!',
      22,
      22,
      22,
      22n,
      3.1459,
      33n,
      new Decimal('3.1459'),
    ],
    ['STRING[]', 'VARBINARY', 'SMALLINT[]', 'INTEGER[]', 'BIGINT[]', 'FLOAT[]', 'TIMESTAMP[]', 'DECIMAL[]', 'NULL', 'STRING', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'TIMESTAMP', 'DECIMAL'],
  ),
  'wire/invocation_request_date_params.msg': cpp(
    'date_procedure',
    [[new VoltDate(1995, 9, 18), new VoltDate(2025, 7, 10)], new VoltDate(2012, 3, 6)],
    ['DATE[]', 'DATE'],
  ),
  'wire/invocation_request_success.msg': cpp('Insert', ['Hello', 'World', 'English'], ['STRING', 'STRING', 'STRING']),
  'wire/invocation_request_fail_cv.msg': cpp('Insert', ['Hello', 'World', 'English'], ['STRING', 'STRING', 'STRING']),
  'wire/invocation_request_select.msg': cpp('Select', ['English'], ['STRING']),
  'wire/invocation_request_insert_geo.msg': cpp(
    'InsertGeo',
    [200, new Geography([SHELL, HOLE]), new GeographyPoint(0.5, 0.5)],
    ['INTEGER', 'GEOGRAPHY', 'GEOGRAPHY_POINT'],
  ),
  'wire/invocation_request_insert_geo_nulls.msg': cpp('InsertGeo', [201, null, null], ['INTEGER', 'GEOGRAPHY', 'GEOGRAPHY_POINT']),
  'wire/invocation_request_select_geo_both.msg': cpp('SelectGeo', [100], ['INTEGER']),
  'wire/invocation_request_select_geo_both_mid.msg': cpp('SelectGeo', [101], ['INTEGER']),
  'wire/invocation_request_select_geo_polynull.msg': cpp('SelectGeo', [102], ['INTEGER']),
  'wire/invocation_request_select_geo_ptnull.msg': cpp('SelectGeo', [103], ['INTEGER']),
  'wire/invocation_request_select_geo_bothnull.msg': cpp('SelectGeo', [104], ['INTEGER']),
  'real/ping.request.bin': real('@Ping', [], []),
  'real/sysinfo_overview.request.bin': real('@SystemInformation', ['OVERVIEW'], ['STRING']),
  'real/stats_topo.request.bin': real('@Statistics', ['TOPO', 0], ['STRING', 'INTEGER']),
  'real/stats_procedure.request.bin': real('@Statistics', ['PROCEDURE', 0], ['STRING', 'INTEGER']),
  'real/catalog_procedures.request.bin': real('@SystemCatalog', ['PROCEDURES'], ['STRING']),
  'real/catalog_tables.request.bin': real('@SystemCatalog', ['TABLES'], ['STRING']),
  'real/catalog_columns.request.bin': real('@SystemCatalog', ['COLUMNS'], ['STRING']),
  'real/catalog_procedurecolumns.request.bin': real('@SystemCatalog', ['PROCEDURECOLUMNS'], ['STRING']),
  'real/partition_keys_integer.request.bin': real('@GetPartitionKeys', ['INTEGER'], ['STRING']),
  'real/partition_keys_string.request.bin': real('@GetPartitionKeys', ['STRING'], ['STRING']),
  'real/unknown_procedure.request.bin': real('NoSuchProcedure', [], []),
  'real/adhoc_syntax_error.request.bin': real('@AdHoc', ['SELEC nonsense;'], ['STRING']),
  'real/vote_wrong_param_count.request.bin': real('Vote', [5551234567n], ['BIGINT']),
  'real/insert_wrong_param_count.request.bin': real('CAP_TYPES.insert', [1], ['INTEGER']),
  'real/adhoc_create.request.bin': real(
    '@AdHoc',
    [
      'CREATE TABLE CAP_TYPES (ID INTEGER NOT NULL, T TINYINT, S SMALLINT, I INTEGER, B BIGINT, F FLOAT, V VARCHAR(64), VB VARBINARY(64), TS TIMESTAMP, D DECIMAL, P GEOGRAPHY_POINT, G GEOGRAPHY, PRIMARY KEY (ID));',
    ],
    ['STRING'],
  ),
  'real/adhoc_partition.request.bin': real('@AdHoc', ['PARTITION TABLE CAP_TYPES ON COLUMN ID;'], ['STRING']),
  'real/adhoc_drop.request.bin': real('@AdHoc', ['DROP TABLE CAP_TYPES IF EXISTS;'], ['STRING']),
  'real/adhoc_drop_end.request.bin': real('@AdHoc', ['DROP TABLE CAP_TYPES;'], ['STRING']),
  'real/adhoc_insert_full.request.bin': real(
    '@AdHoc',
    [
      "INSERT INTO CAP_TYPES VALUES (1, -127, -32767, -2147483647, -9223372036854775807, -1.5e300, 'héllo ☃', x'0001feff', '2023-11-14 22:13:20.123456', -12345678901234567890.123456789012, POINTFROMTEXT('POINT(-71.06 42.36)'), POLYGONFROMTEXT('POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (0.1 0.1, 0.1 0.9, 0.9 0.9, 0.9 0.1, 0.1 0.1))'));",
    ],
    ['STRING'],
  ),
  'real/adhoc_insert_nulls.request.bin': real('@AdHoc', ['INSERT INTO CAP_TYPES (ID) VALUES (2);'], ['STRING']),
  'real/adhoc_insert_extremes.request.bin': real(
    '@AdHoc',
    [
      "INSERT INTO CAP_TYPES VALUES (3, 127, 32767, 2147483647, 9223372036854775807, 0.0, '', x'', '1970-01-01 00:00:00.000000', 99999999999999999999999999.999999999999, POINTFROMTEXT('POINT(180 -90)'), NULL);",
    ],
    ['STRING'],
  ),
  'real/select_all_types.request.bin': real('@AdHoc', ['SELECT * FROM CAP_TYPES ORDER BY ID;'], ['STRING']),
  'real/select_where_param.request.bin': real('@AdHoc', ['SELECT ID, V FROM CAP_TYPES WHERE ID = ?;', 1], ['STRING', 'INTEGER']),
  'real/select_empty.request.bin': real('@AdHoc', ['SELECT * FROM CAP_TYPES WHERE ID < 0;'], ['STRING']),
  'real/select_two_statements.request.bin': real('@AdHoc', ['SELECT COUNT(*) FROM CAP_TYPES; SELECT MAX(ID) FROM CAP_TYPES;'], ['STRING']),
  'real/cap_select_by_pk.request.bin': real('CAP_TYPES.select', [1], ['INTEGER']),
  'real/voter_initialize.request.bin': real(
    'Initialize',
    [6, 'Edwina Burnam,Tabatha Gehling,Kelly Clauss,Jessie Alloway,Alana Bregman,Jessie Eichman'],
    ['INTEGER', 'STRING'],
  ),
  'real/voter_vote_ok.request.bin': real('Vote', [6175551234n, 3, 1000000n], ['BIGINT', 'INTEGER', 'BIGINT']),
  'real/voter_vote_invalid_contestant.request.bin': real('Vote', [6175551234n, 99, 1000000n], ['BIGINT', 'INTEGER', 'BIGINT']),
  'real/voter_results.request.bin': real('Results', [], []),
  'real/constraint_violation.request.bin': real('@AdHoc', ["INSERT INTO CAP_KV VALUES (1, 'again');"], ['STRING']),
  'real/kv_insert_proc_violation.request.bin': real('CAP_KV.insert', [1, 'x'], ['INTEGER', 'STRING']),
  'real/kv_insert_too_long.request.bin': real('CAP_KV.insert', [2, 'x'.repeat(40)], ['INTEGER', 'STRING']),
  'real/kv_insert_type_mismatch.request.bin': real('CAP_KV.insert', ['notanumber', 'x'], ['STRING', 'STRING']),
  'real/select_votes_50000.request.bin': real('@AdHoc', ['SELECT * FROM VOTES ORDER BY PHONE_NUMBER LIMIT 50000;'], ['STRING']),
};

const TYPE_CODES: Record<string, number> = {
  NULL: 1, TINYINT: 3, SMALLINT: 4, INTEGER: 5, BIGINT: 6, FLOAT: 8, STRING: 9, TIMESTAMP: 11, DATE: 12, DECIMAL: 22, VARBINARY: 25, GEOGRAPHY_POINT: 26, GEOGRAPHY: 27,
};

/** Compare decoded values with expected ones: Decimal by value, geography within 1e-14 degrees. */
function assertValue(t: TestContext, actual: unknown, expected: unknown, where: string): void {
  if (expected instanceof Decimal) {
    t.assert.ok(actual instanceof Decimal && actual.equals(expected), `${where}: ${String(actual)} ≠ ${expected.toString()}`);
  } else if (expected instanceof Geography) {
    t.assert.ok(actual instanceof Geography && actual.equals(expected, 1e-14), `${where}: ${String(actual)}`);
  } else if (expected instanceof GeographyPoint) {
    t.assert.ok(actual instanceof GeographyPoint && actual.equals(expected), `${where}: ${String(actual)}`);
  } else if (expected instanceof VoltDate) {
    t.assert.ok(actual instanceof VoltDate && actual.equals(expected), `${where}: ${String(actual)}`);
  } else if (expected instanceof Uint8Array) {
    t.assert.ok(actual instanceof Uint8Array, where);
    t.assert.deepStrictEqual([...actual], [...expected], where);
  } else if (Array.isArray(expected)) {
    t.assert.ok(Array.isArray(actual), `${where} is an array`);
    t.assert.equal((actual as unknown[]).length, expected.length, `${where} length`);
    expected.forEach((item, k) => assertValue(t, (actual as unknown[])[k], item, `${where}[${k}]`));
  } else {
    t.assert.strictEqual(actual, expected, where);
  }
}

function assertDecoded(t: TestContext, decoded: DecodedInvocation, expected: Expected, name: string): void {
  t.assert.equal(decoded.version, 0, `${name} is a v0 invocation`);
  t.assert.equal(decoded.procedure, expected.procedure);
  t.assert.equal(decoded.handle, BigInt.asIntN(64, expected.handle));
  t.assert.equal(decoded.batchTimeoutMs, null);
  t.assert.equal(decoded.params.length, expected.params.length);
  expected.types.forEach((type, i) => {
    const isArray = type.endsWith('[]');
    const code = TYPE_CODES[isArray ? type.slice(0, -2) : type];
    // A NULL is sent untyped (type 1), as Java does, whatever was declared.
    const wire = expected.params[i] === null ? 1 : isArray ? -99 : code === TYPE_CODES.VARBINARY ? 25 : code;
    t.assert.equal(decoded.paramTypes[i], wire, `${name} parameter ${i} wire type`);
    if (isArray) t.assert.equal(decoded.elementTypes[i], code, `${name} parameter ${i} element type`);
    assertValue(t, decoded.params[i], expected.params[i], `${name} parameter ${i}`);
  });
}

describe('request captures', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  test('every request capture has listed values', (t: TestContext) => {
    const captures = [
      ...listFixtures('wire').filter((name) => name.startsWith('invocation_request')).map((name) => `wire/${name}`),
      ...listFixtures('real').filter((name) => name.endsWith('.request.bin')).map((name) => `real/${name}`),
    ];
    t.assert.equal(captures.length, 47);
    t.assert.deepStrictEqual(captures.filter((name) => EXPECTED[name] === undefined), []);
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name} decodes to its values and re-encodes byte for byte`, (t: TestContext) => {
      const frame = readFixture(name);
      const decoded = decodeInvocation(frame, { timestamps: 'bigint' });
      assertDecoded(t, decoded, expected, name);
      const encoded = encodeInvocation({ procedure: expected.procedure, handle: expected.handle, params: expected.params, types: expected.types });
      t.assert.deepStrictEqual(encoded, frame);
    });
  }

  test('the Java geography request also matches after a decode → re-encode (semantic compare)', (t: TestContext) => {
    const frame = readFixture('wire/invocation_request_insert_geo.msg');
    const decoded = decodeInvocation(frame);
    const again = decodeInvocation(encodeInvocation({ procedure: decoded.procedure, handle: decoded.handle, params: decoded.params }));
    t.assert.deepStrictEqual(again.paramTypes, [5, 27, 26]);
    t.assert.ok((again.params[1] as Geography).equals(decoded.params[1] as Geography, 1e-13));
    t.assert.equal((decoded.params[1] as Geography).toWKT().startsWith('POLYGON((0 0, 1 0, 0.9999999999999998 1, 0 1, 0 0)'), true);
  });

  test('TIMESTAMP parameters decode as Date by default', (t: TestContext) => {
    const decoded = decodeInvocation(readFixture('wire/invocation_request_all_params.msg'));
    t.assert.deepStrictEqual(decoded.params[15], new Date(0));
    t.assert.deepStrictEqual(decoded.params[6], [new Date(0), new Date(0)]);
  });

  test('inferred types reproduce every real capture', (t: TestContext) => {
    for (const [name, expected] of Object.entries(EXPECTED)) {
      if (!name.startsWith('real/') || name.includes('vote')) continue; // Vote declares BIGINT for 1000000
      const encoded = encodeInvocation({ procedure: expected.procedure, handle: expected.handle, params: expected.params });
      t.assert.deepStrictEqual(encoded, readFixture(name), name);
    }
  });
});

describe('login captures', { skip: SKIP_WITHOUT_FIXTURES }, () => {
  test('authentication_request_sha256.msg: v1, SHA-256, "hello"/"world", byte for byte', (t: TestContext) => {
    const frame = readFixture('wire/authentication_request_sha256.msg');
    const decoded = decodeLoginRequest(frame);
    t.assert.deepStrictEqual({ ...decoded, digest: decoded.digest.toString('hex') }, {
      version: 1,
      scheme: 1,
      service: 'database',
      username: 'hello',
      digest: '486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7',
    });
    t.assert.deepStrictEqual(encodeLoginRequest({ username: 'hello', password: 'world' }), frame);
  });

  test('authentication_request.msg: v1, SHA-1, byte for byte', (t: TestContext) => {
    const frame = readFixture('wire/authentication_request.msg');
    const decoded = decodeLoginRequest(frame);
    t.assert.equal(decoded.scheme, 0);
    t.assert.equal(decoded.digest.toString('hex'), '7c211433f02071597741e6ff5a8ea34789abbf43');
    t.assert.deepStrictEqual(encodeLoginRequest({ username: 'hello', password: 'world', scheme: 'sha1' }), frame);
  });

  test('real login_request_sha256.bin: empty user and password', (t: TestContext) => {
    const frame = readFixture('real/login_request_sha256.bin');
    const decoded = decodeLoginRequest(frame);
    t.assert.equal(decoded.username, '');
    t.assert.deepStrictEqual(decoded.digest, hashPassword(''));
    t.assert.deepStrictEqual(encodeLoginRequest({}), frame);
  });

  test('authentication_response.msg decodes despite its 12 trailing bytes', (t: TestContext) => {
    const frame = readFixture('wire/authentication_response.msg');
    const expected = {
      resultCode: 0,
      hostId: 0,
      connectionId: 2n,
      clusterStartMs: 0x4b1dfa11feedfacen,
      leaderAddress: '127.0.0.1',
      buildString: 'volt_6.1_test_build_string',
    };
    t.assert.deepStrictEqual(decodeLoginResponse(frame), expected);
    // Our encoder writes no trailing bytes: equal to the capture minus "-dirty-local", length fixed.
    const encoded = encodeLoginResponse(expected);
    t.assert.equal(frame.subarray(frame.length - 12).toString(), '-dirty-local');
    t.assert.deepStrictEqual(encoded.subarray(4), frame.subarray(4, frame.length - 12));
  });

  test('real login_response.bin decodes and re-encodes byte for byte', (t: TestContext) => {
    const frame = readFixture('real/login_response.bin');
    const decoded = decodeLoginResponse(frame);
    t.assert.equal(decoded.resultCode, 0);
    t.assert.equal(decoded.leaderAddress, '127.0.0.1');
    t.assert.equal(decoded.connectionId, 9n);
    t.assert.equal(decoded.clusterStartMs, 1795344779756n);
    t.assert.ok(decoded.buildString.startsWith('11.4.0'));
    t.assert.deepStrictEqual(encodeLoginResponse(decoded), frame);
  });
});

test('handles: the unsigned C++ handle and its signed twin encode the same', (t: TestContext) => {
  const a = encodeInvocation({ procedure: 'P', handle: CPP_HANDLE });
  const b = encodeInvocation({ procedure: 'P', handle: CPP_HANDLE_SIGNED });
  t.assert.deepStrictEqual(a, b);
  t.assert.equal(decodeInvocation(a).handle, CPP_HANDLE_SIGNED);
});
