import { describe, test, type TestContext } from 'node:test';
import { FrameDecoder, DEFAULT_MAX_FRAME_BYTES } from '../../src/protocol/frame-decoder.js';
import { ProtocolError, VoltError } from '../../src/errors.js';

/** The ProtocolError `fn` throws (fails the test if it throws nothing or something else). */
function caught(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

/** A frame with a body of `size` bytes whose content identifies it. */
function frame(size: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(4 + size);
  bytes.writeInt32BE(size, 0);
  for (let i = 0; i < size; i++) bytes[4 + i] = (seed * 31 + i) & 0xff;
  return bytes;
}

function collect(options: { maxFrameBytes?: number; ownBufferAtBytes?: number } = {}) {
  const frames: Buffer[] = [];
  const decoder = new FrameDecoder({ ...options, onFrame: (f) => frames.push(f) });
  return { decoder, frames };
}

function feed(decoder: FrameDecoder, stream: Buffer, cuts: readonly number[]): void {
  let start = 0;
  for (const cut of [...cuts, stream.length]) {
    decoder.push(stream.subarray(start, cut));
    start = cut;
  }
}

const FRAMES = [frame(1, 1), frame(9, 2), frame(300, 3), frame(4, 4), frame(70, 5)];
/** Its own ArrayBuffer, so "is a view of the stream" can be told apart from pooled copies. */
function unpooled(bytes: Buffer): Buffer {
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}
const STREAM = unpooled(Buffer.concat(FRAMES));

describe('FrameDecoder splits a stream into frames', () => {
  test('whole stream in one chunk: every frame is a view of the chunk', (t: TestContext) => {
    const { decoder, frames } = collect();
    decoder.push(STREAM);
    t.assert.deepEqual(frames, FRAMES);
    let offset = 0;
    for (const f of frames) {
      t.assert.equal(f.buffer, STREAM.buffer, 'shares the chunk memory');
      t.assert.equal(f.byteOffset, STREAM.byteOffset + offset);
      offset += f.length;
    }
    t.assert.equal(decoder.bufferedBytes, 0);
    t.assert.equal(decoder.streamOffset, STREAM.length);
  });

  test('byte by byte', (t: TestContext) => {
    const { decoder, frames } = collect();
    for (let i = 0; i < STREAM.length; i++) {
      decoder.push(STREAM.subarray(i, i + 1));
      t.assert.equal(decoder.bufferedBytes + frames.reduce((n, f) => n + f.length, 0), i + 1);
    }
    t.assert.deepEqual(frames, FRAMES);
    for (const f of frames) {
      t.assert.equal(f.length, f.readInt32BE(0) + 4);
      t.assert.notEqual(f.buffer, STREAM.buffer, 'a split frame is a copy');
    }
  });

  test('split at every position once (covers every header boundary)', (t: TestContext) => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const { decoder, frames } = collect();
      feed(decoder, STREAM, [cut]);
      t.assert.deepEqual(frames, FRAMES, `cut at ${cut}`);
    }
  });

  test('split at every pair of positions inside the first frames', (t: TestContext) => {
    const limit = 40;
    for (let a = 0; a <= limit; a++) {
      for (let b = a; b <= limit; b++) {
        const { decoder, frames } = collect();
        feed(decoder, STREAM, [a, b]);
        t.assert.deepEqual(frames, FRAMES, `cuts at ${a}, ${b}`);
      }
    }
  });

  test('a split frame is copied once into a buffer of exactly its size', (t: TestContext) => {
    const { decoder, frames } = collect();
    const big = frame(5000, 9);
    decoder.push(big.subarray(0, 2));
    t.assert.equal(decoder.bufferedBytes, 2);
    t.assert.deepEqual(decoder.peekBuffered(), big.subarray(0, 2));
    decoder.push(big.subarray(2, 100));
    t.assert.equal(decoder.bufferedBytes, 100);
    t.assert.deepEqual(decoder.peekBuffered(), big.subarray(0, 100));
    decoder.push(big.subarray(100, 4000));
    decoder.push(big.subarray(4000));
    t.assert.equal(frames.length, 1);
    t.assert.equal(frames[0]!.length, big.length);
    t.assert.equal(frames[0]!.byteOffset, 0);
    t.assert.equal(frames[0]!.buffer.byteLength, big.length, 'exact size, no slack');
    t.assert.deepEqual(frames[0], big);
  });

  test('accepts a plain Uint8Array chunk', (t: TestContext) => {
    const { decoder, frames } = collect();
    const copy = new Uint8Array(STREAM);
    decoder.push(copy);
    t.assert.deepEqual(frames, FRAMES);
    t.assert.equal(frames[0]!.buffer, copy.buffer);
  });

  test('an empty chunk is a no-op', (t: TestContext) => {
    const { decoder, frames } = collect();
    decoder.push(Buffer.alloc(0));
    decoder.push(STREAM.subarray(0, 3));
    decoder.push(Buffer.alloc(0));
    decoder.push(STREAM.subarray(3));
    t.assert.deepEqual(frames, FRAMES);
  });
});

