import { describe, test, type TestContext } from 'node:test';
import { decodeSerializedException, encodeSerializedException, exceptionTypeName } from '../../src/protocol/exception.js';
import { EXCEPTION_TYPE } from '../../src/protocol/constants.js';
import { ProtocolError } from '../../src/errors.js';
import { thrown } from './response-builders.js';

function protocolError(t: TestContext, fn: () => unknown, offset: number, pattern: RegExp): void {
  const e = thrown(fn);
  t.assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${String(e)}`);
  t.assert.equal((e as ProtocolError).offset, offset, (e as Error).message);
  t.assert.match((e as Error).message, pattern);
}

/** Tails of the documented sizes (PROTOCOL.md 5.2). */
const TAILS: [number, string, number][] = [
  [EXCEPTION_TYPE.NONE, 'None', 0],
  [EXCEPTION_TYPE.EE_EXCEPTION, 'EEException', 4],
  [EXCEPTION_TYPE.SQL_EXCEPTION, 'SQLException', 5],
  [EXCEPTION_TYPE.CONSTRAINT_FAILURE, 'ConstraintFailureException', 17],
  [EXCEPTION_TYPE.INTERRUPT, 'InterruptException', 0],
  [EXCEPTION_TYPE.TRANSACTION_RESTART, 'TransactionRestartException', 9],
  [EXCEPTION_TYPE.TRANSACTION_TERMINATION, 'TransactionTerminationException', 8],
  [EXCEPTION_TYPE.SPECIFIED, 'SpecifiedException', 5],
  [EXCEPTION_TYPE.GENERIC, 'GenericSerializableException', 0],
  [EXCEPTION_TYPE.MISPARTITIONED, 'MispartitionedException', 0],
  [EXCEPTION_TYPE.REPLICATED_TABLE, 'ReplicatedTableException', 0],
  [EXCEPTION_TYPE.DR_TABLE_NOT_FOUND, 'DrTableNotFoundException', 20],
  [EXCEPTION_TYPE.INVALID_MESSAGE, 'InvalidMessage', 0],
];

describe('decodeSerializedException', () => {
  for (const [type, name, tail] of TAILS) {
    test(`${name} (${type}) with its ${tail}-byte tail`, (t: TestContext) => {
      const blob = encodeSerializedException(type, `msg ${name} ☃`, Buffer.alloc(tail, 7));
      const framed = Buffer.concat([Buffer.from([1, 2, 3]), blob]);
      const e = decodeSerializedException(framed, 3, blob.length);
      t.assert.equal(e.type, type);
      t.assert.equal(e.typeName, name);
      t.assert.equal(exceptionTypeName(type), name);
      t.assert.equal(e.message, `msg ${name} ☃`);
      t.assert.deepEqual(Buffer.from(e.bytes), blob);
      if (tail > 0) {
        protocolError(
          t,
          () => decodeSerializedException(blob.subarray(0, blob.length - 1), 0, blob.length - 1),
          blob.length - tail,
          new RegExp(`${name} needs ${tail} bytes after the message, ${tail - 1} remain`),
        );
      }
    });
  }

  test('unknown ordinals and longer tails are kept', (t: TestContext) => {
    const blob = encodeSerializedException(42, 'future', Buffer.alloc(30));
    const e = decodeSerializedException(blob, 0, blob.length);
    t.assert.equal(e.typeName, 'UNKNOWN(42)');
    t.assert.equal(e.message, 'future');
    t.assert.equal(e.bytes.length, blob.length);
    t.assert.equal(exceptionTypeName(-1), 'UNKNOWN(-1)');
  });

  test('works on a plain Uint8Array and returns an own copy', (t: TestContext) => {
    const blob = new Uint8Array(encodeSerializedException(4, 'stop'));
    const e = decodeSerializedException(blob, 0, blob.length);
    t.assert.equal(e.message, 'stop');
    blob[5] = 0x41;
    t.assert.equal(e.bytes[5], 0x73, 'not a view of the input');
  });

  test('wrong sizes are ProtocolErrors naming the offset', (t: TestContext) => {
    const blob = encodeSerializedException(2, 'abc', Buffer.from('42000'));
    protocolError(t, () => decodeSerializedException(blob, 0, 4), 0, /exception blob of 4 bytes is the wrong size/);
    protocolError(t, () => decodeSerializedException(blob, 0, blob.length + 1), 0, /wrong size/);
    protocolError(t, () => decodeSerializedException(blob, -1, 5), -1, /wrong size/);
    const negative = Buffer.from(blob);
    negative.writeInt32BE(-1, 1);
    protocolError(t, () => decodeSerializedException(negative, 0, negative.length), 1, /message length -1/);
    protocolError(t, () => decodeSerializedException(blob, 0, 7), 1, /message length 3 does not fit the 2 bytes/);
  });

  test('bad UTF-8 in the message', (t: TestContext) => {
    const blob = encodeSerializedException(8, 'é'.repeat(20));
    blob[5] = 0xff;
    protocolError(t, () => decodeSerializedException(blob, 0, blob.length), 5, /invalid UTF-8/);
  });
});
