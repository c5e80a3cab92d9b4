/**
 * The call path's layers import only downwards (DESIGN.md: calls → connection → cluster →
 * client): no import circle among the files of `src/calls`, `src/connection`, `src/cluster` and
 * the client's own files. Read from the TypeScript sources; `import type` is left out (erased
 * when compiled, it loads nothing).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));
const CLIENT_FILES = new Set(['client.ts', 'client-engine.ts', 'client-events.ts', 'procedure-handle.ts', 'options.ts', 'option-check.ts', 'option-schema.ts', 'errors.ts']);

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sources(path));
    else if (path.endsWith('.ts')) found.push(path);
  }
  return found;
}

function inScope(file: string): boolean {
  const name = relative(SRC, file);
  return /^(calls|connection|cluster)\//.test(name) || CLIENT_FILES.has(name);
}

/** Runtime imports (and re-exports) of `file` that stay in scope. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s(type\s)?[^;]*?from\s+'(\.[^']+)'/gms)) {
    if (match[1] !== undefined) continue;
    const target = resolve(dirname(file), match[2]!.replace(/\.js$/, '.ts'));
    if (inScope(target)) found.push(target);
  }
  return found;
}

/** One circle found by depth-first search (as file names), or null. */
function findCircle(files: string[], edges: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next].map((f) => relative(SRC, f));
      if (state.get(next) === undefined) {
        const circle = visit(next);
        if (circle !== null) return circle;
      }
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of files) {
    if (state.get(file) !== undefined) continue;
    const circle = visit(file);
    if (circle !== null) return circle;
  }
  return null;
}

test('no import circle among the calls, connection, cluster and client files', (t: TestContext) => {
  const files = sources(SRC).filter(inScope);
  t.assert.ok(files.length > 30, `found ${files.length} files under ${SRC}`);
  t.assert.deepStrictEqual(findCircle(files, new Map(files.map((file) => [file, imports(file)]))), null);
});

test('the circle finder reports a circle when one edge points back up', (t: TestContext) => {
  const files = sources(SRC).filter(inScope);
  const edges = new Map(files.map((file) => [file, imports(file)]));
  const start = files.find((f) => f.endsWith(join('calls', 'start-call.ts')))!;
  const connection = files.find((f) => f.endsWith(join('connection', 'connection.ts')))!;
  t.assert.ok(edges.get(connection)!.includes(start), 'connection.ts imports calls/start-call.ts');
  // An upward edge: calls/start-call.ts importing connection/connection.ts.
  edges.set(start, [...edges.get(start)!, connection]);
  const circle = findCircle(files, edges);
  t.assert.ok(circle !== null && circle.includes(join('calls', 'start-call.ts')) && circle.includes(join('connection', 'connection.ts')), String(circle));
});
