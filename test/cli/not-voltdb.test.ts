/**
 * A port that is not VoltDB (an HTTP server here): the login answer cannot be read, and the
 * error says so — naming the address and the first bytes — with the connect/login exit code.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { ERROR_CODE, VoltError } from '../../src/errors.js';
import { voltwire } from './binary.js';

let http: Server;
let address: string;

before(async () => {
  http = createServer((_request, response) => response.end('hello'));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  address = `127.0.0.1:${(http.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => http.close(() => resolve())));

test('the client: a ConnectionError naming the address and the first bytes (not a frame-length error)', async (t: TestContext) => {
  const error = await Client.connect({ hosts: [address], connectTimeoutMs: 10_000 }).then(
    () => null,
    (e: unknown) => e,
  );
  t.assert.ok(VoltError.is(error), String(error));
  t.assert.strictEqual(error.code, ERROR_CODE.CONNECTION);
  t.assert.match(error.message, new RegExp(`^${address.replaceAll('.', '\\.')} did not answer like a VoltDB server \\(first bytes 48 54 54 50 2f 31 2e 31 .* "HTTP/1\\.1 `));
});

test('voltwire ping/query against an HTTP port: one line, exit code 3', async (t: TestContext) => {
  for (const args of [['ping'], ['query', 'SELECT 1 FROM VOTES']]) {
    const run = await voltwire([...args, '--servers', address]);
    t.assert.strictEqual(run.code, 3, run.stderr);
    t.assert.strictEqual(run.stdout, '');
    t.assert.match(run.stderr, new RegExp(`^error: ${address.replaceAll('.', '\\.')} did not answer like a VoltDB server \\(first bytes 48 54 54 50 [^\\n]*"HTTP/1\\.1 [^\\n]*\\)\\n$`));
  }
});
