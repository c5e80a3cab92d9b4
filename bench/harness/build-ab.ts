/**
 * A/B of compiled builds for per-call micro-benchmarks (`invocation-encode-ab.ts`,
 * `response-decode-ab.ts`): every case runs in a fresh process per build — so no build inherits
 * another's JIT state — with the builds' order alternated round by round, and the table reports
 * the best and the median of those processes per build, with the load average of every round.
 *
 * A script's entry is {@link buildAbMain}: in the parent it runs {@link runBuildAb}; in a child
 * (`--child BUILD CASE`) the script's own `child` loads the build's modules ({@link loadFrom}),
 * times the case with {@link bestBatchNs} and answers with {@link reportNs}. The two ends of that
 * exchange are both here.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module of `build` (a compiled tree), by its path inside it. */
export async function loadFrom(build: string, path: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(resolve(build, path)).href) as Promise<Record<string, unknown>>;
}

/** A child's answer to the parent: ns per run. `sink` (what the timed work produced) is printed so no work can be dropped. */
export function reportNs(ns: number, sink: number): void {
  console.log(JSON.stringify({ ns, sink: sink > 0 }));
}

/** ns per run: the best of 20 timed batches of `perBatch` runs, after 5 warm-up batches. */
export function bestBatchNs(run: () => void, perBatch: number): number {
  const batches: number[] = [];
  for (let b = 0; b < 25; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) run();
    batches.push(Number(process.hrtime.bigint() - start) / perBatch);
  }
  return Math.min(...batches.slice(5));
}

/** What {@link runBuildAb} needs of a script. */
export interface BuildAbScript {
  /** The compiled script's path (its `--child` runs one case of one build). */
  self: string;
  /** The script's name, for the usage line. */
  name: string;
  cases: readonly string[];
  /** The table's first line: what a figure is. */
  heading: (rounds: number) => string;
  /** One figure, in ns, as the table shows it. */
  show: (ns: number) => string;
}

/** A script with its child side: `child` times one case of one build and answers with {@link reportNs}. */
export interface BuildAbChildScript extends BuildAbScript {
  child(build: string, name: string): Promise<void>;
}

/** A script's entry: `--child BUILD CASE` runs the script's `child`, any other arguments {@link runBuildAb}. */
export async function buildAbMain(script: BuildAbChildScript): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') await script.child(argv[1]!, argv[2]!);
  else runBuildAb(argv, script);
}

/** The parent side: `[--rounds N] [--cases a,b] BUILD…` → a markdown table of best / median per build and case. */
export function runBuildAb(argv: string[], script: BuildAbScript): void {
  const option = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const rounds = Number(option('--rounds') ?? 8);
  const cases = (option('--cases') ?? script.cases.join(',')).split(',');
  for (const name of cases) if (!script.cases.includes(name)) throw new Error(`unknown case ${name}: ${script.cases.join(', ')}`);
  const builds = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--rounds' && argv[i - 1] !== '--cases');
  if (builds.length === 0) throw new Error(`usage: ${script.name} [--rounds N] [--cases a,b] BUILD…`);
  const load = [loadavg()[0]!];
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const name of cases) {
      for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
        const { ns } = JSON.parse(execFileSync(process.execPath, [script.self, '--child', build, name], { encoding: 'utf8' })) as { ns: number };
        const key = `${name}\u0000${build}`;
        results.set(key, [...(results.get(key) ?? []), ns]);
      }
    }
    load.push(loadavg()[0]!);
  }
  console.log(script.heading(rounds));
  console.log(`| case | ${builds.join(' | ')} | ratio of medians |`);
  console.log(`|---|${builds.map(() => '---:').join('|')}|---:|`);
  for (const name of cases) {
    const medians: number[] = [];
    const cells = builds.map((build) => {
      const sorted = results.get(`${name}\u0000${build}`)!.sort((a, b) => a - b);
      medians.push(sorted[sorted.length >> 1]!);
      return `${script.show(sorted[0]!)} / ${script.show(sorted[sorted.length >> 1]!)}`;
    });
    console.log(`| ${name} | ${cells.join(' | ')} | ${(medians[medians.length - 1]! / medians[0]!).toFixed(2)} |`);
  }
  console.log(`\nnode ${process.version}, 1-minute load average per round: ${load.map((l) => l.toFixed(2)).join(' ')}`);
}
