/**
 * Whole-process benchmark of bulk loading against the embedded server in another process.
 *
 *   npx tsc -p . && node dist/bench/bulk-load.js [--rows 200000] [--insert-rows 50000] [--depth 256] [--rounds 3]
 *   npx tsc -p . && node dist/bench/bulk-load.js --cluster [--rows 1000000]
 *
 * Default mode, for a narrow table (BIGINT key, INTEGER, VARCHAR(16)) and a wide one (12
 * columns: integers, FLOAT, two DECIMALs, VARCHARs, VARBINARY, TIMESTAMP): the rows are written
 * once to CSV, NDJSON, Arrow (file) and Parquet by the extraction (`extractTo`), then
 * each file is read and loaded the way `voltwire load` does (the same readers, `bulkLoad`,
 * default batch and concurrency) into the emptied table; beside them, in the same run, JS rows
 * through `bulkLoad` and a plain loop of `TABLE.insert` calls (`depth` in flight). Each figure
 * is the median of `rounds`; rows/s and MB/s of the file read (VoltTable MB/s for JS rows and
 * parameter bytes for the insert loop).
 *
 * `--cluster`: one load of `rows` narrow rows (a generator, never all in memory) into a 3-node
 * embedded cluster (`serve.js --nodes 3` in another process): rows/s, then the nodes'
 * `misroutedCalls` from `@Statistics('EMBEDDED')` and COUNT/MIN/MAX of the key — every row once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';
import { loadTarget } from '../src/bulk-load/load-target.js';
import { readLoadFile, RowLines, type LoadFormat } from '../src/cli/bulk-load-files.js';
import { Decimal } from '../src/protocol/decimal.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    'insert-rows': { type: 'string', default: '50000' },
    depth: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    cluster: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows ?? (args.cluster ? 1_000_000 : 200_000));
const INSERT_ROWS = Number(args['insert-rows']);
const DEPTH = Number(args.depth);
const ROUNDS = Number(args.rounds);
const DIST = dirname(dirname(fileURLToPath(import.meta.url)));

const TABLES = {
  NARROW: 'CREATE TABLE NARROW (ID BIGINT NOT NULL, V INTEGER, NAME VARCHAR(16), PRIMARY KEY (ID)); PARTITION TABLE NARROW ON COLUMN ID',
  WIDE:
    'CREATE TABLE WIDE (ID BIGINT NOT NULL, A TINYINT, B SMALLINT, C INTEGER, D BIGINT, RATIO FLOAT, PRICE DECIMAL, TOTAL DECIMAL, ' +
    'NAME VARCHAR(32), NOTE VARCHAR(64), PAYLOAD VARBINARY(32), CREATED TIMESTAMP, PRIMARY KEY (ID)); PARTITION TABLE WIDE ON COLUMN ID',
};

function narrowRow(i: number): unknown[] {
  return [i, i % 1000, `name ${i % 10_000}`];
}

function wideRow(i: number): unknown[] {
  return [
    i,
    i % 100,
    i % 30_000,
    i * 3,
    BigInt(i) * 1_000_003n,
    i / 7,
    new Decimal(`${i % 100_000}.${String(i % 100).padStart(2, '0')}`),
    new Decimal(`-${i}.${String(i % 1_000_000).padStart(6, '0')}`),
    `customer ${i % 50_000}`,
    i % 10 === 0 ? null : `a longer note about row ${i}, with a comma`,
    Buffer.from([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 7]),
    1_700_000_000_000_000n + BigInt(i) * 1000n,
  ];
}

async function serve(extra: string[]): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(process.execPath, [join(DIST, 'scripts', 'serve.js'), '--port', '0', '--partitions', '8', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { ports?: number[] };
    if (message.ports !== undefined) return { child, ports: message.ports };
  }
  throw new Error('serve.js exited before listening');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

async function emptyTable(client: Client, table: string): Promise<void> {
  await client.query(`DELETE FROM ${table}`);
}

interface Figure {
  label: string;
  rowsPerSecond: number;
  mbPerSecond: number;
}

/** The plain loop: `TABLE.insert` per row, DEPTH calls in flight. */
async function insertLoop(client: Client, table: string, rows: unknown[][]): Promise<{ seconds: number; bytes: number }> {
  const before = client.connections.reduce((sum, c) => sum + c.bytesOut, 0);
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: DEPTH }, async () => {
    while (next < rows.length) await client.call(`${table}.insert`, rows[next++]!);
  });
  await Promise.all(lanes);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, bytes: client.connections.reduce((sum, c) => sum + c.bytesOut, 0) - before };
}

