/**
 * The no-connection errors list every host's error once: a message that already names its
 * host is not prefixed with the host again.
 */
import { test, type TestContext } from 'node:test';
import { noConnections } from '../../src/cluster/connect-errors.js';
import { ConnectionError } from '../../src/errors.js';

test('each host is named once in the list of host errors', (t: TestContext) => {
  const closed = new ConnectionError('localhost:21302 closed the connection', { host: 'localhost', port: 21302 });
  const refused = new ConnectionError('connect ECONNREFUSED', { host: 'localhost', port: 21303 });
  const none = noConnections('no host is connected', [
    { host: 'localhost', port: 21302, error: closed },
    { host: 'localhost', port: 21303, error: refused },
    { host: 'localhost', port: 21304, error: null },
  ]);
  t.assert.strictEqual(
    none.message,
    'no host is connected (localhost:21302 closed the connection; localhost:21303: connect ECONNREFUSED; localhost:21304 is not connected)',
  );
});
