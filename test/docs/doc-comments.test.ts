/**
 * Every export of the package's public entry points (the `exports` map of package.json) carries a
 * doc comment, as the TypeScript compiler sees the built declarations a user installs — the same
 * comments `npm run docs` (TypeDoc) turns into the API reference.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The declaration file of each public entry point, by its subpath ('.', './protocol', …). */
function entryPoints(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types?: string }>;
  };
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'object' && target.types !== undefined) entries.set(subpath, join(ROOT, target.types));
  }
  return entries;
}

/**
 * True when the exported thing's declaration has a doc comment (text or tags) — or, for a
 * namespace re-export (`export * as compat from …`), the export statement itself.
 */
function documented(exported: ts.Symbol, symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (symbol.getDocumentationComment(checker).length > 0) return true;
  if ((symbol.declarations ?? []).some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0)) return true;
  return (exported.declarations ?? []).some(
    (declaration) => ts.isNamespaceExport(declaration) && ts.getJSDocCommentsAndTags(declaration.parent).length > 0,
  );
}

/** Declared in this repository (a re-export of another package is documented there). */
function ours(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((declaration) => !declaration.getSourceFile().fileName.includes('/node_modules/'));
}

test('every export of the public entry points has a doc comment', (t: TestContext) => {
  const entries = entryPoints();
  t.assert.ok(entries.size >= 4, `entry points in package.json: ${[...entries.keys()].join(', ')}`);
  const program = ts.createProgram([...entries.values()], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  let checked = 0;
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file);
    t.assert.ok(source !== undefined, `${file} is built`);
    const module = checker.getSymbolAtLocation(source);
    t.assert.ok(module !== undefined, `${file} is a module`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!ours(symbol)) continue;
      checked++;
      if (!documented(exported, symbol, checker)) {
        const declaration = symbol.declarations?.[0];
        const at = declaration === undefined ? '' : ` (${relative(ROOT, declaration.getSourceFile().fileName)})`;
        missing.push(`${subpath === '.' ? 'voltwire' : `voltwire/${subpath.slice(2)}`}: ${exported.name}${at}`);
      }
    }
  }
  t.assert.ok(checked > 100, `only ${checked} exports found: are the entry points built?`);
  t.assert.deepStrictEqual(missing, []);
});
