/**
 * Finds the suite, strategy and dataset files by listing the compiled `bench/suites` and
 * `bench/datasets` folders and importing each module; importing is what registers them.
 * A file whose import fails (say, a strategy whose code under test has not landed yet) is
 * reported as a load error and the rest still run.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `dist/bench`, the folder above this compiled file's `harness/`. */
export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
/** `bench/` sources, beside `dist/`: a compiled file whose source was deleted is stale and skipped. */
export const SOURCE_DIR = join(dirname(dirname(BENCH_DIR)), 'bench');
export const FOLDERS = ['datasets', 'suites'] as const;

function modulesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...modulesUnder(path));
    // Focused `*.bench.js` scripts run on import: they are standalone, not registry entries.
    else if (entry.endsWith('.js') && !entry.endsWith('.bench.js')) found.push(path);
  }
  return found;
}

export interface LoadError {
  file: string;
  error: string;
}

/** Import every registry file once; returns the files that failed to load. */
export async function loadBenchFiles(benchDir = BENCH_DIR, sourceDir = SOURCE_DIR): Promise<LoadError[]> {
  const errors: LoadError[] = [];
  const checkSources = existsSync(sourceDir);
  for (const folder of FOLDERS) {
    for (const file of modulesUnder(join(benchDir, folder))) {
      if (checkSources && !existsSync(join(sourceDir, relative(benchDir, file)).replace(/\.js$/, '.ts'))) continue;
      try {
        await import(pathToFileURL(file).href);
      } catch (error) {
        const text = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        errors.push({ file: relative(benchDir, file), error: text });
      }
    }
  }
  return errors;
}
