/**
 * One value formatting for every text output: `query` and `call` (aligned, `--csv`, `--json`)
 * and `extract` (CSV, NDJSON) print the same text for the same value — every column type, its
 * extremes and NULL — through the built `voltwire` command.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { Decimal } from '../../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../../src/protocol/geography.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { voltwire } from './binary.js';

let server: EmbeddedServer;
let servers: string;
let dir: string;

const DDL =
  'CREATE TABLE ALL_TYPES (ID INTEGER NOT NULL, TINY TINYINT, SMALL SMALLINT, NUM INTEGER, BIG BIGINT, RATIO FLOAT, ' +
  'AMOUNT DECIMAL, NAME VARCHAR(64), PAYLOAD VARBINARY(64), CREATED TIMESTAMP, LOCATION GEOGRAPHY_POINT, AREA GEOGRAPHY, PRIMARY KEY (ID))';

const SQUARE = Geography.fromWKT('POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))');

/** Each row: the extremes of every type (the smallest values are VoltDB's NULL sentinels, so they stop one short). */
const ROWS: unknown[][] = [
  [1, 127, 32767, 2147483647, 2n ** 63n - 1n, 1.7976931348623157e308, new Decimal('99999999999999999999999999.999999999999'), 'plain', new Uint8Array([0x00, 0xab, 0xff]), 253402300799999999n, new GeographyPoint(-180, 90), SQUARE],
  [2, -127, -32767, -2147483647, -(2n ** 63n - 1n), 5e-324, new Decimal('-99999999999999999999999999.999999999999'), 'comma, "quote"\nnew line', new Uint8Array([]), -62135596800000000n, new GeographyPoint(180, -90), SQUARE],
  [3, 0, 0, 0, 0n, -0, new Decimal('0.000000000001'), '', new Uint8Array([0xca, 0xfe]), 1n, new GeographyPoint(0.1, -0.2), SQUARE],
  [4, 1, 1, 1, 9007199254740993n, 0.30000000000000004, new Decimal('-0.5'), '☃ 𝄞 ü', new Uint8Array([0x7f]), -1n, new GeographyPoint(1.5, 2.25), SQUARE],
  [5, null, null, null, null, null, null, null, null, null, null, null],
];

