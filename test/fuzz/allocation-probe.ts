/**
 * Counts binary allocations in this thread, to check "a peer cannot make the client allocate
 * more than maxFrameBytes": wraps `Buffer.alloc/allocUnsafe/allocUnsafeSlow/from`, the global
 * `ArrayBuffer`, `SharedArrayBuffer` and typed-array constructors, and `TypedArray.prototype.slice`, and records
 * the largest single allocation and the total since the last `reset()`.
 *
 * For tests and the fuzzer only: it replaces globals while installed, so `uninstall()` must
 * run (use try/finally). Views (`new Uint8Array(buffer, offset, length)`, `subarray`,
 * `Buffer.from(arrayBuffer)`) are not allocations and are not counted. Node's internals use
 * their own primordials and are not seen; everything the codec calls is.
 */

export interface AllocationRecord {
  bytes: number;
  /** Which API made it, e.g. `Buffer.allocUnsafe`, `new Float64Array`. */
  via: string;
  /** Stack at the allocation (only for the one that first crossed `limit`). */
  stack: string | undefined;
}

export class AllocationProbe {
  /** Allocations larger than this are recorded in `overLimit` (with a stack). */
  limit = Infinity;
  largest = 0;
  total = 0;
  count = 0;
  overLimit: AllocationRecord | null = null;
  /** False while paused (the harness's own allocations). */
  active = true;

  reset(limit = Infinity): void {
    this.limit = limit;
    this.largest = 0;
    this.total = 0;
    this.count = 0;
    this.overLimit = null;
  }

  record(bytes: number, via: string): void {
    if (!this.active) return;
    this.count++;
    this.total += bytes;
    if (bytes > this.largest) this.largest = bytes;
    if (bytes > this.limit && this.overLimit === null) {
      this.overLimit = { bytes, via, stack: new Error('allocation').stack?.split('\n').slice(3, 12).join('\n') };
    }
  }
}

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

type Restore = () => void;
let installed: { probe: AllocationProbe; restore: Restore[] } | null = null;

function isBinaryStore(value: unknown): boolean {
  return value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer);
}

/** Install the probe (once per thread); returns it. Call {@link uninstallAllocationProbe} to restore the globals. */
export function installAllocationProbe(): AllocationProbe {
  if (installed !== null) return installed.probe;
  const probe = new AllocationProbe();
  const restore: Restore[] = [];
  const globals = globalThis as unknown as Record<string, unknown>;

  const wrapStatic = (name: 'alloc' | 'allocUnsafe' | 'allocUnsafeSlow'): void => {
    const original = Buffer[name] as (size: number, ...rest: unknown[]) => Buffer;
    const wrapped = function (this: unknown, size: number, ...rest: unknown[]): Buffer {
      probe.record(typeof size === 'number' ? size : 0, `Buffer.${name}`);
      return original.call(Buffer, size, ...rest);
    };
    (Buffer as unknown as Record<string, unknown>)[name] = wrapped;
    restore.push(() => {
      (Buffer as unknown as Record<string, unknown>)[name] = original;
    });
  };
  wrapStatic('alloc');
  wrapStatic('allocUnsafe');
  wrapStatic('allocUnsafeSlow');

  const originalFrom = Buffer.from as (...args: unknown[]) => Buffer;
  (Buffer as unknown as { from: unknown }).from = function (...args: unknown[]): Buffer {
    const result = originalFrom.apply(Buffer, args);
    if (!isBinaryStore(args[0])) probe.record(result.byteLength, 'Buffer.from');
    return result;
  };
  restore.push(() => {
    (Buffer as unknown as { from: unknown }).from = originalFrom;
  });

  // ArrayBuffer, and SharedArrayBuffer (the frame decoder assembles big frames in shared memory).
  for (const name of ['ArrayBuffer', 'SharedArrayBuffer'] as const) {
    const Original = globals[name] as new (...args: unknown[]) => object;
    const proxy: new (...args: unknown[]) => object = new Proxy(Original, {
      construct(target, args, newTarget): object {
        probe.record(typeof args[0] === 'number' ? args[0] : 0, `new ${name}`);
        return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
      },
    });
    globals[name] = proxy;
    restore.push(() => {
      globals[name] = Original;
    });
  }

  for (const name of TYPED_ARRAYS) {
    const Original = globals[name] as new (...args: unknown[]) => ArrayBufferView;
    const proxy = new Proxy(Original, {
      construct(target, args, newTarget) {
        const result = Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as ArrayBufferView;
        if (!isBinaryStore(args[0])) probe.record(result.byteLength, `new ${name}`);
        return result;
      },
    });
    globals[name] = proxy;
    restore.push(() => {
      globals[name] = Original;
    });
  }

  // %TypedArray%.prototype.slice copies (e.g. Uint8Array.prototype.slice.call(frame, a, b)).
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as { slice: (this: ArrayBufferView, ...args: unknown[]) => ArrayBufferView };
  const originalSlice = typedArrayPrototype.slice;
  typedArrayPrototype.slice = function (this: ArrayBufferView, ...args: unknown[]): ArrayBufferView {
    const result = originalSlice.apply(this, args);
    probe.record(result.byteLength, 'TypedArray.prototype.slice');
    return result;
  };
  restore.push(() => {
    typedArrayPrototype.slice = originalSlice;
  });

  installed = { probe, restore };
  return probe;
}

/** Put every wrapped global back. */
export function uninstallAllocationProbe(): void {
  if (installed === null) return;
  for (const undo of installed.restore.reverse()) undo();
  installed = null;
}

/** Run `fn` with a fresh count; returns its result (or error) and what it allocated. */
export function measureAllocations<T>(probe: AllocationProbe, limit: number, fn: () => T): { value?: T; error?: unknown; largest: number; total: number; overLimit: AllocationRecord | null } {
  probe.reset(limit);
  probe.active = true;
  try {
    const value = fn();
    return { value, largest: probe.largest, total: probe.total, overLimit: probe.overLimit };
  } catch (error) {
    return { error, largest: probe.largest, total: probe.total, overLimit: probe.overLimit };
  } finally {
    probe.active = false;
  }
}

/**
 * Milliseconds spent in {@link uncounted} since the runner last reset it (subtracted from an
 * input's time), on the clock the runner times the input with (`now`, set by the runner).
 */
export const harnessTime = { ms: 0, now: (): number => performance.now() };

/** Run harness-only work (oracles, re-encodes) without counting its allocations or its time. */
export function uncounted<T>(fn: () => T): T {
  const probe = installed?.probe;
  const paused = probe !== undefined && probe.active;
  if (paused) probe.active = false;
  const start = harnessTime.now();
  try {
    return fn();
  } finally {
    harnessTime.ms += harnessTime.now() - start;
    if (paused) probe.active = true;
  }
}
