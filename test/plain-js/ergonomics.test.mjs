// Plain JavaScript, no type checker: what a new user writes in a .mjs file on Node 20.
// It imports the built package (dist/), as an installed voltwire would be imported.
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { Client, InvalidArgumentError, ParameterError } from '../../dist/src/index.js';
import { startServer } from '../../dist/src/server/index.js';

describe('plain JavaScript (.mjs): ergonomics of node-postgres / mysql2 users', () => {
  let server;
  before(async () => {
    server = await startServer({ users: [{ username: 'admin', password: 'p@ss' }], workloads: ['voter', 'analytics'], rows: 300, contestants: 3 });
  });
  after(() => server.close());

  test('the four ways of the issue reach the port asked for, or are refused', async (t) => {
    const open = await startServer({ workloads: ['voter'] }); // security off: a bare host:port logs in
    try {
      const client = await Client.connect(`127.0.0.1:${open.port}`);
      t.assert.strictEqual(client.connectResults[0].port, open.port);
      await client.close();
    } finally {
      await open.close();
    }
    for (const target of [`voltdb://admin:p%40ss@127.0.0.1:${server.port}`, { host: '127.0.0.1', port: server.port, user: 'admin', password: 'p@ss' }]) {
      const client = await Client.connect(target);
      try {
        t.assert.strictEqual(client.connectResults[0].port, server.port);
      } finally {
        await client.close();
      }
    }
    await t.assert.rejects(Client.connect({ hosts: [`127.0.0.1:${server.port}`], user: 'admin', pasword: 'p@ss' }), (error) => {
      t.assert.ok(error instanceof InvalidArgumentError);
      t.assert.strictEqual(error.message, 'unknown client option "pasword": did you mean password?');
      return true;
    });
  });

  test('wrong kinds and call options are refused with the key, the expectation and the value', async (t) => {
    await t.assert.rejects(Client.connect({ port: String(server.port) }), { message: `client option port must be a number, got "${server.port}"` });
    await t.assert.rejects(Client.connect(`voltdb://admin:secret-word@127.0.0.1:${server.port}?tls=maybe`), (error) => {
      t.assert.match(error.message, /option tls must be true, false/);
      t.assert.ok(!error.message.includes('secret-word'));
      return true;
    });
    const client = await Client.connect({ port: server.port, user: 'admin', password: 'p@ss', discover: false });
    try {
      await t.assert.rejects(client.call('@Ping', [], { timout: 10 }), { message: '@Ping: unknown call option "timout": did you mean timeoutMs?' });
      await t.assert.rejects(client.call('Vote', [5551230000, 300, 10], { types: ['BIGINT', 'TINYINT', 'BIGINT'] }), ParameterError);
      const voted = await client.call('Vote', [5551230000, 1, 10], { types: ['BIGINT', 'TINYINT', 'BIGINT'] });
      t.assert.strictEqual(voted.status, 1);
    } finally {
      await client.close();
    }
  });

  test('rows, rowCount, fields, JSON.stringify in every bigint mode, inspect', async (t) => {
    for (const bigint of ['bigint', 'string', 'number']) {
      const client = await Client.connect({ port: server.port, user: 'admin', password: 'p@ss', discover: false, bigint });
      try {
        const result = await client.query('SELECT ID, NAME, PAYLOAD FROM EVENTS WHERE ID <= ? ORDER BY ID', [7]);
        t.assert.strictEqual(result.rowCount, 7);
        t.assert.deepStrictEqual(result.fields.map((f) => `${f.name} ${f.type}`), ['ID BIGINT', 'NAME STRING', 'PAYLOAD VARBINARY']);
        t.assert.strictEqual(result.rows[1].ID, { bigint: 2n, string: '2', number: 2 }[bigint]);
        const json = JSON.parse(JSON.stringify(result));
        t.assert.strictEqual(json.rows[1].ID, bigint === 'number' ? 2 : '2');
        t.assert.strictEqual(typeof json.rows[1].PAYLOAD, 'string');
        t.assert.deepStrictEqual(JSON.parse(JSON.stringify(result.tables[0])), json.rows);
        const text = inspect(result);
        t.assert.match(text, /^Response \{\n {2}status: 'SUCCESS \(1\)',/);
        t.assert.match(text, /fields: \[ ID BIGINT, NAME STRING, PAYLOAD VARBINARY \]/);
        t.assert.match(text, /… 2 more rows/);
        t.assert.match(inspect(result.tables[0]), /^VoltTable \{/);
      } finally {
        await client.close();
      }
    }
  });

  test('client.stream: for await, pipe, and an AbortSignal', async (t) => {
    const client = await Client.connect({ port: server.port, user: 'admin', password: 'p@ss', discover: false });
    try {
      let n = 0;
      for await (const row of client.stream('SELECT ID FROM EVENTS ORDER BY ID', [], { batchRows: 64 })) t.assert.strictEqual(row.ID, BigInt(++n));
      t.assert.strictEqual(n, 300);
      const seen = [];
      await pipeline(client.stream('SELECT ID FROM EVENTS WHERE ID <= 5 ORDER BY ID'), new Writable({ objectMode: true, write: (row, _e, done) => (seen.push(row.ID), done()) }));
      t.assert.deepStrictEqual(seen, [1n, 2n, 3n, 4n, 5n]);
      const controller = new AbortController();
      let read = 0;
      await t.assert.rejects(
        (async () => {
          for await (const _row of client.stream('SELECT ID FROM EVENTS ORDER BY ID', [], { batchRows: 50, signal: controller.signal })) {
            if (++read === 60) controller.abort(new Error('stop'));
          }
        })(),
        { message: 'stop' },
      );
      t.assert.strictEqual(read, 60);
      t.assert.throws(() => client.stream('SELECT 1', [], { batchRow: 5 }), /did you mean batchRows\?/);
    } finally {
      await client.close();
    }
  });
});
