/**
 * One connection's write path: calls only enqueue; a single `setImmediate` flush per event-loop
 * turn encodes everything queued into pooled slabs and hands the bytes to the socket inside
 * `cork()`/`uncork()`, so all calls issued in one tick leave in one `writev`. Never a timer
 * that delays a lone call: the flush runs right after the current I/O phase.
 *
 * The flush stops when
 * - the socket says `writableNeedDrain` (resumes on `'drain'`),
 * - the producer says no more may go out now (`mayWrite()`: in-flight or rate limit; the
 *   producer calls {@link WriteScheduler.kick} when that changes),
 * - the slab pool is empty (resumes when a slab's write callback returns it).
 *
 * The slabs are the connection's bounded pool of fixed-size Buffers, here because the
 * scheduler is their only user and their life is its bookkeeping. Ownership: a slab handed to
 * `socket.write()` belongs to the socket until that write's callback runs. A slab can carry
 * several writes (the scheduler keeps filling the bytes after a segment already handed to the
 * socket), so each {@link Slab} counts its outstanding writes and returns to the pool only when
 * it is no longer the slab being filled *and* its last write callback has run. The callback is
 * created once per slab, so a write costs no closure. Running out of slabs is backpressure (the
 * flush waits for a release), not a reason to allocate without bound. The only Buffers allocated
 * after warm-up are the ones counted in {@link SlabPool.allocations}: a slab created when the
 * pool grows to its limit, an overflow slab when the writer needs one more mid-message with
 * the pool empty, and the own buffer of an invocation larger than a slab.
 *
 * A frame never straddles two writes' ownership problems: the writer asks for a new slab when
 * the current one is full (see `BufferWriter`'s `SlabSource`), and the complete frames before
 * the unfinished one are handed to the socket at that moment. An invocation larger than a slab
 * is built in its own one-off buffer, written, and dropped.
 */
import { Buffer } from 'node:buffer';
import { BufferWriter } from '../protocol/buffer-writer.js';
import { ClientClosedError, InvalidArgumentError } from '../errors.js';

/** One pooled Buffer with its write bookkeeping. */
export class Slab {
  readonly buffer: Buffer;
  /** Writes handed to the socket whose callback has not run yet. */
  writes = 0;
  /** True while the scheduler is still encoding into this slab. */
  filling = false;
  /** False for a one-off buffer (oversize invocation or overflow): dropped, not pooled, after its writes. */
  readonly pooled: boolean;
  /** The write callback, made once per slab. Pass it to `socket.write(chunk, slab.onWritten)`. */
  readonly onWritten: (error?: Error | null) => void;
  private readonly pool: SlabPool;

  constructor(pool: SlabPool, buffer: Buffer, pooled: boolean) {
    this.pool = pool;
    this.buffer = buffer;
    this.pooled = pooled;
    this.onWritten = () => {
      this.writes--;
      if (this.writes === 0 && !this.filling) this.pool.release(this);
    };
  }

  /** Stop filling: the slab goes back to the pool as soon as its writes have completed. */
  retire(): void {
    this.filling = false;
    if (this.writes === 0) this.pool.release(this);
  }
}

/** Options of {@link SlabPool}. */
export interface SlabPoolOptions {
  /** Bytes per slab. Default 64 KiB. */
  slabBytes?: number;
  /** Most slabs the pool ever creates. Default 16. */
  maxSlabs?: number;
  /** Slabs created up front (default 2), so a warm client allocates nothing. */
  preallocate?: number;
}

/** Default slab size: large enough for ~1,000 small invocations, small enough to keep in L2. */
export const DEFAULT_SLAB_BYTES = 64 * 1024;
/** Default most slabs per pool (1 MiB at the default slab size). */
export const DEFAULT_MAX_SLABS = 16;

/** The bounded pool of write slabs of one connection. */
export class SlabPool {
  readonly slabBytes: number;
  readonly maxSlabs: number;
  /** Every Buffer this pool allocated, pooled or one-off (the benchmark's allocations-per-call figure). */
  allocations = 0;
  /** One-off buffers made because the pool was empty mid-message. */
  overflows = 0;
  /** One-off buffers made for an invocation larger than a slab. */
  oversize = 0;
  private readonly free: Slab[] = [];
  private created = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(options: SlabPoolOptions = {}) {
    this.slabBytes = options.slabBytes ?? DEFAULT_SLAB_BYTES;
    this.maxSlabs = options.maxSlabs ?? DEFAULT_MAX_SLABS;
    if (!Number.isInteger(this.slabBytes) || this.slabBytes < 64) {
      throw new InvalidArgumentError(`slabBytes must be an integer >= 64, got ${this.slabBytes}`);
    }
    if (!Number.isInteger(this.maxSlabs) || this.maxSlabs < 1) {
      throw new InvalidArgumentError(`maxSlabs must be an integer >= 1, got ${this.maxSlabs}`);
    }
    const preallocate = Math.min(options.preallocate ?? 2, this.maxSlabs);
    for (let i = 0; i < preallocate; i++) this.free.push(this.create());
  }

