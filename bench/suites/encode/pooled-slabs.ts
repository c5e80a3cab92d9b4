/**
 * Encoding into pooled slabs, the way a connection does it (DESIGN.md: a call costs no fresh
 * Buffer in steady state): one `BufferWriter` writes frame after frame into a slab from the
 * connection's `SlabPool`; when a slab is full the writer's source takes the next one. At the
 * end of an iteration — a "tick" — the slabs are retired, as the socket's write callbacks
 * would, and return to the pool for the next iteration.
 *
 * The pool is sized from the input outside timing, so after warm-up no iteration allocates;
 * the `slab allocations` metric reports whether that held.
 */
import { SlabPool, type Slab } from '../../../src/connection/write-scheduler.js';
import { BufferWriter } from '../../../src/protocol/buffer-writer.js';
import { writeInvocation, type InvocationRequest } from '../../../src/protocol/invocation-writer.js';

export const SLAB_BYTES = 64 * 1024;

export class PooledEncoder {
  readonly pool: SlabPool;
  private readonly writer: BufferWriter;
  private readonly held: Slab[] = [];
  /** Where each frame of the last iteration is: its slab's buffer and byte range. */
  readonly frameSlabs: Buffer[] = [];
  readonly frameStarts: Int32Array;
  readonly frameEnds: Int32Array;
  private readonly allocationsAtStart: number;

  constructor(frames: number, bytes: number) {
    const slabs = Math.ceil(bytes / (SLAB_BYTES / 2)) + 2;
    this.pool = new SlabPool({ slabBytes: SLAB_BYTES, maxSlabs: slabs, preallocate: slabs });
    this.allocationsAtStart = this.pool.allocations;
    this.frameStarts = new Int32Array(frames);
    this.frameEnds = new Int32Array(frames);
    this.writer = new BufferWriter(Buffer.alloc(0), (minimum) => this.next(minimum).buffer);
  }

  private next(minimum: number): Slab {
    const pool = this.pool;
    let slab: Slab;
    if (minimum > pool.slabBytes) slab = pool.allocateOneOff(minimum, 'oversize');
    else slab = pool.acquire() ?? pool.allocateOneOff(minimum, 'overflow');
    this.held.push(slab);
    return slab;
  }

  /** One tick: every request into slabs, then the slabs go back to the pool. */
  encode(requests: readonly InvocationRequest[]): this {
    const w = this.writer;
    const first = this.next(0);
    w.useSlab(first.buffer, 0);
    const slabs = this.frameSlabs;
    slabs.length = 0;
    for (let i = 0; i < requests.length; i++) {
      w.begin();
      writeInvocation(w, requests[i]!);
      slabs.push(w.buffer);
      this.frameStarts[i] = w.mark;
      this.frameEnds[i] = w.offset;
    }
    for (const slab of this.held) slab.retire();
    this.held.length = 0;
    return this;
  }

  /** The frames of the last iteration, as views (valid until the next one). */
  frames(): Buffer[] {
    return this.frameSlabs.map((slab, i) => slab.subarray(this.frameStarts[i], this.frameEnds[i]));
  }

  /** Buffers the pool allocated since construction (0 = steady state held). */
  get allocations(): number {
    return this.pool.allocations - this.allocationsAtStart;
  }
}
