/**
 * Parameter positions count from 1 everywhere, as people count: the command line's own
 * conversion and the library's refusal name the same parameter the same way.
 */
import { after, before, test, type TestContext } from 'node:test';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/server-process.js';
import { voltwire } from './binary.js';

let server: EmbeddedServer;

before(async () => {
  server = await startEmbeddedServer({ args: ['--port', '0', '--rows', '10'] });
});

after(() => server?.stop());

test('the first parameter is parameter 1, the second parameter 2: in the CLI and in the library', async (t: TestContext) => {
  const servers = server.hosts.join(',');
  // Refused by the command line's text conversion (the first argument).
  const text = await voltwire(['call', 'Vote', 'abc', '300', '--types', 'BIGINT,TINYINT', '--servers', servers]);
  t.assert.strictEqual(text.code, 2, text.stderr);
  t.assert.match(text.stderr, /^error: parameter 1 of Vote: "abc" is not an integer for BIGINT\n$/);
  // Refused by the library's encoder (the second argument).
  const value = await voltwire(['call', 'Vote', '6175551234', '300', '--types', 'BIGINT,TINYINT', '--servers', servers]);
  t.assert.strictEqual(value.code, 2, value.stderr);
  t.assert.match(value.stderr, /^error: parameter 2 of Vote: 300 does not fit TINYINT \(-127\.\.127\)\n$/);
});
