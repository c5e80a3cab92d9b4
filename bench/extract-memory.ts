/**
 * Peak memory of a bulk extraction: each measurement is a FRESH Node process (the client)
 * extracting EVENTS into a file, against the embedded server in ANOTHER process; the same
 * extraction is measured at two table sizes (default 1,000,000 and 4,000,000 rows) to show
 * the peak does not grow with the table. Then, separately (after the peak was recorded), the
 * 1,000,000-row Arrow file is read back with apache-arrow and compared with the table row for
 * row — every column, every NULL — as the issue's proof asks; a Parquet file of that size is
 * read by DuckDB. Several formats in one run (`--format arrow,parquet`) are measured against the
 * same server process, one fresh client each, so their figures compare A/B.
 *
 *   npx tsc -p . && node dist/bench/extract-memory.js [options]
 *   node dist/bench/extract-memory.js --sizes 250000,1000000,4000000 --strategies key-range --format arrow,parquet
 *
 *   --sizes 1000000,4000000     table sizes (one server process per size)
 *   --strategies key-range,partition
 *   --format arrow              output formats, comma-separated (arrow, arrow-stream, parquet, csv, ndjson)
 *   --compression zstd          Parquet compression (zstd, snappy, none)
 *   --workers 1                 client decode worker threads
 *   --concurrency 4 --batch-rows 50000
 *   --verify 1000000            read the Arrow file of this size back and compare every row; a Parquet
 *                               file of this size is read by DuckDB (row count, ID sum, NULL counts) (0 = skip)
 *   --json                      one JSON line with every figure
 *
 * Figures: peak RSS = `process.resourceUsage().maxRSS` of the client process (the kernel's
 * high-water mark, worker threads included), baseline RSS = RSS after connecting and loading
 * apache-arrow, before the first request; sampled RSS every 25 ms to see the shape.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client.js';
import { loadArrow } from '../src/decode/arrow.js';
import { extractTo } from '../src/extract/extract-to.js';
import type { ExtractStrategy } from '../src/extract/options.js';
import type { ExtractFormat } from '../src/extract/writers/batch-writer.js';
import { VOLT_TYPE } from '../src/protocol/constants.js';
import { Decimal } from '../src/protocol/decimal.js';
import { Geography, GeographyPoint } from '../src/protocol/geography.js';
import { geographyFromWkb } from '../src/decode/wkb.js';
import { EVENTS_SCHEMA, eventCell } from '../src/server/workloads/analytics.js';
import { startServerProcess, strategyOptions } from './extract.js';

const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

interface ChildResult {
  strategy: ExtractStrategy;
  rows: number;
  seconds: number;
  baselineRssMB: number;
  peakRssMB: number;
  sampledPeakRssMB: number;
  fileMB: number;
  format: string;
  verified?: number;
  verifySeconds?: number;
}

/** The client role: one extraction, then (optionally) the read-back check. Prints one JSON line. */
async function child(args: Record<string, string | boolean | undefined>): Promise<void> {
  const strategy = args.strategy as ExtractStrategy;
  const format = args.format as ExtractFormat;
  const out = String(args.out);
  const client = await Client.connect({ hosts: [`127.0.0.1:${String(args.port)}`], decode: { workers: Number(args.workers) } });
  await loadArrow();
  await client.ping();
  const baseline = process.memoryUsage().rss;
  let sampledPeak = baseline;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 25);
  const started = performance.now();
  const compression = format === 'parquet' ? { compression: args.compression as 'zstd' | 'snappy' | 'none' } : {};
  const result = await extractTo(client, out, { ...strategyOptions(strategy, Number(args.concurrency), Number(args['batch-rows'])), format, ...compression });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const peak = process.resourceUsage().maxRSS * 1024;
  await client.close();
  const line: ChildResult = {
    strategy,
    rows: result.rows,
    seconds,
    baselineRssMB: baseline / MB,
    peakRssMB: peak / MB,
    sampledPeakRssMB: sampledPeak / MB,
    fileMB: statSync(out).size / MB,
    format,
  };
  if (args.verify === true) {
    const t = performance.now();
    line.verified = format === 'parquet' ? await verifyParquetFile(out, result.rows) : await verifyArrowFile(out, result.rows);
    line.verifySeconds = (performance.now() - t) / 1000;
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}

