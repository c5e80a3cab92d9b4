/**
 * Secrets: the password and its SHA-1/SHA-256 digests (raw, hex, base64) never show in errors
 * (message, stack, cause chain, util.inspect), `stats()`, diagnostics channel messages or the
 * wire dump (where the login digest is masked).
 */
import { createHash } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { CHANNEL } from '../../src/calls/diagnostics.js';
import { readWireDump } from '../../src/connection/wire-dump.js';
import { AuthenticationError } from '../../src/errors.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { installRejectionProbe, unhandled } from './ledger.js';

installRejectionProbe();

const PASSWORD = 'Tr0ub4dor&3-secret-Ω';
const WRONG = 'not-the-password-Ω-9';

/** Every textual and binary form of a secret that must not leak. */
function forms(secret: string): { text: string[]; bytes: Buffer[] } {
  const sha1 = createHash('sha1').update(secret, 'utf8').digest();
  const sha256 = createHash('sha256').update(secret, 'utf8').digest();
  return {
    text: [secret, sha1.toString('hex'), sha256.toString('hex'), sha1.toString('base64'), sha256.toString('base64'), sha256.toString('latin1')],
    bytes: [Buffer.from(secret, 'utf8'), sha1, sha256],
  };
}

const SECRETS = [forms(PASSWORD), forms(WRONG)];

function bigintSafe(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

/** Fail when any form of a secret appears in `text`. */
function assertClean(t: TestContext, text: string, where: string): void {
  for (const secret of SECRETS) {
    for (const form of secret.text) t.assert.ok(!text.includes(form), `${where} contains a secret (${form.slice(0, 6)}…)`);
    for (const form of secret.bytes) {
      t.assert.ok(!text.includes(form.toString('hex')), `${where} contains a secret as hex`);
      t.assert.ok(!text.includes(form.toString('latin1')), `${where} contains a secret as raw bytes`);
    }
  }
}

/** The error, its stack, its cause chain, its own properties, as a user would log them. */
function errorText(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let i = 0; i < 10 && current instanceof Error; i++) {
    parts.push(String(current), current.stack ?? '', bigintSafe({ ...current }));
    current = current.cause;
  }
  return parts.join('\n');
}

describe('secrets never leak', () => {
  let server: EmbeddedServer;
  let dir: string;
  before(async () => {
    server = await startServer({ workloads: [], users: [{ username: 'admin', password: PASSWORD }] });
    dir = mkdtempSync(join(tmpdir(), 'voltwire-secrets-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a refused login: the error names the user, not the password or its hash', async (t: TestContext) => {
    for (const hashScheme of ['sha256', 'sha1'] as const) {
      const error = await Client.connect({ hosts: [server.address], username: 'admin', password: WRONG, hashScheme }).catch((e: unknown) => e);
      t.assert.ok(error instanceof AuthenticationError, String(error));
      t.assert.match(error.message, /"admin"/);
      assertClean(t, errorText(error), `AuthenticationError (${hashScheme})`);
    }
    const byHash = await Client.connect({ hosts: [server.address], username: 'admin', passwordHash: createHash('sha256').update(WRONG).digest() }).catch((e: unknown) => e);
    t.assert.ok(byHash instanceof AuthenticationError);
    assertClean(t, errorText(byHash), 'AuthenticationError (passwordHash)');
  });

  test('errors of calls, stats(), diagnostics messages and the wire dump are clean', async (t: TestContext) => {
    const messages: unknown[] = [];
    const collect = (message: unknown): void => {
      messages.push(message);
    };
    const channels = Object.values(CHANNEL);
    for (const name of channels) diagnosticsChannel.subscribe(name, collect);
    const dumpFile = join(dir, 'wire.dump');
    const client = await Client.connect({ hosts: [server.address], username: 'admin', password: PASSWORD, dumpFile, callTimeoutMs: 50, timerResolutionMs: 10 });
    // callTimeoutMs 50 is for the ignored ping; the calls that must be answered get time to be.
    await client.call('@Ping', [], { timeoutMs: 10_000 });
    const errors: unknown[] = [];
    errors.push(await client.call('NoSuchProcedure', [], { timeoutMs: 10_000 }).catch((e: unknown) => e));
    server.faults.ignorePings = true;
    errors.push(await client.call('@Ping').catch((e: unknown) => e));
    server.faults.reset();
    server.faults.closeAfterFrames = 0;
    errors.push(await client.call('@Ping', [], { timeoutMs: 10_000 }).catch((e: unknown) => e));
    server.faults.reset();
    t.assert.strictEqual(errors.filter((e) => e instanceof Error).length, 3);
    for (const error of errors) assertClean(t, errorText(error), `call error ${(error as Error).name}`);
    assertClean(t, bigintSafe(client.stats()) + inspect(client.stats(), { depth: 10 }), 'stats()');
    await client.close();
    for (const name of channels) diagnosticsChannel.unsubscribe(name, collect);
    t.assert.ok(messages.length >= 6, `${messages.length} diagnostics messages`);
    assertClean(t, messages.map((m) => inspect(m, { depth: 10, showHidden: true }) + bigintSafe(m)).join('\n'), 'diagnostics messages');

    const dump = readFileSync(dumpFile);
    for (const secret of SECRETS) for (const form of secret.bytes) t.assert.strictEqual(dump.indexOf(form), -1, 'the wire dump holds a secret');
    const parsed = readWireDump(dump);
    const login = parsed.records.find((r) => r.kind === 'sent');
    t.assert.ok(login !== undefined && login.masked, 'the login digest is marked as masked');
    t.assert.deepStrictEqual([...login.payload.subarray(login.payload.length - 32)], new Array<number>(32).fill(0));
    t.assert.deepStrictEqual(unhandled, []);
  });

  test('inspecting the client (as a logger would) does not print the password', async (t: TestContext) => {
    const client = await Client.connect({ hosts: [server.address], username: 'admin', password: PASSWORD });
    try {
      assertClean(t, inspect(client, { depth: 6 }), 'util.inspect(client)');
      assertClean(t, bigintSafe(client.options), 'JSON.stringify(client.options)');
    } finally {
      await client.close();
    }
  });
});
