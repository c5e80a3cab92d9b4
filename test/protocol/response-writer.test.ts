import { describe, test, type TestContext } from 'node:test';
import { encodeResponse, readResponseHeader, tableLayouts, writeResponse } from '../../src/protocol/response.js';
import { encodeSerializedException } from '../../src/protocol/exception.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { ParameterError, VoltError } from '../../src/errors.js';
import { bigintRow, buildResponse, buildTable, thrown } from './response-builders.js';

const TABLE = buildTable({ columns: [{ name: 'N', type: 6 }], rows: [bigintRow(7n)] });

describe('encodeResponse', () => {
  test('matches a hand-built frame field for field', (t: TestContext) => {
    const expected = buildResponse({
      handle: 77n,
      status: -2,
      statusString: 'bad',
      appStatus: 3,
      appStatusString: 'app',
      roundTrip: 12,
      tables: [TABLE],
    });
    const got = encodeResponse({
      handle: 77n,
      status: -2,
      statusString: 'bad',
      appStatus: 3,
      appStatusString: 'app',
      clusterRoundTripMs: 12,
      tables: [TABLE],
    });
    t.assert.deepEqual(got, expected);
  });

  test('defaults: no strings, app status −128, round trip 0, no tables', (t: TestContext) => {
    const frame = encodeResponse({ handle: 1n, status: 1 });
    t.assert.deepEqual(frame, buildResponse({ handle: 1n, status: 1, roundTrip: 0 }));
    t.assert.equal(frame[13], 0, 'fieldsPresent');
    const h = readResponseHeader(frame);
    t.assert.equal(h.appStatus, -128);
    t.assert.equal(h.clusterRoundTripMs, 0);
    t.assert.equal(h.tableCount, 0);
  });

  test('fieldsPresent bits follow the non-null strings and a non-empty exception', (t: TestContext) => {
    const bits = (input: Parameters<typeof encodeResponse>[0]): number => encodeResponse(input)[13]!;
    t.assert.equal(bits({ handle: 1n, status: 1, statusString: '' }), 0x20);
    t.assert.equal(bits({ handle: 1n, status: 1, statusString: null, appStatusString: null }), 0);
    t.assert.equal(bits({ handle: 1n, status: 1, appStatusString: 'x' }), 0x80);
    t.assert.equal(bits({ handle: 1n, status: 1, exception: new Uint8Array(0) }), 0);
    t.assert.equal(bits({ handle: 1n, status: 1, statusString: 's', appStatusString: 'a', exception: encodeSerializedException(0, '') }), 0xe0);
  });

  test('an exception blob round-trips through the reader', (t: TestContext) => {
    const blob = encodeSerializedException(1, 'ee failed', Buffer.from([0, 0, 0, 9]));
    const frame = encodeResponse({ handle: 5n, status: -3, exception: blob, tables: [TABLE] });
    const h = readResponseHeader(frame);
    t.assert.equal(h.exception?.typeName, 'EEException');
    t.assert.equal(h.exception?.message, 'ee failed');
    t.assert.deepEqual(Buffer.from(h.exception!.bytes), blob);
    t.assert.equal(tableLayouts(frame, h).length, 1);
  });

  test('mixes encoded tables and { columns, rows } tables', (t: TestContext) => {
    const frame = encodeResponse({
      handle: 9n,
      status: 1,
      tables: [
        TABLE,
        { columns: [{ name: 'N', type: 6 }], rows: [[7n]] },
        { columns: [{ name: 'S', type: 9 }, { name: 'I', type: 5 }], rows: [['a', 1], [null, null]], status: 0 },
      ],
    });
    const layouts = tableLayouts(frame, readResponseHeader(frame));
    t.assert.deepEqual(frame.subarray(layouts[1]!.offset, layouts[1]!.end), TABLE, 'same bytes both ways');
    t.assert.equal(layouts[2]!.status, 0);
    t.assert.equal(layouts[2]!.rowCount, 2);
  });

  test('returns a buffer of exactly the frame, independent of later calls', (t: TestContext) => {
    const a = encodeResponse({ handle: 1n, status: 1, statusString: 'first' });
    const b = encodeResponse({ handle: 2n, status: 1 });
    t.assert.equal(a.readInt32BE(0), a.length - 4);
    t.assert.equal(readResponseHeader(a).statusString, 'first');
    t.assert.equal(readResponseHeader(b).handle, 2n);
  });

  test('a frame larger than the scratch slab (and the slab is not kept when huge)', (t: TestContext) => {
    const text = 'x'.repeat(1024 * 1024);
    const table = { columns: [{ name: 'S', type: 9 }], rows: [[text], [text]] };
    const frame = encodeResponse({ handle: 1n, status: 1, tables: [table] });
    t.assert.equal(frame.length, frame.readInt32BE(0) + 4);
    const layout = tableLayouts(frame, readResponseHeader(frame))[0]!;
    t.assert.equal(layout.rowCount, 2);
    t.assert.equal(encodeResponse({ handle: 3n, status: 1 }).length, 22);
  });
});

