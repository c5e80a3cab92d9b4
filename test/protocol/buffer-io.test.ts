import { test, type TestContext } from "node:test";
import { BufferReader } from '../../src/protocol/buffer-reader.js';
import { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { ProtocolError, VoltError } from '../../src/errors.js';

test('writer backfills lengths and reader reads every primitive back', (t: TestContext) => {
  const writer = new BufferWriter(Buffer.alloc(8), (min, finished) => Buffer.alloc(Math.max(min, finished.length * 2)));
  writer.begin();
  const frame = writer.reserveLength();
  writer.int8(-5);
  writer.int16(-300);
  writer.int32(123456789);
  writer.int64(-9007199254740993n);
  writer.float64(3.25);
  writer.string('héllo ☃');
  writer.string('plain');
  writer.string(null);
  writer.varbinary(Uint8Array.of(1, 2, 3));
  writer.varbinary(null);
  writer.fillLength(frame);
  const bytes = writer.message();
  const reader = new BufferReader(bytes);
  t.assert.equal(reader.int32(), bytes.length - 4);
  t.assert.equal(reader.int8(), -5);
  t.assert.equal(reader.int16(), -300);
  t.assert.equal(reader.int32(), 123456789);
  t.assert.equal(reader.int64(), -9007199254740993n);
  t.assert.equal(reader.float64(), 3.25);
  t.assert.equal(reader.string(), 'héllo ☃');
  t.assert.equal(reader.string(), 'plain');
  t.assert.equal(reader.string(), null);
  t.assert.deepEqual([...reader.varbinary()!], [1, 2, 3]);
  t.assert.equal(reader.varbinary(), null);
  t.assert.equal(reader.remaining, 0);
});

test('writer asks its slab source for room and carries the unfinished message over', (t: TestContext) => {
  const slabs: Buffer[] = [];
  const writer = new BufferWriter(Buffer.alloc(16), (min, finished, end) => {
    slabs.push(finished.subarray(0, end));
    return Buffer.alloc(Math.max(min, 16));
  });
  writer.begin();
  writer.int64(1n);
  writer.int32(2);
  writer.begin();
  const length = writer.reserveLength();
  writer.string('a string that does not fit');
  writer.fillLength(length);
  t.assert.equal(slabs.length, 1);
  t.assert.equal(slabs[0]!.length, 12);
  const reader = new BufferReader(writer.message());
  t.assert.equal(reader.int32(), 4 + 26);
  t.assert.equal(reader.string(), 'a string that does not fit');
});

test('reader refuses to read past its end with a ProtocolError naming the offset', (t: TestContext) => {
  const reader = new BufferReader(Uint8Array.of(0, 0, 0, 9, 65));
  t.assert.throws(() => reader.string(), ProtocolError);
  try {
    new BufferReader(Uint8Array.of(0, 0)).int32();
  } catch (caught) {
    t.assert.ok(VoltError.is(caught));
    t.assert.equal((caught as ProtocolError).offset, 0);
  }
  t.assert.throws(() => new BufferReader(Uint8Array.of(0xff, 0xff, 0xff, 0xfe)).string(), /negative/);
});

test('invalid UTF-8 is a ProtocolError, a real U+FFFD is not', (t: TestContext) => {
  const bad = Buffer.from([0, 0, 0, 40, ...Buffer.alloc(39, 0x61), 0xc3]);
  t.assert.throws(() => new BufferReader(bad).string(), (e: unknown) => e instanceof ProtocolError && /UTF-8/.test(e.message));
  const good = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('\uFFFD')]);
  t.assert.equal(new BufferReader(good).string(), '\uFFFD');
});
