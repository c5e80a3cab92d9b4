import fc from 'fast-check';
import { describe, test, type TestContext } from 'node:test';
import { emptyResponseHeader, peekHandle, readResponseHeader, tableLayouts } from '../../src/protocol/response.js';
import { encodeSerializedException } from '../../src/protocol/exception.js';
import { ProtocolError } from '../../src/errors.js';
import { bigintRow, buildResponse, buildTable, thrown } from './response-builders.js';

const ONE_TABLE = buildTable({ columns: [{ name: 'N', type: 6 }], rows: [bigintRow(7n)] });

function protocolError(t: TestContext, fn: () => unknown, offset: number, pattern: RegExp): void {
  const e = thrown(fn);
  t.assert.ok(e instanceof ProtocolError, `expected a ProtocolError, got ${String(e)}`);
  t.assert.equal((e as ProtocolError).offset, offset, (e as Error).message);
  t.assert.match((e as Error).message, pattern);
}

describe('readResponseHeader', () => {
  test('reads every field, in wire order', (t: TestContext) => {
    const frame = buildResponse({
      handle: -5n,
      status: -2,
      statusString: 'nope',
      appStatus: 7,
      appStatusString: 'app ☃',
      roundTrip: 123456,
      tables: [ONE_TABLE, ONE_TABLE],
    });
    const h = readResponseHeader(frame);
    t.assert.equal(h.handle, -5n);
    t.assert.equal(h.status, -2);
    t.assert.equal(h.statusString, 'nope');
    t.assert.equal(h.appStatus, 7);
    t.assert.equal(h.appStatusString, 'app ☃');
    t.assert.equal(h.clusterRoundTripMs, 123456);
    t.assert.equal(h.exception, null);
    t.assert.equal(h.tableCount, 2);
    t.assert.equal(h.tablesOffset, frame.length - 2 * ONE_TABLE.length);
    const layouts = tableLayouts(frame, h);
    t.assert.equal(layouts.length, 2);
    t.assert.equal(layouts[0]!.offset, h.tablesOffset);
    t.assert.equal(layouts[1]!.offset, layouts[0]!.end);
    t.assert.equal(layouts[1]!.end, frame.length);
  });

  test('absent strings are null, present empty strings are ""', (t: TestContext) => {
    t.assert.equal(readResponseHeader(buildResponse({})).statusString, null);
    t.assert.equal(readResponseHeader(buildResponse({ statusString: '' })).statusString, '');
    t.assert.equal(readResponseHeader(buildResponse({ statusString: null })).statusString, null, 'flag set, length -1');
    t.assert.equal(readResponseHeader(buildResponse({ appStatusString: '' })).appStatusString, '');
  });

  test('accepts a plain Uint8Array', (t: TestContext) => {
    const frame = new Uint8Array(buildResponse({ handle: 99n, tables: [ONE_TABLE] }));
    const h = readResponseHeader(frame);
    t.assert.equal(h.handle, 99n);
    t.assert.equal(peekHandle(frame), 99n);
    t.assert.equal(tableLayouts(frame, h)[0]!.rowCount, 1);
  });

  test('decodes an exception block and keeps its raw bytes', (t: TestContext) => {
    const blob = encodeSerializedException(2, 'bad sql', Buffer.from('42000'));
    const frame = buildResponse({ status: -2, exception: blob, tables: [ONE_TABLE] });
    const h = readResponseHeader(frame);
    t.assert.deepEqual(
      { type: h.exception!.type, typeName: h.exception!.typeName, message: h.exception!.message },
      { type: 2, typeName: 'SQLException', message: 'bad sql' },
    );
    t.assert.deepEqual(Buffer.from(h.exception!.bytes), blob);
    t.assert.notEqual(h.exception!.bytes.buffer, frame.buffer, 'an own copy, the frame may be transferred');
    t.assert.equal(tableLayouts(frame, h).length, 1);
  });

  test('an exception block of length 0 means no exception', (t: TestContext) => {
    const frame = buildResponse({ exception: new Uint8Array(0), tables: [ONE_TABLE] });
    const h = readResponseHeader(frame);
    t.assert.equal(h.exception, null);
    t.assert.equal(tableLayouts(frame, h).length, 1);
  });

  test('skips determinism hashes', (t: TestContext) => {
    const frame = buildResponse({ hashes: [1, 2, 3], statusString: 'x', tables: [ONE_TABLE] });
    const h = readResponseHeader(frame);
    t.assert.equal(h.statusString, 'x');
    t.assert.equal(tableLayouts(frame, h)[0]!.columns[0]!.name, 'N');
  });

  test('keeps unknown status codes and ignores unknown field bits', (t: TestContext) => {
    const h = readResponseHeader(buildResponse({ status: -99, fields: 0x0f }));
    t.assert.equal(h.status, -99);
    t.assert.equal(h.tableCount, 0);
  });

  test('peekHandle reads the i64 at offset 5', (t: TestContext) => {
    const frame = buildResponse({ handle: 0x7ffffffffffffffen });
    t.assert.equal(peekHandle(frame), 0x7ffffffffffffffen);
    t.assert.equal(peekHandle(frame.subarray(0, 13)), 0x7ffffffffffffffen);
    protocolError(t, () => peekHandle(frame.subarray(0, 12)), 12, /cannot hold a client handle/);
  });

  test('reads every handle exactly, on both sides of ±2^53 and at the i64 limits', (t: TestContext) => {
    for (const handle of [0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), -0x123456789abcdef0n]) {
      t.assert.equal(readResponseHeader(buildResponse({ handle })).handle, handle, String(handle));
    }
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (handle) => readResponseHeader(buildResponse({ handle })).handle === handle),
    );
  });

  test('into: one header object filled frame after frame, no field left from the last', (t: TestContext) => {
    const into = emptyResponseHeader();
    const full = buildResponse({ handle: 9n, status: -2, statusString: 's', appStatus: 3, appStatusString: 'a', roundTrip: 5, exception: encodeSerializedException(1, 'm', Buffer.alloc(4)), tables: [ONE_TABLE] });
    t.assert.equal(readResponseHeader(full, into), into);
    t.assert.equal(into.appStatusString, 'a');
    t.assert.notEqual(into.exception, null);
    const plain = buildResponse({ handle: 10n, roundTrip: 6 });
    t.assert.deepEqual(readResponseHeader(plain, into), readResponseHeader(plain));
    t.assert.deepEqual(
      { ...into },
      { handle: 10n, status: 1, statusString: null, appStatus: -128, appStatusString: null, clusterRoundTripMs: 6, exception: null, tableCount: 0, tablesOffset: plain.length },
    );
  });

  test('a status string read again is the same text; other bytes, even of the same length in the same buffer, are read anew', (t: TestContext) => {
    const success = buildResponse({ statusString: 'SUCCESS' });
    t.assert.equal(readResponseHeader(success).statusString, 'SUCCESS');
    t.assert.equal(readResponseHeader(success).statusString, 'SUCCESS');
    // The same buffer rewritten in place (as a reused socket buffer would be): the bytes decide, not the buffer.
    success.write('FAILURE', success.indexOf('SUCCESS'), 'latin1');
    t.assert.equal(readResponseHeader(success).statusString, 'FAILURE');
    t.assert.equal(readResponseHeader(buildResponse({ statusString: 'SUCCESS' })).statusString, 'SUCCESS');
    t.assert.equal(readResponseHeader(buildResponse({ statusString: '' })).statusString, '');
    t.assert.equal(readResponseHeader(buildResponse({})).statusString, null);
    const long = 'x'.repeat(100);
    t.assert.equal(readResponseHeader(buildResponse({ statusString: long })).statusString, long);
    t.assert.equal(readResponseHeader(buildResponse({ statusString: `${long}y` })).statusString, `${long}y`);
  });
});

