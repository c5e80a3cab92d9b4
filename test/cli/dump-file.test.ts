/**
 * A wire dump that cannot be written is refused before anything connects — by the client's
 * `dumpFile` option and by `--dump` on the command line — instead of recording nothing.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { ERROR_CODE, VoltError } from '../../src/errors.js';
import { voltwire } from './binary.js';

const MISSING = '/nonexistent-voltwire-folder/sub/x.dump';
let listener: Server;
let address: string;
let accepted = 0;

before(async () => {
  // Counts connections: the point is that none is made.
  listener = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  address = `127.0.0.1:${(listener.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => listener.close(() => resolve())));

test('Client.connect({ dumpFile }) in a missing folder: InvalidArgumentError, no connection made', async (t: TestContext) => {
  const error = await Client.connect({ hosts: [address], dumpFile: MISSING }).then(
    () => null,
    (e: unknown) => e,
  );
  t.assert.ok(VoltError.is(error), String(error));
  t.assert.strictEqual(error.code, ERROR_CODE.INVALID_ARGUMENT);
  t.assert.match(error.message, /^dumpFile: cannot write "\/nonexistent-voltwire-folder\/sub\/x\.dump": ENOENT/);
  t.assert.strictEqual(accepted, 0);
});

test('voltwire --dump in a missing folder or onto a folder: usage error (exit 2) before connecting', async (t: TestContext) => {
  for (const [args, pattern] of [
    [['ping', '--dump', MISSING], /cannot write \/nonexistent-voltwire-folder\/sub\/x\.dump: the folder \/nonexistent-voltwire-folder\/sub does not exist/],
    [['query', 'SELECT 1', '--dump', '/tmp'], /cannot write \/tmp: it is a directory/],
  ] as const) {
    const run = await voltwire([...args, '--servers', address]);
    t.assert.strictEqual(run.code, 2, run.stderr);
    t.assert.match(run.stderr, pattern);
    t.assert.strictEqual(run.stderr.trimEnd().split('\n').length, 1);
  }
  t.assert.strictEqual(accepted, 0);
});
