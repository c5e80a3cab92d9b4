/**
 * Bulk extraction throughput: rows/s and MB/s for each strategy × output format × decode
 * worker count, against the embedded server running in ANOTHER process (so the server's
 * row generation does not share this event loop — it still shares the machine's cores).
 *
 *   npx tsc -p . && node dist/bench/extract.js [options]
 *
 *   --rows N               rows of EVENTS (and of its partitioned copy EVENTS_P); default 200000
 *   --workers 0,1,2        decode worker threads of the client (0 = decode on the main thread)
 *   --strategies key-range,query,partition
 *   --formats none,arrow,csv,ndjson   none = iterate the batches only (columns decoded, nothing written)
 *   --iterations N         measured runs per case (tinybench), after one warm-up run; default 2
 *   --concurrency N        requests in flight (default 4); --batch-rows N (default 50000)
 *   --json                 one JSON line with every figure
 *
 *   node dist/bench/extract.js --serve --rows N   (the server process it starts; also used by extract-memory)
 *
 * Figures per case (mean of the measured runs): rows/s; column MB/s = bytes of the decoded
 * column buffers (the data's Arrow size) per second; file MB/s = bytes written per second.
 * `key-range` and `query` read EVENTS (a generated table); `partition` reads EVENTS_P
 * (a stored table partitioned on ID, 8 partitions) through a single-partition page procedure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { Client } from '../src/client.js';
import { extract } from '../src/extract/extract.js';
import { extractTo } from '../src/extract/extract-to.js';
import type { ExtractOptions, ExtractStrategy } from '../src/extract/options.js';
import type { ExtractFormat } from '../src/extract/writers/batch-writer.js';
import { MP_PARTITION_ID } from '../src/protocol/constants.js';
import { startServer, type EmbeddedServer } from '../src/server/index.js';
import { executeBatch } from '../src/server/sql/executor.js';
import type { StoredTable } from '../src/server/store.js';
import { eventRow } from '../src/server/workloads/analytics.js';

const SELF = fileURLToPath(import.meta.url);

/** The page procedure of the `partition` strategy over EVENTS_P. */
export const PAGE_PROCEDURE = 'EVENTS_P_PAGE';

/** EVENTS_P: EVENTS' columns, partitioned on ID, filled with the first `rows` EVENTS rows; and its page procedure. */
export function loadPartitionedCopy(server: EmbeddedServer, rows: number): void {
  executeBatch(
    server.database,
    'CREATE TABLE EVENTS_P (ID BIGINT NOT NULL, TINY TINYINT, SMALL SMALLINT, NUM INTEGER, BIG BIGINT, RATIO FLOAT, AMOUNT DECIMAL, ' +
      'NAME VARCHAR(64), PAYLOAD VARBINARY(64), CREATED TIMESTAMP, LOCATION GEOGRAPHY_POINT, AREA GEOGRAPHY, PRIMARY KEY (ID)); ' +
      'PARTITION TABLE EVENTS_P ON COLUMN ID',
    [],
  );
  const table = server.database.table('EVENTS_P') as StoredTable;
  const scope = { partition: MP_PARTITION_ID, procedure: 'load' };
  for (let i = 0; i < rows; i++) server.database.insertRow(table, eventRow(i), scope);
  server.define(
    PAGE_PROCEDURE,
    { partitionParameter: 0, partitionParameterType: 'BIGINT', parameterTypes: ['INTEGER', 'BIGINT', 'INTEGER'], readOnly: true },
    (params, context) => context.sql('SELECT * FROM EVENTS_P WHERE ID > ? ORDER BY ID LIMIT ?', params[1], params[2]),
  );
}

