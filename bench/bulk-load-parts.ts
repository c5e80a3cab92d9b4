/**
 * Two parts of a bulk load measured on their own, for before/after comparisons of one build
 * against another (run this file from each build, one after the other):
 *
 *   npx tsc -p . && node dist/bench/bulk-load-parts.js [--rows 50000] [--rounds 5]
 *
 * - **CSV reading**: a wide CSV file (12 columns as `bench/bulk-load.ts`'s WIDE table, in the
 *   extraction's text forms, every 10th NOTE NULL) read through `voltwire load`'s reader into
 *   rows — no server; median of `rounds`.
 * - **Server work per loaded row**: `rows` narrow rows loaded (batch 1000) into an in-process
 *   embedded server, `rounds` times; the mean execution time of `@LoadSinglepartitionTable`
 *   from `@Statistics('PROCEDURE')` (the server's own clock around the procedure) per row.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';
import { readLoadFile, RowLines } from '../src/cli/bulk-load-files.js';
import { VOLT_TYPE as T } from '../src/protocol/constants.js';
import { startServer } from '../src/server/index.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '5' } } });
const ROWS = Number(args.rows);
const ROUNDS = Number(args.rounds);

const WIDE = (
  [
    ['ID', T.BIGINT],
    ['A', T.TINYINT],
    ['B', T.SMALLINT],
    ['C', T.INTEGER],
    ['D', T.BIGINT],
    ['RATIO', T.FLOAT],
    ['PRICE', T.DECIMAL],
    ['TOTAL', T.DECIMAL],
    ['NAME', T.STRING],
    ['NOTE', T.STRING],
    ['PAYLOAD', T.VARBINARY],
    ['CREATED', T.TIMESTAMP],
  ] as const
).map(([name, type]) => ({ name, type: type as number }));

function wideLine(i: number): string {
  const note = i % 10 === 0 ? '' : `"a longer note about row ${i}, with a comma"`;
  const created = new Date(1_700_000_000_000 + i).toISOString().replace('Z', '000Z');
  return `${i},${i % 100},${i % 30_000},${i * 3},${i * 1_000_003},${i / 7},${i % 100_000}.${String(i % 100).padStart(2, '0')},-${i}.${String(i % 1_000_000).padStart(6, '0')},customer ${i % 50_000},${note},${(i & 0xff).toString(16).padStart(2, '0')}0b0c07,${created}`;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function csvReading(dir: string): Promise<void> {
  const file = join(dir, 'wide.csv');
  writeFileSync(file, [WIDE.map((c) => c.name).join(','), ...Array.from({ length: ROWS }, (_, i) => wideLine(i))].join('\n') + '\n');
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const source = (await readLoadFile(file, { format: 'csv', columns: WIDE, table: 'WIDE', header: true, separator: ',', nullText: '', binary: 'hex' }, new RowLines())) as AsyncIterable<unknown[]>;
    let rows = 0;
    for await (const _row of source) rows++;
    if (rows !== ROWS) throw new Error(`read ${rows} of ${ROWS} rows`);
    times.push(performance.now() - started);
  }
  const ms = median(times);
  console.log(`CSV reading, ${ROWS} wide rows: median ${ms.toFixed(0)} ms, ${Math.round((ROWS / ms) * 1000)} rows/s`);
}

async function serverWork(): Promise<void> {
  const server = await startServer({ partitions: 8 });
  const client = await Client.connect({ hosts: [server.address], decode: { workers: 0 } });
  try {
    await client.query('CREATE TABLE NARROW (ID BIGINT NOT NULL, V INTEGER, NAME VARCHAR(16), PRIMARY KEY (ID)); PARTITION TABLE NARROW ON COLUMN ID');
    const rows = Array.from({ length: ROWS }, (_, i) => [i, i % 1000, `name ${i % 10_000}`]);
    for (let round = 0; round < ROUNDS; round++) {
      await client.query('DELETE FROM NARROW');
      await client.bulkLoad('NARROW', rows, { batchSize: 1000 });
    }
    const stats = (await client.call('@Statistics', ['PROCEDURE', 0])).tables[0]!;
    let nanos = 0;
    let calls = 0;
    for (let r = 0; r < stats.rowCount; r++) {
      if (stats.get(r, 'PROCEDURE') !== '@LoadSinglepartitionTable') continue;
      const invocations = Number(stats.get(r, 'INVOCATIONS'));
      nanos += Number(stats.get(r, 'AVG_EXECUTION_TIME')) * invocations;
      calls += invocations;
    }
    const loaded = ROWS * ROUNDS;
    console.log(`server work, ${loaded} narrow rows in ${calls} @LoadSinglepartitionTable calls: ${(nanos / loaded / 1000).toFixed(2)} µs of execution per row`);
  } finally {
    await client.close();
    await server.close();
  }
}

console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const dir = mkdtempSync(join(tmpdir(), 'voltwire-load-parts-'));
try {
  await csvReading(dir);
  await serverWork();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
