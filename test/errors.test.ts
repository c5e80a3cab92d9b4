import { test, type TestContext } from 'node:test';
import * as errors from '../src/errors.js';
import { STATUS, statusName, typeName, VOLT_TYPE } from '../src/protocol/constants.js';

test('every error class carries its code, its name, its cause and the brand', (t: TestContext) => {
  const cause = new Error('root');
  const made: [errors.VoltError, string][] = [
    [new errors.VoltError('x', { cause }), errors.ERROR_CODE.VOLT],
    [new errors.ProtocolError('x', { offset: 7, cause }), errors.ERROR_CODE.PROTOCOL],
    [new errors.ParameterError('x', { procedure: 'Vote', index: 2, type: 'TINYINT' }), errors.ERROR_CODE.PARAMETER],
    [new errors.ConnectionError('x', { host: 'h', port: 1 }), errors.ERROR_CODE.CONNECTION],
    [new errors.ConnectionLostError('x', { sent: true }), errors.ERROR_CODE.CONNECTION_LOST],
    [new errors.AuthenticationError('x', { resultCode: -1 }), errors.ERROR_CODE.AUTHENTICATION],
    [new errors.TlsError('x'), errors.ERROR_CODE.TLS],
    [new errors.CallTimeoutError('x', { timeoutMs: 5, sent: false }), errors.ERROR_CODE.CALL_TIMEOUT],
    [
      new errors.ProcedureError('x', {
        procedure: 'P',
        status: -2,
        statusString: 's',
        appStatus: -128,
        appStatusString: null,
        exception: null,
        response: {},
      }),
      errors.ERROR_CODE.PROCEDURE,
    ],
    [new errors.BackpressureError('x'), errors.ERROR_CODE.BACKPRESSURE],
    [new errors.NoConnectionsError('x', { failures: [{ host: 'h', port: 1, error: cause }] }), errors.ERROR_CODE.NO_CONNECTIONS],
    [new errors.ClientClosedError('x'), errors.ERROR_CODE.CLIENT_CLOSED],
    [new errors.DecodePoolError('x'), errors.ERROR_CODE.DECODE_POOL],
    [new errors.InvalidArgumentError('x'), errors.ERROR_CODE.INVALID_ARGUMENT],
    [new errors.AbortedError('x', { cause }), errors.ERROR_CODE.ABORTED],
    [new errors.BulkLoadError('x', { report: { rows: 3, inserted: 1, failed: 2, unknown: 0, bytes: 9, calls: 1, seconds: 0 } }), errors.ERROR_CODE.BULK_LOAD],
  ];
  for (const [error, code] of made) {
    t.assert.equal(error.code, code);
    t.assert.ok(errors.VoltError.is(error));
    t.assert.ok(error instanceof Error);
    t.assert.equal(error.name, error.constructor.name);
    t.assert.ok(String(error).startsWith(`${error.constructor.name}: `));
  }
  // Every code has its class.
  t.assert.deepStrictEqual(new Set(made.map(([, code]) => code)), new Set(Object.values(errors.ERROR_CODE)));
  t.assert.equal(made[0]![0].cause, cause);
  t.assert.equal((made[1]![0] as errors.ProtocolError).offset, 7);
  t.assert.match(made[1]![0].message, /at byte 7/);
  t.assert.equal((made[4]![0] as errors.ConnectionLostError).sent, true);
  t.assert.equal(new errors.ConnectionLostError('x').sent, false);
  t.assert.equal(new errors.NoConnectionsError('x').failures.length, 0);
  t.assert.ok(!errors.VoltError.is(new Error('plain')));
  t.assert.ok(!errors.VoltError.is(null));
});

test('errors rebuilt from a worker keep their class by code, every code', (t: TestContext) => {
  t.assert.ok(errors.errorFromCode(errors.ERROR_CODE.PROTOCOL, 'm') instanceof errors.ProtocolError);
  t.assert.ok(errors.errorFromCode(errors.ERROR_CODE.PARAMETER, 'm') instanceof errors.ParameterError);
  t.assert.ok(errors.errorFromCode(errors.ERROR_CODE.DECODE_POOL, 'm') instanceof errors.DecodePoolError);
  for (const code of Object.values(errors.ERROR_CODE)) {
    const rebuilt = errors.errorFromCode(code, `came as ${code}`);
    t.assert.equal(rebuilt.code, code);
    t.assert.equal(rebuilt.message, `came as ${code}`);
    t.assert.ok(errors.VoltError.is(rebuilt));
    // The class is the one whose instances carry the code (structured clone kept neither).
    t.assert.equal(rebuilt.name === 'VoltError', code === errors.ERROR_CODE.VOLT);
  }
  t.assert.ok(errors.errorFromCode(errors.ERROR_CODE.CONNECTION_LOST, 'm') instanceof errors.ConnectionLostError);
  t.assert.ok(errors.errorFromCode(errors.ERROR_CODE.ABORTED, 'm') instanceof errors.AbortedError);
  const other = errors.errorFromCode('SOMETHING', 'm');
  t.assert.equal(other.code, errors.ERROR_CODE.VOLT);
  t.assert.equal(other.message, 'm');
});

test('names of type and status codes, unknown ones kept visible', (t: TestContext) => {
  t.assert.equal(typeName(VOLT_TYPE.GEOGRAPHY_POINT), 'GEOGRAPHY_POINT');
  t.assert.equal(typeName(99), undefined);
  t.assert.equal(statusName(STATUS.GRACEFUL_FAILURE), 'GRACEFUL_FAILURE');
  t.assert.equal(statusName(-99), 'STATUS(-99)');
});
