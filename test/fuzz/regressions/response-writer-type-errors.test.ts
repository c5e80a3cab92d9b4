/**
 * Regression (found by the fuzzer, encode target, "random response" with odd field shapes):
 * `encodeResponse` (`checkInput` → `refuse`, src/protocol/response-writer.ts — the embedded
 * server's encoder) builds its refusal with `String(value)`, which throws a TypeError for a
 * null-prototype object, so a response field of the wrong shape escapes as a TypeError instead
 * of a ParameterError. Fix: `describeValue` (src/protocol/values.ts) in `refuse`, as the
 * request encoders now do. Fixed: refusals describe the value with `describeValue`, which never throws.
 */
import { test, type TestContext } from 'node:test';
import { VoltError } from '../../../src/errors.js';
import { encodeResponse, type ResponseInput } from '../../../src/protocol/response.js';

const bare = (): unknown => Object.create(null) as unknown;

const CASES: [string, () => unknown][] = [
  ['handle', () => ({ handle: bare(), status: 1 })],
  ['status', () => ({ handle: 1n, status: bare() })],
  ['appStatus', () => ({ handle: 1n, status: 1, appStatus: bare() })],
  ['clusterRoundTripMs', () => ({ handle: 1n, status: 1, clusterRoundTripMs: bare() })],
  ['a table status', () => ({ handle: 1n, status: 1, tables: [{ columns: [], rows: [], status: bare() }] })],
];

for (const [field, input] of CASES) {
  test(`encodeResponse with a null-prototype object as ${field} is a ParameterError (today: TypeError)`, (t: TestContext) => {
    t.assert.throws(
      () => encodeResponse(input() as ResponseInput),
      (error: unknown) => VoltError.is(error) && error.code === 'ERR_VOLT_PARAMETER',
    );
  });
}
