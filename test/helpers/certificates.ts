/**
 * Test certificates, made at test time with the system's `openssl` into a temporary directory
 * (removed when the process exits): nothing secret is committed, nothing expires in the repo.
 *
 * - `ca`: the trusted test CA;
 * - `server`: signed by `ca`, for `localhost` and `127.0.0.1` (subjectAltName);
 * - `wrongHost`: signed by `ca`, for `wrong.invalid` only (hostname mismatch);
 * - `untrustedCa` + `untrustedServer`: a second CA nobody trusts and a `localhost` cert it signed;
 * - `client`: a client certificate signed by `ca` (mutual TLS); `untrustedClient`: one signed by
 *   `untrustedCa`.
 *
 * When `openssl` is missing, {@link SKIP_WITHOUT_OPENSSL} is a message to pass as `{ skip }`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A key and the certificate for it, PEM. */
export interface KeyPair {
  key: Buffer;
  cert: Buffer;
}

export interface TestCertificates {
  dir: string;
  ca: KeyPair;
  server: KeyPair;
  wrongHost: KeyPair;
  untrustedCa: KeyPair;
  untrustedServer: KeyPair;
  client: KeyPair;
  untrustedClient: KeyPair;
}

function opensslVersion(): string | null {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The `openssl version` line, or null when openssl cannot be run. */
export const OPENSSL_VERSION = opensslVersion();

/** `false` when openssl is available, else the reason to skip TLS tests. */
export const SKIP_WITHOUT_OPENSSL: string | false =
  OPENSSL_VERSION === null ? 'TLS tests need the `openssl` command to generate test certificates (install openssl, e.g. apt-get install openssl)' : false;

// P-256 keys: generated in milliseconds, unlike RSA.
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string): Promise<KeyPair> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  await run('openssl', [
    'req', '-x509', ...KEY_ARGS, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=voltwire ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

let serial = 1000;

async function makeLeaf(dir: string, name: string, caName: string, subjectAltName: string | null, usage: 'serverAuth' | 'clientAuth'): Promise<KeyPair> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  const lines = ['basicConstraints=CA:FALSE', `extendedKeyUsage=${usage}`];
  if (subjectAltName !== null) lines.push(`subjectAltName=${subjectAltName}`);
  writeFileSync(ext, lines.join('\n') + '\n');
  await run('openssl', ['req', ...KEY_ARGS, '-keyout', key, '-out', csr, '-subj', `/CN=voltwire ${name}`]);
  await run('openssl', [
    'x509', '-req', '-in', csr, '-CA', join(dir, `${caName}.crt`), '-CAkey', join(dir, `${caName}.key`),
    '-set_serial', String(serial++), '-days', '2', '-out', cert, '-extfile', ext,
  ]);
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

async function generate(): Promise<TestCertificates> {
  const dir = mkdtempSync(join(tmpdir(), 'voltwire-tls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const [ca, untrustedCa] = await Promise.all([makeCa(dir, 'ca'), makeCa(dir, 'untrusted-ca')]);
  const [server, wrongHost, untrustedServer, client, untrustedClient] = await Promise.all([
    makeLeaf(dir, 'server', 'ca', 'DNS:localhost,IP:127.0.0.1', 'serverAuth'),
    makeLeaf(dir, 'wrong-host', 'ca', 'DNS:wrong.invalid', 'serverAuth'),
    makeLeaf(dir, 'untrusted-server', 'untrusted-ca', 'DNS:localhost,IP:127.0.0.1', 'serverAuth'),
    makeLeaf(dir, 'client', 'ca', null, 'clientAuth'),
    makeLeaf(dir, 'untrusted-client', 'untrusted-ca', null, 'clientAuth'),
  ]);
  return { dir, ca, server, wrongHost, untrustedCa, untrustedServer, client, untrustedClient };
}

let made: Promise<TestCertificates> | null = null;

/** The test certificates (made once per process). */
export function testCertificates(): Promise<TestCertificates> {
  made ??= generate();
  return made;
}
