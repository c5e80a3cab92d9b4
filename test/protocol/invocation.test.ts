import { test, type TestContext } from 'node:test';
import { ParameterError, ProtocolError } from '../../src/errors.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { encodeInvocation, writeInvocation, type InvocationRequest } from '../../src/protocol/invocation-writer.js';
import { decodeInvocation } from '../../src/protocol/invocation-reader.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('PROTOCOL 3.3 worked example: @Ping v0, handle 0x7FFF…', (t: TestContext) => {
  const frame = encodeInvocation({ procedure: '@Ping', handle: 0x7fffffffffffffffn });
  t.assert.deepStrictEqual(frame, hex('00 00 00 14  00  00 00 00 05 40 50 69 6e 67  7f ff ff ff ff ff ff ff  00 00'));
});

test('PROTOCOL 3.3 worked example: @Ping v2, no extensions', (t: TestContext) => {
  const frame = encodeInvocation({ procedure: '@Ping', handle: 1n, version: 2 });
  t.assert.deepStrictEqual(frame, hex('00 00 00 15  02  00 00 00 05 40 50 69 6e 67  00 00 00 00 00 00 00 01  00  00 00'));
  const decoded = decodeInvocation(frame);
  t.assert.equal(decoded.version, 2);
  t.assert.deepStrictEqual(decoded.params, []);
});

const MY_PROC_V2 = hex(`00 00 00 32 02 00 00 00 06 4d 79 50 72 6f 63 00 00 00 00 00 00 00 2a
  05  01 03 00 00 03 e8  02 00  03 03 00 00 00 05  05 01 04  06 03 00 03 d0 90
  00 01  05 00 00 00 07`);

test('PROTOCOL 3.3 worked example: MyProc v2 with every extension', (t: TestContext) => {
  const request: InvocationRequest = {
    procedure: 'MyProc',
    handle: 42n,
    params: [7],
    types: ['INTEGER'],
    queryTimeoutMs: 1000,
    partitionDestination: 5,
    priority: 4,
    requestTimeoutUs: 250000,
  };
  t.assert.deepStrictEqual(encodeInvocation(request), MY_PROC_V2);
  // Inferred: 7 is an INTEGER, as declared.
  t.assert.deepStrictEqual(encodeInvocation({ ...request, types: undefined }), MY_PROC_V2);
  const decoded = decodeInvocation(MY_PROC_V2);
  t.assert.equal(decoded.version, 2);
  t.assert.equal(decoded.procedure, 'MyProc');
  t.assert.equal(decoded.handle, 42n);
  t.assert.equal(decoded.batchTimeoutMs, 1000);
  t.assert.deepStrictEqual(decoded.extensions, {
    allPartition: true,
    partitionDestination: 5,
    batchCall: false,
    priority: 4,
    requestTimeoutUs: 250000,
    unknown: [],
  });
  t.assert.deepStrictEqual(decoded.params, [7]);
  t.assert.deepStrictEqual(decoded.paramTypes, [5]);
});

test('PROTOCOL 3.3 worked example: MyProc v1 with a batch timeout', (t: TestContext) => {
  const expected = hex(`00 00 00 1f 01 01 00 00 03 e8 00 00 00 06 4d 79 50 72 6f 63
    00 00 00 00 00 00 00 2a 00 01 05 00 00 00 07`);
  const frame = encodeInvocation({ procedure: 'MyProc', handle: 42n, params: [7], queryTimeoutMs: 1000, version: 1 });
  t.assert.deepStrictEqual(frame, expected);
  const decoded = decodeInvocation(frame);
  t.assert.equal(decoded.version, 1);
  t.assert.equal(decoded.batchTimeoutMs, 1000);
  const none = decodeInvocation(encodeInvocation({ procedure: 'MyProc', handle: 42n, version: 1 }));
  t.assert.equal(none.batchTimeoutMs, null);
});