  /** Slabs sitting in the pool right now. */
  get available(): number {
    return this.free.length;
  }

  /** Slabs created so far (never more than `maxSlabs`). */
  get size(): number {
    return this.created;
  }

  /** Slabs currently out of the pool (being filled or owned by the socket). */
  get inUse(): number {
    return this.created - this.free.length;
  }

  /** A slab to fill, or `null` when all `maxSlabs` are in use (wait with {@link onRelease}). */
  acquire(): Slab | null {
    let slab = this.free.pop();
    if (slab === undefined) {
      if (this.created >= this.maxSlabs) return null;
      slab = this.create();
    }
    slab.filling = true;
    return slab;
  }

  /**
   * A one-off slab of at least `minimumBytes`: for an invocation larger than a slab
   * (`oversize`) or when the pool ran dry in the middle of a message (`overflow`).
   * It is dropped after its writes, never pooled, so memory stays bounded by what is queued.
   */
  allocateOneOff(minimumBytes: number, reason: 'oversize' | 'overflow'): Slab {
    this.allocations++;
    if (reason === 'oversize') this.oversize++;
    else this.overflows++;
    const slab = new Slab(this, Buffer.allocUnsafeSlow(Math.max(minimumBytes, this.slabBytes)), false);
    slab.filling = true;
    return slab;
  }

  /** Called by {@link Slab} when its last write completed and it is no longer being filled. */
  release(slab: Slab): void {
    if (!slab.pooled) return;
    this.free.push(slab);
    // Waiters are the schedulers paused on "no slab"; each one re-checks on its own.
    if (this.waiters.length > 0) {
      const waiting = this.waiters.splice(0);
      for (const wake of waiting) wake();
    }
  }

  /** Call `wake` once, the next time a slab comes back. */
  onRelease(wake: () => void): void {
    if (!this.waiters.includes(wake)) this.waiters.push(wake);
  }

  /** Forget a waiter (its scheduler closed). */
  offRelease(wake: () => void): void {
    const at = this.waiters.indexOf(wake);
    if (at !== -1) this.waiters.splice(at, 1);
  }

  private create(): Slab {
    this.created++;
    this.allocations++;
    // allocUnsafeSlow: a dedicated ArrayBuffer, not a slice of Node's shared 8 KiB pool.
    return new Slab(this, Buffer.allocUnsafeSlow(this.slabBytes), true);
  }
}