/** Read the Arrow file back and compare every row with the generator (EVENTS' ground truth); returns the rows checked. */
async function verifyArrowFile(path: string, rows: number): Promise<number> {
  const arrow = await loadArrow();
  const table = arrow.tableFromIPC(readFileSync(path));
  if (table.numRows !== rows) throw new Error(`the file has ${table.numRows} rows, expected ${rows}`);
  const seen = new Uint8Array(rows);
  const types = EVENTS_SCHEMA.columns.map((c) => c.type);
  const scale = new Decimal('1e12');
  for (const batch of table.batches) {
    const datas = types.map((_, c) => batch.getChildAt(c)!.data[0]!);
    for (let r = 0; r < batch.numRows; r++) {
      const id = Number((datas[0]!.values as BigInt64Array)[datas[0]!.offset + r]!);
      const i = id - 1;
      if (seen[i] === 1) throw new Error(`ID ${id} twice`);
      seen[i] = 1;
      for (let c = 0; c < types.length; c++) {
        const data = datas[c]!;
        const expected = eventCell(i, c);
        const valid = data.getValid(r);
        if ((expected === null) === valid) throw new Error(`row ${i} column ${c}: NULL mismatch`);
        if (!valid) continue;
        const k = data.offset + r;
        let ok: boolean;
        switch (types[c]) {
          case VOLT_TYPE.DECIMAL: {
            const w = data.values as Uint32Array;
            let bits = 0n;
            for (let j = 3; j >= 0; j--) bits = (bits << 32n) | BigInt(w[k * 4 + j]!);
            const value = bits >= 1n << 127n ? bits - (1n << 128n) : bits;
            ok = value === BigInt((expected as Decimal).times(scale).toFixed(0));
            break;
          }
          case VOLT_TYPE.STRING:
          case VOLT_TYPE.VARBINARY:
          case VOLT_TYPE.GEOGRAPHY: {
            const offsets = data.valueOffsets as Int32Array;
            const bytes = Buffer.from((data.values as Uint8Array).subarray(offsets[k]!, offsets[k + 1]!));
            if (types[c] === VOLT_TYPE.STRING) ok = bytes.toString('utf8') === expected;
            else if (types[c] === VOLT_TYPE.VARBINARY) ok = bytes.equals(expected as Uint8Array);
            else ok = (expected as Geography).equals(geographyFromWkb(bytes), 1e-9);
            break;
          }
          case VOLT_TYPE.GEOGRAPHY_POINT: {
            const xy = data.children[0]!.values as Float64Array;
            ok = (expected as GeographyPoint).equals(new GeographyPoint(xy[2 * k]!, xy[2 * k + 1]!), 0);
            break;
          }
          default:
            ok = (data.values as ArrayLike<number | bigint>)[k] === expected;
        }
        if (!ok) throw new Error(`row ${i} column ${EVENTS_SCHEMA.columns[c]!.name}: value differs`);
      }
    }
  }
  if (seen.indexOf(0) >= 0) throw new Error(`ID ${seen.indexOf(0) + 1} missing`);
  return rows;
}

/**
 * Read the Parquet file with DuckDB (a reader independent of the writer): the row count, the
 * IDs (1..rows, each once: their count, distinct count and sum) and each column's NULL count
 * match the generator. Returns the rows checked.
 */