test('version choice: v0 by default, v2 as soon as an extension is set', (t: TestContext) => {
  t.assert.equal(encodeInvocation({ procedure: 'P', handle: 1n })[4], 0);
  t.assert.equal(encodeInvocation({ procedure: 'P', handle: 1n, queryTimeoutMs: 0 })[4], 2);
  const all = decodeInvocation(encodeInvocation({ procedure: 'P', handle: 1n, allPartition: true }));
  t.assert.equal(all.version, 2);
  t.assert.equal(all.extensions.allPartition, true);
  t.assert.equal(all.extensions.partitionDestination, null);
});

test('refused requests: nothing stays in the writer, earlier frames survive', (t: TestContext) => {
  const writer = new BufferWriter(Buffer.alloc(1024));
  writeInvocation(writer, { procedure: '@Ping', handle: 1n });
  const kept = writer.offset;
  const first = writer.buffer;
  const bad: InvocationRequest[] = [
    { procedure: '', handle: 1n },
    { procedure: 'P', handle: 1.5 },
    { procedure: 'P', handle: 2 ** 53 },
    { procedure: 'P', handle: 1n << 64n },
    { procedure: 'P', handle: 1n, version: 0, queryTimeoutMs: 5 },
    { procedure: 'P', handle: 1n, version: 1, priority: 3 },
    { procedure: 'P', handle: 1n, version: 3 as 2 },
    { procedure: 'P', handle: 1n, queryTimeoutMs: -1 },
    { procedure: 'P', handle: 1n, version: 1, queryTimeoutMs: 1.5 },
    { procedure: 'P', handle: 1n, partitionDestination: 16383 },
    { procedure: 'P', handle: 1n, priority: 9 },
    { procedure: 'P', handle: 1n, requestTimeoutUs: 2 ** 31 },
    { procedure: 'P', handle: 1n, params: [1, 'x'.repeat(100), 300], types: ['INTEGER', 'STRING', 'TINYINT'] },
  ];
  for (const request of bad) {
    t.assert.throws(() => writeInvocation(writer, request), ParameterError, JSON.stringify(request, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    t.assert.equal(writer.buffer, first);
    t.assert.equal(writer.offset, kept);
  }
  t.assert.deepStrictEqual(decodeInvocation(writer.buffer.subarray(0, kept)).procedure, '@Ping');
});

test('a frame that outgrows the slab moves to a new one', (t: TestContext) => {
  const slabs: Buffer[] = [];
  const writer = new BufferWriter(Buffer.alloc(32), (minimum) => {
    const slab = Buffer.alloc(Math.max(minimum, 64));
    slabs.push(slab);
    return slab;
  });
  writeInvocation(writer, { procedure: 'Insert', handle: 7n, params: ['a'.repeat(100), 1n, 2.5] });
  t.assert.equal(slabs.length > 0, true);
  const decoded = decodeInvocation(writer.message());
  t.assert.deepStrictEqual(decoded.params, ['a'.repeat(100), 1n, 2.5]);
  t.assert.throws(
    () => writeInvocation(writer, { procedure: 'Insert', handle: 8n, params: ['b'.repeat(200), 300], types: ['STRING', 'TINYINT'] }),
    /parameter 2 of Insert: 300 does not fit TINYINT/,
  );
  t.assert.equal(writer.offset, writer.mark);
});

test('decode: unknown extensions are skipped by size code; known ones must have their size', (t: TestContext) => {
  // @P v2, handle 1, 3 extensions: type 9 (8 bytes), type 4 BATCH_CALL (0), type 100 (2 bytes)
  const body = hex('02 00000002 4050 0000000000000001 03  09 04 0102030405060708  04 00  64 02 aabb  0000');
  const frame = Buffer.concat([hex('00000000'), body]);
  frame.writeInt32BE(body.length, 0);
  const decoded = decodeInvocation(frame);
  t.assert.equal(decoded.extensions.batchCall, true);
  t.assert.deepStrictEqual(
    decoded.extensions.unknown.map((e) => ({ type: e.type, payload: Buffer.from(e.payload).toString('hex') })),
    [
      { type: 9, payload: '0102030405060708' },
      { type: 100, payload: 'aabb' },
    ],
  );
  const badSize = Buffer.from(frame);
  badSize[31] = 3; // BATCH_CALL (at 30) claims a 4-byte payload
  t.assert.throws(() => decodeInvocation(badSize), ProtocolError);
});

test('decode: malformed frames are ProtocolErrors naming the offset', (t: TestContext) => {
  const good = encodeInvocation({ procedure: 'P', handle: 1n, params: [1] });
  const cases: [string, Buffer][] = [
    ['length mismatch', Buffer.concat([good, hex('00')])],
    ['truncated', good.subarray(0, good.length - 1)],
    ['bad version', patch(good, 4, 7)],
    ['empty name', frameOf('00 00000000 0000000000000001 0000')],
    ['NULL name', frameOf('00 ffffffff 0000000000000001 0000')],
    ['bad v1 kind', frameOf('01 05 00000001 50 0000000000000001 0000')],
    ['negative v1 timeout', frameOf('01 01 ffffffff 00000001 50 0000000000000001 0000')],
    ['extension count 31', frameOf('02 00000001 50 0000000000000001 1f 0000')],
    ['negative size code', frameOf('02 00000001 50 0000000000000001 01 09 ff 0000')],
    ['negative partition', frameOf('02 00000001 50 0000000000000001 01 03 03 ffffffff 0000')],
    ['trailing bytes', frameOf('00 00000001 50 0000000000000001 0000 00')],
    ['negative parameter count', frameOf('00 00000001 50 0000000000000001 ffff')],
    ['unknown parameter type', frameOf('00 00000001 50 0000000000000001 0001 02')],
    ['bad array element type', frameOf('00 00000001 50 0000000000000001 0001 9d 17 0000')],
    ['negative array count', frameOf('00 00000001 50 0000000000000001 0001 9d 05 ffff')],
    ['array count past end', frameOf('00 00000001 50 0000000000000001 0001 9d 05 0002 00000001')],
  ];
  for (const [what, frame] of cases) {
    t.assert.throws(() => decodeInvocation(frame), (error: unknown) => error instanceof ProtocolError && error.offset !== undefined, what);
  }
});

function frameOf(bodyHex: string): Buffer {
  const body = hex(bodyHex);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

function patch(frame: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(frame);
  copy[at] = value;
  return copy;
}

test('the handle is written in place: a safe integer number gives the bytes of the same bigint, every version', (t: TestContext) => {
  for (const handle of [1, 255, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER, -5]) {
    for (const extra of [{}, { version: 1 as const, queryTimeoutMs: 9 }, { priority: 3, partitionDestination: 2 }]) {
      const asNumber = encodeInvocation({ procedure: 'Vote', handle, params: [1, 'x'], ...extra });
      const asBigInt = encodeInvocation({ procedure: 'Vote', handle: BigInt(handle), params: [1, 'x'], ...extra });
      t.assert.deepStrictEqual(asNumber, asBigInt);
      t.assert.strictEqual(decodeInvocation(asNumber).handle, BigInt(handle));
    }
  }
});

test('a procedure name read again is the same text; other bytes of the same length, even rewritten in place, are read anew', (t: TestContext) => {
  const vote = encodeInvocation({ procedure: 'Vote', handle: 1, params: [] });
  t.assert.equal(decodeInvocation(vote).procedure, 'Vote');
  t.assert.equal(decodeInvocation(vote).procedure, 'Vote');
  vote.write('Void', vote.indexOf('Vote'), 'latin1');
  t.assert.equal(decodeInvocation(vote).procedure, 'Void');
  t.assert.equal(decodeInvocation(encodeInvocation({ procedure: 'Vote', handle: 2, params: [] })).procedure, 'Vote');
  t.assert.equal(decodeInvocation(encodeInvocation({ procedure: 'Ünïcode', handle: 3, params: [] })).procedure, 'Ünïcode');
  const long = 'P'.repeat(200);
  t.assert.equal(decodeInvocation(encodeInvocation({ procedure: long, handle: 4, params: [] })).procedure, long);
  t.assert.equal(decodeInvocation(encodeInvocation({ procedure: `${long}Q`, handle: 5, params: [] })).procedure, `${long}Q`);
});