/** The part of `net.Socket` the scheduler uses (a fake in unit tests). */
export interface WriteTarget {
  cork(): void;
  uncork(): void;
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  on(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/** What the scheduler asks of its owner (the connection). */
export interface FrameProducer<T> {
  /** May one more item go on the wire now (in-flight limit, rate limit)? */
  mayWrite(): boolean;
  /**
   * Encode `item` as whole frames at the writer's position (the scheduler has called
   * `writer.begin()`). Return false when nothing was written for it (it was already settled,
   * or its parameters were refused — the producer rolls the writer back and settles it).
   */
  encode(writer: BufferWriter, item: T): boolean;
  /** `encode` threw (a bug, not a refused parameter): the writer was rolled back; settle `item`. */
  encodeFailed(item: T, error: unknown): void;
  /** Optional: a flush has handed its bytes to the socket (after `uncork`). */
  flushed?(): void;
}

/** Below this many free bytes a slab is retired after a flush instead of kept for the next. */
const RETIRE_BELOW_BYTES = 1024;

/** One connection's write queue and its once-per-tick flush (see the file comment). */
export class WriteScheduler<T> {
  /** Flushes run (one per tick at most). */
  flushes = 0;
  /** `socket.write()` calls made. */
  writes = 0;
  /** Bytes handed to the socket. */
  bytesWritten = 0;
  /** Why the last flush stopped early, for tests and diagnostics. */
  blockedOn: 'none' | 'drain' | 'producer' | 'slabs' = 'none';

  private queue: (T | undefined)[] = [];
  private head = 0;
  private slab: Slab | null = null;
  /** Start of the bytes of the current slab not yet handed to the socket. */
  private writtenTo = 0;
  private readonly writer: BufferWriter;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly flushBound: () => void;
  private readonly wakeBound: () => void;

  constructor(
    private readonly target: WriteTarget,
    private readonly pool: SlabPool,
    private readonly producer: FrameProducer<T>,
  ) {
    this.flushBound = () => this.flush();
    this.wakeBound = () => this.kick();
    // The writer starts on an empty placeholder; the first flush swaps a pooled slab in.
    this.writer = new BufferWriter(Buffer.alloc(0), (minimum, finished, end) => this.nextSlab(minimum, finished, end));
    target.on('drain', this.wakeBound);
  }

  /** Items enqueued and not yet taken by a flush (including ones settled while waiting). */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Add an item; it goes out with this tick's flush. */
  enqueue(item: T): void {
    if (this.closed) throw new ClientClosedError('the connection is closed: its write scheduler takes no more frames');
    this.queue.push(item);
    this.schedule();
  }

  /** Schedule a flush if anything is waiting (after a response freed an in-flight slot, a drain, a slab release…). */
  kick(): void {
    if (this.queue.length - this.head > 0) this.schedule();
  }

  /** Stop for good: no more flushes; returns the items never taken, in order, for the owner to settle. */
  close(): T[] {
    this.closed = true;
    if (this.immediate !== null) {
      clearImmediate(this.immediate);
      this.immediate = null;
    }
    this.target.off('drain', this.wakeBound);
    this.pool.offRelease(this.wakeBound);
    if (this.slab !== null) {
      this.slab.retire();
      this.slab = null;
    }
    const rest = this.queue.slice(this.head) as T[];
    this.queue = [];
    this.head = 0;
    return rest;
  }

  private schedule(): void {
    if (this.immediate === null && !this.closed) this.immediate = setImmediate(this.flushBound);
  }

  /** Encode queued items into slabs and hand them to the socket; see the file comment for when it stops. */
  flush(): void {
    this.immediate = null;
    if (this.closed || this.target.destroyed) return;
    this.flushes++;
    this.blockedOn = 'none';
    const target = this.target;
    const writer = this.writer;
    target.cork();
    try {
      while (this.head < this.queue.length) {
        if (target.writableNeedDrain) {
          this.blockedOn = 'drain';
          break;
        }
        if (!this.producer.mayWrite()) {
          this.blockedOn = 'producer';
          break;
        }
        if (this.slab === null && !this.takeSlab()) {
          this.blockedOn = 'slabs';
          this.pool.onRelease(this.wakeBound);
          break;
        }
        const item = this.queue[this.head] as T;
        this.queue[this.head++] = undefined;
        writer.begin();
        try {
          this.producer.encode(writer, item);
        } catch (error) {
          // Never let half a frame go out; the item fails, the rest carry on.
          writer.rollback();
          this.producer.encodeFailed(item, error);
        }
        // A one-off buffer (oversize or overflow) holds this message only: send it and drop it.
        const slab = this.slab as Slab | null;
        if (slab !== null && !slab.pooled) this.releaseCurrent();
      }
      this.handOff();
      const slab = this.slab as Slab | null;
      if (slab !== null && slab.buffer.length - writer.offset < RETIRE_BELOW_BYTES) this.releaseCurrent();
    } finally {
      target.uncork();
      this.compact();
      this.producer.flushed?.();
    }
  }

  private takeSlab(): boolean {
    const slab = this.pool.acquire();
    if (slab === null) return false;
    this.slab = slab;
    this.writtenTo = 0;
    this.writer.useSlab(slab.buffer, 0);
    return true;
  }

  /** Hand the current slab's unsent bytes to the socket and stop filling it. */
  private releaseCurrent(): void {
    this.handOff();
    (this.slab as Slab).retire();
    this.slab = null;
  }

  /** Write the bytes encoded since the last hand-off (whole frames only). */
  private handOff(): void {
    const slab = this.slab;
    const end = this.writer.offset;
    if (slab === null || end <= this.writtenTo) return;
    this.writeSegment(slab, this.writtenTo, end);
    this.writtenTo = end;
  }

  private writeSegment(slab: Slab, start: number, end: number): void {
    slab.writes++;
    this.writes++;
    this.bytesWritten += end - start;
    this.target.write(slab.buffer.subarray(start, end), slab.onWritten);
  }

  /**
   * The writer's slab source: called when the current slab cannot hold the message being
   * written. Bytes before `finishedEnd` are complete frames and go to the socket now.
   */
  private nextSlab(minimumBytes: number, finished: Buffer, finishedEnd: number): Buffer {
    const slab = this.slab;
    if (slab !== null && slab.buffer === finished) {
      if (finishedEnd > this.writtenTo) this.writeSegment(slab, this.writtenTo, finishedEnd);
      slab.retire();
    }
    let next: Slab | null;
    if (minimumBytes > this.pool.slabBytes) {
      // Grow by doubling so a huge invocation is copied O(log n) times, not once per slab.
      next = this.pool.allocateOneOff(Math.max(minimumBytes, finished.length * 2), 'oversize');
    } else {
      next = this.pool.acquire() ?? this.pool.allocateOneOff(this.pool.slabBytes, 'overflow');
    }
    this.slab = next;
    this.writtenTo = 0;
    return next.buffer;
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
