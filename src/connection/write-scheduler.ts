/**
 * One write per tick: calls only enqueue; a single `setImmediate` flush per event-loop turn
 * encodes everything queued into pooled slabs and hands the bytes to the socket inside
 * `cork()`/`uncork()`, so all calls issued in one tick leave in one `writev`. Never a timer
 * that delays a lone call: the flush runs right after the current I/O phase.
 *
 * The flush stops when
 * - the socket says `writableNeedDrain` (resumes on `'drain'`),
 * - the producer says no more may go out now (`mayWrite()`: in-flight or rate limit; the
 *   producer calls {@link WriteScheduler.kick} when that changes),
 * - the slab pool is empty (resumes when a slab's write callback returns it).
 *
 * A frame never straddles two writes' ownership problems: the writer asks for a new slab when
 * the current one is full (see `BufferWriter`'s `SlabSource`), and the complete frames before
 * the unfinished one are handed to the socket at that moment. An invocation larger than a slab
 * is built in its own one-off buffer, written, and dropped.
 */
import { BufferWriter } from '../protocol/buffer-writer.js';
import type { Slab, SlabPool } from './slab-pool.js';
import { ClientClosedError } from '../errors.js';

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
