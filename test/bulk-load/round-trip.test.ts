/**
 * The round trip: a table of every type — NULLs and extremes included — extracted to Arrow,
 * Parquet, CSV and NDJSON, each file loaded with `voltwire load` into an empty table of the same
 * name on a second server, and extracted again to Arrow: the same bytes as the first extract
 * (GEOGRAPHY polygons compared by value: they travel as degrees, the wire holds unit vectors).
 * Then a file with bad rows: the good ones land, the bad ones are in the report with their
 * reason, and --max-errors stops where it says (exit code 1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { Client } from '../../src/client.js';
import { Decimal, Geography, GeographyPoint } from '../../src/protocol/index.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { cli } from '../cli/capture.js';

const DDL =
  'CREATE TABLE ALLTYPES (ID INTEGER NOT NULL, TINY TINYINT, SMALL SMALLINT, NUM INTEGER, BIG BIGINT, RATIO FLOAT, AMOUNT DECIMAL, ' +
  'NAME VARCHAR(64), PAYLOAD VARBINARY(64), CREATED TIMESTAMP, LOCATION GEOGRAPHY_POINT, AREA GEOGRAPHY, PRIMARY KEY (ID)); ' +
  'PARTITION TABLE ALLTYPES ON COLUMN ID';

const SQUARE = new Geography([
  [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
    [0, 0],
  ],
]);

/** Extremes, NULLs, empty strings, quotes, separators and newlines in text. */
function rows(): unknown[][] {
  const out: unknown[][] = [
    [0, 127, 32767, 2147483647, 9223372036854775807n, Number.MAX_VALUE, new Decimal('99999999999999999999999999.999999999999'), 'plain', Buffer.from('00ff', 'hex'), 1700000000123456n, new GeographyPoint(-180, -90), SQUARE],
    [1, -127, -32767, -2147483647, -9223372036854775807n, -1.5e-300, new Decimal('-99999999999999999999999999.999999999999'), '', Buffer.alloc(0), -1n, new GeographyPoint(179.5, 89.25), null],
    [2, null, null, null, null, null, null, null, null, null, null, null],
    [3, 0, 0, 0, 0n, -0, new Decimal('0.000000000001'), 'a "quoted", comma\r\nand lines\n', Buffer.from('c0ffee', 'hex'), 0n, new GeographyPoint(0, 0), SQUARE],
    [4, 1, 2, 3, 4n, 0.1, new Decimal('12.5'), 'Ünïcödé 😀', Buffer.from('01', 'hex'), 253402300799999999n, null, null],
  ];
  for (let i = 5; i < 300; i++) out.push([i, i % 100, i * 7, i * 1000, BigInt(i) * 1_000_000_007n, i / 7, new Decimal(`${i}.${i}`), `row ${i}`, Buffer.from([i & 0xff]), BigInt(i) * 1_000_001n, new GeographyPoint(i / 10, i / 20), null]);
  return out;
}

/** The same Arrow bytes; when not, fail naming the first cell (or the schema) that differs. */
function assertSameArrow(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  const a = tableFromIPC(actual);
  const e = tableFromIPC(expected);
  assert.equal(String(a.schema), String(e.schema), 'schemas');
  assert.deepEqual([...a.schema.metadata], [...e.schema.metadata], 'schema metadata');
  assert.equal(a.numRows, e.numRows, 'rows');
  for (let i = 0; i < e.numRows; i++) {
    const x = a.get(i)!.toJSON();
    const y = e.get(i)!.toJSON();
    for (const key of Object.keys(y)) assert.equal(String(x[key]), String(y[key]), `row ${i}, column ${key}`);
  }
  assert.fail(`the Arrow files differ (${actual.length} vs ${expected.length} bytes) though every value is the same`);
}