describe('FrameDecoder gives big frames their own shared memory', () => {
  test('a big frame inside one chunk is copied once into its own exact SharedArrayBuffer', (t: TestContext) => {
    const { decoder, frames } = collect({ ownBufferAtBytes: 1000 });
    const small = frame(10, 1);
    const big = frame(2000, 2);
    const chunk = Buffer.concat([small, big, small]);
    decoder.push(chunk);
    t.assert.equal(frames.length, 3);
    t.assert.equal(frames[0]!.buffer, chunk.buffer, 'small frame is a view');
    t.assert.notEqual(frames[1]!.buffer, chunk.buffer, 'big frame is a copy');
    t.assert.equal(frames[1]!.byteOffset, 0);
    t.assert.ok(frames[1]!.buffer instanceof SharedArrayBuffer);
    t.assert.equal(frames[1]!.buffer.byteLength, big.length);
    t.assert.deepEqual(frames[1], big);
    t.assert.equal(frames[2]!.buffer, chunk.buffer);
  });

  test('a big frame split across chunks is assembled in its own exact SharedArrayBuffer (shared, never detached)', (t: TestContext) => {
    const { decoder, frames } = collect({ ownBufferAtBytes: 1000 });
    const big = frame(3000, 7);
    for (let i = 0; i < big.length; i += 512) decoder.push(big.subarray(i, i + 512));
    t.assert.equal(frames.length, 1);
    const got = frames[0]!;
    t.assert.equal(got.byteOffset, 0);
    t.assert.equal(got.buffer.byteLength, big.length);
    t.assert.deepEqual(got, big);
    t.assert.ok(got.buffer instanceof SharedArrayBuffer);
    // Posting it shares the memory: both sides see the same bytes, nothing is detached.
    const clone = structuredClone(got.buffer) as SharedArrayBuffer;
    new Uint8Array(clone)[4] = 0xee;
    t.assert.equal(got[4], 0xee);
    t.assert.equal(got.buffer.byteLength, big.length);
  });

  test('a big frame whose length prefix itself is split gets its own SharedArrayBuffer', (t: TestContext) => {
    const { decoder, frames } = collect({ ownBufferAtBytes: 100 });
    const big = frame(500, 3);
    decoder.push(big.subarray(0, 2));
    decoder.push(big.subarray(2, 300));
    decoder.push(big.subarray(300));
    t.assert.equal(frames[0]!.buffer.byteLength, big.length);
    t.assert.deepEqual(frames[0], big);
  });

  test('the threshold counts the prefix and is inclusive; 0 makes every frame own its buffer', (t: TestContext) => {
    const at = collect({ ownBufferAtBytes: 14 });
    const chunk = Buffer.concat([frame(10, 1), frame(9, 2)]);
    at.decoder.push(chunk);
    t.assert.equal(at.frames[0]!.buffer.byteLength, 14, '14 bytes ≥ 14: own buffer');
    t.assert.equal(at.frames[1]!.buffer, chunk.buffer, '13 bytes: a view');
    const all = collect({ ownBufferAtBytes: 0 });
    all.decoder.push(chunk);
    t.assert.ok(all.frames.every((f) => f.buffer.byteLength === f.length && f.byteOffset === 0));
    const never = collect({ ownBufferAtBytes: Infinity });
    never.decoder.push(chunk);
    t.assert.ok(never.frames.every((f) => f.buffer === chunk.buffer));
  });

  test('the default threshold is 256 KiB', (t: TestContext) => {
    const { decoder, frames } = collect();
    const below = frame(256 * 1024 - 5, 1);
    const at = frame(256 * 1024 - 4, 2);
    const chunk = Buffer.concat([below, at]);
    decoder.push(chunk);
    t.assert.equal(frames[0]!.buffer, chunk.buffer);
    t.assert.equal(frames[1]!.buffer.byteLength, 256 * 1024);
    t.assert.equal(decoder.ownBufferAtBytes, 256 * 1024);
  });
});