describe('writeResponse', () => {
  test('writes whole frames back to back into a slab, asking the source for room', (t: TestContext) => {
    const finished: Buffer[] = [];
    const w = new BufferWriter(Buffer.alloc(48), (min, slab, end) => {
      finished.push(Buffer.from(slab.subarray(0, end)));
      return Buffer.alloc(Math.max(min, 48));
    });
    const frames: Buffer[] = [];
    for (let i = 0; i < 6; i++) {
      writeResponse(w, { handle: BigInt(i), status: 1, statusString: 'ok'.repeat(i), tables: [TABLE] });
      frames.push(Buffer.from(w.message()));
    }
    finished.push(Buffer.from(w.buffer.subarray(0, w.offset)));
    const stream = Buffer.concat(finished);
    t.assert.deepEqual(stream, Buffer.concat(frames), 'no frame lost or split by slab changes');
    frames.forEach((f, i) => t.assert.equal(readResponseHeader(f).handle, BigInt(i)));
  });

  test('a refused table value leaves the writer where the frame started', (t: TestContext) => {
    const w = new BufferWriter(Buffer.alloc(256));
    writeResponse(w, { handle: 1n, status: 1 });
    const before = w.offset;
    const e = thrown(() =>
      writeResponse(w, { handle: 2n, status: 1, tables: [{ columns: [{ name: 'T', type: 3 }], rows: [[300]] }] }),
    );
    t.assert.ok(e instanceof ParameterError, String(e));
    t.assert.equal(w.offset, before);
    writeResponse(w, { handle: 3n, status: 1 });
    t.assert.equal(readResponseHeader(w.message()).handle, 3n);
  });

  const bad: [string, Parameters<typeof writeResponse>[1], RegExp][] = [
    ['handle above i64', { handle: 2n ** 63n, status: 1 }, /handle: 9223372036854775808n does not fit i64/],
    ['handle below i64', { handle: -(2n ** 63n) - 1n, status: 1 }, /handle/],
    ['handle not a bigint', { handle: 1 as unknown as bigint, status: 1 }, /handle: 1 does not fit i64/],
    ['status above i8', { handle: 1n, status: 128 }, /status: 128 does not fit i8/],
    ['status not an integer', { handle: 1n, status: 1.5 }, /status: 1.5/],
    ['app status', { handle: 1n, status: 1, appStatus: -129 }, /appStatus: -129/],
    ['round trip', { handle: 1n, status: 1, clusterRoundTripMs: 2 ** 31 }, /clusterRoundTripMs/],
    ['table status', { handle: 1n, status: 1, tables: [{ columns: [], rows: [], status: 200 }] }, /table 0 status: 200/],
    ['encoded table without its length', { handle: 1n, status: 1, tables: [TABLE.subarray(0, 10)] }, /table 0: 10 encoded bytes/],
    ['encoded table shorter than 4', { handle: 1n, status: 1, tables: [new Uint8Array(2)] }, /table 0: 2 encoded bytes/],
    ['too many tables', { handle: 1n, status: 1, tables: new Array(32768).fill(TABLE) }, /table count: 32768 does not fit i16/],
  ];
  for (const [what, input, pattern] of bad) {
    test(`refuses ${what} before writing anything`, (t: TestContext) => {
      const w = new BufferWriter(Buffer.alloc(64));
      w.int32(12345);
      const e = thrown(() => writeResponse(w, input));
      t.assert.ok(e instanceof ParameterError, String(e));
      t.assert.match((e as Error).message, pattern);
      t.assert.equal(w.offset, 4);
    });
  }

  test('a non-Volt error from the writer is wrapped', (t: TestContext) => {
    const w = new BufferWriter(Buffer.alloc(8), () => {
      throw new RangeError('out of slabs');
    });
    const e = thrown(() => writeResponse(w, { handle: 1n, status: 1 }));
    t.assert.ok(VoltError.is(e));
    t.assert.match((e as Error).message, /could not be encoded: RangeError: out of slabs/);
  });
});
