/**
 * `voltwire extract`: bulk-extract a table (or SQL, or a procedure) to an Arrow IPC, CSV or
 * NDJSON file, with a progress bar — rows, rows/s, bytes/s, partitions (or key ranges) done of total,
 * ETA. Ctrl-C stops every request, closes the file and removes it (keep it with
 * --keep-partial), and exits with 130.
 *
 *   voltwire extract --table EVENTS --format arrow --out events.arrow [--where "…"] [--concurrency N]
 */
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { extractTo, type ExtractToOptions, type ExtractToProgress } from '../extract/extract-to.js';
import { EXTRACT_STRATEGIES, type ExtractStrategy } from '../extract/options.js';
import { formatByteRate, formatDuration, progressLine } from '../extract/progress.js';
import { EXTRACT_FORMATS, type ExtractFormat } from '../extract/writers/batch-writer.js';
import { PARQUET_COMPRESSIONS, type ParquetCompression } from '../extract/writers/parquet-writer.js';
import { inferArgument, convertArguments, parseTypeList } from './arguments.js';
import type { CliContext, Output } from './context.js';
import { EXIT_CODE } from './exit.js';
import { formatBytes } from './load/report.js';
import { addConnectionOptions, choiceOption, connectClient, durationOption, integerOption, resolveTarget, type ConnectionFlags } from './options.js';
import type { ParameterType } from '../protocol/invocation-writer.js';

interface ExtractFlags extends ConnectionFlags {
  table?: string;
  sql?: string;
  procedure?: string;
  out: string;
  format?: ExtractFormat;
  columns?: string[];
  where?: string;
  param: string[];
  types?: ParameterType[];
  by?: ExtractStrategy;
  key?: string;
  concurrency?: number;
  batchRows?: number;
  compression?: ParquetCompression;
  delimiter?: string;
  nullText?: string;
  header: boolean;
  lf?: boolean;
  binary?: 'hex' | 'base64';
  keepPartial?: boolean;
  decodeWorkers?: number;
  progress: boolean;
  timeout: number;
}

