/**
 * Where things are at run time: the repository root (found by walking up to `package.json`
 * and `tsconfig.json`, so it works from `bench/` sources and `dist/bench/` alike) and the
 * shared wire captures beside it, which datasets read in place and never copy.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`repository root not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const REPOSITORY_ROOT = findRoot();
/** `../shared/fixtures` from the repository root (see the fixtures README there). */
export const FIXTURES_DIR = resolve(REPOSITORY_ROOT, '..', 'shared', 'fixtures');
