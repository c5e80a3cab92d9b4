/**
 * `voltwire load --table T FILE`: VoltDB's csvloader, for CSV, NDJSON, Arrow and Parquet files
 * (or `-` for stdin), through `client.bulkLoad` — per partition, to the partition's leader.
 * (Not to be confused with `voltwire bench`, the load *tester*, whose parts live in cli/load/.)
 *
 * Exit codes: 0 every row loaded; 1 some rows were rejected or their outcome is unknown (listed
 * in --report-file), or the load stopped at --max-errors; 2 usage (bad option, unreadable file,
 * unknown table, a field that is not a column); 3 cannot connect or log in; 130 interrupted.
 */
import { Command } from 'commander';
import { BulkLoadError } from '../errors.js';
import { loadTarget } from '../bulk-load/load-target.js';
import type { BulkLoadReport } from '../bulk-load/options.js';
import { formatOf, LOAD_FORMATS, readLoadFile, RowLines, type LoadFormat } from './bulk-load-files.js';
import { LoadProgressLine, RejectFile } from './bulk-load-report.js';
import type { CliContext } from './context.js';
import { EXIT_CODE } from './exit.js';
import { addConnectionOptions, choiceOption, connectClient, durationOption, integerOption, resolveTarget, type ConnectionFlags } from './options.js';

interface LoadFlags extends ConnectionFlags {
  table: string;
  format?: LoadFormat;
  columns?: string[];
  header: boolean;
  separator: string;
  null: string;
  binary: 'hex' | 'base64';
  batch?: number;
  upsert?: boolean;
  maxErrors: number;
  reportFile?: string;
  concurrency?: number;
  progress: boolean;
  timeout?: number;
}

const integer = new Intl.NumberFormat('en-US');