const SELECT = 'SELECT * FROM ALL_TYPES ORDER BY ID';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voltwire-value-text-'));
  server = await startServer({ port: 0, workloads: [] });
  servers = server.address;
  server.define('ALL_TYPES_ROWS', { readOnly: true }, (_params, context) => context.sql(SELECT));
  const client = await Client.connect(servers);
  try {
    await client.query(DDL);
    const insert = client.procedure('ALL_TYPES.insert', ['INTEGER', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DECIMAL', 'STRING', 'VARBINARY', 'TIMESTAMP', 'GEOGRAPHY_POINT', 'GEOGRAPHY']);
    for (const row of ROWS) await insert.call(row);
  } finally {
    await client.close();
  }
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(t: TestContext, args: string[]): Promise<string> {
  const done = await voltwire([...args, '--servers', servers]);
  t.assert.strictEqual(done.code, 0, done.stderr);
  return done.stdout;
}

test('query --csv, call --csv and extract CSV print the same bytes for the same rows', async (t: TestContext) => {
  const file = join(dir, 'all.csv');
  await run(t, ['extract', '--table', 'ALL_TYPES', '--by', 'query', '--concurrency', '1', '--lf', '--out', file, '--no-progress']);
  const extracted = await readFile(file, 'utf8');
  const query = await run(t, ['query', SELECT, '--csv']);
  const call = await run(t, ['call', 'ALL_TYPES_ROWS', '--csv']);
  t.assert.strictEqual(query, extracted);
  t.assert.strictEqual(call, extracted);
  // The texts themselves: microseconds, lower-case hex, exact DECIMAL, round-tripping FLOAT.
  const lines = extracted.split('\n');
  // (The polygon's corners travel as unit vectors, so its WKT is whatever the wire gives: the same text in every output.)
  t.assert.match(lines[1]!, /^1,127,32767,2147483647,9223372036854775807,1\.7976931348623157e\+308,99999999999999999999999999\.999999999999,plain,00abff,9999-12-31T23:59:59\.999999Z,POINT\(-180 90\),"POLYGON\(\(0 0, 1 0, .*\)\)"$/);
  t.assert.match(extracted, /,5e-324,-99999999999999999999999999\.999999999999,"comma, ""quote""\nnew line","",0001-01-01T00:00:00\.000000Z,/);
  t.assert.match(extracted, /\n3,0,0,0,0,-0,0\.000000000001,"",cafe,1970-01-01T00:00:00\.000001Z,/);
  t.assert.match(extracted, /\n4,1,1,1,9007199254740993,0\.30000000000000004,-0\.5,☃ 𝄞 ü,7f,1969-12-31T23:59:59\.999999Z,/);
  t.assert.match(extracted, /\n5,,,,,,,,,,,\n$/);
});

test('query --json, call --json and extract NDJSON write the same JSON text for every value', async (t: TestContext) => {
  const file = join(dir, 'all.ndjson');
  await run(t, ['extract', '--table', 'ALL_TYPES', '--by', 'query', '--concurrency', '1', '--out', file, '--no-progress']);
  const ndjson = (await readFile(file, 'utf8')).trimEnd().split('\n');
  // NDJSON line: {"ID":1,"TINY":127,…}; the value texts in column order, cut at the keys.
  const names = ['ID', 'TINY', 'SMALL', 'NUM', 'BIG', 'RATIO', 'AMOUNT', 'NAME', 'PAYLOAD', 'CREATED', 'LOCATION', 'AREA'];
  const ndjsonCells = ndjson.map((line) => {
    let rest = line.slice(1, -1);
    return names.map((name, i) => {
      const key = `${JSON.stringify(name)}:`;
      t.assert.ok(rest.startsWith(key), rest);
      rest = rest.slice(key.length);
      const next = i + 1 < names.length ? rest.indexOf(`,${JSON.stringify(names[i + 1])}:`) : rest.length;
      const cell = rest.slice(0, next);
      rest = rest.slice(next + 1);
      return cell;
    });
  });
  for (const args of [['query', SELECT, '--json'], ['call', 'ALL_TYPES_ROWS', '--json']]) {
    const out = await run(t, args);
    const parsed = JSON.parse(out) as { tables: { rows: unknown[][] }[] };
    t.assert.deepStrictEqual(parsed.tables[0]!.rows, ndjson.map((line) => Object.values(JSON.parse(line) as object)), args[0]);
    // Row lines hold the very same value texts as the NDJSON lines (`-0`, digits past 2^53 included).
    const rowLines = out.split('\n').filter((line) => /^\s+\[/.test(line));
    t.assert.deepStrictEqual(rowLines.map((line) => `[${ndjsonCells[rowLines.indexOf(line)]!.join(', ')}]`), rowLines.map((line) => line.trim().replace(/,$/, '')), args[0]);
  }
  t.assert.match(ndjson[2]!, /"RATIO":-0,/);
  t.assert.match(ndjson[0]!, /"BIG":"9223372036854775807","RATIO":1\.7976931348623157e\+308,"AMOUNT":"99999999999999999999999999\.999999999999"/);
  t.assert.match(ndjson[4]!, /^\{"ID":5,"TINY":null,.*"AREA":null\}$/);
});

test('the aligned display prints the same value texts, NULL as NULL', async (t: TestContext) => {
  const text = await run(t, ['query', SELECT]);
  for (const expected of ['9223372036854775807', '1.7976931348623157e+308', '99999999999999999999999999.999999999999', '00abff', '9999-12-31T23:59:59.999999Z', '0001-01-01T00:00:00.000000Z', '5e-324', 'comma, "quote"\\nnew line', '9007199254740993']) {
    t.assert.ok(text.includes(expected), `${expected} in\n${text}`);
  }
  const last = text.split('\n').at(-3)!;
  t.assert.match(last, /^\s*5(\s+NULL){11}$/);
});
