import { describe, test, type TestContext } from 'node:test';
import { CLIENT_DEFAULTS, parseHost, resolveClientOptions } from '../../src/options.js';
import { InvalidArgumentError } from '../../src/errors.js';

describe('client options', () => {
  test('defaults', (t: TestContext) => {
    const o = resolveClientOptions();
    t.assert.deepStrictEqual(o.hosts, [{ host: 'localhost', port: 21212 }]);
    t.assert.strictEqual(o.callTimeoutMs, 120_000);
    t.assert.strictEqual(o.connectTimeoutMs, 10_000);
    t.assert.strictEqual(o.maxOutstanding, 1000);
    t.assert.deepStrictEqual(o.queue, { warn: 8000, resume: 2000, hard: 10000 });
    t.assert.strictEqual(o.hashScheme, 'sha256');
    t.assert.strictEqual(o.timestamps, 'date');
    t.assert.strictEqual(o.queryTimeoutMs, undefined);
    t.assert.strictEqual(o.maxCallsPerSecond, undefined);
    t.assert.strictEqual(o.slabBytes, CLIENT_DEFAULTS.slabBytes);
    t.assert.deepStrictEqual(resolveClientOptions({ queue: { hard: 20000 } }).queue, { warn: 8000, resume: 2000, hard: 20000 });
  });

  test('host forms', (t: TestContext) => {
    t.assert.deepStrictEqual(parseHost('db1'), { host: 'db1', port: 21212 });
    t.assert.deepStrictEqual(parseHost(' db1:3000 '), { host: 'db1', port: 3000 });
    t.assert.deepStrictEqual(parseHost('[::1]:21213'), { host: '::1', port: 21213 });
    t.assert.deepStrictEqual(parseHost('[::1]'), { host: '::1', port: 21212 });
    t.assert.deepStrictEqual(parseHost('fe80::1'), { host: 'fe80::1', port: 21212 });
    t.assert.deepStrictEqual(parseHost({ host: 'db2' }), { host: 'db2', port: 21212 });
    t.assert.deepStrictEqual(parseHost({ host: 'db2', port: 1 }), { host: 'db2', port: 1 });
    t.assert.throws(() => parseHost(''), InvalidArgumentError);
    t.assert.throws(() => parseHost(':80'), /not host:port/);
    t.assert.throws(() => parseHost('db:http'), /not host:port/);
    t.assert.throws(() => parseHost('db:70000'), /1\.\.65535/);
    t.assert.throws(() => parseHost({ host: '' }), InvalidArgumentError);
    t.assert.throws(() => parseHost({ host: 'x', port: 0 }), InvalidArgumentError);
  });

  test('hosts may be one string: a host, or hosts separated by commas', (t: TestContext) => {
    t.assert.deepStrictEqual(resolveClientOptions({ hosts: 'a:21213' }).hosts, [{ host: 'a', port: 21213 }]);
    t.assert.deepStrictEqual(resolveClientOptions({ hosts: 'a:1, b' }).hosts, [
      { host: 'a', port: 1 },
      { host: 'b', port: 21212 },
    ]);
    t.assert.throws(() => resolveClientOptions({ hosts: 5 as unknown as string }), { code: 'ERR_VOLT_INVALID_ARGUMENT', message: /hosts must be an array/ });
    t.assert.throws(() => resolveClientOptions({ hosts: [] }), { name: 'InvalidArgumentError', message: /at least one host/ });
  });

  test('refuses nonsense, naming the option', (t: TestContext) => {
    t.assert.throws(() => resolveClientOptions({ hosts: [] }), /at least one host/);
    t.assert.throws(() => resolveClientOptions({ hashScheme: 'md5' as 'sha1' }), /hashScheme/);
    t.assert.throws(() => resolveClientOptions({ timestamps: 'string' as 'date' }), /timestamps/);
    t.assert.throws(() => resolveClientOptions({ maxCallsPerSecond: 0 }), /maxCallsPerSecond/);
    t.assert.throws(() => resolveClientOptions({ queryTimeoutMs: -1 }), /queryTimeoutMs/);
    t.assert.throws(() => resolveClientOptions({ queryTimeoutMs: 1.5 }), /queryTimeoutMs/);
    t.assert.throws(() => resolveClientOptions({ passwordHash: 'abc' as unknown as Uint8Array }), /passwordHash/);
    t.assert.throws(() => resolveClientOptions({ callTimeoutMs: -5 }), /callTimeoutMs/);
    t.assert.throws(() => resolveClientOptions({ connectTimeoutMs: Number.NaN }), /connectTimeoutMs/);
    t.assert.throws(() => resolveClientOptions({ maxOutstanding: 0 }), /maxOutstanding/);
    t.assert.throws(() => resolveClientOptions({ slabBytes: 1.5 }), /slabBytes/);
    t.assert.throws(() => resolveClientOptions({ queue: { warn: 10, resume: 20 } }), /resume < warn/);
    t.assert.doesNotThrow(() => resolveClientOptions({ callTimeoutMs: 0, maxCallsPerSecond: 10, queryTimeoutMs: 0, passwordHash: new Uint8Array(32) }));
  });
});
