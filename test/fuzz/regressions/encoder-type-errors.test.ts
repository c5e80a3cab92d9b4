/**
 * Regression (found by the fuzzer, encode target, "hostile request fields" and random
 * parameter shapes): `encodeInvocation` threw TypeErrors — not ParameterErrors — for values
 * outside their TypeScript types, because error messages were built with `String(x)` or
 * `JSON.stringify(x)`, which throw for null-prototype objects, symbols and bigints, because a
 * few fields reached `putInt8` unchecked, and it silently accepted a `params` that is not an
 * array (a string became one parameter per character). Each case names where it used to throw.
 * Fixed in the invocation writer (then invocation.ts and parameters.ts), table-writer.ts,
 * geography.ts (describeValue); these cases keep it fixed.
 */
import { test, type TestContext } from 'node:test';
import { VoltError } from '../../../src/errors.js';
import { encodeInvocation, type InvocationRequest } from '../../../src/protocol/invocation-writer.js';

const bare = (): unknown => Object.create(null) as unknown;

/** [what, where it used to throw, the request]. */
const CASES: [string, string, () => unknown][] = [
  ['procedure 5n', 'writeInvocation: JSON.stringify(procedure) — TypeError: Do not know how to serialize a BigInt', () => ({ procedure: 5n, handle: 1n })],
  ['handle: a null-prototype object', 'writeHandle: String(handle) — TypeError: Cannot convert object to primitive value', () => ({ procedure: 'P', handle: bare() })],
  ['queryTimeoutMs: a null-prototype object', 'checkInt32: String(value)', () => ({ procedure: 'P', handle: 1n, queryTimeoutMs: bare() })],
  ['priority: a null-prototype object', 'checkInt32: String(value)', () => ({ procedure: 'P', handle: 1n, priority: bare() })],
  ['version 5n', 'writeInvocation → putInt8 — TypeError: Cannot mix BigInt and other types', () => ({ procedure: 'P', handle: 1n, version: 5n })],
  ['version Symbol()', 'writeInvocation → putInt8 — TypeError: Cannot convert a Symbol value to a number', () => ({ procedure: 'P', handle: 1n, version: Symbol('v') })],
  ['types [5n]', 'planFor: JSON.stringify(name)', () => ({ procedure: 'P', handle: 1n, params: [1], types: [5n] })],
  ['types [a null-prototype object]', 'planFor: name.endsWith / String(name)', () => ({ procedure: 'P', handle: 1n, params: [1], types: [bare()] })],
  ['a VOLTTABLE whose status is a null-prototype object', 'writeTableBody: String(status)', () => ({ procedure: 'P', handle: 1n, params: [{ columns: [], rows: [], status: bare() }] })],
  ['a VOLTTABLE column type that is a null-prototype object', 'writeTableBody: String(column.type)', () => ({ procedure: 'P', handle: 1n, params: [{ columns: [{ name: 'A', type: bare() }], rows: [] }] })],
  ['a VOLTTABLE whose rows() returns no iterable', 'writeTableBody: for…of — TypeError: rows is not iterable', () => ({ procedure: 'P', handle: 1n, params: [{ columns: [], rows: () => 5 }] })],
  ['GEOGRAPHY_POINT { longitude: a null-prototype object, latitude: 1 }', 'coordinateProblem: String(lng)', () => ({ procedure: 'P', handle: 1n, params: [{ longitude: bare(), latitude: 1 }], types: ['GEOGRAPHY_POINT'] })],
  ['params { length: 2 } (not an array)', 'writeParameters: accepted, encoded as 2 NULL parameters', () => ({ procedure: 'P', handle: 1n, params: { length: 2 } })],
  ['params 7 (not an array)', 'writeParameters: accepted, encoded as 0 parameters', () => ({ procedure: 'P', handle: 1n, params: 7 })],
  ['params "abc" (not an array)', 'writeParameters: accepted, encoded as 3 STRING parameters "a", "b", "c"', () => ({ procedure: 'P', handle: 1n, params: 'abc' })],
];

for (const [what, where, request] of CASES) {
  test(`${what} is a ParameterError (today: ${where})`, (t: TestContext) => {
    t.assert.throws(
      () => encodeInvocation(request() as InvocationRequest),
      (error: unknown) => VoltError.is(error) && error.code === 'ERR_VOLT_PARAMETER',
    );
  });
}
