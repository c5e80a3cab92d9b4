/**
 * The call path's layers import only downwards (DESIGN.md: calls → connection → cluster →
 * client): no import circle among the files of `src/calls`, `src/connection`, `src/cluster` and
 * the client's own files, and none among the files of the pure codec, `src/protocol`. Read from
 * the TypeScript sources. `import type` counts too: it loads nothing once compiled, but a circle
 * of types is still two files that cannot be read (or moved) one without the other.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '../helpers/source-files.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));
const CLIENT_FILES = new Set([
  'client.ts',
  'client-engine.ts',
  'client-events.ts',
  'client-options.ts',
  'connection-string.ts',
  'procedure-handle.ts',
  'options.ts',
  'option-check.ts',
  'option-schema.ts',
  'errors.ts',
]);


/** The call path's files: calls, connection, cluster and the client's own. */
function inScope(file: string): boolean {
  const name = relative(SRC, file);
  return /^(calls|connection|cluster)\//.test(name) || CLIENT_FILES.has(name);
}

/** The codec's files. */
function inProtocol(file: string): boolean {
  return relative(SRC, file).startsWith(`protocol${sep}`);
}

/** Imports (and re-exports), type-only ones included, of `file` that stay within `scope`. */
function imports(file: string, scope: (file: string) => boolean = inScope): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s(?:type\s)?[^;]*?from\s+'(\.[^']+)'/gms)) {
    const target = resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'));
    if (scope(target)) found.push(target);
  }
  return found;
}

function edgesOf(files: string[], scope: (file: string) => boolean): Map<string, string[]> {
  return new Map(files.map((file) => [file, imports(file, scope)]));
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
  const files = sourceFiles(SRC).filter(inScope);
  t.assert.ok(files.length > 30, `found ${files.length} files under ${SRC}`);
  t.assert.deepStrictEqual(findCircle(files, edgesOf(files, inScope)), null);
});

test('no import circle among the protocol files', (t: TestContext) => {
  const files = sourceFiles(SRC).filter(inProtocol);
  t.assert.ok(files.length > 20, `found ${files.length} files under ${join(SRC, 'protocol')}`);
  t.assert.deepStrictEqual(findCircle(files, edgesOf(files, inProtocol)), null);
});

test('a type-only import back up closes a circle too', (t: TestContext) => {
  const files = sourceFiles(SRC).filter(inScope);
  const edges = edgesOf(files, inScope);
  const find = (name: string): string => files.find((f) => relative(SRC, f) === name)!;
  const [options, declared] = [find('options.ts'), find('client-options.ts')];
  t.assert.ok(edges.get(options)!.includes(declared), 'options.ts imports the option types of client-options.ts');
  // What the option types once did: client-options.ts naming a type of options.ts.
  edges.set(declared, [...edges.get(declared)!, options]);
  const circle = findCircle(files, edges);
  t.assert.ok(circle !== null && circle.includes('client-options.ts') && circle.includes('options.ts'), String(circle));
});

test('the protocol check reports a table value writer that imports its reader back', (t: TestContext) => {
  const files = sourceFiles(SRC).filter(inProtocol);
  const edges = edgesOf(files, inProtocol);
  const writer = files.find((f) => f.endsWith(join('protocol', 'value-writer.ts')))!;
  const reader = files.find((f) => f.endsWith(join('protocol', 'value-reader.ts')))!;
  t.assert.ok(edges.get(reader)!.includes(writer), 'value-reader.ts imports the table types of value-writer.ts');
  edges.set(writer, [...edges.get(writer)!, reader]);
  const circle = findCircle(files, edges);
  t.assert.ok(circle !== null && circle.includes(join('protocol', 'value-writer.ts')) && circle.includes(join('protocol', 'value-reader.ts')), String(circle));
});

test('the circle finder reports a circle when one edge points back up', (t: TestContext) => {
  const files = sourceFiles(SRC).filter(inScope);
  const edges = edgesOf(files, inScope);
  const start = files.find((f) => f.endsWith(join('calls', 'start-call.ts')))!;
  const connection = files.find((f) => f.endsWith(join('connection', 'connection.ts')))!;
  t.assert.ok(edges.get(connection)!.includes(start), 'connection.ts imports calls/start-call.ts');
  // An upward edge: calls/start-call.ts importing connection/connection.ts.
  edges.set(start, [...edges.get(start)!, connection]);
  const circle = findCircle(files, edges);
  t.assert.ok(circle !== null && circle.includes(join('calls', 'start-call.ts')) && circle.includes(join('connection', 'connection.ts')), String(circle));
});