describe('FrameDecoder refuses hostile lengths', () => {
  for (const [what, length] of [
    ['zero', 0],
    ['negative', -1],
    ['most negative', -0x80000000],
    ['above the limit', 1025],
    ['i32 max', 0x7fffffff],
  ] as const) {
    test(`length ${what} (${length}) is a ProtocolError naming offset and length, nothing allocated`, (t: TestContext) => {
      const { decoder, frames } = collect({ maxFrameBytes: 1024 });
      const good = frame(5, 1);
      const bad = Buffer.alloc(4);
      bad.writeInt32BE(length, 0);
      const e = caught(() => decoder.push(Buffer.concat([good, bad, good])));
      t.assert.equal(frames.length, 1, 'frames before the bad prefix are delivered');
      t.assert.equal(e.offset, good.length);
      t.assert.match(e.message, new RegExp(String(length)));
      t.assert.match(e.message, /at byte 9/);
      t.assert.equal(decoder.bufferedBytes, 0, 'nothing buffered for the hostile frame');
    });
  }

  test('a hostile length split across chunks is caught at its stream offset', (t: TestContext) => {
    const { decoder } = collect({ maxFrameBytes: 1024 });
    decoder.push(frame(3, 1));
    decoder.push(Buffer.from([0x7f, 0xff]));
    const e = caught(() => decoder.push(Buffer.from([0xff, 0xff, 0, 0])));
    t.assert.equal(e.offset, 7);
    t.assert.match(e.message, /2147483647 exceeds the 1024-byte limit/);
  });

  test('the limit is inclusive and applies to the body length', (t: TestContext) => {
    const { decoder, frames } = collect({ maxFrameBytes: 16 });
    decoder.push(frame(16, 1));
    t.assert.equal(frames.length, 1);
    t.assert.throws(() => decoder.push(frame(17, 1)), ProtocolError);
  });

  test('the default limit is 64 MiB', (t: TestContext) => {
    const { decoder } = collect();
    t.assert.equal(decoder.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
    t.assert.equal(DEFAULT_MAX_FRAME_BYTES, 64 * 1024 * 1024);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(64 * 1024 * 1024 + 1, 0);
    t.assert.throws(() => decoder.push(prefix), /exceeds the 67108864-byte limit/);
  });

  test('after an error the decoder refuses input until reset()', (t: TestContext) => {
    const { decoder, frames } = collect();
    t.assert.throws(() => decoder.push(Buffer.from([0, 0, 0, 0])), ProtocolError);
    const again = caught(() => decoder.push(frame(3, 1)));
    t.assert.match(again.message, /call reset\(\)/);
    t.assert.equal(frames.length, 0);
    decoder.reset();
    decoder.push(frame(3, 1));
    t.assert.equal(frames.length, 1);
    t.assert.equal(decoder.streamOffset, 7);
  });

  test('reset() drops a partial frame', (t: TestContext) => {
    const { decoder, frames } = collect();
    decoder.push(frame(100, 1).subarray(0, 50));
    t.assert.equal(decoder.bufferedBytes, 50);
    decoder.reset();
    t.assert.equal(decoder.bufferedBytes, 0);
    decoder.push(frame(2, 2));
    t.assert.deepEqual(frames, [frame(2, 2)]);
  });

  test('a throwing onFrame propagates its error and stops the decoder', (t: TestContext) => {
    const boom = new Error('listener failed');
    const decoder = new FrameDecoder({
      onFrame: () => {
        throw boom;
      },
    });
    t.assert.throws(() => decoder.push(frame(2, 1)), (e) => e === boom);
    t.assert.throws(() => decoder.push(frame(2, 1)), /onFrame threw/);
  });

  test('the connection-limit byte stays buffered as a partial prefix for the connection to see', (t: TestContext) => {
    const { decoder, frames } = collect();
    decoder.push(Buffer.from([0x01]));
    t.assert.equal(frames.length, 0);
    t.assert.equal(decoder.bufferedBytes, 1);
    t.assert.deepEqual([...decoder.peekBuffered()], [0x01]);
  });

  test('bad options are refused with a VoltError', (t: TestContext) => {
    const onFrame = (): void => {};
    for (const maxFrameBytes of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
      t.assert.throws(() => new FrameDecoder({ maxFrameBytes, onFrame }), VoltError);
    }
    t.assert.throws(() => new FrameDecoder({ ownBufferAtBytes: -1, onFrame }), VoltError);
    t.assert.throws(() => new FrameDecoder({ ownBufferAtBytes: Number.NaN, onFrame }), VoltError);
    t.assert.throws(() => new FrameDecoder({} as never), VoltError);
  });
});
