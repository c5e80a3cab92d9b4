/**
 * The TLS flags shared by every connecting command (`--tls`, `--tls-ca`, `--tls-servername`,
 * `--tls-insecure`), against the embedded server serving TLS with certificates made at test time.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { EXIT_CODE } from '../../src/cli/exit.js';
import { tlsFromFlags } from '../../src/cli/options.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { SKIP_WITHOUT_OPENSSL, testCertificates, type TestCertificates } from '../helpers/certificates.js';
import { cli } from './capture.js';

test('TLS flags become the client tls option; none means plain TCP', (t: TestContext) => {
  t.assert.strictEqual(tlsFromFlags({}), undefined);
  t.assert.deepStrictEqual(tlsFromFlags({ tls: true }), {});
  t.assert.deepStrictEqual(tlsFromFlags({ tlsCa: 'PEM', tlsServername: 'db.example' }), { ca: 'PEM', servername: 'db.example' });
  t.assert.deepStrictEqual(tlsFromFlags({ tlsInsecure: true }), { rejectUnauthorized: false });
});

describe('voltwire ping over TLS', { skip: SKIP_WITHOUT_OPENSSL }, () => {
  let certs: TestCertificates;
  let server: EmbeddedServer;
  let caFile: string;
  before(async () => {
    certs = await testCertificates();
    caFile = join(certs.dir, 'cli-ca.pem');
    await writeFile(caFile, certs.ca.cert);
    server = await startServer({ workloads: [], tls: { key: certs.server.key, cert: certs.server.cert } });
  });
  after(async () => {
    await server?.close();
  });

  test('--tls-ca trusts the test CA and the ping goes through', async (t: TestContext) => {
    const run = await cli(['ping', '--servers', server.address, '--tls-ca', caFile]);
    t.assert.strictEqual(run.code, 0, run.stderr);
    t.assert.match(run.stdout, /@Ping 127\.0\.0\.1:\d+: \d+\.\d{3} ms/);
  });

  test('--tls with only the system CAs refuses the test certificate in one line', async (t: TestContext) => {
    const run = await cli(['ping', '--servers', server.address, '--tls', '--timeout', '5s']);
    t.assert.strictEqual(run.code, EXIT_CODE.CONNECTION);
    t.assert.match(run.stderr, /^error: .*(certificate|TLS)/i);
    t.assert.strictEqual(run.stderr.trim().split('\n').length, 1, run.stderr);
  });

  test('--tls-insecure skips verification; a missing CA file is a usage error', async (t: TestContext) => {
    const insecure = await cli(['ping', '--servers', server.address, '--tls-insecure']);
    t.assert.strictEqual(insecure.code, 0, insecure.stderr);
    const missing = await cli(['ping', '--servers', server.address, '--tls-ca', join(certs.dir, 'absent.pem')]);
    t.assert.strictEqual(missing.code, EXIT_CODE.USAGE);
    t.assert.match(missing.stderr, /cannot read .*absent\.pem: ENOENT/);
  });
});
