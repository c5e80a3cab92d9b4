/**
 * Command-line options of `npm run bench` (node:util parseArgs, no dependency):
 *
 *   --suite NAME      one suite (repeat or comma-separate for several); default: all
 *   --dataset NAME    a dataset name or family (repeatable); default: the profile's datasets
 *   --quick           the `quick` profile: smaller datasets, 150 ms per task
 *   --profile NAME    tiny | quick | full (default full; `tiny` is what the test runs)
 *   --time MS         time budget per task (warm-up is a third of it)
 *   --json FILE       write the JSON report (default bench/out/results.json)
 *   --html FILE       write the HTML report (default bench/out/report.html)
 *   --svg FILE        also write all charts as one standalone SVG
 *   --list            list suites, strategies and datasets, then exit
 */
import { parseArgs } from 'node:util';
import { PROFILES, type Profile } from './types.js';

export interface CliOptions {
  suites: string[];
  datasets: string[];
  profile: Profile;
  timeMs: number;
  warmupMs: number;
  iterations: number;
  gc: 'major' | 'minor';
  json?: string;
  html?: string;
  svg?: string;
  list: boolean;
  help: boolean;
}

/** Per-profile defaults: time per task, warm-up, minimum iterations. */
export const PROFILE_DEFAULTS: Record<Profile, { timeMs: number; warmupMs: number; iterations: number; gc: 'major' | 'minor' }> = {
  tiny: { timeMs: 2, warmupMs: 1, iterations: 2, gc: 'minor' },
  quick: { timeMs: 150, warmupMs: 50, iterations: 16, gc: 'major' },
  full: { timeMs: 600, warmupMs: 200, iterations: 64, gc: 'major' },
};

export const USAGE = `usage: npm run bench -- [--suite NAME] [--dataset NAME] [--quick | --profile tiny|quick|full]
                         [--time MS] [--json FILE] [--html FILE] [--svg FILE] [--list]`;

function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function parseCli(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      suite: { type: 'string', multiple: true },
      dataset: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      profile: { type: 'string' },
      time: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      svg: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  let profile: Profile = values.quick === true ? 'quick' : 'full';
  if (values.profile !== undefined) {
    if (!(PROFILES as readonly string[]).includes(values.profile)) {
      throw new Error(`--profile must be one of ${PROFILES.join(', ')}, not "${values.profile}"`);
    }
    profile = values.profile as Profile;
  }
  const defaults = PROFILE_DEFAULTS[profile];
  let timeMs = defaults.timeMs;
  let warmupMs = defaults.warmupMs;
  if (values.time !== undefined) {
    timeMs = Number(values.time);
    if (!Number.isFinite(timeMs) || timeMs <= 0) throw new Error(`--time must be a positive number of milliseconds, not "${values.time}"`);
    warmupMs = Math.max(1, Math.round(timeMs / 3));
  }
  const options: CliOptions = {
    suites: list(values.suite),
    datasets: list(values.dataset),
    profile,
    timeMs,
    warmupMs,
    iterations: defaults.iterations,
    gc: defaults.gc,
    list: values.list === true,
    help: values.help === true,
  };
  if (values.json !== undefined) options.json = values.json;
  if (values.html !== undefined) options.html = values.html;
  if (values.svg !== undefined) options.svg = values.svg;
  return options;
}
