// What a user installs: the package's own entry points, imported by name through its `exports`
// map (the compiled output), not by relative source paths.
import { test, type TestContext } from 'node:test';

async function load(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>;
}

test('voltwire exports the client, the errors, the results and the codec', async (t: TestContext) => {
  const main = await load('voltwire');
  for (const name of [
    'Client',
    'Connection',
    'ProcedureHandle',
    'VoltError',
    'ProtocolError',
    'ParameterError',
    'ProcedureError',
    'VoltTable',
    'Column',
    'DecodePool',
    'Decimal',
    'Geography',
    'GeographyPoint',
    'VoltDate',
    'decodeResponse',
    'encodeInvocation',
    'VOLT_TYPE',
    'STATUS',
  ]) {
    t.assert.ok(main[name] !== undefined, `voltwire exports ${name}`);
  }
});

test('voltwire/protocol is the stable low-level codec', async (t: TestContext) => {
  const protocol = await load('voltwire/protocol');
  for (const name of [
    'decodeResponse',
    'encodeInvocation',
    'writeInvocation',
    'decodeInvocation',
    'encodeLoginRequest',
    'decodeLoginRequest',
    'encodeLoginResponse',
    'decodeLoginResponse',
    'encodeResponse',
    'FrameDecoder',
    'BufferReader',
    'BufferWriter',
    'Hashinator',
  ]) {
    t.assert.equal(typeof protocol[name], 'function', `voltwire/protocol exports ${name}`);
  }
  const decodeResponse = protocol.decodeResponse as (frame: Uint8Array) => { status: number; tables: unknown[] };
  const encodeResponse = protocol.encodeResponse as (input: object) => Buffer;
  const frame = encodeResponse({ handle: 7n, status: 1, tables: [] });
  const decoded = decodeResponse(frame);
  t.assert.equal(decoded.status, 1);
  t.assert.equal(decoded.tables.length, 0);
});

test('voltwire/server starts the embedded server', async (t: TestContext) => {
  const server = await load('voltwire/server');
  t.assert.equal(typeof server.startServer, 'function');
  t.assert.equal(typeof server.startCluster, 'function');
});
