/**
 * Every source file that uses `Buffer` or `performance` imports it (`node:buffer`,
 * `node:perf_hooks`) instead of reaching the global. Node 20 defines both globals as accessor
 * properties: each use runs a getter, ≈ 25 ns against ≈ 5 ns for the imported binding, and the
 * call path uses them several times per call (bench/RESULTS.md, "Call path, fourth session").
 * Read from the TypeScript sources; comments are skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '../helpers/source-files.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));


/** The file's code without its comments (good enough for these sources: no `//` or `/*` inside strings that matter here). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const GLOBALS = [
  { name: 'Buffer', module: 'node:buffer', use: /\bBuffer\.\w+|\binstanceof Buffer\b|\bnew Buffer\b/ },
  { name: 'performance', module: 'node:perf_hooks', use: /\bperformance\.\w+/ },
];

test('source files import Buffer and performance rather than reading the globals', () => {
  const missing: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = code(readFileSync(file, 'utf8'));
    for (const { name, module, use } of GLOBALS) {
      if (!use.test(text)) continue;
      const imported = new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from '${module}'`).test(text);
      if (!imported) missing.push(`${relative(SRC, file)} uses ${name} without importing it from ${module}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the check sees a global use', () => {
  const text = code('const b = Buffer.alloc(1); // Buffer.from in a comment\n');
  assert.ok(GLOBALS[0]!.use.test(text));
  assert.ok(!GLOBALS[0]!.use.test(code('/** Buffer.alloc */\nconst x = 1;\n')));
});
