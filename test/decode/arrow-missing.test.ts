/**
 * `toArrow()` when apache-arrow cannot be loaded (a broken install): a VoltError saying so.
 * Run in a child process whose module resolution refuses `apache-arrow` (a loader hook), so the
 * package installed for the other tests stays out of it.
 */
import { test, type TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';

test('toArrow() without apache-arrow rejects with a VoltError naming the package', (t: TestContext) => {
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === 'apache-arrow') throw new Error('Cannot find package apache-arrow');
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const volt = new URL('../../src/decode/volt-table.js', import.meta.url).href;
  const errors = new URL('../../src/errors.js', import.meta.url).href;
  const support = new URL('./support.js', import.meta.url).href;
  const script = `
    const { VoltTable } = await import(${JSON.stringify(volt)});
    const { VoltError } = await import(${JSON.stringify(errors)});
    const { tableBytes } = await import(${JSON.stringify(support)});
    const table = VoltTable.fromBytes(tableBytes({ columns: [{ name: 'I', type: 5 }], rows: [[1]] }));
    for (let attempt = 0; attempt < 2; attempt++) {
      try { await table.toArrow(); console.log('resolved'); }
      catch (error) { console.log(VoltError.is(error), error.message); }
    }`;
  const child = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  t.assert.equal(child.status, 0, child.stderr);
  const lines = child.stdout.trim().split('\n');
  t.assert.equal(lines.length, 2, 'a second call tries again');
  for (const line of lines) t.assert.equal(line, 'true toArrow() could not load apache-arrow, a dependency of voltwire: reinstall the package (npm install)');
});
