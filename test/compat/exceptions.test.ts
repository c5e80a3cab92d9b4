/**
 * VoltException: every serialized exception kind a (legacy) server can send, end to end through
 * a FastSerializer, and the VOLTEXCEPTION_* mapping of every wire ordinal.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import {
  FastSerializer,
  VoltException,
  VoltProcedure,
  VoltResponse,
  VOLTEXCEPTION_CONSTRAINTFAILURE,
  VOLTEXCEPTION_EEEXCEPTION,
  VOLTEXCEPTION_GENERIC,
  VOLTEXCEPTION_NONE,
  VOLTEXCEPTION_SQLEXCEPTION,
  statusText,
} from '../../src/compat/index.js';
import { decodeResponse } from '../../src/decode/decode-response.js';
import { EXCEPTION_TYPE, STATUS } from '../../src/protocol/constants.js';
import { decodeSerializedException, encodeSerializedException } from '../../src/protocol/exception.js';
import { encodeResponse } from '../../src/protocol/response-writer.js';
import { LEGACY_EXCEPTIONS, LegacyServer } from './legacy-server.js';

describe('VoltException from a legacy server', () => {
  let server: LegacyServer;
  let fser: FastSerializer;
  before(async () => {
    server = await LegacyServer.start();
    fser = await FastSerializer.connect({ host: '127.0.0.1', port: server.port });
  });
  after(async () => {
    await fser.close();
    await server.close();
  });

  const expected: [string, number, string][] = [
    ['None', VOLTEXCEPTION_NONE, 'None'],
    ['EE', VOLTEXCEPTION_EEEXCEPTION, 'EEException'],
    ['SQL', VOLTEXCEPTION_SQLEXCEPTION, 'SQLException'],
    ['Constraint', VOLTEXCEPTION_CONSTRAINTFAILURE, 'ConstraintFailureException'],
    ['Interrupt', VOLTEXCEPTION_GENERIC, 'InterruptException'],
    ['Generic', VOLTEXCEPTION_GENERIC, 'GenericSerializableException'],
    ['Specified', VOLTEXCEPTION_GENERIC, 'SpecifiedException'],
  ];
  for (const [procedure, type, typeName] of expected) {
    test(`${procedure} → ${typeName}`, async (t: TestContext) => {
      const response = await new VoltProcedure(fser, procedure).call();
      t.assert.strictEqual(response.status, STATUS.GRACEFUL_FAILURE);
      t.assert.strictEqual(response.statusString, `legacy ${procedure}`);
      t.assert.strictEqual(response.clusterRoundtripTime, 3);
      const exception = response.exception!;
      t.assert.ok(exception instanceof VoltException);
      t.assert.strictEqual(exception.type, type);
      t.assert.strictEqual(exception.typeName, typeName);
      t.assert.deepStrictEqual(Buffer.from(exception.bytes), LEGACY_EXCEPTIONS[procedure]);
      t.assert.match(String(response), /\nException: VoltException: type: /);
    });
  }

  test('details: EE error code, SQLSTATE, messages, printout', async (t: TestContext) => {
    const ee = (await new VoltProcedure(fser, 'EE').call()).exception!;
    t.assert.strictEqual(ee.errorCode, 42);
    t.assert.strictEqual(ee.sqlState, null);
    t.assert.strictEqual(ee.message, 'engine said no');
    t.assert.strictEqual(String(ee), 'VoltException: type: EE Exception\n  Error code: 42\n  Message: engine said no');
    const sql = (await new VoltProcedure(fser, 'SQL').call()).exception!;
    t.assert.strictEqual(sql.sqlState, '42000');
    t.assert.strictEqual(sql.errorCode, null);
    t.assert.strictEqual(String(sql), 'VoltException: type: SQL Exception\n  SQL code: 42000\n  Message: bad sql');
    const constraint = (await new VoltProcedure(fser, 'Constraint').call()).exception!;
    t.assert.strictEqual(constraint.sqlState, '23000');
    t.assert.strictEqual(constraint.ordinal, EXCEPTION_TYPE.CONSTRAINT_FAILURE);
    t.assert.match(String(constraint), /^VoltException: type: Constraint Failure\n  SQL code: 23000\n  Message: unique violated$/);
    const generic = (await new VoltProcedure(fser, 'Generic').call()).exception!;
    t.assert.strictEqual(generic.ordinal, 8);
    t.assert.strictEqual(String(generic), 'VoltException: type: Generic\n  Java type: GenericSerializableException\n  Message: something generic');
    const none = (await new VoltProcedure(fser, 'None').call()).exception!;
    t.assert.strictEqual(String(none), 'VoltException: type: None\n  Message: ');
  });
});

test('every wire ordinal maps to a VOLTEXCEPTION kind; class constants match', (t: TestContext) => {
  for (const ordinal of Object.values(EXCEPTION_TYPE)) {
    const blob = encodeSerializedException(ordinal, 'm', new Uint8Array(32));
    const exception = new VoltException(decodeSerializedException(blob, 0, blob.length));
    t.assert.strictEqual(exception.type, ordinal <= 3 ? ordinal : VOLTEXCEPTION_GENERIC);
    t.assert.strictEqual(exception.ordinal, ordinal);
  }
  t.assert.deepStrictEqual(
    [VoltException.VOLTEXCEPTION_NONE, VoltException.VOLTEXCEPTION_EEEXCEPTION, VoltException.VOLTEXCEPTION_SQLEXCEPTION, VoltException.VOLTEXCEPTION_CONSTRAINTFAILURE, VoltException.VOLTEXCEPTION_GENERIC],
    [0, 1, 2, 3, 4],
  );
});

test('statusString: the server text when sent, else the meaning of every status code', (t: TestContext) => {
  for (const code of Object.values(STATUS)) t.assert.ok(statusText(code).length > 3, `text for ${code}`);
  t.assert.strictEqual(statusText(-99), 'Status STATUS(-99)');
  const frame = encodeResponse({ handle: 5n, status: STATUS.SERVER_UNAVAILABLE, tables: [] });
  const response = new VoltResponse(decodeResponse(frame), 1.5);
  t.assert.match(response.statusString, /Server unavailable/);
  t.assert.strictEqual(response.roundtripTime, 1.5);
  t.assert.strictEqual(response.clientHandle, 5n);
  const empty = new VoltResponse(decodeResponse(encodeResponse({ handle: 6n, status: STATUS.SUCCESS, statusString: '', tables: [] })), 0);
  t.assert.strictEqual(empty.statusString, 'Success', 'an empty status string is no text either');
});