/** The server role: EVENTS with `rows` rows (+ EVENTS_P unless `partitioned` is false), one JSON line when listening. */
async function serve(rows: number, partitioned: boolean): Promise<void> {
  const server = await startServer({ rows, workloads: ['analytics'], partitions: 8 });
  if (partitioned) loadPartitionedCopy(server, rows);
  process.stdout.write(JSON.stringify({ event: 'listening', port: server.port, rows, pid: process.pid, rssMB: Math.round(process.memoryUsage().rss / 1e6) }) + '\n');
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Start the server role in a child process; resolves with its port once it listens. */
export async function startServerProcess(rows: number, partitioned = true): Promise<{ child: ChildProcess; port: number; rssMB: number }> {
  const child = spawn(process.execPath, [SELF, '--serve', '--rows', String(rows), ...(partitioned ? [] : ['--no-partitioned'])], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const message = JSON.parse(line) as { port?: number; rssMB: number };
    if (message.port !== undefined) return { child, port: message.port, rssMB: message.rssMB };
  }
  throw new Error('the server process exited before listening');
}

/** The extraction options of a strategy over the bench tables. */
export function strategyOptions(strategy: ExtractStrategy, concurrency: number, batchRows: number): ExtractOptions {
  if (strategy === 'partition') return { table: 'EVENTS_P', procedure: PAGE_PROCEDURE, by: 'partition', concurrency, batchRows };
  return { table: 'EVENTS', by: strategy, concurrency, batchRows };
}

interface CaseResult {
  strategy: ExtractStrategy;
  format: ExtractFormat | 'none';
  workers: number;
  rows: number;
  meanS: number;
  minS: number;
  rowsPerS: number;
  columnMBPerS: number;
  fileMBPerS: number;
}

async function runBench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '200000' },
      workers: { type: 'string', default: '0,1,2' },
      strategies: { type: 'string', default: 'key-range,query,partition' },
      formats: { type: 'string', default: 'none,arrow,csv,ndjson' },
      iterations: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '4' },
      'batch-rows': { type: 'string', default: '50000' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const workers = values.workers!.split(',').map(Number);
  const strategies = values.strategies!.split(',') as ExtractStrategy[];
  const formats = values.formats!.split(',') as (ExtractFormat | 'none')[];
  const iterations = Number(values.iterations);
  const concurrency = Number(values.concurrency);
  const batchRows = Number(values['batch-rows']);
  const load = loadavg()[0]!;
  const server = await startServerProcess(rows);
  const dir = mkdtempSync(join(tmpdir(), 'voltwire-bench-extract-'));
  const results: CaseResult[] = [];
  try {
    for (const threads of workers) {
      const client = await Client.connect({ hosts: [`127.0.0.1:${server.port}`], decode: { workers: threads } });
      try {
        const bench = new Bench({ iterations, time: 0, warmup: true, warmupIterations: 1, warmupTime: 0 });
        const seen = new Map<string, { rows: number; columnBytes: number; fileBytes: number }>();
        for (const strategy of strategies) {
          for (const format of formats) {
            const name = `${strategy}/${format}/${threads}`;
            bench.add(name, async () => {
              const options = strategyOptions(strategy, concurrency, batchRows);
              if (format === 'none') {
                const extraction = extract(client, options);
                for await (const batch of extraction) void batch.columns;
                const p = extraction.progress();
                seen.set(name, { rows: p.rows, columnBytes: p.bytes, fileBytes: 0 });
              } else {
                const path = join(dir, `out.${format}`);
                const result = await extractTo(client, path, { ...options, format });
                rmSync(path, { force: true });
                seen.set(name, { rows: result.rows, columnBytes: result.progress.bytes, fileBytes: result.bytesWritten });
              }
            });
          }
        }
        await bench.run();
        for (const task of bench.tasks) {
          const [strategy, format] = task.name.split('/') as [ExtractStrategy, ExtractFormat | 'none'];
          const r = task.result as { latency?: { mean: number; min: number } } | undefined;
          const meanS = (r?.latency?.mean ?? Number.NaN) / 1000;
          const counts = seen.get(task.name)!;
          if (counts.rows !== rows) throw new Error(`${task.name}: ${counts.rows} rows extracted, the table has ${rows}`);
          const row: CaseResult = {
            strategy,
            format,
            workers: threads,
            rows: counts.rows,
            meanS,
            minS: (r?.latency?.min ?? Number.NaN) / 1000,
            rowsPerS: counts.rows / meanS,
            columnMBPerS: counts.columnBytes / 1e6 / meanS,
            fileMBPerS: counts.fileBytes / 1e6 / meanS,
          };
          results.push(row);
          process.stdout.write(
            `${strategy.padEnd(9)} ${format.padEnd(6)} workers ${threads}: ${Math.round(row.rowsPerS).toLocaleString('en-US').padStart(9)} rows/s  ` +
              `${row.columnMBPerS.toFixed(1).padStart(6)} column MB/s  ${row.fileMBPerS.toFixed(1).padStart(6)} file MB/s  (mean ${row.meanS.toFixed(2)} s, min ${row.minS.toFixed(2)} s)\n`,
          );
        }
      } finally {
        await client.close();
      }
    }
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${load.toFixed(2)} before / ${loadavg()[0]!.toFixed(2)} after`;
  process.stdout.write(`rows ${rows}, concurrency ${concurrency}, batchRows ${batchRows}, ${iterations} runs per case after 1 warm-up; ${machine}\n`);
  if (values.json) process.stdout.write(JSON.stringify({ rows, concurrency, batchRows, iterations, machine, results }) + '\n');
}

const { values: role } = parseArgs({ options: { serve: { type: 'boolean', default: false }, rows: { type: 'string' }, 'no-partitioned': { type: 'boolean', default: false } }, strict: false });
if (process.argv[1] === SELF) {
  if (role.serve === true) await serve(Number(role.rows ?? 1000), role['no-partitioned'] !== true);
  else await runBench();
}
