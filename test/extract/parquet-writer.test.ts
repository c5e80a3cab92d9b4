/**
 * The Parquet writer on its own: it streams (finished row groups reach the sink while batches
 * still come), checks its options, tolerates an empty extraction, and what it writes is read
 * back by DuckDB value for value — every column type, NULLs included.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { ParameterError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { ExtractBatch } from '../../src/extract/batch.js';
import { createWriter } from '../../src/extract/extract-to.js';
import { ParquetWriter } from '../../src/extract/writers/parquet-writer.js';
import { Decimal, makeTable } from './support.js';
import { MemorySink, scratchDir } from '../helpers/memory-sink.js';

const T = VOLT_TYPE;
const dir = scratchDir('voltwire-parquet-writer-');

const COLUMNS = [
  { name: 'ID', type: T.BIGINT },
  { name: 'N', type: T.INTEGER },
  { name: 'S', type: T.STRING },
  { name: 'D', type: T.DECIMAL },
  { name: 'TS', type: T.TIMESTAMP },
];

function batch(first: number, count: number): ExtractBatch {
  const rows: unknown[][] = [];
  for (let i = first; i < first + count; i++) {
    rows.push([BigInt(i), i % 7 === 0 ? null : i * 3, `row ${i}`, new Decimal(`${i}.000000000001`), BigInt(i) * 1_000_001n]);
  }
  return new ExtractBatch(makeTable(COLUMNS, rows), COLUMNS.map((_, i) => i), { lane: 0, partition: null, page: first / count });
}

test('streams: row groups reach the sink before finish(); DuckDB reads every value back', async () => {
  const sink = new MemorySink();
  const writer = new ParquetWriter(sink, { rowGroupRows: 1000 });
  for (let page = 0; page < 10; page++) await writer.write(batch(page * 1000, 1000));
  assert.ok(sink.bytesWritten > 0, 'finished row groups were written while batches still came');
  const before = sink.bytesWritten;
  await writer.finish();
  assert.ok(sink.closed);
  assert.ok(sink.bytesWritten > before, 'the last row group and the footer come at finish()');
  const path = join(dir, 'streamed.parquet');
  writeFileSync(path, Buffer.concat(sink.chunks));
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const groups = (await duck.runAndReadAll(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata('${path}')`)).getRowObjectsJS();
    assert.deepEqual(groups, [{ n: 10 }]);
    const summary = (
      await duck.runAndReadAll(
        `SELECT count(*)::INTEGER AS rows, sum(ID)::BIGINT AS ids, count(N)::INTEGER AS ns, max(S) AS s, sum(D)::VARCHAR AS d, max(epoch_us(TS))::BIGINT AS ts FROM read_parquet('${path}')`,
      )
    ).getRowObjectsJS();
    assert.deepEqual(summary, [{ rows: 10_000, ids: 49_995_000n, ns: 10_000 - 1429, s: 'row 9999', d: '49995000.000000010000', ts: 9999n * 1_000_001n }]);
  } finally {
    duck.closeSync();
  }
});

test('options are checked; an empty extraction writes nothing; abort reaches the sink', async () => {
  assert.throws(() => createWriter('parquet', new MemorySink(), { compression: 'lzo' as 'zstd' }), ParameterError);
  assert.throws(() => createWriter('parquet', new MemorySink(), { rowGroupRows: 0 }), /rowGroupRows must be a positive integer/);
  const empty = new MemorySink();
  const writer = createWriter('parquet', empty, { compression: 'none' });
  await writer.finish();
  assert.equal(empty.bytesWritten, 0);
  assert.ok(empty.closed);
  const aborted = new MemorySink();
  const started = new ParquetWriter(aborted);
  await started.write(batch(0, 10));
  await started.abort();
  assert.ok(aborted.aborted);
  await assert.rejects(started.write(batch(10, 10)), /the Parquet output was aborted|aborted/);
});
