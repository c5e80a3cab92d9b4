/**
 * Planning helpers on their own: key-range splitting, SQL predicates, progress text and ETA,
 * overflow detection, the catalog's key choice and table description.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProcedureError } from '../../src/errors.js';
import { VOLT_TYPE } from '../../src/protocol/constants.js';
import { chooseKey, describeTable, type TableInfo } from '../../src/extract/catalog.js';
import { isOverflow } from '../../src/extract/lane.js';
import type { ExtractClient } from '../../src/extract/options.js';
import { ProgressTracker, formatByteRate, formatDuration, progressLine } from '../../src/extract/progress.js';
import { userPredicate, whereClause } from '../../src/extract/sql.js';
import { splitRange } from '../../src/extract/strategies/key-range.js';
import { makeTable } from './support.js';

const T = VOLT_TYPE;

describe('planning helpers', () => {
  test('key ranges cover [min, max] exactly, no more ranges than pages or keys', () => {
    const check = (min: bigint, max: bigint, rows: number, batch: number, concurrency: number, count: number): void => {
      const ranges = splitRange(min, max, rows, batch, concurrency);
      assert.equal(ranges.length, count);
      assert.equal(ranges[0]![0], min);
      assert.equal(ranges.at(-1)![1], max);
      for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1] + 1n);
    };
    check(1n, 1_000_000n, 1_000_000, 50_000, 4, 16);
    check(1n, 1_000_000n, 100_000, 50_000, 4, 2);
    check(5n, 7n, 1000, 1, 4, 3);
    check(-(2n ** 63n) + 1n, 2n ** 63n - 1n, 10_000_000, 50_000, 2, 8);
    check(3n, 3n, 1, 50_000, 4, 1);
  });

  test('SQL predicates: OR gets parentheses', () => {
    assert.equal(userPredicate('A = 1 OR B = 2'), '(A = 1 OR B = 2)');
    assert.equal(userPredicate('ORDERS = 1'), 'ORDERS = 1');
    assert.equal(whereClause(null), '');
    assert.equal(whereClause('X = ?', 'ID > ?'), ' WHERE X = ? AND ID > ?');
  });

  test('progress: rates, ETA from the total, the one-line text', () => {
    let now = 0;
    const tracker = new ProgressTracker(() => now);
    tracker.strategy = 'partition';
    tracker.partitionsTotal = 8;
    tracker.lanesTotal = 8;
    tracker.lanesDone = 2;
    tracker.totalRows = 1000;
    tracker.rows = 250;
    tracker.bytes = 2_500_000;
    assert.equal(tracker.snapshot().etaMs, null);
    now = 1000;
    const p = tracker.snapshot();
    assert.equal(p.rowsPerSecond, 250);
    assert.equal(p.etaMs, 3000);
    assert.equal(progressLine(p), '250/1,000 rows | 250 rows/s | 2.4 MiB/s | partitions 2/8 | ETA 0:03');
    tracker.partitionsTotal = null;
    tracker.totalRows = null;
    assert.equal(progressLine(tracker.snapshot()), '250 rows | 250 rows/s | 2.4 MiB/s | ranges 2/8 | ETA --:--');
    assert.deepEqual([0, 512, 1024, 1536, 5e9, Number.NaN].map(formatByteRate), ['0 B/s', '512 B/s', '1.0 KiB/s', '1.5 KiB/s', '4.7 GiB/s', '0 B/s']);
    tracker.lanesTotal = null;
    tracker.finish();
    now = 5000;
    assert.equal(tracker.snapshot().elapsedMs, 1000);
    assert.equal(tracker.snapshot().etaMs, 0);
    assert.equal(formatDuration(3_723_000), '1:02:03');
    assert.equal(formatDuration(-5), '0:00');
  });

  test('overflow detection', () => {
    const overflow = new ProcedureError('x', { procedure: '@AdHoc', status: -2, statusString: 'Output from SQL stmt overflowed output/network buffer of 50mb', appStatus: -128, appStatusString: null, exception: null, response: null });
    assert.equal(isOverflow(overflow), true);
    assert.equal(isOverflow(new Error('overflowed output/network buffer')), false);
  });

  test('the key: option, one-column primary key, partition column, first column', async () => {
    const info: TableInfo = {
      name: 'T',
      columns: [
        { name: 'A', type: T.STRING, nullable: true },
        { name: 'B', type: T.BIGINT, nullable: true },
        { name: 'C', type: T.INTEGER, nullable: true },
        { name: 'G', type: T.GEOGRAPHY, nullable: true },
      ],
      partitionColumn: 'C',
      primaryKey: ['B'],
    };
    assert.equal(chooseKey(info, 'c').name, 'C');
    assert.equal(chooseKey(info, null).name, 'B');
    assert.equal(chooseKey({ ...info, primaryKey: ['A', 'B'] }, null).name, 'C');
    assert.equal(chooseKey({ ...info, primaryKey: null, partitionColumn: null }, null).name, 'A');
    assert.throws(() => chooseKey(info, 'G'), /integer or VARCHAR/);
    assert.throws(() => chooseKey(info, 'Z'), /no column Z/);
  });

  test('describeTable reads COLUMNS (NOT NULL included) and PRIMARYKEYS; other failures pass through', async () => {
    const rowsOf = (columns: { name: string; type: number }[], rows: unknown[][]) => ({ tables: [makeTable(columns, rows)] });
    const columns = rowsOf(
      [
        { name: 'TABLE_NAME', type: T.STRING },
        { name: 'COLUMN_NAME', type: T.STRING },
        { name: 'TYPE_NAME', type: T.STRING },
        { name: 'ORDINAL_POSITION', type: T.INTEGER },
        { name: 'REMARKS', type: T.STRING },
        { name: 'IS_NULLABLE', type: T.STRING },
      ],
      [
        ['T', 'V', 'VARCHAR', 2, 'PARTITION_COLUMN', 'NO'],
        ['T', 'K', 'BIGINT', 1, null, 'NO'],
        ['T', 'X', 'MYSTERY', 3, null, 'YES'],
        ['U', 'Z', 'INTEGER', 1, null, 'NO'],
      ],
    );
    const keys = rowsOf(
      [
        { name: 'TABLE_NAME', type: T.STRING },
        { name: 'COLUMN_NAME', type: T.STRING },
        { name: 'KEY_SEQ', type: T.SMALLINT },
      ],
      [
        ['T', 'V', 2],
        ['U', 'Z', 1],
        ['T', 'K', 1],
      ],
    );
    const fake = (failure: Error | null): ExtractClient => ({
      call: async (_procedure, params) => {
        if (params?.[0] === 'COLUMNS') return columns as never;
        if (failure !== null) throw failure;
        return keys as never;
      },
      query: async () => {
        throw new Error('unused');
      },
    });
    const info = await describeTable(fake(null), 't', {});
    assert.deepEqual(info, {
      name: 'T',
      columns: [
        { name: 'K', type: T.BIGINT, nullable: false },
        { name: 'V', type: T.STRING, nullable: false },
        { name: 'X', type: T.NULL, nullable: true },
      ],
      partitionColumn: 'V',
      primaryKey: ['K', 'V'],
    });
    const refused = new ProcedureError('invalid selector', { procedure: '@SystemCatalog', status: -2, statusString: 'Invalid selector', appStatus: -128, appStatusString: null, exception: null, response: null });
    assert.equal((await describeTable(fake(refused), 'T', {})).primaryKey, null);
    await assert.rejects(describeTable(fake(new Error('socket')), 'T', {}), /socket/);
  });
});
