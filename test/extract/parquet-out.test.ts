/**
 * `voltwire extract --out x.parquet` writes real Parquet (zstd), read back by an independent
 * reader (DuckDB, which also reads the CSV of the same extraction: both must hold the same
 * rows); a name whose format cannot be told is refused without `--format`; `--out -` writes to
 * standard output. The writer streams: row groups reach the file before the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/server-process.js';
import { voltwire } from '../cli/binary.js';

const ROWS = 3000;
let server: EmbeddedServer;
let servers: string;
let dir: string;
let duck: DuckDBConnection;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voltwire-parquet-'));
  server = await startEmbeddedServer({ args: ['--port', '0', '--rows', String(ROWS)] });
  servers = server.hosts.join(',');
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run("SET TimeZone = 'UTC'");
});

after(async () => {
  duck?.closeSync();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** The columns both files hold in comparable form (geography aside: WKB in Parquet, WKT in CSV). */
const COMPARABLE = 'ID, TINY, SMALL, NUM, BIG, RATIO, AMOUNT, NAME, PAYLOAD_HEX, CREATED';

test('extract --out .parquet: real Parquet (zstd) with the rows of the CSV, read back by DuckDB', async (t: TestContext) => {
  const parquet = join(dir, 'events.parquet');
  const csv = join(dir, 'events.csv');
  const wrote = await voltwire(['extract', '--table', 'EVENTS', '--out', parquet, '--batch-rows', '700', '--no-progress', '--servers', servers]);
  t.assert.strictEqual(wrote.code, 0, wrote.stderr);
  t.assert.match(wrote.stdout, /^wrote 3,000 rows \([\d.]+ KiB parquet\) to .*events\.parquet in /);
  const text = await voltwire(['extract', '--table', 'EVENTS', '--out', csv, '--lf', '--no-progress', '--servers', servers]);
  t.assert.strictEqual(text.code, 0, text.stderr);
  t.assert.strictEqual(readFileSync(parquet).subarray(0, 4).toString('latin1'), 'PAR1');

  const codecs = await rows(`SELECT DISTINCT compression FROM parquet_metadata('${parquet}')`);
  t.assert.deepStrictEqual(codecs.map((r) => r.compression), ['ZSTD']);
  const groups = await rows(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${parquet}')`);
  t.assert.ok(Number(groups[0]!.n) >= 1);
  t.assert.deepStrictEqual(await rows(`SELECT count(*)::INTEGER AS n, count(DISTINCT ID)::INTEGER AS ids FROM read_parquet('${parquet}')`), [{ n: ROWS, ids: ROWS }]);

  const fromParquet = `SELECT ID, TINY, SMALL, NUM, BIG, RATIO, AMOUNT, NAME, lower(hex(PAYLOAD)) AS PAYLOAD_HEX, CREATED FROM read_parquet('${parquet}')`;
  const fromCsv =
    `SELECT ID, TINY, SMALL, NUM, BIG, RATIO, AMOUNT, NAME, PAYLOAD AS PAYLOAD_HEX, CREATED FROM read_csv('${csv}', header = true, ` +
    `columns = {'ID': 'BIGINT', 'TINY': 'TINYINT', 'SMALL': 'SMALLINT', 'NUM': 'INTEGER', 'BIG': 'BIGINT', 'RATIO': 'DOUBLE', ` +
    `'AMOUNT': 'DECIMAL(38,12)', 'NAME': 'VARCHAR', 'PAYLOAD': 'VARCHAR', 'CREATED': 'TIMESTAMPTZ', 'LOCATION': 'VARCHAR', 'AREA': 'VARCHAR'})`;
  for (const [a, b] of [
    [fromParquet, fromCsv],
    [fromCsv, fromParquet],
  ] as const) {
    const differing = await rows(`SELECT count(*)::INTEGER AS n FROM (SELECT ${COMPARABLE} FROM (${a}) EXCEPT SELECT ${COMPARABLE} FROM (${b}))`);
    t.assert.deepStrictEqual(differing, [{ n: 0 }], 'the Parquet and CSV rows are the same');
  }
  // Known values of the first row (see the analytics workload): types survive, not only text.
  const first = (await rows(`SELECT ID, BIG, AMOUNT::VARCHAR AS AMOUNT, CREATED::VARCHAR AS CREATED, typeof(AMOUNT) AS T FROM read_parquet('${parquet}') WHERE ID = 1`))[0]!;
  t.assert.strictEqual(first.BIG, -500000000000n);
  t.assert.strictEqual(first.T, 'DECIMAL(38,12)');
  t.assert.strictEqual(first.CREATED, '2023-11-14 22:13:20+00');
  const nulls = await rows(`SELECT count(*) FILTER (WHERE TINY IS NULL)::INTEGER AS tiny FROM read_parquet('${parquet}')`);
  t.assert.strictEqual(nulls[0]!.tiny, Math.floor((ROWS - 5 - 1) / 13) + 1);
});

test('extract --compression snappy; an unknown extension is refused without --format; --format names it', async (t: TestContext) => {
  const snappy = join(dir, 'snappy.parquet');
  const run = await voltwire(['extract', '--table', 'EVENTS', '--out', snappy, '--compression', 'snappy', '--no-progress', '--servers', servers]);
  t.assert.strictEqual(run.code, 0, run.stderr);
  t.assert.deepStrictEqual((await rows(`SELECT DISTINCT compression FROM parquet_metadata('${snappy}')`)).map((r) => r.compression), ['SNAPPY']);

  const unknown = join(dir, 'events.data');
  const refused = await voltwire(['extract', '--table', 'EVENTS', '--out', unknown, '--servers', servers]);
  t.assert.strictEqual(refused.code, 2, refused.stderr);
  t.assert.match(refused.stderr, /^error: extract: cannot tell the output format from the name ".*events\.data": end it with \.arrow, \.arrows, \.parquet, \.csv, \.ndjson, or give the format\n$/);
  t.assert.strictEqual(existsSync(unknown), false);

  const named = await voltwire(['extract', '--table', 'EVENTS', '--out', unknown, '--format', 'parquet', '--no-progress', '--servers', servers]);
  t.assert.strictEqual(named.code, 0, named.stderr);
  t.assert.deepStrictEqual(await rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${unknown}')`), [{ n: ROWS }]);
});

test('extract --out -: the data on standard output, the summary on standard error; a format is needed', async (t: TestContext) => {
  const run = await voltwire(['extract', '--table', 'EVENTS', '--columns', 'ID,NAME', '--format', 'csv', '--lf', '--out', '-', '--no-progress', '--servers', servers]);
  t.assert.strictEqual(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  t.assert.strictEqual(lines.length, ROWS + 1);
  t.assert.strictEqual(lines[0], 'ID,NAME');
  t.assert.strictEqual(lines[2], '2,event-1');
  t.assert.match(run.stderr, /^wrote 3,000 rows \([\d.]+ KiB csv\) to standard output in /);
  t.assert.strictEqual(existsSync('-'), false);

  const bare = await voltwire(['extract', '--table', 'EVENTS', '--out', '-', '--servers', servers]);
  t.assert.strictEqual(bare.code, 2);
  t.assert.match(bare.stderr, /^error: extract: writing to a stream needs a format \(one of arrow, arrow-stream, parquet, csv, ndjson\)\n$/);
});
