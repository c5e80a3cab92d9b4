import { EventEmitter } from 'node:events';
import { describe, test, type TestContext } from 'node:test';
import type { BufferWriter } from '../../src/protocol/buffer-writer.js';
import { SlabPool, WriteScheduler, type FrameProducer, type WriteTarget } from '../../src/connection/write-scheduler.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** A socket stand-in: records chunks, completes writes when told, emulates highWaterMark. */
class FakeSocket extends EventEmitter implements WriteTarget {
  chunks: Buffer[] = [];
  callbacks: ((error?: Error | null) => void)[] = [];
  corks = 0;
  uncorks = 0;
  corked = false;
  writesWhileCorked = 0;
  buffered = 0;
  needDrain = false;
  destroyed = false;
  constructor(readonly highWaterMark = Infinity) {
    super();
  }
  get writableNeedDrain(): boolean {
    return this.needDrain;
  }
  cork(): void {
    this.corks++;
    this.corked = true;
  }
  uncork(): void {
    this.uncorks++;
    this.corked = false;
  }
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean {
    if (this.corked) this.writesWhileCorked++;
    this.chunks.push(Buffer.from(chunk)); // copy: the slab is reused after the callback
    this.callbacks.push(callback);
    this.buffered += chunk.length;
    if (this.buffered >= this.highWaterMark) this.needDrain = true;
    return !this.needDrain;
  }
  /** The kernel took everything: run the callbacks, then 'drain' if it was needed. */
  complete(): void {
    const callbacks = this.callbacks;
    this.callbacks = [];
    this.buffered = 0;
    for (const callback of callbacks) callback(null);
    if (this.needDrain) {
      this.needDrain = false;
      this.emit('drain');
    }
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Items are body sizes; each becomes one frame `i32 size` + `size` bytes of (size & 0xff). Negative = refused. */
class SizedProducer implements FrameProducer<number> {
  allowed = Infinity;
  encoded: number[] = [];
  refused: number[] = [];
  encodeFailed(): void {
    throw new Error('not expected');
  }
  mayWrite(): boolean {
    return this.allowed > 0;
  }
  encode(writer: BufferWriter, size: number): boolean {
    if (size < 0) {
      writer.int32(123); // half a message, then refused: must be rolled back
      writer.rollback();
      this.refused.push(size);
      return false;
    }
    this.allowed--;
    const at = writer.reserveLength();
    writer.ensure(size);
    writer.buffer.fill(size & 0xff, writer.offset, writer.offset + size);
    writer.offset += size;
    writer.fillLength(at);
    this.encoded.push(size);
    return true;
  }
}

function framesOf(bytes: Buffer): number[] {
  const sizes: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = bytes.readInt32BE(at);
    for (let i = 0; i < size; i++) if (bytes[at + 4 + i] !== (size & 0xff)) throw new Error(`frame ${sizes.length} corrupted at byte ${i}`);
    sizes.push(size);
    at += 4 + size;
  }
  return sizes;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(options: { slabBytes?: number; maxSlabs?: number; highWaterMark?: number } = {}) {
  const socket = new FakeSocket(options.highWaterMark);
  const pool = new SlabPool({ slabBytes: options.slabBytes ?? 1024, maxSlabs: options.maxSlabs ?? 4 });
  const producer = new SizedProducer();
  const scheduler = new WriteScheduler<number>(socket, pool, producer);
  return { socket, pool, producer, scheduler };
}

describe('WriteScheduler', () => {
  test('everything enqueued in one tick leaves in one flush and one write, corked', async (t: TestContext) => {
    const { socket, scheduler, producer } = setup();
    for (let i = 1; i <= 50; i++) scheduler.enqueue(i % 10);
    t.assert.strictEqual(socket.chunks.length, 0, 'enqueue never writes synchronously');
    t.assert.strictEqual(scheduler.queued, 50);
    await tick();
    t.assert.strictEqual(scheduler.flushes, 1);
    t.assert.strictEqual(socket.chunks.length, 1);
    t.assert.strictEqual(socket.writesWhileCorked, 1);
    t.assert.strictEqual(socket.corks, 1);
    t.assert.strictEqual(socket.uncorks, 1);
    t.assert.deepStrictEqual(framesOf(socket.bytes()), producer.encoded);
    t.assert.strictEqual(scheduler.queued, 0);
    scheduler.close();
  });

  test('a lone call is flushed on the next tick, not delayed by a timer', async (t: TestContext) => {
    const { socket, scheduler } = setup();
    scheduler.enqueue(3);
    await tick();
    t.assert.deepStrictEqual(framesOf(socket.bytes()), [3]);
    scheduler.close();
  });

  test('a full slab is handed off whole frames first; a slab returns to the pool only in its write callback', async (t: TestContext) => {
    const { socket, scheduler, pool, producer } = setup({ slabBytes: 256, maxSlabs: 8 });
    for (let i = 0; i < 40; i++) scheduler.enqueue(20);
    await tick();
    t.assert.ok(socket.chunks.length > 1, 'several slabs were needed');
    t.assert.deepStrictEqual(framesOf(socket.bytes()), producer.encoded);
    for (const chunk of socket.chunks) framesOf(chunk); // every chunk holds whole frames only
    const outBefore = pool.inUse;
    t.assert.ok(outBefore >= socket.chunks.length - 1, 'slabs stay out while the socket owns them');
    socket.complete();
    t.assert.ok(pool.inUse <= 1, 'after the callbacks only the slab being filled is out');
    scheduler.close();
    t.assert.strictEqual(pool.inUse, 0);
  });

  test('the current slab keeps filling across flushes while earlier segments are in flight', async (t: TestContext) => {
    const { socket, scheduler, pool } = setup({ slabBytes: 4096 });
    scheduler.enqueue(10);
    await tick();
    scheduler.enqueue(11);
    await tick();
    t.assert.strictEqual(socket.chunks.length, 2);
    t.assert.strictEqual(pool.size, 2, 'no slab was created beyond the preallocated ones');
    t.assert.strictEqual(pool.inUse, 1, 'one slab carries both segments');
    socket.complete();
    t.assert.strictEqual(pool.inUse, 1, 'still filling, so not back in the pool');
    scheduler.close();
    t.assert.strictEqual(pool.inUse, 0, 'retired with no writes pending: back in the pool');
  });

  test('an invocation larger than a slab gets its own buffer, counted', async (t: TestContext) => {
    const { socket, scheduler, pool, producer } = setup({ slabBytes: 256 });
    const before = pool.allocations;
    scheduler.enqueue(5);
    scheduler.enqueue(5000);
    scheduler.enqueue(6);
    await tick();
    t.assert.deepStrictEqual(framesOf(socket.bytes()), producer.encoded);
    t.assert.deepStrictEqual(producer.encoded, [5, 5000, 6]);
    t.assert.ok(pool.oversize >= 1);
    t.assert.ok(pool.allocations > before);
    socket.complete();
    scheduler.close();
    t.assert.strictEqual(pool.inUse, 0);
    t.assert.strictEqual(pool.size, 2, 'the one-off buffer was never pooled');
  });

  test('steady state allocates nothing', async (t: TestContext) => {
    const { socket, scheduler, pool } = setup({ slabBytes: 1024, maxSlabs: 4 });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 30; i++) scheduler.enqueue(25);
      await tick();
      socket.complete();
    }
    const warm = pool.allocations;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 30; i++) scheduler.enqueue(25);
      await tick();
      socket.complete();
    }
    t.assert.strictEqual(pool.allocations, warm);
    scheduler.close();
  });

  test('stops on writableNeedDrain and resumes on drain', async (t: TestContext) => {
    const { socket, scheduler, producer } = setup({ slabBytes: 128, maxSlabs: 8, highWaterMark: 100 });
    for (let i = 0; i < 30; i++) scheduler.enqueue(20);
    await tick();
    t.assert.strictEqual(scheduler.blockedOn, 'drain');
    const sentBefore = producer.encoded.length;
    t.assert.ok(sentBefore < 30);
    await tick();
    t.assert.strictEqual(producer.encoded.length, sentBefore, 'nothing more until drain');
    while (scheduler.queued > 0) {
      socket.complete();
      await tick();
    }
    t.assert.strictEqual(producer.encoded.length, 30);
    t.assert.deepStrictEqual(framesOf(socket.bytes()), producer.encoded);
    socket.complete();
    scheduler.close();
  });

  test('stops when the producer says no, resumes on kick', async (t: TestContext) => {
    const { socket, scheduler, producer } = setup();
    producer.allowed = 3;
    for (let i = 0; i < 10; i++) scheduler.enqueue(4);
    await tick();
    t.assert.strictEqual(producer.encoded.length, 3);
    t.assert.strictEqual(scheduler.blockedOn, 'producer');
    producer.allowed = 100;
    scheduler.kick();
    await tick();
    t.assert.strictEqual(producer.encoded.length, 10);
    t.assert.strictEqual(framesOf(socket.bytes()).length, 10);
    scheduler.close();
  });

  test('waits for a slab when the pool is exhausted, resumes when one is released', async (t: TestContext) => {
    const { socket, scheduler, pool, producer } = setup({ slabBytes: 128, maxSlabs: 2 });
    for (let i = 0; i < 40; i++) scheduler.enqueue(30);
    await tick();
    t.assert.strictEqual(scheduler.blockedOn, 'slabs');
    t.assert.ok(pool.overflows <= 1, 'at most one overflow buffer per flush');
    const sent = producer.encoded.length;
    t.assert.ok(sent < 40);
    for (let i = 0; i < 40 && scheduler.queued > 0; i++) {
      socket.complete();
      await tick();
    }
    t.assert.strictEqual(producer.encoded.length, 40);
    t.assert.deepStrictEqual(framesOf(socket.bytes()), producer.encoded);
    socket.complete();
    scheduler.close();
    t.assert.ok(pool.size <= 2);
  });

  test('a refused item writes nothing and the rest still go out', async (t: TestContext) => {
    const { socket, scheduler, producer } = setup();
    scheduler.enqueue(7);
    scheduler.enqueue(-1);
    scheduler.enqueue(8);
    await tick();
    t.assert.deepStrictEqual(producer.refused, [-1]);
    t.assert.deepStrictEqual(framesOf(socket.bytes()), [7, 8]);
    scheduler.close();
  });

  test('close returns what was never taken and stops flushing', async (t: TestContext) => {
    const { socket, scheduler } = setup();
    scheduler.enqueue(1);
    scheduler.enqueue(2);
    t.assert.deepStrictEqual(scheduler.close(), [1, 2]);
    await tick();
    t.assert.strictEqual(socket.chunks.length, 0);
    t.assert.throws(() => scheduler.enqueue(3), /closed/);
    t.assert.strictEqual(socket.listenerCount('drain'), 0);
  });

  test('a destroyed target is not written to', async (t: TestContext) => {
    const { socket, scheduler } = setup();
    socket.destroyed = true;
    scheduler.enqueue(1);
    await tick();
    t.assert.strictEqual(socket.chunks.length, 0);
    scheduler.close();
  });

  test('a producer that throws leaves no half frame behind', async (t: TestContext) => {
    const socket = new FakeSocket();
    const pool = new SlabPool({ slabBytes: 256 });
    let calls = 0;
    const failed: string[] = [];
    const scheduler = new WriteScheduler<number>(socket, pool, {
      mayWrite: () => true,
      encodeFailed: (item, error) => failed.push(`${item}: ${(error as Error).message}`),
      encode(writer: BufferWriter, size: number): boolean {
        calls++;
        writer.int32(size);
        if (size === 0) throw new Error('boom');
        writer.ensure(size);
        writer.offset += size;
        return true;
      },
    });
    scheduler.enqueue(0);
    scheduler.enqueue(2);
    await tick();
    t.assert.strictEqual(calls, 2);
    t.assert.deepStrictEqual(failed, ['0: boom']);
    t.assert.deepStrictEqual([...socket.bytes().subarray(0, 4)], [0, 0, 0, 2]);
    t.assert.strictEqual(socket.bytes().length, 6);
    scheduler.close();
  });
});

