/**
 * What a fresh `npm install voltwire` gets is enough: every package the shipped code imports
 * (statically or with `import()`) is a regular dependency — not a dev dependency, not an
 * optional peer — and the extraction's default format works through the installed command.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { startEmbeddedServer } from '../../src/cli/server-process.js';
import { REPOSITORY_ROOT } from '../helpers/fixtures.js';
import { voltwire } from '../cli/binary.js';

interface PackageJson {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  files: string[];
}

const pkg = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as PackageJson;
const DIST = fileURLToPath(new URL('../../', import.meta.url));

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? jsFiles(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  );
}

/** `apache-arrow`, `@duckdb/node-api` of `apache-arrow/x`, `@duckdb/node-api/y`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

test('every package the shipped code imports is a regular dependency', (t: TestContext) => {
  const imported = new Map<string, string>();
  for (const folder of ['src', 'workers']) {
    for (const file of jsFiles(join(DIST, folder))) {
      const source = readFileSync(file, 'utf8');
      // `import … from 'x'` / `export … from 'x'` / `import 'x'` at the start of a line, and `import('x')`.
      const statements = source.matchAll(/^\s*(?:import|export)\s+(?:[\w*\s{},$]+?\s+from\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm);
      for (const match of statements) {
        const specifier = match[1] ?? match[2]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        imported.set(packageName(specifier), file);
      }
    }
  }
  t.assert.ok(imported.has('apache-arrow') && imported.has('parquet-wasm'), 'the scan sees the lazily loaded packages');
  for (const [name, file] of imported) {
    t.assert.ok(pkg.dependencies?.[name] !== undefined, `${name} (imported by ${file}) is in "dependencies"`);
  }
  t.assert.strictEqual(pkg.peerDependencies?.['apache-arrow'], undefined, 'apache-arrow is no optional peer');
});

test('voltwire extract --out x.arrow (the default format) works as installed', async (t: TestContext) => {
  const server = await startEmbeddedServer({ args: ['--port', '0', '--rows', '500'] });
  const dir = await mkdtemp(join(tmpdir(), 'voltwire-fresh-'));
  try {
    const out = join(dir, 'ev.arrow');
    const run = await voltwire(['extract', '--table', 'EVENTS', '--out', out, '--no-progress', '--servers', server.hosts.join(',')]);
    t.assert.strictEqual(run.code, 0, run.stderr);
    t.assert.strictEqual(run.stderr, '');
    t.assert.strictEqual(tableFromIPC(readFileSync(out)).numRows, 500);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