describe('round trip: extract to every format, load back, extract again', () => {
  let source: EmbeddedServer;
  let target: EmbeddedServer;
  let dir: string;
  let client: Client;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voltwire-load-'));
    source = await startServer({ partitions: 4 });
    target = await startServer({ partitions: 4 });
    client = await Client.connect({ hosts: [source.address], decode: { workers: 0 } });
    await client.query(DDL);
    const report = await client.bulkLoad('ALLTYPES', rows());
    assert.equal(report.inserted, 300);
    const setup = await Client.connect({ hosts: [target.address], decode: { workers: 0 } });
    await setup.query(DDL);
    await setup.close();
  });
  after(async () => {
    await client.close();
    await source.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function extractArrow(server: EmbeddedServer, name: string, extra: string[] = []): Promise<Buffer> {
    const run = await cli(['extract', '--servers', server.address, '--table', 'ALLTYPES', '--out', join(dir, name), '--no-progress', '--decode-workers', '0', ...extra]);
    assert.equal(run.code, 0, run.stderr);
    return readFileSync(join(dir, name));
  }

  async function loadBack(file: string, extra: string[] = []): Promise<void> {
    const empty = await Client.connect({ hosts: [target.address], decode: { workers: 0 } });
    await empty.query('DELETE FROM ALLTYPES');
    await empty.close();
    const run = await cli(['load', '--servers', target.address, '--table', 'ALLTYPES', join(dir, file), '--no-progress', '--batch', '37', ...extra]);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /loaded 300 of 300 rows into ALLTYPES/);
  }

  /**
   * Every column but AREA byte for byte, AREA by value (1e-12°): a polygon travels as degrees
   * (WKT in text, WKB in Arrow and Parquet) and the wire as unit vectors, and degrees → vectors
   * rounds in the last bits.
   */
  async function assertLoadedBack(file: string): Promise<void> {
    const columns = ['--columns', 'ID,TINY,SMALL,NUM,BIG,RATIO,AMOUNT,NAME,PAYLOAD,CREATED,LOCATION'];
    assertSameArrow(await extractArrow(target, `again-${file}.arrow`, columns), await extractArrow(source, `original-${file}.arrow`, columns));
    const copy = await Client.connect({ hosts: [target.address], decode: { workers: 0 } });
    const expected = await client.query('SELECT ID, AREA FROM ALLTYPES ORDER BY ID');
    const actual = await copy.query('SELECT ID, AREA FROM ALLTYPES ORDER BY ID');
    await copy.close();
    for (let i = 0; i < expected.tables[0]!.rowCount; i++) {
      const e = expected.tables[0]!.get(i, 1) as Geography | null;
      const a = actual.tables[0]!.get(i, 1) as Geography | null;
      assert.ok(e === null ? a === null : a !== null && a.equals(e, 1e-12), `row ${i}: ${String(a)} vs ${String(e)}`);
    }
  }

  // Every format as the extraction writes it, Parquet included (extract --out copy.parquet).
  for (const file of ['copy.arrow', 'copy.arrows', 'copy.csv', 'copy.ndjson', 'copy.parquet']) {
    test(`${file}: loaded back, the Arrow extract is byte for byte the original's (AREA within 1e-12°)`, async () => {
      const run = await cli(['extract', '--servers', source.address, '--table', 'ALLTYPES', '--out', join(dir, file), '--no-progress', '--decode-workers', '0']);
      assert.equal(run.code, 0, run.stderr);
      await loadBack(file);
      await assertLoadedBack(file);
    });
  }

  test('1 % bad rows: the good land, each bad one is reported with its reason; --max-errors stops', async () => {
    const lines = ['ID,TINY,NAME'];
    const bad = new Map<number, RegExp>();
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 17) {
        const kind = (i / 100) % 3 | 0;
        if (kind === 0) {
          lines.push(`${10_000 + i},1,${'x'.repeat(65)}`);
          bad.set(i, /exceeds the size of the VARCHAR\(64\) column 'NAME'/);
        } else if (kind === 1) {
          lines.push(`${10_000 + i},300,out of range`);
          bad.set(i, /300 does not fit TINYINT/);
        } else {
          lines.push(`${10_000 + i - 1},1,duplicate`);
          bad.set(i, /CONSTRAINT VIOLATION/);
        }
      } else lines.push(`${10_000 + i},${i % 100},"name, ${i}"`);
    }
    writeFileSync(join(dir, 'bad.csv'), lines.join('\n') + '\n');
    const empty = await Client.connect({ hosts: [target.address], decode: { workers: 0 } });
    await empty.query('DELETE FROM ALLTYPES');
    const run = await cli(['load', '--servers', target.address, '--table', 'ALLTYPES', join(dir, 'bad.csv'), '--no-progress', '--report-file', join(dir, 'rejected.csv')]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /loaded 990 of 1,000 rows into ALLTYPES/);
    const report = parse(readFileSync(join(dir, 'rejected.csv')), { columns: true }) as Record<string, string>[];
    assert.equal(report.length, 10);
    for (const rejected of report) {
      const index = Number(rejected['row']);
      assert.ok(bad.has(index), `row ${index} was bad`);
      assert.match(rejected['reason']!, bad.get(index)!);
      assert.equal(Number(rejected['line']), index + 2, 'the line in the file (after the header)');
      assert.equal(rejected['ID'], lines[index + 1]!.split(',')[0]);
    }
    const count = await empty.query('SELECT COUNT(*) FROM ALLTYPES');
    assert.equal(count.tables[0]!.get(0, 0), 990n);

    await empty.query('DELETE FROM ALLTYPES');
    const stopped = await cli(['load', '--servers', target.address, '--table', 'ALLTYPES', join(dir, 'bad.csv'), '--no-progress', '--max-errors', '3', '--batch', '10']);
    assert.equal(stopped.code, 1);
    // Reading stops at the 4th rejected row; batches already in flight still settle (and may reject more).
    const rejected = Number(/stopped after (\d+) rejected rows \(--max-errors 3\)/.exec(stopped.stderr)?.[1]);
    assert.ok(rejected >= 4 && rejected < 10, stopped.stderr);
    const partial = await empty.query('SELECT COUNT(*) FROM ALLTYPES');
    assert.ok((partial.tables[0]!.get(0, 0) as bigint) < 990n, 'the load stopped before the end of the file');
    await empty.close();
  });

  test('usage errors: unknown format, unknown field, missing file', async () => {
    const unknown = await cli(['load', '--servers', target.address, '--table', 'ALLTYPES', join(dir, 'data.txt'), '--no-progress']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /cannot tell the format/);
    writeFileSync(join(dir, 'field.csv'), 'ID,NOPE\n1,2\n');
    const field = await cli(['load', '--servers', target.address, '--table', 'ALLTYPES', join(dir, 'field.csv'), '--no-progress']);
    assert.equal(field.code, 2, field.stderr);
    assert.match(field.stderr, /field "NOPE" is not a column of ALLTYPES/);
    const missing = await cli(['load', '--servers', target.address, '--table', 'ALLTYPES', join(dir, 'missing.csv'), '--no-progress']);
    assert.equal(missing.code, 2, missing.stderr);
  });
});
