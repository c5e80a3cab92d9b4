import { inspect } from 'node:util';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import { parseConnectionString, redactConnectionString } from '../../src/connection-string.js';
import { ERROR_CODE, InvalidArgumentError, VoltError } from '../../src/errors.js';
import { resolveClientOptions } from '../../src/options.js';
import { parseServers, resolveTarget } from '../../src/cli/options.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';

const SECRET = 'S3cr#t/p@ss';
const ENCODED = encodeURIComponent(SECRET);

function refusal(t: TestContext, fn: () => unknown, message: RegExp): VoltError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  t.assert.ok(caught instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(caught)}`);
  t.assert.strictEqual(caught.code, ERROR_CODE.INVALID_ARGUMENT);
  t.assert.match(caught.message, message);
  t.assert.ok(!caught.message.includes(SECRET) && !caught.message.includes(ENCODED), `the password leaked: ${caught.message}`);
  return caught;
}

describe('connection strings', () => {
  test('the grammar: user, password, hosts with and without ports, options', (t: TestContext) => {
    const o = parseConnectionString(`voltdb://admin:${ENCODED}@h1:21212,h2,h3:21214?tls=true&timeoutMs=5000&discover=false`);
    t.assert.deepStrictEqual({ ...o }, { username: 'admin', password: SECRET, hosts: ['h1:21212', 'h2', 'h3:21214'], tls: true, timeoutMs: 5000, discover: false });
    t.assert.deepStrictEqual(parseConnectionString('voltdb://h1'), { hosts: ['h1'] });
    t.assert.deepStrictEqual(parseConnectionString('voltdb://'), {});
    t.assert.deepStrictEqual(parseConnectionString('voltdb:///'), {});
    t.assert.deepStrictEqual(parseConnectionString('VOLTDB://u@[::1]:21214,[fe80::1]/'), { username: 'u', hosts: ['[::1]:21214', '[fe80::1]'] });
    t.assert.deepStrictEqual(parseConnectionString('voltdb://u:@h'), { username: 'u', password: '', hosts: ['h'] });
    t.assert.deepStrictEqual(parseConnectionString('voltdb://h?user=bob&password=x%26y&timestamps=bigint&bigint=string&hashScheme=sha1'), {
      hosts: ['h'],
      username: 'bob',
      password: 'x&y',
      timestamps: 'bigint',
      bigint: 'string',
      hashScheme: 'sha1',
    });
    t.assert.deepStrictEqual(parseConnectionString('voltdb://h?reconnect=off&callTimeoutMs=1_000&maxOutstanding=10'), { hosts: ['h'], reconnect: false, callTimeoutMs: 1000, maxOutstanding: 10 });
    // An unencoded @ in the password: the last @ ends the user part.
    t.assert.strictEqual(parseConnectionString('voltdb://u:a@b@h').password, 'a@b');
  });

  test('voltdbs:// is TLS', (t: TestContext) => {
    t.assert.deepStrictEqual(parseConnectionString('voltdbs://h:1'), { hosts: ['h:1'], tls: true });
    t.assert.deepStrictEqual(resolveClientOptions('voltdbs://h:1').tls, {});
    t.assert.strictEqual(resolveClientOptions('voltdb://h:1').tls, null);
    refusal(t, () => parseConnectionString('voltdbs://h?tls=false'), /voltdbs:\/\/ means TLS/);
  });

  test('every part is checked; the password never shows', (t: TestContext) => {
    const base = `voltdb://u:${ENCODED}@`;
    refusal(t, () => parseConnectionString(`postgres://u:${ENCODED}@h`), /scheme must be voltdb:\/\/ or voltdbs:\/\/.*got postgres:\/\//);
    refusal(t, () => parseConnectionString(`${base}h/mydb`), /VoltDB has no databases: remove the path "\/mydb"/);
    refusal(t, () => parseConnectionString(`${base}h#x`), /no #fragment/);
    refusal(t, () => parseConnectionString(`${base}h:0`), /port of host 1 \(h\) must be 1\.\.65535, got "0"/);
    refusal(t, () => parseConnectionString(`${base}h:99999`), /must be 1\.\.65535/);
    refusal(t, () => parseConnectionString(`${base}h:`), /must be 1\.\.65535, got ""/);
    refusal(t, () => parseConnectionString(`${base}h1,,h2`), /host 2 is empty/);
    refusal(t, () => parseConnectionString(`${base}::1`), /not host\[:port\].*brackets/);
    refusal(t, () => parseConnectionString(`${base}h?pasword=x`), /unknown option "pasword": did you mean password\?/);
    refusal(t, () => parseConnectionString(`${base}h?ssl=true`), /unknown option "ssl": did you mean tls\?/);
    refusal(t, () => parseConnectionString(`${base}h?tls=maybe`), /option tls must be true, false.*got "maybe"/);
    refusal(t, () => parseConnectionString(`${base}h?callTimeoutMs=5s`), /option callTimeoutMs must be a number of milliseconds, got "5s"/);
    refusal(t, () => parseConnectionString(`${base}h?timestamps=iso`), /option timestamps must be one of 'date', 'bigint', got "iso"/);
    refusal(t, () => parseConnectionString(`${base}h?discover=1&discover=0`), /option discover is given twice/);
    refusal(t, () => parseConnectionString(`${base}h?discover`), /option discover needs a value/);
    refusal(t, () => parseConnectionString(`${base}h?queue=5`), /queue cannot be set in a connection string; pass it beside it/);
    refusal(t, () => parseConnectionString(`${base}h?hosts=a`), /hosts cannot be set in a connection string/);
    refusal(t, () => parseConnectionString(`${base}h?password=${ENCODED}`), /the password is given twice/);
    refusal(t, () => parseConnectionString(`${base}h?user=x`), /the user is given twice/);
    refusal(t, () => parseConnectionString('voltdb://u:p%zz@h'), /the password has a malformed %-escape; write a literal % as %25/);
    refusal(t, () => parseConnectionString('voltdb://u%zz@h'), /the user name has a malformed %-escape \("u%zz"\)/);
    refusal(t, () => parseConnectionString(`voltdb://u:${ENCODED}@h?x=%E0%A4%A`), /option name|option x/);
    refusal(t, () => parseConnectionString(`not a url ${ENCODED}`), /must look like voltdb:\/\/.*not shown/);
    refusal(t, () => parseConnectionString(42 as unknown as string), /must be a string, got 42/);
  });

  test('the CLI --servers takes the same string: hosts, and user, password and TLS as defaults', (t: TestContext) => {
    const servers = parseServers(`voltdbs://admin:${ENCODED}@h1,h2:21214`);
    t.assert.deepStrictEqual([...servers], ['h1', 'h2:21214']);
    const target = resolveTarget({ servers }, {});
    t.assert.deepStrictEqual(target.hosts, ['h1', 'h2:21214']);
    t.assert.strictEqual(target.username, 'admin');
    t.assert.strictEqual(target.password, SECRET);
    t.assert.deepStrictEqual(target.tls, {});
    t.assert.strictEqual(resolveTarget({ servers, user: 'bob' }, {}).username, 'bob', 'an explicit --user wins');
    t.assert.deepStrictEqual([...parseServers('voltdb://')], ['localhost:21212']);
    t.assert.throws(() => parseServers(`voltdb://u:${ENCODED}@h?x=1`), (error: unknown) => !String(error).includes(SECRET) && /unknown option "x"/.test(String(error)));
    t.assert.deepStrictEqual(parseServers('a:1,b'), ['a:1', 'b']);
  });

  test('redaction masks the password in the user part and in password=', (t: TestContext) => {
    t.assert.strictEqual(redactConnectionString('voltdb://u:pw@h:1,h2?x=1'), 'voltdb://u:***@h:1,h2?x=1');
    t.assert.strictEqual(redactConnectionString('voltdb://u@h?password=pw&tls=1'), 'voltdb://u@h?password=***&tls=1');
    t.assert.strictEqual(redactConnectionString('voltdb://h:1'), 'voltdb://h:1');
    t.assert.strictEqual(redactConnectionString('voltdb://u:a@b@h'), 'voltdb://u:***@h');
  });

  test('Client.connect forms resolve to the same options', (t: TestContext) => {
    const hosts = (target: Parameters<typeof resolveClientOptions>[0]) => resolveClientOptions(target).hosts;
    const expected = [{ host: 'db', port: 21300 }];
    t.assert.deepStrictEqual(hosts('db:21300'), expected);
    t.assert.deepStrictEqual(hosts('voltdb://db:21300'), expected);
    t.assert.deepStrictEqual(hosts({ host: 'db', port: 21300 }), expected);
    t.assert.deepStrictEqual(hosts({ host: 'db' }), [{ host: 'db', port: 21212 }]);
    t.assert.deepStrictEqual(hosts({ port: 21300 }), [{ host: 'localhost', port: 21300 }]);
    t.assert.deepStrictEqual(hosts({ hosts: 'db:21300, db2' }), [...expected, { host: 'db2', port: 21212 }]);
    t.assert.deepStrictEqual(hosts({ connectionString: 'voltdb://x:1', host: 'db', port: 21300 }), expected, 'host/port beside a string win');
    const o = resolveClientOptions({ connectionString: `voltdb://admin:${ENCODED}@db:21300?callTimeoutMs=5&discover=false`, callTimeoutMs: 7, user: 'root' });
    t.assert.deepStrictEqual(o.hosts, expected);
    t.assert.strictEqual(o.username, 'root');
    t.assert.strictEqual(o.password, SECRET);
    t.assert.strictEqual(o.callTimeoutMs, 7, 'the overrides win');
    t.assert.strictEqual(o.cluster.discover, false);
    t.assert.strictEqual(resolveClientOptions({ timeoutMs: 9 }).callTimeoutMs, 9);
    t.assert.strictEqual(resolveClientOptions('voltdb://h?timeoutMs=5000').callTimeoutMs, 5000);
    refusal(t, () => resolveClientOptions(' , '), /names no host/);
    refusal(t, () => resolveClientOptions({ timeoutMs: 1, callTimeoutMs: 2 }), /timeoutMs and callTimeoutMs name the same setting/);
    refusal(t, () => resolveClientOptions({ user: 'a', username: 'b' }), /user and username name the same setting/);
    refusal(t, () => resolveClientOptions({ hosts: ['a'], host: 'b' }), /host beside hosts is ambiguous/);
    refusal(t, () => resolveClientOptions(42 as unknown as string), /takes a connection string.*got 42/);
  });

  test('the password stays out of resolved options, errors, inspect and stats of a connected client', async (t: TestContext) => {
    const server: EmbeddedServer = await startServer({ users: [{ username: 'admin', password: SECRET }], workloads: ['voter'] });
    try {
      const url = `voltdb://admin:${ENCODED}@127.0.0.1:${server.port}?discover=false&clientAffinity=false`;
      const client = await Client.connect(url);
      try {
        await client.ping();
        const seen = [inspect(client, { depth: 6 }), inspect(client.options, { depth: 6 }), JSON.stringify(client.stats()), inspect(client.stats(), { depth: 6 }), JSON.stringify(client.options)];
        for (const text of seen) t.assert.ok(!text.includes(SECRET) && !text.includes(ENCODED), 'no password in inspect/stats output');
        t.assert.strictEqual(client.options.password, SECRET, 'still there for the login');
      } finally {
        await client.close();
      }
      const wrong = `voltdb://admin:wrong${ENCODED}@127.0.0.1:${server.port}?discover=false&reconnect=false`;
      await t.assert.rejects(Client.connect(wrong), (error: unknown) => {
        const text = `${String(error)} ${inspect(error, { depth: 6 })}`;
        t.assert.ok(!text.includes(SECRET) && !text.includes(ENCODED), 'no password in the login error');
        return true;
      });
    } finally {
      await server.close();
    }
  });
});

describe('connect forms against a server', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startServer({ users: [{ username: 'admin', password: 'secret' }], workloads: ['voter'] });
  });
  after(() => server.close());

  test('a host:port string, a connection string and { host, port } all reach the server asked for', async (t: TestContext) => {
    for (const target of [`voltdb://admin:secret@127.0.0.1:${server.port}`, { host: '127.0.0.1', port: server.port, user: 'admin', password: 'secret' }]) {
      const client = await Client.connect(target as string);
      try {
        t.assert.deepStrictEqual(client.connectResults[0], { host: '127.0.0.1', port: server.port, ok: true });
      } finally {
        await client.close();
      }
    }
    // A typo is refused before any socket opens (it used to log in as user "" with no password).
    await t.assert.rejects(Client.connect({ hosts: [`127.0.0.1:${server.port}`], user: 'admin', pasword: 'secret' } as never), {
      name: 'InvalidArgumentError',
      message: 'unknown client option "pasword": did you mean password?',
    });
  });
});