function columnList(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new InvalidArgumentError('expected column names separated by commas');
  return names;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `\t` and `tab` mean a tab. */
function delimiterOf(text: string | undefined): string | undefined {
  return text === '\\t' || text === 'tab' ? '\t' : text;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1 lane`, `8 lanes`. */
function count(n: number, noun: string): string {
  return `${integer.format(n)} ${noun}${n === 1 ? '' : 's'}`;
}


/** The live display: a cli-progress bar on a terminal, a line every few seconds elsewhere. */
class ExtractDisplay {
  private bar: cliProgress.SingleBar | null = null;
  private lastLine = 0;

  constructor(
    private readonly stream: Output,
    private readonly enabled: boolean,
  ) {}

  update(p: ExtractToProgress): void {
    if (!this.enabled) return;
    const total = p.totalRows ?? p.lanesTotal ?? 0;
    const value = p.totalRows !== null ? p.rows : p.lanesDone;
    const payload = { line: progressLine(p) };
    if (this.stream.isTTY === true) {
      if (this.bar === null) {
        this.bar = new cliProgress.SingleBar({
          stream: this.stream,
          format: (options, params, data: { line?: string }) => {
            const size = options.barsize ?? 24;
            const done = Math.round(Math.min(Math.max(params.progress, 0), 1) * size);
            return `${'█'.repeat(done)}${'░'.repeat(size - done)} ${String(Math.round(params.progress * 100)).padStart(3)}% | ${data.line ?? ''}`;
          },
          barsize: 24,
          hideCursor: true,
          linewrap: false,
          fps: 4,
          gracefulExit: false,
        });
        this.bar.start(Math.max(total, 1), value, payload);
      }
      this.bar.setTotal(Math.max(total, 1));
      this.bar.update(value, payload);
    } else if (p.done || performance.now() - this.lastLine >= 2000) {
      this.lastLine = performance.now();
      this.stream.write(`${payload.line}\n`);
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

export function extractCommand(ctx: CliContext): Command {
  const command = new Command('extract')
    .summary('bulk-extract a table, SQL or procedure to Arrow, Parquet, CSV or NDJSON')
    .description(
      'Stream a large result out of VoltDB in pages, several at once, decoded off the main thread, in bounded memory, ' +
        'into an Arrow IPC file (readable by pyarrow, DuckDB, Polars), an Arrow IPC stream, Parquet (zstd), CSV or NDJSON. ' +
        'The format comes from the file name (.arrow, .arrows, .parquet, .csv, .ndjson) or --format; "--out -" writes to ' +
        'standard output (give --format).',
    )
    .addHelpText(
      'after',
      '\nStrategies (--by):\n' +
        '  key-range  default for a table: pages of WHERE key > ? ORDER BY key LIMIT n; integer keys are split into\n' +
        '             ranges read in parallel\n' +
        '  partition  one lane per partition, through a single-partition page procedure\n' +
        '             PROC(partitionKey, afterKey, limit) given with --procedure\n' +
        '  query      any SQL or procedure; OFFSET pages for a table\n\n' +
        'Examples:\n' +
        '  voltwire extract --table EVENTS --out events.parquet\n' +
        '  voltwire extract --table EVENTS --out events.csv --where "TINY > ?" --param 0 --concurrency 8\n' +
        '  voltwire extract --table EVENTS --procedure EVENTS_PAGE --out events.arrows\n' +
        '  voltwire extract --table EVENTS --format csv --out - | head',
    )
    .option('--table <name>', 'table to extract')
    .option('--sql <text>', 'read-only SQL to extract instead of a table')
    .option('--procedure <name>', 'page procedure (with --by partition) or read-only procedure (with --by query)')
    .requiredOption('-o, --out <file>', 'output file, or - for standard output')
    .option('-f, --format <format>', `${EXTRACT_FORMATS.join(', ')} (default: from the file name)`, choiceOption('--format', EXTRACT_FORMATS))
    .option('--columns <list>', 'columns to extract, comma-separated (default all)', columnList)
    .option('--where <predicate>', 'SQL predicate ANDed to every page (? placeholders take --param values)')
    .option('--param <value>', 'a value for the next ? placeholder (repeat the option); inferred unless --types', collect, [])
    .option('-T, --types <types>', 'comma-separated types of the --param values, e.g. BIGINT,STRING', parseTypeList)
    .option('--by <strategy>', EXTRACT_STRATEGIES.join(', '), choiceOption('--by', EXTRACT_STRATEGIES))
    .option('--key <column>', 'unique NOT NULL paging key (default: primary key, partition column or first column)')
    .option('--concurrency <n>', 'requests in flight at once (default 4)', integerOption('--concurrency', 1, 1024))
    .option('--batch-rows <n>', 'rows per page (default 50000)', integerOption('--batch-rows', 1, 0x7fffffff))
    .option('--compression <codec>', `Parquet compression: ${PARQUET_COMPRESSIONS.join(', ')} (default zstd)`, choiceOption('--compression', PARQUET_COMPRESSIONS))
    .option('--delimiter <char>', 'CSV delimiter (default ","; "\\t" or "tab" for a tab)')
    .option('--null-text <text>', 'CSV text for NULL (default: empty)')
    .option('--no-header', 'CSV without the header row')
    .option('--lf', 'CSV records end with LF instead of CRLF')
    .option('--binary <encoding>', 'VARBINARY in CSV/NDJSON: hex or base64', choiceOption('--binary', ['hex', 'base64'] as const))
    .option('--keep-partial', 'keep the incomplete file after a failure or Ctrl-C')
    .option('--decode-workers <n>', 'decode worker threads (default: cores - 1; 0 decodes on the main thread)', integerOption('--decode-workers', 0, 256))
    .option('--no-progress', 'no progress display')
    .addOption(new Option('-t, --timeout <duration>', 'timeout of each request').argParser(durationOption('--timeout', false)).default(120_000, '2m'));
  addConnectionOptions(command).action(async (flags: ExtractFlags) => {
    const params = flags.types === undefined ? flags.param.map(inferArgument) : convertArguments('extract', flags.param, flags.types);
    const options: ExtractToOptions = {
      ...(flags.table === undefined ? {} : { table: flags.table }),
      ...(flags.sql === undefined ? {} : { sql: flags.sql }),
      ...(flags.procedure === undefined ? {} : { procedure: flags.procedure }),
      ...(flags.format === undefined ? {} : { format: flags.format }),
      ...(flags.columns === undefined ? {} : { columns: flags.columns }),
      ...(flags.where === undefined ? {} : { where: flags.where }),
      ...(params.length === 0 ? {} : { params }),
      ...(flags.by === undefined ? {} : { by: flags.by }),
      ...(flags.key === undefined ? {} : { key: flags.key }),
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      ...(flags.batchRows === undefined ? {} : { batchRows: flags.batchRows }),
      ...(flags.compression === undefined ? {} : { compression: flags.compression }),
      ...(flags.delimiter === undefined ? {} : { delimiter: delimiterOf(flags.delimiter)! }),
      ...(flags.nullText === undefined ? {} : { nullText: flags.nullText }),
      ...(flags.binary === undefined ? {} : { binary: flags.binary }),
      header: flags.header,
      newline: flags.lf === true ? '\n' : '\r\n',
      keepPartial: flags.keepPartial === true,
      timeoutMs: flags.timeout,
    };
    const client = await connectClient(resolveTarget(flags, ctx.env), 1, flags.decodeWorkers === undefined ? {} : { decode: { workers: flags.decodeWorkers } });
    const display = new ExtractDisplay(ctx.stderr, flags.progress);
    const controller = new AbortController();
    const interrupted = new Error('interrupted');
    const onSignal = (): void => controller.abort(interrupted);
    process.once('SIGINT', onSignal);
    try {
      const toStdout = flags.out === '-';
      const result = await extractTo(client, toStdout ? ctx.stdout : flags.out, { ...options, signal: controller.signal, onProgress: (p) => display.update(p) });
      display.stop();
      const p = result.progress;
      const seconds = Math.max(p.elapsedMs / 1000, 1e-9);
      // With the data on standard output, the summary goes to standard error.
      (toStdout ? ctx.stderr : ctx.stdout).write(
        `wrote ${integer.format(result.rows)} rows (${formatBytes(result.bytesWritten)} ${result.format}) to ${toStdout ? 'standard output' : result.path} in ${formatDuration(p.elapsedMs)} ` +
          `(${seconds.toFixed(1)} s): ${integer.format(p.rowsPerSecond)} rows/s, ${formatByteRate(p.bytesPerSecond)} of column data, ` +
          `${p.strategy}${p.lanesTotal === null ? '' : `, ${count(p.lanesTotal, p.strategy === 'partition' ? 'partition' : 'lane')}`}\n`,
      );
    } catch (error) {
      display.stop();
      if (error !== interrupted) throw error;
      ctx.stderr.write(`extract: interrupted; ${flags.keepPartial === true ? `the incomplete ${flags.out} was kept` : `${flags.out} was removed`}\n`);
      ctx.exitCode = EXIT_CODE.INTERRUPTED;
    } finally {
      process.off('SIGINT', onSignal);
      await client.close();
    }
  });
  return command;
}