function columnNames(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function separatorOf(text: string): string {
  return text === '\\t' || text.toLowerCase() === 'tab' ? '\t' : text;
}

function summary(report: BulkLoadReport, table: string): string {
  const seconds = Math.max(report.seconds, 1e-9);
  return (
    `loaded ${integer.format(report.inserted)} of ${integer.format(report.rows)} rows into ${table} in ${report.seconds.toFixed(1)} s ` +
    `(${integer.format(Math.round(report.inserted / seconds))} rows/s, ${(report.bytes / seconds / 1e6).toFixed(1)} MB/s, ${integer.format(report.calls)} calls); ` +
    `${integer.format(report.failed)} rejected${report.unknown > 0 ? `, ${integer.format(report.unknown)} unknown (connection lost after sending)` : ''}\n`
  );
}

export function bulkLoadCommand(ctx: CliContext): Command {
  const command = new Command('load')
    .summary('bulk-load a CSV, NDJSON, Arrow or Parquet file into a table')
    .description(
      'Load rows into a table the way VoltDB\'s csvloader does, faster: rows are grouped by partition and sent in batches\n' +
        '(@LoadSinglepartitionTable) to each partition\'s leader, several at once; a refused batch is retried row by row, so\n' +
        'every good row lands and every bad one is reported (--report-file) with the server\'s reason.\n\n' +
        'Formats by extension (.csv/.tsv, .ndjson/.jsonl, .arrow/.arrows, .parquet) or --format; FILE "-" reads stdin.\n' +
        'CSV: RFC 4180 quoting; a header line names the fields unless --no-header (then --columns, or the table\'s order);\n' +
        'an unquoted field equal to --null (default: empty) is NULL, a quoted one is text.\n\n' +
        'Exit codes: 0 every row loaded, 1 rows rejected or unknown (or stopped at --max-errors), 2 usage, 3 cannot connect,\n' +
        '130 interrupted.\n\n' +
        'Examples:\n' +
        '  voltwire load --table EVENTS events.csv --report-file rejected.csv\n' +
        '  voltwire load --table EVENTS --format ndjson - < events.ndjson\n' +
        '  voltwire load --table EVENTS events.parquet --batch 500 --upsert',
    )
    .argument('<file>', 'the file to load, or - for stdin')
    .requiredOption('--table <name>', 'table to load into')
    .option('-f, --format <format>', `${LOAD_FORMATS.join(', ')} (default: from the file extension)`, choiceOption('--format', LOAD_FORMATS))
    .option('--columns <list>', 'CSV: names of the file\'s fields, comma-separated (a header line, if any, is skipped)', columnNames)
    .option('--no-header', 'CSV: the file has no header line')
    .option('--separator <char>', 'CSV field separator ("\\t" or "tab" for a tab)', separatorOf, ',')
    .option('--null <text>', 'CSV: the unquoted text that means NULL', '')
    .option('--binary <encoding>', 'VARBINARY text in CSV/NDJSON: hex or base64', choiceOption('--binary', ['hex', 'base64'] as const), 'hex')
    .option('--batch <n>', 'rows per call, per partition (default 200)', integerOption('--batch', 1, 1_000_000))
    .option('--upsert', 'replace rows whose primary key exists instead of rejecting them')
    .option('--max-errors <n>', 'stop once more rows than this were rejected', integerOption('--max-errors', 0), 100)
    .option('--report-file <file>', 'write each rejected row, its line and the reason to this CSV file')
    .option('-c, --concurrency <n>', 'calls in flight at once (default: 2 per partition, 4..64)', integerOption('--concurrency', 1, 1024))
    .option('--no-progress', 'no progress display')
    .option('-t, --timeout <duration>', 'time limit of the whole load', durationOption('--timeout', false));
  addConnectionOptions(command).action(async (file: string, flags: LoadFlags) => {
    const format = flags.format ?? formatOf(file);
    if (format === undefined) throw new RangeError(`load: cannot tell the format of ${file === '-' ? 'stdin' : file}; pass --format ${LOAD_FORMATS.join('|')}`);
    const client = await connectClient(resolveTarget(flags, ctx.env), 1, { decode: { workers: 0 } });
    const display = new LoadProgressLine(ctx.stderr, flags.progress);
    const controller = new AbortController();
    const interrupted = new Error('interrupted');
    const onSignal = (): void => controller.abort(interrupted);
    process.once('SIGINT', onSignal);
    let rejects: RejectFile | null = null;
    try {
      const target = await loadTarget(client, flags.table, {});
      const lines = new RowLines();
      const source = await readLoadFile(file, {
        format,
        columns: target.columns,
        table: target.name,
        ...(flags.columns === undefined ? {} : { fieldNames: flags.columns }),
        header: flags.header,
        separator: flags.separator,
        nullText: flags.null,
        binary: flags.binary,
      }, lines);
      rejects = flags.reportFile === undefined ? null : new RejectFile(flags.reportFile, target.columns);
      const sink = rejects;
      let report: BulkLoadReport;
      try {
        report = await client.bulkLoad(target.name, source, {
          ...(flags.batch === undefined ? {} : { batchSize: flags.batch }),
          ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
          ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
          upsert: flags.upsert === true,
          maxErrors: flags.maxErrors,
          signal: controller.signal,
          onError: (row, error, index) => sink?.add(index, lines.lineOf(index), error.message, row),
          onProgress: (p) => display.update(p),
        });
      } catch (error) {
        display.stop();
        if (error === interrupted) {
          ctx.stderr.write('load: interrupted; rows sent before were loaded\n');
          ctx.exitCode = EXIT_CODE.INTERRUPTED;
          return;
        }
        if (error instanceof BulkLoadError) {
          ctx.stdout.write(summary(error.report, target.name));
          ctx.stderr.write(`load: stopped after ${error.report.failed} rejected rows (--max-errors ${flags.maxErrors})${rejects === null ? '' : `; see ${rejects.path}`}\n`);
          ctx.exitCode = EXIT_CODE.FAILURE;
          return;
        }
        throw error;
      }
      display.stop();
      ctx.stdout.write(summary(report, target.name));
      if (report.failed > 0 || report.unknown > 0) {
        ctx.exitCode = EXIT_CODE.FAILURE;
        if (rejects !== null) ctx.stderr.write(`load: ${report.failed + report.unknown} rows did not load; see ${rejects.path}\n`);
      }
    } finally {
      display.stop();
      process.off('SIGINT', onSignal);
      await rejects?.close();
      await client.close();
    }
  });
  return command;
}
