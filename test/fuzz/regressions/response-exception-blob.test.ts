/**
 * Regression (found by the fuzzer, encode target, "random response"): `encodeResponse`
 * (`writeResponse`, src/protocol/response-writer.ts — the embedded server's side) copies the
 * caller's `exception` blob without checking it, so it writes frames its own `decodeResponse`
 * refuses: here a ConstraintFailureException (ordinal 3) whose tail has 2 of the 17 bytes its
 * fixed fields need. Fix: validate the blob with `decodeSerializedException` before writing and
 * refuse it with a ParameterError. Fixed: writeResponse now validates the blob first.
 */
import { test, type TestContext } from 'node:test';
import { ProtocolError, VoltError } from '../../../src/errors.js';
import { decodeSerializedException, encodeResponse, encodeSerializedException } from '../../../src/protocol/response.js';
import { decodeResponse } from '../../../src/decode/decode-response.js';
import { fromHex } from '../../helpers/mutators.js';

test('encodeResponse refuses an exception blob that decodeResponse would refuse', (t: TestContext) => {
  const blob = encodeSerializedException(3, 'x', fromHex('0000'));
  t.assert.throws(() => decodeSerializedException(blob, 0, blob.length), ProtocolError, 'the blob is invalid');
  let frame: Buffer | undefined;
  try {
    frame = encodeResponse({ handle: 1n, status: -2, exception: blob });
  } catch (error) {
    t.assert.ok(VoltError.is(error) && error.code === 'ERR_VOLT_PARAMETER', String(error));
    return;
  }
  t.assert.doesNotThrow(() => decodeResponse(frame!), 'a frame encodeResponse writes must decode');
});

test('a valid exception blob round-trips (unchanged by the fix)', (t: TestContext) => {
  const frame = encodeResponse({ handle: 1n, status: -2, exception: encodeSerializedException(2, 'sql', Buffer.from('42000')) });
  t.assert.equal(decodeResponse(frame).exception?.typeName, 'SQLException');
});