describe('SlabPool', () => {
  test('bounded: acquire returns null at maxSlabs; release wakes waiters', (t: TestContext) => {
    const pool = new SlabPool({ slabBytes: 64, maxSlabs: 2, preallocate: 0 });
    t.assert.strictEqual(pool.allocations, 0);
    const a = pool.acquire()!;
    const b = pool.acquire()!;
    t.assert.strictEqual(pool.acquire(), null);
    t.assert.strictEqual(pool.allocations, 2);
    let woken = 0;
    const wake = (): void => void woken++;
    pool.onRelease(wake);
    pool.onRelease(wake);
    a.writes = 1;
    a.retire();
    t.assert.strictEqual(pool.available, 0, 'a write is pending');
    a.onWritten();
    t.assert.strictEqual(pool.available, 1);
    t.assert.strictEqual(woken, 1, 'a waiter is called once');
    pool.onRelease(wake);
    pool.offRelease(wake);
    b.retire();
    t.assert.strictEqual(woken, 1);
    t.assert.strictEqual(pool.inUse, 0);
    t.assert.strictEqual(pool.size, 2);
  });

  test('one-off slabs are counted and never pooled', (t: TestContext) => {
    const pool = new SlabPool({ slabBytes: 64, maxSlabs: 1 });
    const big = pool.allocateOneOff(1000, 'oversize');
    const dry = pool.allocateOneOff(10, 'overflow');
    t.assert.ok(big.buffer.length >= 1000);
    t.assert.strictEqual(dry.buffer.length, 64);
    t.assert.strictEqual(pool.oversize, 1);
    t.assert.strictEqual(pool.overflows, 1);
    t.assert.strictEqual(pool.allocations, 3);
    big.retire();
    dry.retire();
    t.assert.strictEqual(pool.available, 1);
  });

  test('rejects nonsense sizes', (t: TestContext) => {
    t.assert.throws(() => new SlabPool({ slabBytes: 10 }), InvalidArgumentError);
    t.assert.throws(() => new SlabPool({ maxSlabs: 0 }), InvalidArgumentError);
  });
});