async function verifyParquetFile(path: string, rows: number): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const names = EVENTS_SCHEMA.columns.map((c) => c.name);
    const nulls = names.map((name) => `count(*) - count(${name}) AS "${name}"`).join(', ');
    const sql = `SELECT count(*)::BIGINT AS n, count(DISTINCT ID)::BIGINT AS ids, sum(ID)::HUGEINT::VARCHAR AS total, ${nulls} FROM read_parquet('${path.replace(/'/g, "''")}')`;
    const got = (await duck.runAndReadAll(sql)).getRowObjectsJS()[0] as Record<string, unknown>;
    const expectedNulls = names.map(() => 0);
    for (let i = 0; i < rows; i++) for (let c = 0; c < names.length; c++) if (eventCell(i, c) === null) expectedNulls[c]!++;
    const total = ((BigInt(rows) * BigInt(rows + 1)) / 2n).toString();
    if (Number(got.n) !== rows || Number(got.ids) !== rows || got.total !== total) throw new Error(`DuckDB read ${String(got.n)} rows, ${String(got.ids)} IDs summing to ${String(got.total)}; expected ${rows}, ${rows}, ${total}`);
    names.forEach((name, c) => {
      if (Number(got[name]) !== expectedNulls[c]) throw new Error(`column ${name}: ${String(got[name])} NULLs, expected ${expectedNulls[c]}`);
    });
    return rows;
  } finally {
    duck.closeSync();
  }
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult) : reject(new Error(`client process exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000000,4000000' },
      strategies: { type: 'string', default: 'key-range,partition' },
      format: { type: 'string', default: 'arrow' },
      compression: { type: 'string', default: 'zstd' },
      workers: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '4' },
      'batch-rows': { type: 'string', default: '50000' },
      verify: { type: 'string', default: '1000000' },
      json: { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes!.split(',').map(Number);
  const strategies = values.strategies!.split(',') as ExtractStrategy[];
  const formats = values.format!.split(',') as ExtractFormat[];
  const dir = mkdtempSync(join(tmpdir(), 'voltwire-extract-memory-'));
  const load = loadavg()[0]!;
  const results: (ChildResult & { size: number; serverRssMB: number })[] = [];
  try {
    for (const size of sizes) {
      const server = await startServerProcess(size, strategies.includes('partition'));
      try {
        for (const strategy of strategies) for (const format of formats) {
          const out = join(dir, `events-${size}-${strategy}.${format === 'arrow-stream' ? 'arrows' : format}`);
          const verify = Number(values.verify) === size && (format === 'arrow' || format === 'parquet');
          const r = await runChild([
            '--port', String(server.port), '--strategy', strategy, '--format', format, '--out', out, '--compression', values.compression!,
            '--workers', values.workers!, '--concurrency', values.concurrency!, '--batch-rows', values['batch-rows']!, ...(verify ? ['--verify'] : []),
          ]);
          rmSync(out, { force: true });
          results.push({ ...r, size, serverRssMB: server.rssMB });
          process.stdout.write(
            `${String(size).padStart(8)} rows ${strategy.padEnd(9)} ${format}: peak RSS ${r.peakRssMB.toFixed(0)} MB (baseline ${r.baselineRssMB.toFixed(0)} MB, ` +
              `sampled peak ${r.sampledPeakRssMB.toFixed(0)} MB), ${r.seconds.toFixed(1)} s, ${Math.round(r.rows / r.seconds).toLocaleString('en-US')} rows/s, file ${r.fileMB.toFixed(0)} MB` +
              `${r.verified === undefined ? '' : `; read back with ${format === 'parquet' ? 'DuckDB' : 'apache-arrow'}: ${r.verified.toLocaleString('en-US')} rows ${format === 'parquet' ? 'counted, IDs and NULLs as in' : 'equal to'} the table (${r.verifySeconds!.toFixed(1)} s)`}\n`,
          );
        }
      } finally {
        server.child.kill('SIGTERM');
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${load.toFixed(2)} before / ${loadavg()[0]!.toFixed(2)} after`;
  process.stdout.write(`workers ${values.workers}, concurrency ${values.concurrency}, batchRows ${values['batch-rows']}; ${machine}\n`);
  if (values.json) process.stdout.write(JSON.stringify({ machine, results }) + '\n');
}

const { values: flags } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    port: { type: 'string' },
    strategy: { type: 'string' },
    format: { type: 'string' },
    compression: { type: 'string' },
    out: { type: 'string' },
    workers: { type: 'string' },
    concurrency: { type: 'string' },
    'batch-rows': { type: 'string' },
    verify: { type: 'boolean', default: false },
  },
  strict: false,
});
if (flags.child === true) await child(flags);
else await main();
