/**
 * `voltwire report merge a.json b.json …`: one report from the `bench --json` results of runs
 * that loaded one cluster together from several machines (see merged-report.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { CliContext } from './context.js';
import { formatReport } from './load/report.js';
import { asBenchReport, mergeReports, type MergedReport, type RunFile } from './merged-report.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

async function readRun(name: string): Promise<RunFile> {
  const text = await readFile(name, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new RangeError(`${name} is not JSON (${(cause as Error).message})`, { cause });
  }
  return { name, report: asBenchReport(name, parsed) };
}

/** The merged report as text: which runs went in, then the usual bench report. */
export function formatMerged(merged: MergedReport): string {
  const lines = [`merged ${merged.runs.length} run${merged.runs.length === 1 ? '' : 's'} (throughput summed, percentiles from the merged histogram):`];
  for (const run of merged.runs) {
    lines.push(`  ${run.name}: ${run.startedAt}, ${integer.format(run.calls)} calls, ${integer.format(run.throughput)} calls/s, servers ${run.servers}, ${run.machine.cpus} cores`);
  }
  return lines.join('\n') + '\n\n' + formatReport(merged);
}

export function reportCommand(ctx: CliContext): Command {
  const report = new Command('report').summary('work with bench result files').description('Work with the JSON result files of voltwire bench --json.');
  report.addCommand(
    new Command('merge')
      .summary('merge bench --json results of runs made at the same time into one report')
      .description(
        'Merge the JSON results of load tests run at the same time from several machines against one cluster: calls, errors, ' +
          'bytes and throughput are summed; latency percentiles come from the sum of the runs\' HdrHistograms (exact, not averaged).',
      )
      .addHelpText('after', '\nExample:\n  voltwire report merge host1.json host2.json host3.json --json all.json')
      .argument('<files...>', 'bench --json result files')
      .option('--json <file>', 'also write the merged result as JSON (it merges again like any result)')
      .action(async (files: string[], flags: { json?: string }) => {
        const runs: RunFile[] = [];
        for (const name of files) runs.push(await readRun(name));
        const merged = mergeReports(runs);
        ctx.stdout.write(formatMerged(merged));
        if (flags.json !== undefined) await writeFile(flags.json, JSON.stringify(merged, null, 2) + '\n');
      }),
  );
  return report;
}
