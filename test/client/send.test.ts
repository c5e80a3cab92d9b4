/**
 * `ProcedureHandle.send`: the promise-free form of `call`. Its callback runs exactly once, with
 * what the promise would have settled with, never inside `send` itself (not even for a call
 * refused at once), and what it throws is the caller's: an uncaught exception, not a broken
 * connection.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import { Client } from '../../src/client.js';
import type { DecodedResponse } from '../../src/decode/decode-response.js';
import type { ParameterType } from '../../src/protocol/invocation-writer.js';
import { ClientClosedError, ParameterError, ProcedureError } from '../../src/errors.js';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';

interface Settled {
  error: unknown;
  response: DecodedResponse | null;
}

describe('ProcedureHandle.send', () => {
  let server: EmbeddedServer;
  let client: Client;
  before(async () => {
    server = await startServer({ port: 0, workloads: [] });
    server.define('Double', { parameterTypes: ['BIGINT'] }, (params) => (params[0] as bigint) * 2n);
    server.define('Refuse', { parameterTypes: ['BIGINT'] }, () => {
      throw new Error('no such thing');
    });
    client = await Client.connect({ hosts: [`${server.host}:${server.port}`], decode: { workers: 0 } });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  /** Send one call; resolves with what its callback got, and counts the callback's runs. */
  function sendOne(name: string, types: ParameterType[], params: unknown[], runs: { count: number; inside: boolean }): Promise<Settled> {
    return new Promise((resolve) => {
      let returned = false;
      client.procedure(name, types).send(params, (error, response) => {
        runs.count++;
        if (!returned) runs.inside = true;
        resolve({ error, response });
      });
      returned = true;
    });
  }

  test('answers: the response, then nothing more; the same answers as call', async (t: TestContext) => {
    const runs = { count: 0, inside: false };
    const settled = await Promise.all(Array.from({ length: 500 }, (_, i) => sendOne('Double', ['BIGINT'], [i], runs)));
    t.assert.strictEqual(runs.count, 500);
    t.assert.strictEqual(runs.inside, false);
    settled.forEach(({ error, response }, i) => {
      t.assert.strictEqual(error, null);
      t.assert.strictEqual(response!.tables[0]!.get(0, 0), BigInt(i) * 2n);
    });
    const viaCall = await client.procedure('Double', ['BIGINT']).call([21]);
    t.assert.strictEqual(viaCall.tables[0]!.get(0, 0), 42n);
  });

  test('a procedure error comes as the error, with a null response', async (t: TestContext) => {
    const runs = { count: 0, inside: false };
    const { error, response } = await sendOne('Refuse', ['BIGINT'], [1], runs);
    t.assert.ok(error instanceof ProcedureError, String(error));
    t.assert.strictEqual(response, null);
    t.assert.strictEqual(runs.count, 1);
  });

  test('a refused parameter calls back after send returns, and nothing is sent', async (t: TestContext) => {
    const runs = { count: 0, inside: false };
    const before = client.stats().bytesOut;
    const { error, response } = await sendOne('Double', ['BIGINT'], ['not a number'], runs);
    t.assert.ok(error instanceof ParameterError, String(error));
    t.assert.match((error as Error).message, /parameter 1 of Double/);
    t.assert.strictEqual(response, null);
    t.assert.strictEqual(runs.inside, false);
    t.assert.strictEqual(client.stats().bytesOut, before);
  });

  test('a throwing callback is an uncaught exception; the connection and the other calls go on', async (t: TestContext) => {
    const boom = new Error('the caller’s own bug');
    const caught: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const onUncaught = (error: unknown): void => {
      caught.push(error);
    };
    process.on('uncaughtException', onUncaught);
    try {
      const handle = client.procedure('Double', ['BIGINT']);
      const others: Promise<unknown>[] = [];
      handle.send([1], () => {
        throw boom;
      });
      for (let i = 0; i < 50; i++) others.push(handle.call([i]));
      const answers = await Promise.all(others);
      t.assert.strictEqual(answers.length, 50);
      await new Promise((resolve) => setImmediate(resolve));
      t.assert.deepStrictEqual(caught, [boom]);
      t.assert.strictEqual(client.connections.length, 1);
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
  });

  test('after close: ClientClosedError, called back once, not inside send', async (t: TestContext) => {
    const closed = await Client.connect({ hosts: [`${server.host}:${server.port}`], decode: { workers: 0 } });
    const handle = closed.procedure('Double', ['BIGINT']);
    await closed.close();
    const result = await new Promise<Settled & { inside: boolean }>((resolve) => {
      let returned = false;
      handle.send([1], (error, response) => resolve({ error, response, inside: !returned }));
      returned = true;
    });
    t.assert.ok(result.error instanceof ClientClosedError, String(result.error));
    t.assert.strictEqual(result.inside, false);
  });
});
