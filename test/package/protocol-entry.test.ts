/**
 * `voltwire/protocol` is the pure codec: importing it loads no worker code. Walks the static
 * imports of the compiled entry point, file by file, and looks for piscina or the decode pool.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';

/** Every module `entry` reaches through static `import … from` / `export … from` statements. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.startsWith('/')) continue; // a package: not followed
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      const specifier = (match[1] ?? match[2])!;
      pending.push(specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier);
    }
  }
  return seen;
}

test('voltwire/protocol imports no worker code (no piscina, no decode pool)', (t: TestContext) => {
  const entry = fileURLToPath(new URL('../../src/protocol/index.js', import.meta.url));
  const modules = [...reachable(entry)];
  t.assert.ok(modules.some((file) => file.endsWith('/decode/decode-response.js')), 'decodeResponse is reached (the walk works)');
  t.assert.deepStrictEqual(modules.filter((file) => file === 'piscina' || file.endsWith('/decode/decode-pool.js') || file.includes('/workers/')), []);
  // The whole package does load the pool, through its main entry.
  const main = [...reachable(fileURLToPath(new URL('../../src/index.js', import.meta.url)))];
  t.assert.ok(main.includes('piscina'), 'the main entry reaches piscina (the walk finds it when it is there)');
});