describe('readResponseHeader refuses bad frames with the offset', () => {
  test('too short to be a response', (t: TestContext) => {
    protocolError(t, () => readResponseHeader(Buffer.alloc(10)), 10, /at least 22/);
  });

  test('prefix not matching the bytes', (t: TestContext) => {
    const frame = buildResponse({});
    frame.writeInt32BE(frame.length, 0);
    protocolError(t, () => readResponseHeader(frame), 0, /prefix 22 does not match the 18 bytes/);
    protocolError(t, () => readResponseHeader(Buffer.concat([buildResponse({}), Buffer.alloc(1)])), 0, /does not match/);
  });

  test('version other than 0', (t: TestContext) => {
    protocolError(t, () => readResponseHeader(buildResponse({ version: 1 })), 4, /version 1 is not 0/);
  });

  test('status string running past the frame', (t: TestContext) => {
    const frame = buildResponse({ statusString: 'hello' });
    frame.writeInt32BE(1000, 15);
    protocolError(t, () => readResponseHeader(frame), 15, /status string length 1000 exceeds/);
  });

  test('negative string length other than -1', (t: TestContext) => {
    const frame = buildResponse({ statusString: 'hello' });
    frame.writeInt32BE(-2, 15);
    protocolError(t, () => readResponseHeader(frame), 15, /length -2 is negative/);
  });

  test('bad UTF-8 in the status string', (t: TestContext) => {
    const frame = buildResponse({ statusString: 'x'.repeat(40) });
    frame[19] = 0xff;
    protocolError(t, () => readResponseHeader(frame), 19, /invalid UTF-8/);
  });

  test('exception blob length larger than the frame', (t: TestContext) => {
    const blob = encodeSerializedException(1, 'm', Buffer.alloc(4));
    const frame = buildResponse({ exception: blob, exceptionLength: 500 });
    protocolError(t, () => readResponseHeader(frame), 20, /exception blob length 500 is the wrong size/);
  });

  test('negative exception blob length', (t: TestContext) => {
    const frame = buildResponse({ exception: new Uint8Array(0), exceptionLength: -1 });
    protocolError(t, () => readResponseHeader(frame), 20, /exception blob length -1 is the wrong size/);
  });

  test('exception blob shorter than its content', (t: TestContext) => {
    const blob = encodeSerializedException(1, 'message', Buffer.alloc(4));
    const frame = buildResponse({ exception: blob, exceptionLength: 6 });
    protocolError(t, () => readResponseHeader(frame), 25, /exception message length 7 does not fit the 1 bytes/);
  });

  test('negative determinism hash count', (t: TestContext) => {
    const frame = buildResponse({ hashes: [], hashCount: -1 });
    protocolError(t, () => readResponseHeader(frame), 20, /determinism hash count -1/);
  });

  test('determinism hashes running past the frame', (t: TestContext) => {
    const frame = buildResponse({ hashes: [1], hashCount: 100 });
    protocolError(t, () => readResponseHeader(frame), 22, /truncated determinism hashes/);
  });

  test('negative table count', (t: TestContext) => {
    protocolError(t, () => readResponseHeader(buildResponse({ tableCount: -1 })), 20, /table count -1 is negative/);
  });

  test('truncated fields report where they start', (t: TestContext) => {
    const frame = buildResponse({ statusString: 'abc' });
    // Cut after the status string; rewrite the prefix so only the truncation is wrong.
    const cut = Buffer.from(frame.subarray(0, 22));
    cut.writeInt32BE(cut.length - 4, 0);
    protocolError(t, () => readResponseHeader(cut), 22, /truncated app status/);
  });
});

describe('tableLayouts', () => {
  test('more tables announced than present', (t: TestContext) => {
    const frame = buildResponse({ tables: [ONE_TABLE], tableCount: 2 });
    protocolError(t, () => tableLayouts(frame, readResponseHeader(frame)), frame.length, /truncated table/);
  });

  test('trailing garbage after the last table', (t: TestContext) => {
    const frame = buildResponse({ tables: [ONE_TABLE], trailing: Buffer.from([1, 2, 3]) });
    const h = readResponseHeader(frame);
    protocolError(t, () => tableLayouts(frame, h), frame.length - 3, /3 trailing bytes after the 1 tables/);
  });

  test('trailing garbage in a response without tables', (t: TestContext) => {
    const frame = buildResponse({ trailing: Buffer.from([0]) });
    protocolError(t, () => tableLayouts(frame, readResponseHeader(frame)), frame.length - 1, /1 trailing bytes/);
  });

  test('no tables: an empty list', (t: TestContext) => {
    const frame = buildResponse({});
    t.assert.deepEqual(tableLayouts(frame, readResponseHeader(frame)), []);
  });
});