async function tableRun(client: Client, table: 'NARROW' | 'WIDE', dir: string): Promise<Figure[]> {
  const make = table === 'NARROW' ? narrowRow : wideRow;
  const rows = Array.from({ length: ROWS }, (_, i) => make(i));
  await emptyTable(client, table);
  await client.bulkLoad(table, rows);
  const files: Record<LoadFormat, string> = { csv: join(dir, `${table}.csv`), ndjson: join(dir, `${table}.ndjson`), arrow: join(dir, `${table}.arrow`), parquet: join(dir, `${table}.parquet`) };
  for (const format of ['csv', 'ndjson', 'arrow', 'parquet'] as const) await client.extractTo(files[format], { table });
  const target = await loadTarget(client, table, {});
  const samples = new Map<string, { rps: number[]; mbps: number[] }>();
  const add = (label: string, rowsLoaded: number, seconds: number, bytes: number): void => {
    const entry = samples.get(label) ?? { rps: [], mbps: [] };
    entry.rps.push(rowsLoaded / seconds);
    entry.mbps.push(bytes / seconds / 1e6);
    samples.set(label, entry);
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const format of ['csv', 'ndjson', 'arrow', 'parquet'] as const) {
      await emptyTable(client, table);
      const started = performance.now();
      const source = await readLoadFile(files[format], { format, columns: target.columns, table, header: true, separator: ',', nullText: '', binary: 'hex' }, new RowLines());
      const report = await client.bulkLoad(table, source);
      const seconds = (performance.now() - started) / 1000;
      if (report.inserted !== ROWS) throw new Error(`${format}: ${report.inserted} of ${ROWS} rows loaded`);
      add(`${format} file → bulkLoad`, ROWS, seconds, statSync(files[format]).size);
    }
    await emptyTable(client, table);
    const report = await client.bulkLoad(table, rows);
    add('JS rows → bulkLoad', ROWS, report.seconds, report.bytes);
    await emptyTable(client, table);
    const plain = await insertLoop(client, table, rows.slice(0, INSERT_ROWS));
    add(`JS rows → ${table}.insert loop (${DEPTH} in flight)`, INSERT_ROWS, plain.seconds, plain.bytes);
  }
  return [...samples].map(([label, s]) => ({ label, rowsPerSecond: median(s.rps), mbPerSecond: median(s.mbps) }));
}

async function clusterRun(): Promise<void> {
  const { child, ports } = await serve(['--nodes', '3']);
  try {
    const client = await Client.connect({ hosts: [`127.0.0.1:${ports[0]}`], decode: { workers: 0 } });
    await client.query(TABLES.NARROW);
    function* rows(): Generator<unknown[]> {
      for (let i = 0; i < ROWS; i++) yield narrowRow(i);
    }
    const report = await client.bulkLoad('NARROW', rows(), { batchSize: 1000 });
    const stats = (await client.call('@Statistics', ['EMBEDDED', 0])).tables[0]!;
    let misrouted = 0;
    for (let r = 0; r < stats.rowCount; r++) misrouted += Number(stats.get(r, 'MISROUTED_CALLS'));
    const check = (await client.query('SELECT COUNT(*), MIN(ID), MAX(ID) FROM NARROW')).tables[0]!;
    console.log(`3-node cluster (serve.js --nodes 3, 8 partitions), ${fmt.format(ROWS)} narrow rows, batch 1000, connections ${client.connections.length}`);
    console.log(`  loaded ${fmt.format(report.inserted)} rows in ${report.seconds.toFixed(2)} s: ${fmt.format(report.inserted / report.seconds)} rows/s, ${(report.bytes / report.seconds / 1e6).toFixed(1)} MB/s of VoltTable, ${report.calls} calls, ${report.failed} failed, ${report.unknown} unknown`);
    console.log(`  mis-routed calls on the nodes: ${misrouted}; COUNT ${check.get(0, 0)}, MIN ${check.get(0, 1)}, MAX ${check.get(0, 2)} (ID is the primary key)`);
    await client.close();
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (args.cluster) {
    await clusterRun();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'voltwire-bulk-bench-'));
    const { child, ports } = await serve([]);
    try {
      const client = await Client.connect({ hosts: [`127.0.0.1:${ports[0]}`], decode: { workers: 0 }, queue: { warn: DEPTH * 2, resume: DEPTH, hard: DEPTH * 4 } });
      await client.query(`${TABLES.NARROW}; ${TABLES.WIDE}`);
      for (const table of ['NARROW', 'WIDE'] as const) {
        const figures = await tableRun(client, table, dir);
        console.log(`\n${table}: ${fmt.format(ROWS)} rows (insert loop: ${fmt.format(INSERT_ROWS)}), median of ${ROUNDS}`);
        const insert = figures.find((f) => f.label.includes('.insert'))!;
        console.log('| source | rows/s | MB/s | × insert loop |\n| --- | ---: | ---: | ---: |');
        for (const f of figures) console.log(`| ${f.label} | ${fmt.format(f.rowsPerSecond)} | ${f.mbPerSecond.toFixed(1)} | ${(f.rowsPerSecond / insert.rowsPerSecond).toFixed(1)}× |`);
      }
      await client.close();
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
