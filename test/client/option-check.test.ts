import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { InvalidArgumentError, ParameterError } from '../../src/errors.js';
import { callOptionsError } from '../../src/option-check.js';
import { nearestKey } from '../../src/option-schema.js';
import { resolveClientOptions } from '../../src/options.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';

function refused(t: TestContext, options: unknown, message: RegExp): void {
  t.assert.throws(() => resolveClientOptions(options as never), (error: unknown) => {
    t.assert.ok(error instanceof InvalidArgumentError, String(error));
    t.assert.match(error.message, message);
    return true;
  });
}

describe('client options checked at run time', () => {
  test('unknown keys: the nearest known key is suggested', (t: TestContext) => {
    refused(t, { pasword: 'x' }, /^unknown client option "pasword": did you mean password\?$/);
    refused(t, { userName: 'x' }, /did you mean username\?/);
    refused(t, { tiemoutMs: 1 }, /did you mean timeoutMs\?/);
    refused(t, { callTimeout: 1 }, /did you mean callTimeoutMs\?/);
    refused(t, { ssl: true }, /did you mean tls\?/);
    refused(t, { servers: ['a'] }, /did you mean hosts\?/);
    refused(t, { hots: ['a'] }, /did you mean (hosts|host)\?/);
    refused(t, { zzzzzzzz: 1 }, /the client options are connectionString, hosts, .*retryOnConnectionLoss$/);
    refused(t, { queue: { hardd: 1 } }, /unknown client option "queue.hardd": did you mean queue.hard\?/);
    refused(t, { decode: { worker: 0 } }, /did you mean decode.workers\?/);
    refused(t, { hosts: ['a', { host: 'b', prot: 1 }] }, /unknown client option "hosts\[1\].prot": did you mean hosts\[1\].port\?/);
  });

  test('wrong kinds: the key, what was expected and what came', (t: TestContext) => {
    refused(t, { callTimeoutMs: '5000' }, /^client option callTimeoutMs must be a number of milliseconds, got "5000"$/);
    refused(t, { discover: 'no' }, /^client option discover must be true or false, got "no"$/);
    refused(t, { hosts: 5 }, /client option hosts must be an array of 'host:port' strings.*or a 'host:port,…' string, got 5$/);
    refused(t, { hosts: [5] }, /hosts\[0\] must be 'host:port' or \{ host, port, weight, backup \}, got 5/);
    refused(t, { hashScheme: 'md5' }, /hashScheme must be one of 'sha256', 'sha1', got "md5"/);
    refused(t, { bigint: 'float' }, /bigint must be one of 'bigint', 'string', 'number', got "float"/);
    refused(t, { tls: 'yes' }, /tls must be true, false or tls.ConnectionOptions/);
    refused(t, { queue: [1] }, /queue must be an object \{ warn, resume, hard \}, got an array/);
    refused(t, { queue: { hard: '1' } }, /queue.hard must be a number, got "1"/);
    refused(t, { decode: { workers: 'many' } }, /decode.workers must be a number or 'auto', got "many"/);
    refused(t, { passwordHash: 'abc' }, /passwordHash must be a Uint8Array, got a string$/);
    refused(t, { retryOnConnectionLoss: { attemps: 3 } }, /retryOnConnectionLoss.attemps": did you mean retryOnConnectionLoss.attempts\?/);
    refused(t, { maxSlabs: Number.NaN }, /maxSlabs must be a number, got NaN/);
    refused(t, { signal: new AbortController().signal }, /unknown client option "signal"/);
  });

  test('a password of the wrong kind is not echoed', (t: TestContext) => {
    refused(t, { password: 12345678 }, /^client option password must be a string, got a number$/);
  });

  test('good options pass, undefined values take the default', (t: TestContext) => {
    const o = resolveClientOptions({ hosts: ['a:1', { host: 'b', port: 2, weight: 3, backup: true }], callTimeoutMs: undefined, queue: { hard: 20_000 }, decode: { workers: 'auto' }, tls: false, retryOnConnectionLoss: { attempts: 3 } });
    t.assert.strictEqual(o.callTimeoutMs, 120_000);
    t.assert.strictEqual(o.bigint, 'bigint');
    t.assert.strictEqual(resolveClientOptions({ bigint: 'number' }).bigint, 'number');
  });

  test('nearestKey: nothing when nothing is close', (t: TestContext) => {
    t.assert.strictEqual(nearestKey('x', ['password', 'hosts']), null);
    t.assert.strictEqual(nearestKey('PASSWORD', ['password', 'hosts']), 'password');
    t.assert.strictEqual(nearestKey('pasword', ['password', 'hosts']), 'password');
    t.assert.strictEqual(nearestKey('hsots', ['password', 'hosts']), 'hosts');
  });
});

describe('call options checked at run time', () => {
  test('callOptionsError: unknown keys and wrong kinds; a good object is remembered', (t: TestContext) => {
    t.assert.match(callOptionsError({ timeout: 5 }, 'Vote')!.message, /^Vote: unknown call option "timeout": did you mean timeoutMs\?$/);
    t.assert.match(callOptionsError({ tyeps: [] }, 'Vote')!.message, /did you mean types\?/);
    t.assert.match(callOptionsError({ timeoutMs: '5' }, 'Vote')!.message, /^Vote: call option timeoutMs must be a number of milliseconds, got "5"$/);
    t.assert.match(callOptionsError({ signal: {} }, 'Vote')!.message, /signal must be an AbortSignal, got a Object object/);
    t.assert.match(callOptionsError({ response: 0 }, 'Vote')!.message, /response must be true or false, got 0/);
    t.assert.match(callOptionsError(5 as unknown as object, 'Vote')!.message, /options of Vote must be an object/);
    t.assert.ok(callOptionsError({ types: ['BIGNT'] }, 'Vote') instanceof ParameterError);
    const shared = { timeoutMs: 5 };
    t.assert.strictEqual(callOptionsError(shared, 'Vote'), null);
    t.assert.strictEqual(callOptionsError(shared, 'Vote'), null);
    t.assert.strictEqual(callOptionsError({ timeoutMs: undefined, priority: 3 }, 'Vote'), null);
  });
});

describe('call options against a server', () => {
  let server: EmbeddedServer;
  let client: Client;
  before(async () => {
    server = await startServer({ workloads: ['voter'], contestants: 3 });
    client = await Client.connect({ hosts: [`127.0.0.1:${server.port}`], discover: false });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('unknown call options are refused, nothing sent; the queue accounting is untouched', async (t: TestContext) => {
    await t.assert.rejects(client.call('@Ping', [], { timout: 5 } as never), { name: 'InvalidArgumentError', message: '@Ping: unknown call option "timout": did you mean timeoutMs?' });
    await t.assert.rejects(client.query('SELECT 1', [], { timeoutMs: '1' } as never), { name: 'InvalidArgumentError', message: /^@AdHoc: call option timeoutMs must be a number/ });
    await t.assert.rejects(client.procedure('@Ping').call([], { singal: null } as never), { message: /did you mean signal\?/ });
    const batch = await client.callMany([{ procedure: '@Ping', options: { reponse: false } as never }]);
    t.assert.strictEqual(batch.failed, 1);
    t.assert.strictEqual(client.pending, 0);
  });

  test('types per call: declared types are applied and checked, as on a procedure handle', async (t: TestContext) => {
    const vote = { types: ['BIGINT', 'TINYINT', 'BIGINT'] as const };
    const ok = await client.call('Vote', [5551234567, 1, 10], vote);
    t.assert.strictEqual(ok.status, 1);
    await t.assert.rejects(client.call('Vote', [5551234567, 300, 10], vote), (error: unknown) => {
      t.assert.ok(error instanceof ParameterError);
      t.assert.match(error.message, /TINYINT/);
      return true;
    });
    await t.assert.rejects(client.call('Vote', [1, 2], vote), { name: 'ParameterError', message: 'Vote takes 3 parameters (BIGINT, TINYINT, BIGINT), got 2' });
    await t.assert.rejects(client.call('Vote', [1, 2, 3], { types: ['BIGNT', 'TINYINT', 'BIGINT'] as never }), { name: 'ParameterError', message: /"BIGNT" is not a VoltDB type name/ });
    const handle = client.procedure('Vote', ['BIGINT', 'INTEGER', 'BIGINT']);
    await t.assert.rejects(handle.call([1, 2, 3], vote), { name: 'InvalidArgumentError', message: /differ from the procedure handle's/ });
    t.assert.strictEqual((await handle.call([5551234568n, 2, 10n], { types: ['BIGINT', 'INTEGER', 'BIGINT'] })).status, 1);
  });
});
