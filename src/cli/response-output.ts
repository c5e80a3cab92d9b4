/**
 * Printing a procedure's response for `call` and `query`: the tables aligned (or JSON), and
 * the application status when the procedure set one.
 */
import type { Response } from '../client.js';
import { APP_STATUS_UNSET, statusName } from '../protocol/constants.js';
import type { CliContext } from './context.js';
import { writeJson } from './context.js';
import { formatTables, tableToCsv, tableToJson } from './format-table.js';

export type OutputFormat = 'text' | 'json' | 'csv';

/** `--json` / `--csv` flags → the format (refusing both at once). */
export function outputFormat(flags: { json?: boolean; csv?: boolean }): OutputFormat {
  if (flags.json === true && flags.csv === true) throw new RangeError('choose one of --json and --csv');
  return flags.json === true ? 'json' : flags.csv === true ? 'csv' : 'text';
}

export function printResponse(ctx: CliContext, response: Response, format: OutputFormat, elapsedMs: number): void {
  if (format === 'csv') {
    // Several tables: blank line between them, each with its header.
    ctx.stdout.write(response.tables.map((table) => tableToCsv(table, true)).join('\n'));
    return;
  }
  if (format === 'json') {
    writeJson(ctx.stdout, {
      status: statusName(response.status),
      statusString: response.statusString,
      appStatus: response.appStatus === APP_STATUS_UNSET ? null : response.appStatus,
      appStatusString: response.appStatusString,
      elapsedMs: Math.round(elapsedMs * 1000) / 1000,
      tables: response.tables.map(tableToJson),
    });
    return;
  }
  ctx.stdout.write(formatTables(response.tables));
  if (response.appStatus !== APP_STATUS_UNSET || (response.appStatusString ?? '') !== '') {
    ctx.stdout.write(`app status ${response.appStatus}${response.appStatusString ? `: ${response.appStatusString}` : ''}\n`);
  }
  if (ctx.stderr.isTTY === true) ctx.stderr.write(`(${elapsedMs.toFixed(3)} ms)\n`);
}
