/**
 * `extractTo()` against the embedded server: the Arrow file and stream read back with
 * apache-arrow equal EVENTS row for row (every type, NULLs, µs timestamps, Decimal128(38,12));
 * CSV and NDJSON parse back to the same values; every strategy writes the same row count.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../src/client.js';
import { ParameterError } from '../../src/errors.js';
import { extractTo, type ExtractToProgress } from '../../src/extract/extract-to.js';
import type { EmbeddedServer } from '../../src/server/index.js';
import { arrowRows, assertArrowSchema, csvRows, ndjsonRows, parseCsv } from './readback.js';
import { EVENTS_P_PAGE, assertAllIds, checkEventRows, startExtractServer } from './support.js';

const ROWS = 20_000;

describe('extractTo() against the embedded server', () => {
  let server: EmbeddedServer;
  let client: Client;
  let dir: string;
  before(async () => {
    server = await startExtractServer(ROWS);
    client = await Client.connect({ hosts: [server.address] });
    dir = mkdtempSync(join(tmpdir(), 'voltwire-extract-'));
  });
  after(async () => {
    await client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Arrow IPC file: apache-arrow reads back every row and value, with the lossless types', async () => {
    const path = join(dir, 'events.arrow');
    const progress: ExtractToProgress[] = [];
    const result = await extractTo(client, path, { table: 'EVENTS', batchRows: 5000, onProgress: (p) => progress.push(p) });
    assert.equal(result.format, 'arrow');
    assert.equal(result.rows, ROWS);
    assert.equal(result.bytesWritten, readFileSync(path).length);
    assert.ok(progress.length >= 2 && progress.at(-1)!.done && progress.at(-1)!.bytesWritten === result.bytesWritten);
    assert.equal(readFileSync(path).subarray(0, 6).toString('latin1'), 'ARROW1');
    const { rows, schema } = arrowRows(path);
    assertArrowSchema(schema);
    assertAllIds(checkEventRows(rows), ROWS);
  });

  test('Arrow IPC stream (by partition) reads back the same', async () => {
    const path = join(dir, 'events.arrows');
    const result = await extractTo(client, path, { table: 'EVENTS_P', procedure: EVENTS_P_PAGE, batchRows: 500 });
    assert.equal(result.format, 'arrow-stream');
    const { rows, schema } = arrowRows(path);
    assertArrowSchema(schema);
    assertAllIds(checkEventRows(rows), ROWS);
  });

  test('CSV parses back to the same values (RFC 4180, header, NULL as empty)', async () => {
    const path = join(dir, 'events.csv');
    const result = await extractTo(client, path, { table: 'EVENTS', by: 'query', batchRows: 5000 });
    assert.equal(result.format, 'csv');
    assertAllIds(checkEventRows(csvRows(path)), ROWS);
    // The non-ASCII names and the WKT polygons (with commas) are there, quoted where needed.
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes('événement-50-☃'));
    assert.ok(text.includes(',"POLYGON(('));
    assert.ok(text.includes('\r\n'));
  });

  test('CSV with a tab delimiter, LF records, NULL text and base64 binaries', async () => {
    const path = join(dir, 'events.tsv');
    await extractTo(client, path, { table: 'EVENTS', where: 'ID <= ?', params: [200n], delimiter: '\t', newline: '\n', nullText: 'NULL', binary: 'base64' });
    const records = parseCsv(readFileSync(path, 'utf8'), '\t');
    assert.equal(records.length, 201);
    assert.ok(!readFileSync(path, 'utf8').includes('\r'));
    assert.equal(records[6]!.find((_, c) => c === 1)!.text, 'NULL'); // row index 5: TINY is NULL
    assert.equal(records[1]![8]!.text, Buffer.from('3dbfcff100000000', 'hex').toString('base64'));
  });

  test('NDJSON parses back to the same values (BIGINT and DECIMAL as strings, ISO µs timestamps)', async () => {
    const path = join(dir, 'events.ndjson');
    const result = await extractTo(client, path, { table: 'EVENTS_P', procedure: EVENTS_P_PAGE, batchRows: 500, concurrency: 8 });
    assert.equal(result.format, 'ndjson');
    assertAllIds(checkEventRows(ndjsonRows(path)), ROWS);
    const first = readFileSync(path, 'utf8').split('\n').find((line) => line.startsWith('{"ID":"1",'))!;
    assert.match(first, /"BIG":"-500000000000"/);
    assert.match(first, /"CREATED":"2023-11-14T22:13:20\.000000Z"/);
  });

  test('row counts match for every strategy and format', async () => {
    const counts = new Map<string, number>();
    for (const [name, options] of [
      ['key-range', { table: 'EVENTS', batchRows: 7000 }],
      ['query', { table: 'EVENTS', by: 'query', batchRows: 7000 }],
      ['partition', { table: 'EVENTS_P', procedure: EVENTS_P_PAGE, batchRows: 500 }],
    ] as const) {
      for (const format of ['arrow', 'csv', 'ndjson'] as const) {
        const path = join(dir, `count-${name}.${format}`);
        const result = await extractTo(client, path, { ...options, format });
        counts.set(`${name}/${format}`, result.rows);
        const rows = format === 'arrow' ? arrowRows(path).rows.length : format === 'csv' ? parseCsv(readFileSync(path, 'utf8')).length - 1 : readFileSync(path, 'utf8').split('\n').length - 1;
        assert.equal(rows, ROWS, `${name}/${format}`);
      }
    }
    assert.deepEqual(new Set(counts.values()), new Set([ROWS]));
  });

  test('an empty extraction writes a schema-only file', async () => {
    const arrowPath = join(dir, 'empty.arrow');
    await extractTo(client, arrowPath, { table: 'EVENTS', where: 'ID < ?', params: [0n] });
    assert.equal(arrowRows(arrowPath).rows.length, 0);
    assertArrowSchema(arrowRows(arrowPath).schema);
    const csvPath = join(dir, 'empty.csv');
    await extractTo(client, csvPath, { table: 'EVENTS', where: 'ID < ?', params: [0n] });
    assert.equal(parseCsv(readFileSync(csvPath, 'utf8')).length, 1);
  });

  test('bad output options are refused before the file is created', async () => {
    const path = join(dir, 'never.csv');
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', delimiter: '"' }), ParameterError);
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', delimiter: ',,' }), ParameterError);
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', newline: '\r' as '\n' }), ParameterError);
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', nullText: 'a,b' }), ParameterError);
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', format: 'xml' as 'csv' }), /format must be/);
    await assert.rejects(extractTo(client, '', { table: 'EVENTS' }), /non-empty path or a writable stream/);
    await assert.rejects(extractTo(client, join(dir, 'never.data'), { table: 'EVENTS' }), /cannot tell the output format/);
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', concurrency: -1 }), /concurrency/);
    assert.equal(existsSync(path), false);
  });

  test('a failure after the file was opened removes it, or keeps it with keepPartial', async () => {
    const path = join(dir, 'failed.arrow');
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', key: 'TINY', batchRows: 100 }), /not unique/);
    assert.equal(existsSync(path), false);
    await assert.rejects(extractTo(client, path, { table: 'EVENTS', key: 'TINY', batchRows: 100, keepPartial: true }), /not unique/);
    assert.equal(existsSync(path), true);
  });
});
