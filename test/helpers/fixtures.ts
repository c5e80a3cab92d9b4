/**
 * Access to the shared wire captures in `../shared/fixtures`, found relative to the
 * repository root. When the folder is absent, tests that need it say so and skip.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tsconfig.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const REPOSITORY_ROOT = findRepositoryRoot();
export const FIXTURES_DIR = resolve(REPOSITORY_ROOT, '..', 'shared', 'fixtures');
export const FIXTURES_PRESENT = existsSync(join(FIXTURES_DIR, 'wire')) && existsSync(join(FIXTURES_DIR, 'real'));
/** Pass as the `skip` option of `test()` / `describe()`: false when present, else the reason. */
export const SKIP_WITHOUT_FIXTURES: string | false = FIXTURES_PRESENT
  ? false
  : `shared fixtures not found at ${FIXTURES_DIR}: conformance tests skipped`;

if (!FIXTURES_PRESENT) console.warn(`# ${SKIP_WITHOUT_FIXTURES}`);

/** Bytes of `wire/NAME` or `real/NAME`, e.g. `readFixture('real/ping.response.bin')`. */
export function readFixture(relativePath: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, relativePath));
}

/** File names in `wire` or `real` (sub-folders, such as recorded sessions, are not single captures). */
export function listFixtures(folder: 'wire' | 'real'): string[] {
  if (!FIXTURES_PRESENT) return [];
  const dir = join(FIXTURES_DIR, folder);
  return readdirSync(dir).filter((name) => !name.endsWith('.md') && statSync(join(dir, name)).isFile()).sort();
}
