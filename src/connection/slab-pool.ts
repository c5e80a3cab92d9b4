/**
 * A bounded pool of fixed-size Buffers ("slabs") that outgoing frames are encoded into.
 *
 * Ownership: a slab handed to `socket.write()` belongs to the socket until that write's
 * callback runs. A slab can carry several writes (the write scheduler keeps filling the bytes
 * after a segment already handed to the socket), so each {@link Slab} counts its outstanding
 * writes and returns to the pool only when it is no longer the slab being filled *and* its last
 * write callback has run. The callback is created once per slab, so a write costs no closure.
 *
 * The pool is bounded: running out of slabs is a backpressure signal for the scheduler (it
 * waits for a release), not a reason to allocate without bound. The only Buffers allocated
 * after warm-up are the ones counted in {@link SlabPool.allocations}: a slab created when the
 * pool grows to its limit, an overflow slab when the writer needs one more mid-message with
 * the pool empty, and the own buffer of an invocation larger than a slab.
 */
import { InvalidArgumentError } from '../errors.js';

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
