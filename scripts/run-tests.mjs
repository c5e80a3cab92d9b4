// Runs the compiled test files under c8. Node 20's `node --test` does not expand globs,
// so the files are listed here. Usage: node scripts/run-tests.mjs [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoot = join(root, 'dist', 'test');

function collect(dir, suffix) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...collect(path, suffix));
    else if (entry.endsWith(suffix)) found.push(relative(root, path));
  }
  return found.sort();
}

const filters = process.argv.slice(2);
// The compiled TypeScript tests, and the plain-JavaScript tests (test/**/*.test.mjs: no type
// checker, the built package imported as a user would) run as they are, under the same c8.
// The compiled tests are found from their sources: tsc never removes an output, so a test file
// renamed or deleted leaves its old compiled copy in dist/test, which must not run.
const compiled = collect(join(root, 'test'), '.test.ts').map((file) => relative(root, join(testRoot, relative('test', file).replace(/\.ts$/, '.js'))));
const all = [...compiled, ...collect(join(root, 'test'), '.test.mjs')];
const files = all.filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (files.length === 0) {
  console.error('run-tests: no compiled test files found under dist/test (did the build run?)');
  process.exit(1);
}

// The coverage gate only ever goes up (see README, "Development").
const COVERAGE_LINES = 90;
const c8 = join(root, 'node_modules', 'c8', 'bin', 'c8.js');
const args = [
  c8,
  '--reporter=text-summary',
  '--reporter=lcov',
  '--all',
  // c8 filters on the compiled paths, then reports the TypeScript sources through source maps.
  '--include=dist/src/**',
  '--include=dist/workers/**',
  '--exclude=dist/src/cli/**',
  '--exclude=**/*.d.ts',
  ...(filters.length === 0 ? ['--check-coverage', `--lines=${COVERAGE_LINES}`] : []),
  process.execPath,
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  ...files,
];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
