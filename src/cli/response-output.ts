/**
 * Printing a procedure's response for `call` and `query`: the tables aligned (or JSON), and
 * the application status when the procedure set one.
 */
import type { Response } from '../client.js';
import { VoltTable } from '../decode/volt-table.js';
import { ExtractBatch } from '../extract/batch.js';
import { CsvWriter } from '../extract/writers/csv-writer.js';
import { StreamSink } from '../extract/writers/file-sink.js';
import { APP_STATUS_UNSET, statusName } from '../protocol/constants.js';
import type { CliContext, Output } from './context.js';
import { columnLabel, formatTables, tableJson } from './format-table.js';

export type OutputFormat = 'text' | 'json' | 'csv';

/** `--json` / `--csv` flags → the format (refusing both at once). */
export function outputFormat(flags: { json?: boolean; csv?: boolean }): OutputFormat {
  if (flags.json === true && flags.csv === true) throw new RangeError('choose one of --json and --csv');
  return flags.json === true ? 'json' : flags.csv === true ? 'csv' : 'text';
}

/**
 * One table as CSV, written by the extraction's CSV writer (so `query --csv` and
 * `extract --lf` print the same bytes for the same rows): a header row, LF line ends, NULL as
 * an empty field. A column without a name is headed `C1`, `C2`…
 */
async function writeCsv(out: Output, table: VoltTable): Promise<void> {
  const writer = new CsvWriter(new StreamSink(out), { newline: '\n' });
  const projection = table.columns.map((_, i) => i);
  const labelled = table.columns.some((c) => c.name === '') ? relabel(table) : table;
  await writer.write(new ExtractBatch(labelled, projection, { lane: 0, partition: null, page: 0 }));
  await writer.finish();
}

/** The table's columns with `C1`, `C2`… for the unnamed ones. */
function relabel(table: VoltTable): VoltTable {
  const columns = table.decodeColumns().map((c, i) => ({ ...c, name: columnLabel(c.name, i) }));
  return VoltTable.fromColumns({ columns, rowCount: table.rowCount, status: table.status }, { timestamps: table.timestamps });
}

/** The response as JSON: status fields, then each table with `tableJson`. */
function responseJson(response: Response, elapsedMs: number): string {
  const head = {
    status: statusName(response.status),
    statusString: response.statusString,
    appStatus: response.appStatus === APP_STATUS_UNSET ? null : response.appStatus,
    appStatusString: response.appStatusString,
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
  };
  const fields = Object.entries(head).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const tables = response.tables.length === 0 ? '[]' : `[\n${response.tables.map((table) => `    ${tableJson(table, 4)}`).join(',\n')}\n  ]`;
  fields.push(`  "tables": ${tables}`);
  return `{\n${fields.join(',\n')}\n}\n`;
}

export async function printResponse(ctx: CliContext, response: Response, format: OutputFormat, elapsedMs: number): Promise<void> {
  if (format === 'csv') {
    // Several tables: blank line between them, each with its header.
    for (const [i, table] of response.tables.entries()) {
      if (i > 0) ctx.stdout.write('\n');
      await writeCsv(ctx.stdout, table);
    }
    return;
  }
  if (format === 'json') {
    ctx.stdout.write(responseJson(response, elapsedMs));
    return;
  }
  ctx.stdout.write(formatTables(response.tables));
  if (response.appStatus !== APP_STATUS_UNSET || (response.appStatusString ?? '') !== '') {
    ctx.stdout.write(`app status ${response.appStatus}${response.appStatusString ? `: ${response.appStatusString}` : ''}\n`);
  }
  if (ctx.stderr.isTTY === true) ctx.stderr.write(`(${elapsedMs.toFixed(3)} ms)\n`);
}
